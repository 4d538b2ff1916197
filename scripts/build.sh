#!/bin/sh
# Configures and builds into build/ (or $BUILD_DIR). Extra arguments go to
# cmake's configure step, e.g. -DRDNS_SANITIZE=address,undefined.
set -eu
cd "$(dirname "$0")/.."
dir=${BUILD_DIR:-build}
cmake -S . -B "$dir" -DRDNS_WERROR=ON "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
