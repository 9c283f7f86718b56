#!/usr/bin/env bash
# Load test of `vaecf serve` from a loopback load generator (wrk): requests/s and latency percentiles at
# 1, 8 and 64 connections, each request a different random user of 10 items asking for the top 20.
#
#   Benchmarks/serve-load.sh                       # ML-20M-size model (20108 items, 600-200), 10 s per level
#   MODEL=path/to/model IDS=ids.txt Benchmarks/serve-load.sh
#   CONNECTIONS="1 8 64 128" DURATION=20 SERVE_OPTIONS="--max-wait-ms 1" Benchmarks/serve-load.sh
#
# Without MODEL, a model of ITEMS items (default 20108, the size of ML-20M after the paper's filtering; the
# weights, not the quality, matter here) is trained for one epoch on synthetic data and kept in WORK (default
# /tmp/vaecf-serve-load) for later runs.
# IDS: item ids to query, one per line (default: the synthetic data's items; random unknown ids otherwise).
# Needs wrk (Debian: apt-get install -y wrk). Set VAECF_BINARY to use a built binary, SCRATCH_PATH to build
# into another folder than .build. The target: throughput at 64 connections at least 5 times that at 1,
# with no errors; the script exits non-zero when a run has errors or the server does not stop cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."

connections=${CONNECTIONS:-"1 8 64"}
duration=${DURATION:-10}
items=${ITEMS:-20108}
work=${WORK:-/tmp/vaecf-serve-load}
items_per_query=${ITEMS_PER_QUERY:-10}
k=${K:-20}
read -r -a serve_options <<<"${SERVE_OPTIONS:-}"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
source Benchmarks/common.sh
mkdir -p "$work"

model=${MODEL:-}
ids=${IDS:-}
if [[ -z "$model" ]]; then
    model="$work/model-$items"
    if [[ ! -f "$model" ]]; then
        echo "training a $items-item model for one epoch on synthetic data in $work (once)" >&2
        # A flatter popularity than the default, so that every item keeps a training interaction.
        "$VAECF_BINARY" synth --output "$work/data-$items.csv" --users 4000 --items "$items" \
            --interactions 500000 --popularity-exponent 0.6 --seed 1 >&2
        "$VAECF_BINARY" prepare "$work/data-$items.csv" --output "$work/data-$items.vaecf" --heldout-users 100 >&2
        "$VAECF_BINARY" train --data "$work/data-$items.vaecf" --output "$model" --epochs 1 --no-checkpoint --quiet >&2
    fi
    if [[ -z "$ids" ]]; then
        ids="$work/ids-$items.txt"
        [[ -f "$ids" ]] || tail -n +2 "$work/data-$items.csv" | cut -d, -f2 | sort -u >"$ids"
    fi
fi

log="$work/serve.log"
"$VAECF_BINARY" serve --model "$model" --port 0 "${serve_options[@]}" >"$log" 2>&1 &
server=$!
server_status=0
stop_server() {
    if kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server"
        wait "$server" || server_status=$?
    fi
}
trap 'kill -9 "$server" 2>/dev/null || true' EXIT

url=""
for _ in $(seq 1 300); do
    url=$(sed -n 's/^listening on //p' "$log" | head -n 1)
    [[ -n "$url" ]] && break
    kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
done
[[ -n "$url" ]] || { echo "the server did not start" >&2; cat "$log" >&2; exit 1; }
grep -E '^(model|compute|batching):' "$log"
echo "server: $url; wrk: 1 thread; $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

run_wrk() {  # connections seconds
    wrk -t1 -c"$1" -d"$2"s --timeout 10s -s Benchmarks/recommend.lua "$url/v1/recommend" -- "$ids" "$items_per_query" "$k" \
        | sed -n 's/^result //p'
}
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }
batch_stats() { curl -s "$url/metrics" | awk '/^vaecf_batch_size_sum/ { s = $2 } /^vaecf_batch_size_count/ { c = $2 } END { printf "%d %d", s, c }'; }

run_wrk 8 2 >/dev/null  # warm-up
printf '%-11s %9s %9s %9s %9s %9s %10s %7s\n' connections "req/s" "mean ms" "p50 ms" "p90 ms" "p99 ms" "mean batch" errors
status=0
declare -A rps
for connection_count in $connections; do
    read -r sum_before count_before <<<"$(batch_stats)"
    result=$(run_wrk "$connection_count" "$duration")
    read -r sum_after count_after <<<"$(batch_stats)"
    errors=0
    for name in non2xx connect_errors read_errors write_errors timeouts; do
        errors=$((errors + $(field "$name" "$result")))
    done
    rps[$connection_count]=$(field rps "$result")
    mean_batch=$(awk -v s=$((sum_after - sum_before)) -v c=$((count_after - count_before)) 'BEGIN { printf "%.1f", c ? s / c : 0 }')
    printf '%-11s %9s %9s %9s %9s %9s %10s %7s\n' "$connection_count" "${rps[$connection_count]}" "$(field mean_ms "$result")" \
        "$(field p50_ms "$result")" "$(field p90_ms "$result")" "$(field p99_ms "$result")" "$mean_batch" "$errors"
    ((errors == 0)) || status=1
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
set -- $connections
first=$1
last=${!#}
awk -v a="${rps[$last]}" -v b="${rps[$first]}" -v l="$last" -v f="$first" \
    'BEGIN { printf "throughput at %s connections / at %s: %.1fx (target: at least 5x from 1 to 64)\n", l, f, a / b }'

stop_server
trap - EXIT
if ((server_status != 0)) || ! grep -q '^stopped' "$log"; then
    echo "the server did not stop cleanly" >&2
    tail -n 20 "$log" >&2
    status=1
fi
exit "$status"
