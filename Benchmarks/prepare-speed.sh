#!/usr/bin/env bash
# Median wall time of `vaecf prepare` on an ML-20M-shaped ratings.csv (20M rows, about 540 MB).
#
#   Benchmarks/prepare-speed.sh                          # /tmp/ratings.csv, default threads, 3 runs
#   THREADS="1 2" REPETITIONS=5 Benchmarks/prepare-speed.sh
#   INPUT=ml-20m/ratings.csv Benchmarks/prepare-speed.sh
#
# The input is generated with shared/tools/synth_ratings.py (needs python3 with numpy) when missing.
# Prints each run's wall time and its read / split / write phases as `vaecf prepare` reports them,
# then the median per thread count. The target is a median of at most 10 s on 2 cores.
# Set VAECF_BINARY to use a built binary, SCRATCH_PATH to build into another folder than .build.
set -euo pipefail
cd "$(dirname "$0")/.."

input=${INPUT:-/tmp/ratings.csv}
repetitions=${REPETITIONS:-3}
threads=${THREADS:-default}


source Benchmarks/common.sh
ensure_ratings "$input"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Warm the page cache so that every run reads the file from memory.
cat "$input" >/dev/null

echo "input: $input ($(du -h "$input" | cut -f1)), $(nproc) cores"
for thread_count in $threads; do
    thread_option=()
    [[ "$thread_count" == default ]] || thread_option=(--threads "$thread_count")
    times=()
    for ((run = 1; run <= repetitions; run++)); do
        start=$(date +%s.%N)
        if ! output=$("$VAECF_BINARY" prepare "$input" --output "$work/prepared.vaecf" "${thread_option[@]}" 2>&1); then
            echo "$output" >&2
            exit 1
        fi
        end=$(date +%s.%N)
        seconds=$(awk -v start="$start" -v end="$end" 'BEGIN { printf "%.3f", end - start }')
        times+=("$seconds")
        phases=$(sed -n 's/^time: //p' <<<"$output")
        printf 'threads %-7s run %d: %6.2f s  (%s)\n' "$thread_count" "$run" "$seconds" "$phases"
    done
    median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
    printf 'threads %-7s median of %d: %.2f s\n' "$thread_count" "$repetitions" "$median"
done
