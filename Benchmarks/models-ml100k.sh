#!/usr/bin/env bash
# The models side by side on the reference ml-100k split (release build): EASE's validation / test metrics
# over a few lambdas, then `vaecf compare` (most-popular, Mult-VAE, Mult-DAE, EASE, RecVAE; paper preset, RecVAE
# its own recvae preset) for the training seeds in SEEDS (default 0 1 2). EASE_LAMBDA sets compare's lambda
# (default 1000).
#
#   Benchmarks/models-ml100k.sh             # needs ../shared/splits/ml-100k
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/common.sh
prepare_reference_split ml-100k
for lambda in ${LAMBDAS:-200 500 700 1000 1500}; do
    validation=$("$VAECF_BINARY" train --data "$work/data.vaecf" --output "$work/ease" --model ease \
        --ease-lambda "$lambda" 2> /dev/null | grep '^validation')
    test=$("$VAECF_BINARY" test --data "$work/data.vaecf" --model "$work/ease" 2> /dev/null)
    echo "EASE lambda $lambda  $validation  $test"
done
for seed in ${SEEDS:-0 1 2}; do
    echo "seed $seed"
    "$VAECF_BINARY" compare --data "$work/data.vaecf" --models multvae,multdae,ease,recvae \
        --ease-lambda "${EASE_LAMBDA:-1000}" --preset paper --seed "$seed" 2> /dev/null
done
