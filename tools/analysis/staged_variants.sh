#!/usr/bin/env bash
# Fixed-epoch stages (the default) against plateau-driven stages and
# layer-wise lr decay, same data, pretraining and epoch budget, on
# generated data (docs/experiments/<family>.md, "Plateau-driven stages and
# layer-wise lr decay").
#
#   bash tools/analysis/staged_variants.sh FAMILY [OUT] [SEEDS]
#
# FAMILY: apple_watch or butppg. OUT (default work_dirs/staged_<FAMILY>)
# receives the data, the pretraining, one work dir per run and
# summary.json; SEEDS (default "0 1 2") are the fine-tuning seeds (the data
# and the pretraining are generated once per OUT). DATA_SEED (default 0)
# seeds the data generator and the pretraining (butppg's VitalDB-like
# pretraining data takes DATA_SEED + 1), so a new DATA_SEED needs a new OUT.
# VARIANTS (default "fixed plateau llrd") chooses the runs. One run at a
# time, one thread. Each model is the checkpoint with the best validation
# metric, tested once on the test split. butppg's windows use neurokit2's fast
# 'simple' ECG model (the realistic one generates about 2 windows a second
# on a loaded 2-core machine). PRETRAINED=CKPT skips the pretraining and
# fine-tunes from CKPT.
set -euo pipefail
cd "$(dirname "$0")/../.."
FAMILY=$1
OUT=${2:-work_dirs/staged_$FAMILY}
SEEDS=${3:-0 1 2}
DATA_SEED=${DATA_SEED:-0}
VARIANTS=${VARIANTS:-fixed plateau llrd}
PY=${PYTHON:-python}
export OMP_NUM_THREADS=1
mkdir -p "$OUT/runs"

start=$(date +%s)
case $FAMILY in
apple_watch)
    [ -f "$OUT/data/apple_watch/test.pt" ] ||
        $PY tools/data/apple_watch/generate_apple_watch_data.py \
            --out-dir "$OUT/data" --seed "$DATA_SEED" --quiet
    [ -d "$OUT/pretrain" ] || $PY tools/train.py \
        configs/apple_watch/lstm_endomondo_pretrain.py --work-dir \
        "$OUT/pretrain" --seed "$DATA_SEED" \
        --data-root "$OUT/data/endomondo" > "$OUT/pretrain.log" 2>&1
    PRE=$(ls "$OUT"/pretrain/best_hr_mse_epoch_*.pth)
    DATA=$OUT/data/apple_watch
    BASE=configs/apple_watch/lstm_applewatch_finetune_2stage
    BEST='best_hr_mse_epoch_*.pth'
    ;;
butppg)
    [ -f "$OUT/data/vitaldb/train_windows.npz" ] ||
        $PY tools/data/butppg/generate_butppg_data.py vitaldb \
            --out-dir "$OUT/data/vitaldb" --train 3000 --val 300 \
            --seed $((DATA_SEED + 1)) --ecg-method simple --quiet
    [ -f "$OUT/data/butppg/test.npz" ] ||
        $PY tools/data/butppg/generate_butppg_data.py butppg \
            --out-dir "$OUT/data/butppg" --train 300 --val 200 --test 1000 \
            --seed "$DATA_SEED" --ecg-method simple --quiet
    [ -n "${PRETRAINED:-}" ] || [ -f "$OUT/pretrain/best_model.pt" ] ||
        $PY tools/train.py configs/butppg/ssl_vitaldb_2ch_pretrain.py \
            --work-dir "$OUT/pretrain" --seed "$DATA_SEED" \
            --data-root "$OUT/data/vitaldb" > "$OUT/pretrain.log" 2>&1
    PRE=${PRETRAINED:-$OUT/pretrain/best_model.pt}
    DATA=$OUT/data/butppg
    BASE=configs/butppg/butppg_5ch_finetune_3stage
    BEST='best_model.pt'
    ;;
*)
    echo "FAMILY must be apple_watch or butppg" >&2
    exit 2
    ;;
esac
echo "data and pretraining: $(( $(date +%s) - start )) s"

for seed in $SEEDS; do
    for variant in $VARIANTS; do
        cfg=$BASE.py
        [ "$variant" = fixed ] || cfg=${BASE}_$variant.py
        wd=$OUT/runs/${variant}_s$seed
        [ -f "$wd/test_metrics.json" ] && continue
        start=$(date +%s)
        $PY tools/train.py "$cfg" --work-dir "$wd" --seed "$seed" \
            --data-root "$DATA" --cfg-options "load_from=$PRE" \
            > "$wd.log" 2>&1
        # shellcheck disable=SC2086
        ckpt=$(ls $wd/$BEST | head -1)
        $PY tools/test.py "$cfg" "$ckpt" --work-dir "$wd" \
            --data-root "$DATA" >> "$wd.log" 2>&1
        echo "$variant seed $seed: $(( $(date +%s) - start )) s, $ckpt"
    done
done

$PY - "$OUT" "$FAMILY" <<'PYEOF'
import collections, glob, json, os.path as osp, statistics, sys
out, family = sys.argv[1:]
key = 'hr/mae' if family == 'apple_watch' else 'accuracy'
arms = collections.defaultdict(dict)
for f in sorted(glob.glob(osp.join(out, 'runs', '*', 'test_metrics.json'))):
    run = osp.basename(osp.dirname(f))
    arm, seed = run.rsplit('_s', 1)
    metrics = json.load(open(f))
    history = json.load(open(osp.join(osp.dirname(f),
                                      'training_history.json')))
    stages = [h.get('stage') for h in history]
    arms[arm][seed] = dict(test=metrics[key], epochs=len(history),
                           stage_starts=[stages.index(s) + 1 for s in
                                         sorted(set(stages))])
summary = {}
for arm, seeds in arms.items():
    values = [r['test'] for r in seeds.values()]
    summary[arm] = dict(per_seed=seeds, mean=statistics.mean(values),
                        std=statistics.stdev(values) if len(values) > 1
                        else 0.0)
    print(f'{arm}: {key} {summary[arm]["mean"]:.4g} +- '
          f'{summary[arm]["std"]:.2g} over {len(values)} seeds')
json.dump(summary, open(osp.join(out, 'summary.json'), 'w'), indent=1)
PYEOF
