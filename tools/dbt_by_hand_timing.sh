#!/bin/bash
# The README's dbt-by-hand recipe against `planalign simulate --engine dbt`, 1,000 employees x 3
# years, interleaved, REPS times (default 3): wall seconds per step (docs/benchmarks.md, "dbt by
# hand"). Runs on a copy of dbt/ in a scratch folder; one warm-up of each first, so dbt's
# partial-parse file and simulate's parse cache exist. Usage: tools/dbt_by_hand_timing.sh [REPS]
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
B=$REPO/.venv/bin
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -r "$REPO/dbt" "$WORK/dbt" && rm -rf "$WORK/dbt/target" "$WORK/dbt/logs"
cd "$WORK"
export PLANALIGN_DBT_DATABASE=$WORK/planalign_dbt.duckdb
RUN=(--employees 1000 --years 3 --start-year 2025 --seed 42)
DBT=("$B/dbt" run --project-dir dbt --profiles-dir dbt)
seconds() {  # wall seconds of one command, its output kept only on failure
    local start=$(date +%s.%N)
    "$@" > "$WORK/last.log" 2>&1 || { cat "$WORK/last.log" >&2; exit 1; }
    echo "$(date +%s.%N) - $start" | bc
}
"$B/planalign" dbt-inputs --db planalign_dbt.duckdb "${RUN[@]}" > /dev/null
"${DBT[@]}" > /dev/null
"$B/planalign" simulate --engine dbt "${RUN[@]}" --db sim.duckdb --quiet > /dev/null
for rep in $(seq "${1:-3}"); do
    rm -f planalign_dbt.duckdb sim.duckdb
    load=$(cut -d' ' -f1 /proc/loadavg)
    inputs=$(seconds "$B/planalign" dbt-inputs --db planalign_dbt.duckdb "${RUN[@]}")
    run1=$(seconds "${DBT[@]}")
    run2=$(seconds "${DBT[@]}" --select tag:year_loop)
    run3=$(seconds "${DBT[@]}" --select tag:year_loop)
    tests=$(seconds "$B/dbt" test --project-dir dbt --profiles-dir dbt)
    simulate=$(seconds "$B/planalign" simulate --engine dbt "${RUN[@]}" --db sim.duckdb)
    hand=$(echo "$inputs + $run1 + $run2 + $run3" | bc)
    printf 'rep %s load %s: inputs %.2f run %.2f %.2f %.2f = by hand %.2f | simulate %.2f | ratio %.2f | dbt test %.2f\n' \
        "$rep" "$load" "$inputs" "$run1" "$run2" "$run3" "$hand" "$simulate" \
        "$(echo "$hand / $simulate" | bc -l)" "$tests"
done
