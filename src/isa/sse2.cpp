// The sse2 kernels. Compiled with this ISA's flags only (see CMakeLists.txt).
#define NONLIN_ISA_NS isa_sse2
#define NONLIN_ISA_NAME "sse2"
#define NONLIN_XSIMD_ARCH xsimd::sse2
#define NONLIN_ISA_LEVEL 1
#include "table.inc"
