#!/usr/bin/env bash
# Mixed precision against float32 in the same run (release build): the three decoder GEMM shapes, training
# throughput on the ML-20M-shaped synthetic data (nvidia and paper presets), the output layer at inference,
# and the test metrics of the ml-100k reference split for seeds in SEEDS (default 0 1 2). Needs a CPU with
# AVX512-BF16. ROUNDS (default 2) alternates the precisions; compare medians. A set OPENBLAS_CORETYPE is
# honoured by the float32 runs: unset it to let vaecf choose the kernels from the CPU flags.
#
#   Benchmarks/bfloat16.sh                 # writes /tmp/vaecf-ratings.csv once (numpy, a few minutes)
#   SKIP_TRAINING=1 Benchmarks/bfloat16.sh # products, inference and accuracy only
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/common.sh
rounds=${ROUNDS:-2}
echo "== GEMM, 2 threads (median GFLOP/s; GFLOP per CPU-second)"
for round in $(seq "$rounds"); do
    for shape in "--m 4096 --n 26744 --k 600" "--m 600 --n 26744 --k 4096 --transpose-a" "--m 4096 --n 600 --k 26744 --transpose-b"; do
        # bfloat16-b: B given as bfloat16 bits, as bfloat16 training's weights are (the Adam pass's copy).
        for variant in float32 bfloat16 bfloat16-b; do
            precision=${variant%-b}
            flags=$([[ $variant == bfloat16-b ]] && echo --bfloat16-b || true)
            # shellcheck disable=SC2086
            result=$("$VAECF_BINARY" benchmark gemm $shape --precision "$precision" $flags --repetitions 5 \
                | grep -E 'median|processor' | grep -o '[0-9.]* GFLOP' | tr '\n' ' ')
            echo "round $round  $variant  $shape: $result"
        done
    done
done
if [[ -z "${SKIP_TRAINING:-}" ]]; then
    ratings=${RATINGS:-/tmp/vaecf-ratings.csv}
    ensure_ratings "$ratings"
    data=${DATA:-/tmp/vaecf-ml20m.vaecf}
    [[ -f "$data" ]] || "$VAECF_BINARY" prepare "$ratings" --output "$data" > /dev/null
    echo "== benchmark train (ML-20M-shaped data)"
    for round in $(seq "$rounds"); do
        for preset in nvidia paper; do
            for precision in float32 bfloat16; do
                "$VAECF_BINARY" benchmark train --data "$data" --preset "$preset" --precision "$precision" --timed-epochs 1 \
                    --json 2> /dev/null | python3 -c "import json, sys; d = json.load(sys.stdin); print('round $round $preset $precision', \
                    {k: d[k] for k in ['users_per_second', 'gemm_gflops', 'fraction_of_gemm', 'epoch_time_over_product_time', 'loss_scale']})"
            done
        done
    done
fi
echo "== benchmark inference (fresh model of 20,108 items, batch of 24,576 users, top 100; peak resident memory)"
for round in $(seq "$rounds"); do
    for precision in float32 float16 bfloat16; do
        echo "-- round $round $precision"
        /usr/bin/time -v "$VAECF_BINARY" benchmark inference --precision "$precision" --small-batch 32 2>&1 \
            | grep -E 'p50|users/s|Maximum resident'
    done
done
echo "== ml-100k reference split, paper preset, test metrics"
prepare_reference_split ml-100k
for seed in ${SEEDS:-0 1 2}; do
    for precision in float32 bfloat16; do
        "$VAECF_BINARY" train --data "$work/data.vaecf" --output "$work/model" --preset paper --seed "$seed" \
            --precision "$precision" --no-checkpoint --quiet > /dev/null 2>&1
        echo "seed $seed $precision: $("$VAECF_BINARY" test --data "$work/data.vaecf" --model "$work/model" 2> /dev/null)"
    done
done
