#!/usr/bin/env bash
# Median SGEMM throughput of the Mult-VAE decoder products for each GEMM backend and thread count.
#
#   Benchmarks/gemm.sh                      # batch 4096, items 26744, hidden 600; openblas blis portable; 1 and 2 threads
#   BATCH=500 ITEMS=20000 Benchmarks/gemm.sh
#   BACKENDS="portable" THREADS="1 2 4" REPETITIONS=5 Benchmarks/gemm.sh
#
# Shapes (row-major, C = op(A) op(B)):
#   forward   logits [batch, items] = h [batch, hidden] x W [hidden, items]
#   dW        dW [hidden, items]    = h^T [hidden, batch] x dlogits [batch, items]
#   dh        dh [batch, hidden]    = dlogits [batch, items] x W^T [items, hidden]
# A backend that is not installed is reported as such and skipped. Set VAECF_BINARY to use a built binary.
set -euo pipefail
cd "$(dirname "$0")/.."

batch=${BATCH:-4096}
items=${ITEMS:-26744}
hidden=${HIDDEN:-600}
repetitions=${REPETITIONS:-3}
backends=${BACKENDS:-openblas blis portable}
threads=${THREADS:-1 2}

source Benchmarks/common.sh

shapes=(
    "forward --m $batch --n $items --k $hidden"
    "dW --m $hidden --n $items --k $batch --transpose-a"
    "dh --m $batch --n $hidden --k $items --transpose-b"
)

# GFLOP/s: median wall clock. per-CPU-s: GFLOP per processor-second of all threads (robust on a busy machine).
printf '%-9s %-8s %7s %9s %9s  %s\n' backend shape threads GFLOP/s per-CPU-s library
for backend in $backends; do
    for thread_count in $threads; do
        for shape in "${shapes[@]}"; do
            read -r name arguments <<<"$shape"
            # shellcheck disable=SC2086 # arguments is a list of options
            if ! output=$("$VAECF_BINARY" benchmark gemm $arguments --threads "$thread_count" \
                --repetitions "$repetitions" --backend "$backend" 2>&1); then
                echo "$output" >&2
                exit 1
            fi
            if grep -q '^warning:' <<<"$output"; then
                printf '%-9s %s\n' "$backend" "not available: $(grep -m1 '^warning:' <<<"$output")"
                continue 3
            fi
            rate=$(sed -n 's/^median: \([0-9.]*\) GFLOP\/s.*/\1/p' <<<"$output")
            cpu_rate=$(sed -n 's/^processor time: \([0-9.]*\) GFLOP.*/\1/p' <<<"$output")
            library=$(sed -n 's/^backend: \(.*\), [0-9]* threads\{0,1\}$/\1/p' <<<"$output")
            printf '%-9s %-8s %7s %9s %9s  %s\n' "$backend" "$name" "$thread_count" "$rate" "$cpu_rate" "$library"
        done
    done
done
