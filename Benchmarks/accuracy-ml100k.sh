#!/usr/bin/env bash
# The accuracy bar: test NDCG@100 / Recall@20 / Recall@50 on the reference ml-100k split, paper preset,
# training seeds 0, 1 and 2, with the training time of each run (release build).
#
#   Benchmarks/accuracy-ml100k.sh             # needs ../shared/splits/ml-100k
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/common.sh
prepare_reference_split ml-100k
for seed in ${SEEDS:-0 1 2}; do
    start=$(date +%s.%N)
    "$VAECF_BINARY" train --data "$work/data.vaecf" --output "$work/model-$seed" --preset paper --seed "$seed" \
        --no-checkpoint --quiet > /dev/null 2>&1
    end=$(date +%s.%N)
    result=$("$VAECF_BINARY" test --data "$work/data.vaecf" --model "$work/model-$seed" --json 2> /dev/null)
    printf 'seed %s  train %.1f s  %s\n' "$seed" "$(awk "BEGIN { print $end - $start }")" "$result"
done
