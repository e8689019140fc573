#!/usr/bin/env bash
# bash tools/dist_test.sh CONFIG CHECKPOINT NPROC [test.py args]   (CPU too)
set -euo pipefail
exec bash "$(dirname "$0")/dist_run.sh" test.py "$3" "$1" "$2" "${@:4}"
