#!/usr/bin/env bash
# bash tools/dist_run.sh SCRIPT NPROC [script args]: what dist_train.sh and
# dist_test.sh share. torchrun, one process per GPU; on a machine without
# CUDA the processes run on the CPU and ftplugin.compat makes mmengine use
# gloo.
set -euo pipefail
SCRIPT=$1
NPROC=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
# without CUDA the processes share the CPU cores: one thread each by default
if ! python -c 'import torch, sys; sys.exit(not torch.cuda.is_available())'; then
    export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
fi
PYTHONPATH="$(dirname "$0")/..":${PYTHONPATH:-} \
python -m torch.distributed.run \
    --nnodes="$NNODES" --node_rank="$NODE_RANK" --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$NPROC" --master_port="$PORT" \
    "$(dirname "$0")/$SCRIPT" "${@:3}" --launcher pytorch
