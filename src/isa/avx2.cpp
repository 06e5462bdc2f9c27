// The avx2 kernels. Compiled with this ISA's flags only (see CMakeLists.txt).
#define NONLIN_ISA_NS isa_avx2
#define NONLIN_ISA_NAME "avx2"
#define NONLIN_XSIMD_ARCH xsimd::fma3<xsimd::avx2>
#define NONLIN_ISA_LEVEL 2
#include "table.inc"
