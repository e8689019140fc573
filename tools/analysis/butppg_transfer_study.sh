#!/usr/bin/env bash
# Pretrained + inflated vs from scratch on generated BUT-PPG-style data, with
# the same model, data and epoch budget (the README's "Measured" table).
#
#   bash tools/analysis/butppg_transfer_study.sh [OUT] [SEEDS] [JOBS]
#
# OUT (default work_dirs/butppg_transfer_study) receives the data, one work
# dir per run and summary.json; SEEDS (default "0 1 2"); JOBS parallel runs
# (default 2, one thread each). About 50 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-work_dirs/butppg_transfer_study}
SEEDS=${2:-0 1 2}
JOBS=${3:-2}
PY=${PYTHON:-python}
export OMP_NUM_THREADS=1
FT=configs/butppg/butppg_5ch_finetune.py
SCRATCH=configs/butppg/butppg_5ch_scratch.py
mkdir -p "$OUT"

# 1. data: 3000 unlabelled 2-channel windows; 300 labelled 5-channel training
#    windows (150 per class), 200 val, 1000 test, separate subjects per split
[ -f "$OUT/data/vitaldb/train_windows.npz" ] ||
    $PY tools/data/butppg/generate_butppg_data.py vitaldb --out-dir "$OUT/data/vitaldb" \
        --train 3000 --val 300 --seed 1
[ -f "$OUT/data/butppg/test.npz" ] ||
    $PY tools/data/butppg/generate_butppg_data.py butppg --out-dir "$OUT/data/butppg" \
        --train 300 --val 200 --test 1000 --seed 0
D=$OUT/data/butppg
DATA_OPTS="train_dataloader.dataset.data_root=$D val_dataloader.dataset.data_root=$D test_dataloader.dataset.data_root=$D"

# 2. masked-signal pretraining on the 2-channel windows (all threads)
PRE=$OUT/pretrain/best_model.pt
[ -f "$PRE" ] || OMP_NUM_THREADS=2 $PY tools/train.py \
    configs/butppg/ssl_vitaldb_2ch_pretrain.py --work-dir "$OUT/pretrain" \
    --seed 0 --cfg-options \
    "train_dataloader.dataset.data_root=$OUT/data/vitaldb" \
    "val_dataloader.dataset.data_root=$OUT/data/vitaldb" > "$OUT/pretrain.log" 2>&1

# 3. one line per run: name config seed extra cfg-options
RUNS=$OUT/runs.txt
: > "$RUNS"
for s in $SEEDS; do
    echo "ft_lr2e-5_s$s $FT $s load_from=$PRE" >> "$RUNS"
    echo "scratch_lr2e-5_s$s $SCRATCH $s" >> "$RUNS"
    echo "ft_lr3e-4_s$s $FT $s load_from=$PRE optim_wrapper.optimizer.lr=3e-4" >> "$RUNS"
    echo "scratch_lr3e-4_s$s $SCRATCH $s optim_wrapper.optimizer.lr=3e-4" >> "$RUNS"
    echo "scratch_lr1e-3_s$s $SCRATCH $s optim_wrapper.optimizer.lr=1e-3" >> "$RUNS"
    echo "ft_zeros_lr2e-5_s$s $FT $s load_from=$PRE load_cfg.inflate.init=zeros" >> "$RUNS"
done

one_run() {
    local name=$1 cfg=$2 seed=$3
    shift 3
    local wd=$OUT/runs/$name
    [ -f "$wd/test_metrics.json" ] && return 0
    # shellcheck disable=SC2086
    $PY tools/train.py "$cfg" --work-dir "$wd" --seed "$seed" \
        --cfg-options $DATA_OPTS "$@" > "$OUT/runs/$name.log" 2>&1
    # shellcheck disable=SC2086
    $PY tools/test.py "$cfg" "$wd/best_model.pt" --work-dir "$wd" \
        --cfg-options $DATA_OPTS "$@" >> "$OUT/runs/$name.log" 2>&1
    echo "done: $name"
}
export -f one_run
export OUT PY DATA_OPTS
mkdir -p "$OUT/runs"
# shellcheck disable=SC2016
xargs -P "$JOBS" -L 1 bash -c 'one_run "$@"' _ < "$RUNS"

# 4. summary: test accuracy per arm, mean and spread over the seeds
$PY - "$OUT" <<'EOF'
import collections, glob, json, os.path as osp, statistics, sys
out = sys.argv[1]
arms = collections.defaultdict(dict)
for f in sorted(glob.glob(osp.join(out, 'runs', '*', 'test_metrics.json'))):
    name = osp.basename(osp.dirname(f))
    arm, seed = name.rsplit('_s', 1)
    m = json.load(open(f))
    arms[arm][seed] = dict(accuracy=m['accuracy'], auc=m['auc/roc'],
                           class_0_acc=m['class_0_acc'],
                           class_1_acc=m['class_1_acc'])
summary = {}
print(f'{"arm":<18} {"seeds":>5} {"test acc % (mean)":>18} {"min-max":>12} '
      f'{"AUC (mean)":>10}')
for arm, runs in sorted(arms.items()):
    acc = [r['accuracy'] for r in runs.values()]
    auc = [r['auc'] for r in runs.values()]
    summary[arm] = dict(runs=runs, mean_accuracy=statistics.mean(acc),
                        mean_auc=statistics.mean(auc))
    print(f'{arm:<18} {len(acc):>5} {statistics.mean(acc):>18.1f} '
          f'{min(acc):>5.1f}-{max(acc):<6.1f} {statistics.mean(auc):>10.3f}')
json.dump(summary, open(osp.join(out, 'summary.json'), 'w'), indent=2)
EOF
