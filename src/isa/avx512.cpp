// The avx512 kernels. Compiled with this ISA's flags only (see CMakeLists.txt).
#define NONLIN_ISA_NS isa_avx512
#define NONLIN_ISA_NAME "avx512"
#define NONLIN_XSIMD_ARCH xsimd::avx512bw
#define NONLIN_ISA_LEVEL 3
#include "table.inc"
