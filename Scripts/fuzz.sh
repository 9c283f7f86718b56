#!/usr/bin/env bash
# Fuzzes the dataset and model file decoders, the interaction reader and the server's request decoding.
#
#   Scripts/fuzz.sh [SECONDS-PER-TARGET] [TARGET...]      (default: 60 s each; targets dataset model reader request)
#
# Builds `vaecf-fuzz` with libFuzzer and the address sanitizer (debug: overflow checks stay on), falling back to
# libFuzzer alone, then to the in-process mutation driver when the toolchain has no libFuzzer (FUZZ_MODES=plain
# forces the latter). Each target starts from the checked-in seeds in Fuzz/corpus/TARGET; inputs libFuzzer finds
# go to a scratch folder, not the repo. Prints executions, executions per second and coverage per target.
# FUZZ_SEED (default 1) seeds the mutations, so CI runs search alike (up to the time limit); set another (or 0,
# libFuzzer's "random") to search elsewhere.
# A crash fails the script (status 1, after the other targets) and leaves the input in
# $FUZZ_SCRATCH_PATH/artifacts: fix the bug and check the input in under Fuzz/corpus/TARGET.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(dataset model reader request)
scratch=${FUZZ_SCRATCH_PATH:-.build/fuzz}
mkdir -p "$scratch/artifacts"
build_log="$scratch/build.log"

# Build flags per mode: a sanitizer list (own build folder), or "plain" (the normal .build folder).
flags() {
    if [ "$1" = plain ]; then return; fi
    echo --scratch-path "$scratch/$1" -Xswiftc "-sanitize=$1" -Xswiftc -parse-as-library -Xswiftc -DVAECF_LIBFUZZER
}
build() { swift build --product vaecf-fuzz $(flags "$1") >"$build_log" 2>&1; }

mode=""
for candidate in ${FUZZ_MODES:-fuzzer,address fuzzer plain}; do
    echo "building vaecf-fuzz ($candidate)..."
    if build "$candidate"; then mode=$candidate; break; fi
    tail -5 "$build_log"
done
[ -n "$mode" ] || { echo "error: vaecf-fuzz does not build; see $build_log" >&2; exit 1; }
binary="$(swift build $(flags "$mode") --show-bin-path)/vaecf-fuzz"

status=0
for target in "${targets[@]}"; do
    seeds="Fuzz/corpus/$target"
    [ -d "$seeds" ] || { echo "error: no corpus $seeds" >&2; exit 1; }
    log="$scratch/$target.log"
    if [ "$mode" = plain ]; then
        if ! "$binary" run "$target" "$seeds" "$seconds" "${FUZZ_SEED:-1}" >"$log" 2>&1; then status=1; fi
        tail -1 "$log"
        continue
    fi
    work="$scratch/corpus/$target"
    mkdir -p "$work"
    if ! ASAN_OPTIONS=detect_leaks=0:${ASAN_OPTIONS:-} VAECF_FUZZ_TARGET=$target "$binary" "$work" "$seeds" \
        -max_total_time="$seconds" -seed="${FUZZ_SEED:-1}" -timeout=10 -rss_limit_mb=4096 -max_len=8192 -print_final_stats=1 \
        -artifact_prefix="$scratch/artifacts/$target-" >"$log" 2>&1; then
        status=1
        echo "$target: CRASH; input in $scratch/artifacts (log $log):"
        grep -E "ERROR|Fatal error|Test unit written" "$log" | head -5
        continue
    fi
    executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    coverage=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -1)
    echo "$target ($mode): $executions executions, $rate/s, $coverage"
done
exit $status
