# What the toolchain files for Debian's cross compilers share; each sets
# NONLIN_CROSS_TRIPLE (aarch64-linux-gnu, ...) and NONLIN_CROSS_QEMU, then
# includes this. Libraries and headers of the target come from Debian's
# /usr/<triple> (the cross g++ packages bring its libc, libstdc++ and
# libgomp); the header-only xsimd and Catch2 and every program come from
# the host.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${NONLIN_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${NONLIN_CROSS_TRIPLE}-g++)
set(CMAKE_FIND_ROOT_PATH /usr/${NONLIN_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
set(CMAKE_CROSSCOMPILING_EMULATOR ${NONLIN_CROSS_QEMU} -L /usr/${NONLIN_CROSS_TRIPLE})
# Debian installs xsimd's package configuration under the host's multiarch
# directory, which a cross build does not search; its headers are in
# /usr/include, which the cross compilers search last.
if(NOT DEFINED xsimd_DIR)
  file(GLOB NONLIN_CROSS_XSIMD_DIR LIST_DIRECTORIES true /usr/lib/*-linux-gnu*/cmake/xsimd)
  if(NONLIN_CROSS_XSIMD_DIR)
    list(GET NONLIN_CROSS_XSIMD_DIR 0 xsimd_DIR)
  endif()
endif()
