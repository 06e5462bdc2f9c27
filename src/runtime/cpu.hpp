// Which instruction sets this CPU (and OS) can run.
#pragma once

namespace nonlin {

enum class isa { scalar = 0, sse2 = 1, avx2 = 2, avx512 = 3 };
constexpr int kIsaCount = 4;

// Name as used by nonlin_isa(), nonlin_set_isa() and NONLIN_ISA.
const char* isa_name(isa i);

// Parses a name; false for an unknown one.
bool isa_from_name(const char* name, isa* out);

// True when this build has kernels for i and the CPU and OS can run them.
bool isa_available(isa i);

// The best available ISA.
isa best_isa();

}  // namespace nonlin
