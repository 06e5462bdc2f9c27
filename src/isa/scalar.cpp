// The scalar kernels: the same algorithms on plain floats, baseline compiler flags.
#define NONLIN_ISA_NS isa_scalar
#define NONLIN_ISA_NAME "scalar"
#include "table.inc"
