# Install rules, the CMake package, the pkg-config file and the Debian
# packages (CPack). Two components:
#   runtime  libnonlin.so.0 and libnonlin.so.0.1.0           -> libnonlin0
#   dev      header, libnonlin.so, libnonlin.a, CMake package,
#            nonlin.pc, LICENSE                               -> libnonlin-dev
# Every path in the installed files is relative to where they are installed,
# so `cmake --install build --prefix P` works for any P.

set(NONLIN_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/nonlin)
set(NONLIN_PKGCONFIG_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(FILES include/nonlin/nonlin.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/nonlin
  COMPONENT dev)
install(TARGETS nonlin EXPORT nonlinTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(TARGETS nonlin_static EXPORT nonlinTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT dev)

# ------------------------------------------------------- the CMake package
install(EXPORT nonlinTargets NAMESPACE nonlin:: DESTINATION ${NONLIN_CMAKE_DIR}
  COMPONENT dev)
configure_package_config_file(cmake/nonlinConfig.cmake.in
  ${PROJECT_BINARY_DIR}/nonlinConfig.cmake
  INSTALL_DESTINATION ${NONLIN_CMAKE_DIR})
# find_package(nonlin 0.1) accepts 0.1.x and later 0.x; a new major version
# (a new SONAME) is never taken for the old one.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/nonlinConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/nonlinConfig.cmake
  ${PROJECT_BINARY_DIR}/nonlinConfigVersion.cmake
  DESTINATION ${NONLIN_CMAKE_DIR} COMPONENT dev)

# ------------------------------------------------------- the pkg-config file
# prefix is found from the .pc file's own directory (${pcfiledir}), so the
# file is right wherever the tree is installed or unpacked.
function(nonlin_pc_path out dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  else()
    set(${out} "\${prefix}/${dir}" PARENT_SCOPE)
  endif()
endfunction()
if(IS_ABSOLUTE "${NONLIN_PKGCONFIG_DIR}")
  set(NONLIN_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH NONLIN_PC_UP "/root/${NONLIN_PKGCONFIG_DIR}" "/root")
  string(REGEX REPLACE "/$" "" NONLIN_PC_UP "${NONLIN_PC_UP}")
  set(NONLIN_PC_PREFIX "\${pcfiledir}/${NONLIN_PC_UP}")
endif()
nonlin_pc_path(NONLIN_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
nonlin_pc_path(NONLIN_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
# What the static library needs besides itself (pkg-config --static): the
# C++ runtime, the OpenMP runtime it was compiled for (libgomp for GCC) and
# libm. None of them has a .pc file, hence no Requires.private.
set(NONLIN_PC_LIBS_PRIVATE -lstdc++)
foreach(lib IN LISTS OpenMP_CXX_LIB_NAMES)
  list(APPEND NONLIN_PC_LIBS_PRIVATE -l${lib})
endforeach()
list(APPEND NONLIN_PC_LIBS_PRIVATE -lm)
list(REMOVE_DUPLICATES NONLIN_PC_LIBS_PRIVATE)
list(JOIN NONLIN_PC_LIBS_PRIVATE " " NONLIN_PC_LIBS_PRIVATE)
configure_file(cmake/nonlin.pc.in ${PROJECT_BINARY_DIR}/nonlin.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/nonlin.pc DESTINATION ${NONLIN_PKGCONFIG_DIR}
  COMPONENT dev)

# ------------------------------------------------------ the Debian packages
# Only a top-level build owns the CPack configuration: a parent project that
# includes nonlin keeps its own.
if(NOT PROJECT_IS_TOP_LEVEL)
  return()
endif()

# /usr/share/doc/<package>/copyright, in each package and only there.
configure_file(cmake/copyright.in ${PROJECT_BINARY_DIR}/copyright @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/copyright
  DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/libnonlin0 COMPONENT runtime EXCLUDE_FROM_ALL)
install(FILES ${PROJECT_BINARY_DIR}/copyright
  DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/libnonlin-dev COMPONENT dev EXCLUDE_FROM_ALL)

set(CPACK_PACKAGE_NAME nonlin)
set(CPACK_PACKAGE_VENDOR "The nonlin authors")
set(CPACK_PACKAGE_CONTACT "The nonlin authors <nonlin@invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Vectorized, numerically stable activation functions and their gradients")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_COMPONENTS_ALL runtime dev)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libnonlin0)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
  "Vectorized, numerically stable activation functions (shared library)
 sigmoid, tanh, softmax, log_softmax, GELU, SiLU and the other activations
 of neural networks, their gradients and the NLL and cross-entropy losses,
 behind a stable C ABI, with kernels for AVX-512, AVX2, SSE2 and plain C++
 chosen at run time.
 .
 This package holds the shared library libnonlin.so.0.")
# Depends from the library's ELF dependencies (dpkg-shlibdeps): libc6,
# libgcc-s1, libgomp1, libstdc++6, each with its minimum version.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
# A shlibs file and the ldconfig trigger.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_GENERATE_SHLIBS ON)

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libnonlin-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
  "libnonlin0 (= ${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE})")
set(CPACK_COMPONENT_DEV_DESCRIPTION
  "Vectorized, numerically stable activation functions (development files)
 The C99 header nonlin/nonlin.h, the static library, the CMake package
 (find_package(nonlin), targets nonlin::nonlin and nonlin::nonlin_static)
 and the pkg-config file nonlin.pc.")

include(CPack)
