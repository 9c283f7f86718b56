#!/usr/bin/env bash
# Data-parallel training on one host: 1 process x 2 threads against 2 MPI ranks x 1 thread on the ML-20M-shaped
# synthetic data, plus the allreduce of one step alone.
#
#   Benchmarks/mpi-scaling.sh                       # nvidia preset (global batch 24576), 2 epochs each
#   EPOCHS=3 PRESET=paper Benchmarks/mpi-scaling.sh
#
# Needs Open MPI (Debian: apt-get install openmpi-bin libopenmpi-dev) and the data of Benchmarks/train-speed.sh
# (/tmp/ml20m.vaecf, made when missing). Each run writes a JSON-lines log in WORK (default /tmp/vaecf-mpi);
# the summary prints users/s of every epoch (the first one includes warm-up), and for the MPI run the
# allreduce's calls, seconds per call (waiting for the slower rank included) and bytes per call. Then
# `vaecf benchmark allreduce` times the exchange alone (median of 20 calls).
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${PRESET:-nvidia}
epochs=${EPOCHS:-2}
work=${WORK:-/tmp/vaecf-mpi}
command -v mpirun >/dev/null || { echo "mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev)" >&2; exit 1; }
source Benchmarks/common.sh
source Benchmarks/ml20m-data.sh
mkdir -p "$work"
rm -f "$work"/single.jsonl "$work"/ranks.jsonl
common=(train --data /tmp/ml20m.vaecf --preset "$preset" --epochs "$epochs" --validation-step 1000000 --no-checkpoint --quiet)

echo "1 process x 2 threads" >&2
"$VAECF_BINARY" "${common[@]}" --threads 2 --output "$work/single.model" --log-path "$work/single.jsonl" >&2
echo "2 ranks x 1 thread" >&2
mpirun --allow-run-as-root --oversubscribe -np 2 --bind-to core \
    "$VAECF_BINARY" "${common[@]}" --threads 1 --output "$work/ranks.model" --log-path "$work/ranks.jsonl" >&2
echo "allreduce alone" >&2
mpirun --allow-run-as-root --oversubscribe -np 2 --bind-to core "$VAECF_BINARY" benchmark allreduce

python3 - "$work/single.jsonl" "$work/ranks.jsonl" <<'PY'
import json, sys
for path, name in zip(sys.argv[1:], ["1 process x 2 threads", "2 ranks x 1 thread"]):
    epochs = [json.loads(line) for line in open(path) if '"type":"epoch"' in line]
    line = "  ".join("epoch %d %.0f users/s (%.1f s)" % (e["epoch"], e["train_throughput"], e["train_epoch_time"]) for e in epochs)
    print("%-22s %s" % (name, line))
    for e in epochs:
        if "allreduce_calls" in e:
            print("%-22s epoch %d: %d allreduces, %.1f ms each, %.1f MB each, %.1f%% of the epoch" % ("", e["epoch"],
                  e["allreduce_calls"], 1000 * e["allreduce_time"] / e["allreduce_calls"], e["allreduce_bytes"] / 1e6,
                  100 * e["allreduce_time"] / e["train_epoch_time"]))
PY
