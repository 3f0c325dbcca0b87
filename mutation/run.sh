#!/usr/bin/env bash
# make mutate: mutation testing with cosmic-ray, area by area (mutation/AREA.toml), on a copy of the tree so that
# a mutant left behind by an interrupted run can never reach the working copy. Sessions are kept in
# var/mutate/AREA.sqlite; a session that exists is resumed (delete it to start again; MUTATE_RETRY=1 runs its
# survivors again, against tests written since). Survivors are listed at the end (mutation/survivors.py).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$(cd "${BIN:-.venv/bin}" && pwd)"
ROOT="$(pwd)"
AREAS=("${@:-gate validation retention linkage clustering}")
read -r -a AREAS <<< "${AREAS[*]}"
mkdir -p "$ROOT/var/mutate"
# A copy of its own for each run, removed at the end: two runs (of different areas) never share one.
TREE="$(mktemp -d "$ROOT/var/mutate/tree.XXXXXX")"
trap 'rm -rf "$TREE"' EXIT
cp -r src tests conftest.py pyproject.toml mutation "$TREE/"
cd "$TREE"
export PATH="$BIN:$PATH" PYTHONPATH=src
for area in "${AREAS[@]}"; do
    session="$ROOT/var/mutate/$area.sqlite"
    if [ ! -f "$session" ]; then
        cosmic-ray init "mutation/$area.toml" "$session"
        cr-filter-operators "$session" "mutation/$area.toml"
        cr-filter-pragma "$session"
    elif [ "${MUTATE_RETRY:-}" = 1 ]; then
        python "$ROOT/mutation/survivors.py" --forget "$area"
    fi
    echo "== mutate: $area =="
    nice cosmic-ray exec "mutation/$area.toml" "$session"
    cr-report "$session" | tail -3
done
cd "$ROOT"
python mutation/survivors.py "${AREAS[@]}"
