#!/usr/bin/env bash
# Sourced by the benchmark scripts (from the repository root).
#
# VAECF_BINARY: the vaecf binary to time; unset, a release build into SCRATCH_PATH (default .build) provides it.
if [[ -z "${VAECF_BINARY:-}" ]]; then
    scratch=(--scratch-path "${SCRATCH_PATH:-.build}")
    swift build -c release --product vaecf "${scratch[@]}" >&2
    VAECF_BINARY="$(swift build -c release "${scratch[@]}" --show-bin-path)/vaecf"
fi

# ensure_ratings PATH: writes the ML-20M-shaped synthetic ratings.csv to PATH (shared/tools/synth_ratings.py,
# needs numpy; a few minutes) unless it exists.
ensure_ratings() {
    [[ -f "$1" ]] && return
    local generator=../shared/tools/synth_ratings.py
    [[ -f "$generator" ]] || generator=/work/shared/tools/synth_ratings.py
    echo "generating $1 with $generator (takes a few minutes)" >&2
    python3 "$generator" --out "$1.partial"
    mv "$1.partial" "$1"
}

# prepare_reference_split NAME: imports ../shared/splits/NAME (or SPLIT) into "$work/data.vaecf", in a temporary
# folder $work removed on exit.
prepare_reference_split() {
    local split=${SPLIT:-../shared/splits/$1}
    [[ -d "$split" ]] || split=/work/shared/splits/$1
    [[ -d "$split" ]] || { echo "reference split not found (../shared/splits/$1)" >&2; exit 1; }
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    "$VAECF_BINARY" prepare --from-pro-sg "$split" --output "$work/data.vaecf" > /dev/null
}
