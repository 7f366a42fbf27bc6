#!/usr/bin/env bash
# Run the test suite (unit tests + one papermill run of every notebook at scale=ci).
# Sets itself up on first use, like run_all.sh. Extra arguments go to pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
bash scripts/setup.sh
export NLTK_DATA="$ROOT/.nltk_data${NLTK_DATA:+:$NLTK_DATA}"
export PYTHONHASHSEED=0 MPLBACKEND=Agg
exec "$ROOT/.venv/bin/python" -m pytest -q "$@"
