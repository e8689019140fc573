# make setup | make demo [DATA=../shared/data] [FAMILIES=...] [FULL=1] | make test | make bench
PYTHON ?= python
DATA ?=
# `make demo FAMILIES=thermal` runs one family
FAMILIES ?= kaggle_pose apple_watch butppg thermal ava_custom

.PHONY: setup demo test bench

# Installs into the active Python environment. torch first, as the CPU wheel
# 2.13.0 (a plain `pip install torch` would pull a multi-GB CUDA build), then
# mmcv-lite unless an mmcv that mmaction2 1.2.0 accepts (>=2.0.0rc4, <2.2;
# lite or full) is importable, then ftplugin with its pinned OpenMMLab stack.
setup:
	@$(PYTHON) -c "import torch" 2>/dev/null || $(PYTHON) -m pip install torch==2.13.0
	@$(PYTHON) -c "import mmcv; from packaging.version import Version as V; \
	  assert V('2.0.0rc4') <= V(mmcv.__version__) < V('2.2.0')" 2>/dev/null \
	  || $(PYTHON) -m pip install mmcv-lite==2.1.0
	$(PYTHON) -m pip install -q -e ".[tests]"

# End-to-end demo: generated data by default, the real files with DATA=DIR;
# small sets and short schedules, the configs' own with FULL=1.
demo: setup
	$(PYTHON) demo/run_demo.py --families $(FAMILIES) $(if $(DATA),--data-root $(DATA)) $(if $(filter 1 yes true,$(FULL)),--full)

# The suite runs on one pytest-xdist worker per core (TEST_WORKERS=0: one
# process), each worker and the tools it starts on one thread; loadgroup
# keeps a module whose fixtures train on one worker (tests/conftest.py).
TEST_WORKERS ?= auto
test: setup
	$(PYTHON) -m pytest tests -ra -n $(TEST_WORKERS) --dist loadgroup

# Side-by-side ratios (runner vs plain loop, loaders, ONNX, memory, the
# original Kaggle loop), one table; never run by the tests. About 10 min.
bench: setup
	$(PYTHON) bench/run_all.py
