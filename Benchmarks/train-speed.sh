#!/usr/bin/env bash
# Training throughput against the machine's GEMM rate, on the ML-20M-shaped synthetic data.
#
#   Benchmarks/train-speed.sh                      # nvidia preset, 2 timed epochs after a warm-up one
#   PRESET=paper THREADS=1 Benchmarks/train-speed.sh
#
# Makes /tmp/ratings.csv with shared/tools/synth_ratings.py (needs numpy) and /tmp/ml20m.vaecf when missing,
# then runs `vaecf benchmark train`, which prints users/s, the exact FLOP count, the sgemm rate of the
# decoder's shape measured in the same process just before, their ratio and the peak resident memory.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${PRESET:-nvidia}
epochs=${EPOCHS:-2}
threads=${THREADS:-2}
source Benchmarks/common.sh
source Benchmarks/ml20m-data.sh
"$VAECF_BINARY" benchmark train --data /tmp/ml20m.vaecf --preset "$preset" --timed-epochs "$epochs" --threads "$threads" ${JSON:+--json}
