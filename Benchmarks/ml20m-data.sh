#!/usr/bin/env bash
# Sourced by the training benchmarks: makes /tmp/ml20m.vaecf (the ML-20M-shaped synthetic data prepared with
# the paper's protocol) when missing, with shared/tools/synth_ratings.py (needs numpy). Needs VAECF_BINARY.
if [[ ! -f /tmp/ml20m.vaecf ]]; then
    if [[ ! -f /tmp/ratings.csv ]]; then
        generator=../shared/tools/synth_ratings.py
        [[ -f "$generator" ]] || generator=/work/shared/tools/synth_ratings.py
        python3 "$generator" --out /tmp/ratings.csv.partial && mv /tmp/ratings.csv.partial /tmp/ratings.csv
    fi
    "$VAECF_BINARY" prepare /tmp/ratings.csv --output /tmp/ml20m.vaecf
fi
