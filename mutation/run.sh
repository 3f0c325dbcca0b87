#!/usr/bin/env bash
# make mutate: mutation testing with cosmic-ray, area by area (mutation/AREA.toml), on a copy of the tree so that
# a mutant left behind by an interrupted run can never reach the working copy. Sessions are kept in
# var/mutate/AREA.sqlite; a session that exists is resumed (delete it to start again). Survivors are listed at
# the end (mutation/survivors.py) for docs/testing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$(cd "${BIN:-.venv/bin}" && pwd)"
ROOT="$(pwd)"
AREAS=("${@:-gate validation retention linkage clustering}")
read -r -a AREAS <<< "${AREAS[*]}"
TREE="$ROOT/var/mutate/tree"
rm -rf "$TREE" && mkdir -p "$TREE"
cp -r src tests conftest.py pyproject.toml mutation "$TREE/"
cd "$TREE"
export PATH="$BIN:$PATH" PYTHONPATH=src
for area in "${AREAS[@]}"; do
    session="$ROOT/var/mutate/$area.sqlite"
    if [ ! -f "$session" ]; then
        cosmic-ray init "mutation/$area.toml" "$session"
        cr-filter-operators "$session" "mutation/$area.toml"
        cr-filter-pragma "$session"
    fi
    echo "== mutate: $area =="
    nice cosmic-ray exec "mutation/$area.toml" "$session"
    cr-report "$session" | tail -3
done
cd "$ROOT"
python mutation/survivors.py "${AREAS[@]}"
