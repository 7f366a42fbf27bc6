#!/usr/bin/env bash
# Regenerate every figure, table and the report: ./run_all.sh [--scale ci|default|paper]
# [--only 00,99] [-p NAME VALUE]...  (./run_all.sh --help for all options)
# Sets itself up on first use (scripts/setup.sh); later runs reuse the environment.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export IMAGENET_REPRO_CALLER_CWD="$PWD"  # relative paths the user gives are theirs
cd "$ROOT"
case " $* " in *" -h "*|*" --help "*) ;; *) bash scripts/setup.sh ;; esac
export NLTK_DATA="$ROOT/.nltk_data${NLTK_DATA:+:$NLTK_DATA}"
export PYTHONHASHSEED=0 MPLBACKEND=Agg
exec "$ROOT/.venv/bin/python" -m imagenet_repro.run "$@"
