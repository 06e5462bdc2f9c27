// Which instruction sets this CPU (and OS) can run.
#pragma once

namespace nonlin {

// The ISAs of src/isa/isa_list.def, in its order: worst first.
enum class isa {
#define NONLIN_ISA(name, ...) name,
#include "../isa/isa_list.def"
#undef NONLIN_ISA
};
constexpr int kIsaCount = 0
#define NONLIN_ISA(name, ...) +1
#include "../isa/isa_list.def"
#undef NONLIN_ISA
    ;

// Name as used by nonlin_isa(), nonlin_set_isa() and NONLIN_ISA.
const char* isa_name(isa i);

// Parses a name; false for an unknown one.
bool isa_from_name(const char* name, isa* out);

// True when this build has kernels for i and the CPU and OS can run them.
bool isa_available(isa i);

// The best available ISA.
isa best_isa();

}  // namespace nonlin
