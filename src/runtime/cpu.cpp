#include "cpu.hpp"

#include <cstring>
#include <iterator>

#include "../isa/isa_list.hpp"

namespace nonlin {

static_assert(std::size(kIsaNames) == kIsaCount);

const char* isa_name(isa i) {
    const int k = static_cast<int>(i);
    return k >= 0 && k < kIsaCount ? kIsaNames[k] : kIsaNames[0];
}

bool isa_from_name(const char* name, isa* out) {
    for (int k = 0; k < kIsaCount; ++k) {
        const isa i = static_cast<isa>(k);
        if (std::strcmp(name, isa_name(i)) == 0) {
            *out = i;
            return true;
        }
    }
    return false;
}

// Each ISA's CPU check from the list; the ISAs of other architectures are
// not built here and never available.
bool isa_available(isa i) {
    NONLIN_CPU_INIT();
    switch (i) {
#define NONLIN_ISA(name, arch, xsimd_arch, cpu_check, flags) \
    NONLIN_ISA_ON_##arch(case isa::name: return cpu_check;)
#include "../isa/isa_list.def"
#undef NONLIN_ISA
    default: break;
    }
    return false;
}

isa best_isa() {
    for (int k = kIsaCount - 1; k > 0; --k)
        if (isa_available(static_cast<isa>(k))) return static_cast<isa>(k);
    return static_cast<isa>(0);
}

}  // namespace nonlin
