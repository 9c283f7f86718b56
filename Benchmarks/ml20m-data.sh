#!/usr/bin/env bash
# Sourced by the training benchmarks: makes /tmp/ml20m.vaecf (the ML-20M-shaped synthetic data prepared with
# the paper's protocol) when missing. Source Benchmarks/common.sh first.
if [[ ! -f /tmp/ml20m.vaecf ]]; then
    ensure_ratings /tmp/ratings.csv
    "$VAECF_BINARY" prepare /tmp/ratings.csv --output /tmp/ml20m.vaecf
fi
