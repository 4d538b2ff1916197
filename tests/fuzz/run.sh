#!/bin/sh
# NAME
#   run.sh - build the libFuzzer targets in their own tree and run them
# SYNOPSIS
#   tests/fuzz/run.sh short [BUILD_DIR]            (ctest fuzz/short)
#   tests/fuzz/run.sh long  [BUILD_DIR] [SECONDS]  (scripts/fuzz)
# DESCRIPTION
#   Configures BUILD_DIR (default: build-fuzz at the top of the source tree)
#   with clang, -DRDNS_FUZZ=ON and ASan+UBSan when it is not configured yet,
#   builds the fuzz targets, then runs each target over its seed corpus in
#   tests/fuzz/corpus/<target> for a while:
#     short  RDNS_FUZZ_SECONDS seconds each (default 15), in a fresh
#            scratch corpus, so the whole run stays under three minutes;
#     long   SECONDS each (default 600), keeping what it learns in
#            BUILD_DIR/fuzz-corpus/<target> across runs.
#   New inputs go to the scratch or kept corpus, never into the source
#   tree. A crash, leak, sanitizer report, timeout or broken invariant
#   fails the run; the input is kept as BUILD_DIR/fuzz-artifacts/<target>-*
#   and the end of libFuzzer's log is shown.
#
#   Prints one line per target: executions (from libFuzzer's final
#   stats), executions per second, corpus size, and ok or FAILED.
# EXIT STATUS
#   0 when every target ran clean, 1 when one failed, 2 on a build error.
set -u

mode=${1:-short}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${2:-$src/build-fuzz}
case $mode in
short) secs=${RDNS_FUZZ_SECONDS:-15} ;;
long)  secs=${3:-600} ;;
*) echo "usage: $0 short|long [BUILD_DIR] [SECONDS]" >&2; exit 2 ;;
esac
case $build in /*) ;; *) build=$(pwd)/$build ;; esac

targets="fuzz_sanitize fuzz_helo fuzz_sender fuzz_generic_ptr fuzz_config fuzz_dns_reply"
jobs=${RDNS_FUZZ_JOBS:-2}

# Configure every time (quick once done): a new target file is picked up.
command -v clang >/dev/null 2>&1 || { echo "run.sh: clang is required" >&2; exit 2; }
mkdir -p "$build"
if [ -f "$build/CMakeCache.txt" ]; then
    cmake "$build" >"$build/fuzz-configure.log" 2>&1
else
    CC=clang cmake -S "$src" -B "$build" -DRDNS_FUZZ=ON \
        -DRDNS_SANITIZE=address,undefined -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        >"$build/fuzz-configure.log" 2>&1
fi || { tail -30 "$build/fuzz-configure.log" >&2; echo "run.sh: configure failed" >&2; exit 2; }
cmake --build "$build" --target fuzz-targets -j "$jobs" >"$build/fuzz-build.log" 2>&1 || {
    tail -50 "$build/fuzz-build.log" >&2; echo "run.sh: build failed" >&2; exit 2; }

artifacts=$build/fuzz-artifacts
mkdir -p "$artifacts"
if [ "$mode" = short ]; then
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/rdns-fuzz.XXXXXX")
    trap 'rm -rf "$scratch"' EXIT
    workroot=$scratch
else
    workroot=$build/fuzz-corpus
fi

# UB and leaks are crashes; allocator misuse too.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# One target: fuzz it, leave its exit status in $build/$t.rc.
fuzz_one() {
    t=$1
    work=$workroot/$t
    log=$build/$t.log
    mkdir -p "$work"
    dict=
    [ -f "$here/$t.dict" ] && dict=-dict=$here/$t.dict
    "$build/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
        -print_final_stats=1 -artifact_prefix="$artifacts/$t-" $dict \
        "$work" "$here/corpus/$t" >"$log" 2>&1
    echo $? >"$build/$t.rc"
}

# RDNS_FUZZ_PARALLEL=1: all targets at once, so a long run takes SECONDS
# of wall time in all (each target then gets a share of the cores).
for t in $targets; do
    [ -x "$build/$t" ] || continue
    rm -f "$build/$t.rc"
    if [ "${RDNS_FUZZ_PARALLEL:-0}" = 1 ]; then
        fuzz_one "$t" &
    else
        fuzz_one "$t"
    fi
done
wait

failed=0
printf '%-18s %8s %12s %10s %8s  %s\n' target seconds executions exec/s corpus result
for t in $targets; do
    if [ ! -x "$build/$t" ]; then
        if [ -f "$here/$t.c" ]; then
            printf '%-18s %8s %12s %10s %8s  %s\n' "$t" - - - - "FAILED (not built)"
            failed=1
        fi
        continue
    fi
    log=$build/$t.log
    rc=$(cat "$build/$t.rc" 2>/dev/null || echo 99)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    corpus=$(ls "$workroot/$t" | wc -l)
    if [ "$rc" -eq 0 ] && ! grep -q 'ERROR: \(AddressSanitizer\|LeakSanitizer\|libFuzzer\)\|runtime error:' "$log"; then
        result=ok
    else
        result="FAILED (exit $rc, log $log)"
        failed=1
    fi
    printf '%-18s %8s %12s %10s %8s  %s\n' "$t" "$secs" "${execs:-?}" "${rate:-?}" "$corpus" "$result"
    if [ "$result" != ok ]; then
        echo "---- end of $log" >&2
        grep -v '^#[0-9]' "$log" | tail -40 >&2
        echo "----" >&2
    fi
done
exit $failed
