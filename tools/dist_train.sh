#!/usr/bin/env bash
# bash tools/dist_train.sh CONFIG NPROC [train.py args]   (works on CPU too)
set -euo pipefail
exec bash "$(dirname "$0")/dist_run.sh" train.py "$2" "$1" "${@:3}"
