#!/usr/bin/env bash
# Sets up what the artifact needs, once: a project-local .venv with the pinned package,
# the Debian data packages (WordNet 3.0, dictionaries) and the nltk data folder.
# A second call reuses everything (it reinstalls only when pyproject.toml changed).
# Messages go to stderr; the last line on stdout is nothing, so callers can `source` it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
STAMP="$VENV/.installed-pyproject"
PYTHON="${PYTHON:-python3}"
say() { echo "[setup] $*" >&2; }

# Debian packages of data the artifact reads (one per line in scripts/apt-packages.txt).
mapfile -t APT_PKGS < <(grep -v '^\s*#' "$ROOT/scripts/apt-packages.txt" | awk 'NF{print $1}')
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || say "apt-get update failed; trying the install anyway"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
      || say "could not install ${missing[*]}; the parts that need them will say so"
  else
    say "missing Debian packages ${missing[*]} (run: sudo apt-get install ${missing[*]}); going on"
  fi
fi

if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
  say "error: Python 3.10 or newer is needed (found: $("$PYTHON" --version 2>&1)); set PYTHON=/path/to/python3.x"
  exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV"
  if ! "$PYTHON" -m venv "$VENV" >&2; then
    say "error: cannot create a virtual environment: install python3-venv (sudo apt-get install python3-venv)"
    rm -rf "$VENV"; exit 1
  fi
fi
want="$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  say "installing the package and its pinned dependencies into .venv (first run: a few minutes)"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT[test]" >&2
  echo "$want" > "$STAMP"
else
  say "environment up to date (.venv)"
fi
export NLTK_DATA="$ROOT/.nltk_data${NLTK_DATA:+:$NLTK_DATA}"
"$VENV/bin/python" -m imagenet_repro.wordnet >&2
