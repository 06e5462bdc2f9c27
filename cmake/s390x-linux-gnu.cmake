# Cross build for IBM Z Linux (big-endian) with Debian's g++-s390x-linux-gnu:
#   cmake -S . -B build-s390x --toolchain cmake/s390x-linux-gnu.cmake
# Only the scalar kernels exist there. The programs it builds run under
# qemu-s390x (qemu-user), which CMake uses for the tests (ctest) and the
# test discovery at build time.
set(NONLIN_CROSS_TRIPLE s390x-linux-gnu)
set(NONLIN_CROSS_QEMU qemu-s390x)
include(${CMAKE_CURRENT_LIST_DIR}/cross-linux-gnu.cmake)
set(CMAKE_SYSTEM_PROCESSOR s390x)
