// What C++ needs to read src/isa/isa_list.def: the per-architecture
// selectors and feature test its lines use, and the names in its order.
//
//   NONLIN_ISA_ON_<arch>(...)  its arguments in a build for <arch>, nothing
//                              otherwise; a line whose arch has no selector
//                              here does not compile
//   NONLIN_CPU_INIT()          prepares NONLIN_CPU (once, before the checks)
//   NONLIN_CPU(feature)        true when the CPU and the OS support feature
//   NONLIN_CPU_F16C()          true when the CPU has F16C (x86-64)
//
// CMake compiles the kernels of the lines whose arch is its NONLIN_ARCH;
// each generated translation unit checks that this header agrees.
#pragma once

#include <string_view>

#define NONLIN_ISA_ON_any(...) __VA_ARGS__

#if defined(__x86_64__)
#define NONLIN_ISA_ON_x86_64(...) __VA_ARGS__
// GCC's checks read CPUID and, for AVX and AVX-512, also XGETBV, so a CPU
// whose OS has not enabled the wider registers reports false.
#define NONLIN_CPU_INIT() __builtin_cpu_init()
#define NONLIN_CPU(feature) __builtin_cpu_supports(#feature)
// clang 14's __builtin_cpu_supports does not know "f16c": CPUID leaf 1, ECX
// bit 29. F16C works on the AVX registers, so the lines that ask for it
// also ask for AVX2 or AVX-512, whose checks include the OS's support.
#include <cpuid.h>
static inline bool nonlin_cpu_has_f16c() {
    unsigned a, b, c, d;
    return __get_cpuid(1, &a, &b, &c, &d) != 0 && (c & bit_F16C) != 0;
}
#define NONLIN_CPU_F16C() nonlin_cpu_has_f16c()
#elif defined(__aarch64__)
#include <sys/auxv.h>
#define NONLIN_ISA_ON_aarch64(...) __VA_ARGS__
// The features the kernel reports (AT_HWCAP), by their HWCAP_ names
// (NONLIN_CPU(ASIMD): Advanced SIMD).
#define NONLIN_CPU(feature) ((getauxval(AT_HWCAP) & HWCAP_##feature) != 0)
#endif

#ifndef NONLIN_ISA_ON_x86_64
#define NONLIN_ISA_ON_x86_64(...)
#endif
#ifndef NONLIN_ISA_ON_aarch64
#define NONLIN_ISA_ON_aarch64(...)
#endif

#ifndef NONLIN_CPU_INIT
#define NONLIN_CPU_INIT() static_cast<void>(0)
#endif

namespace nonlin {

// Every ISA of the list, worst first, whether or not this build has its
// kernels (nonlin_set_isa calls the others unsupported, not unknown).
inline constexpr const char* kIsaNames[] = {
#define NONLIN_ISA(name, ...) #name,
#include "isa_list.def"
#undef NONLIN_ISA
};

// Whether an ISA is a variant (NONLIN_ISA_VARIANT): its float and binary16
// kernels are its base's, the same code, which the tests and benchmarks of
// those types need not run twice.
inline bool is_isa_variant(std::string_view name) {
    constexpr const char* variants[] = {
#define NONLIN_ISA(...)
#define NONLIN_ISA_VARIANT(variant, base) #variant,
#include "isa_list.def"
#undef NONLIN_ISA_VARIANT
#undef NONLIN_ISA
        nullptr};
    for (const char* v : variants)
        if (v != nullptr && name == v) return true;
    return false;
}

}  // namespace nonlin
