# Cross build for 64-bit Arm Linux with Debian's g++-aarch64-linux-gnu:
#   cmake -S . -B build-aarch64 --toolchain cmake/aarch64-linux-gnu.cmake
# The programs it builds run under qemu-aarch64 (qemu-user), which CMake
# uses for the tests (ctest) and the test discovery at build time.
set(NONLIN_CROSS_TRIPLE aarch64-linux-gnu)
set(NONLIN_CROSS_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/cross-linux-gnu.cmake)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
