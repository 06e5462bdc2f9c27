#include "cpu.hpp"

#include <cstring>

namespace nonlin {

const char* isa_name(isa i) {
    switch (i) {
    case isa::scalar: return "scalar";
    case isa::sse2: return "sse2";
    case isa::avx2: return "avx2";
    case isa::avx512: return "avx512";
    }
    return "scalar";
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

bool isa_available(isa i) {
#if defined(NONLIN_HAVE_X86_KERNELS)
    // GCC's checks read CPUID and, for AVX and AVX-512, also XGETBV, so a
    // CPU whose OS has not enabled the wider registers reports false.
    __builtin_cpu_init();
    switch (i) {
    case isa::scalar: return true;
    case isa::sse2: return __builtin_cpu_supports("sse2");
    case isa::avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case isa::avx512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
    }
    return false;
#else
    return i == isa::scalar;
#endif
}

isa best_isa() {
    for (int k = kIsaCount - 1; k > 0; --k)
        if (isa_available(static_cast<isa>(k))) return static_cast<isa>(k);
    return isa::scalar;
}

}  // namespace nonlin
