#!/usr/bin/env bash
# Runs the libFuzzer harnesses that `make fuzz` built: each (or the ones named) on a scratch copy of its seeds in
# Tests/FuzzCorpus/<harness>/, so the committed seeds never grow. Prints executions, speed, coverage and corpus
# per harness; a crash, a hang or a leak leaves its input in the scratch folder and makes the script fail.
#
#   scripts/fuzz.sh BINARY RUNS [HARNESS…]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$1
runs=$2
shift 2
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || read -r -a harnesses <<<"$("$binary" list)"
work=.build-fuzz/runs
failed=()
for harness in "${harnesses[@]}"; do
    seeds=Tests/FuzzCorpus/$harness
    [ -d "$seeds" ] || { echo "$harness: no seeds in $seeds" >&2; exit 2; }
    dir=$work/$harness
    rm -rf "$dir"
    mkdir -p "$dir/corpus"
    cp "$seeds"/* "$dir/corpus/"
    echo "== $harness: $runs executions (log: $dir/log)"
    status=0
    "$binary" "$harness" -rss_limit_mb=2048 -timeout=5 -runs="$runs" -print_final_stats=1 \
        -artifact_prefix="$dir/" "$dir/corpus" >"$dir/log" 2>&1 || status=$?
    final_stat() { sed -n "s/^stat::$1: *//p" "$dir/log" | tail -1; }
    done_line=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$dir/log" | tail -1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")
    corpus=$(sed -n 's/.* corp: \([^ ]*\).*/\1/p' <<<"$done_line")
    findings=$(find "$dir" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'leak-*' -o -name 'oom-*' \) \
        -printf '%f ' || true)
    printf '%s: %s executions, %s exec/s, cov %s, ft %s, corpus %s (units/size), findings: %s\n' "$harness" \
        "$(final_stat number_of_executed_units)" "$(final_stat average_exec_per_sec)" "${cov:-?}" "${ft:-?}" "${corpus:-?}" \
        "${findings:-none}"
    if [ "$status" != 0 ]; then
        grep -E '^(==[0-9]+==ERROR|SUMMARY|Fatal error|.*fuzz finding)' "$dir/log" | head -5 || true
        failed+=("$harness")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "findings in: ${failed[*]} (inputs in $work/<harness>/; reproduce with $binary <harness> <input>)" >&2
    exit 1
fi
