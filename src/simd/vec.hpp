// The vector vocabulary the kernels are written in: one float vector type,
// its mask, its int32 twin and a double vector, with the few operations the
// algorithms need. The primitives come from one header per ISA
// (isa_*.hpp); what is built from them for every ISA alike is here. Each
// ISA translation unit (generated from src/isa/isa.cpp.in, one per line of
// src/isa/isa_list.def) includes this once, after defining which ISA it is
// for:
//
//   NONLIN_ISA_NS          the per-ISA namespace (isa_avx512, isa_avx2, ...)
//   NONLIN_ISA_PRIMITIVES  its primitives header, "isa_<name>.hpp"
//   NONLIN_XSIMD_ARCH      the xsimd arch type; left undefined for the scalar
//                          path, which runs the same algorithms on plain
//                          floats (xsimd 8.1 has no scalar batch type).
//
// Everything here lives in the per-ISA namespace so that the linker can never
// pick an AVX copy of an inline helper for a path that runs without AVX.
#pragma once

#ifndef NONLIN_ISA_NS
#error "src/simd/vec.hpp is included from an ISA translation unit (src/isa/isa.cpp.in)"
#endif

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "nonlin/nonlin.h"
#include "../util/unaligned.hpp"

#ifdef NONLIN_XSIMD_ARCH
#if defined(__SSE2__)
#include <immintrin.h>
#elif defined(__ARM_NEON)
#include <arm_neon.h>
#endif
#include <xsimd/xsimd.hpp>
#if defined(__aarch64__)
#include "neon_operators.hpp"
#endif
#endif

namespace nonlin {
namespace NONLIN_ISA_NS {

#include NONLIN_ISA_PRIMITIVES

constexpr std::size_t kDoubleWidth = kWidth == 1 ? 1 : kWidth / 2;

inline vfloat splat(float v) { return vfloat(v); }

// |magnitude| with the sign of s (an ISA may do it in one instruction).
#ifndef NONLIN_HAS_COPY_SIGN
inline vfloat copy_sign(vfloat magnitude, vfloat s) {
    return as_float((as_int(magnitude) & vint(INT32_MAX)) | (as_int(s) & vint(INT32_MIN)));
}
#endif

// select(m, rare(), common), with rare() computed only when a lane needs
// it: for the far tails (exp's argument below -64, ...) that ordinary
// inputs never reach, and whose formulas cost as much as the main one.
template <class Rare>
inline vfloat select_rare(vmask m, Rare&& rare, vfloat common) {
    return any(m) ? select(m, rare(), common) : common;
}

// Loads lanes [0, k) from p; k == kWidth is a plain load.
inline vfloat load_n(const float* p, std::size_t k, float pad) {
    return k == kWidth ? load(p) : load_partial(p, k, pad);
}

inline void store_n(float* p, std::size_t k, vfloat v) {
    if (k == kWidth)
        store(p, v);
    else
        store_partial(p, k, v);
}

// f(a, b, c) evaluated in double on the lanes of a and b (widened exactly)
// and of c (given as its low and high halves), rounded back to float once:
// for formulas whose intermediate values would overflow or round in float.
template <class F>
inline vfloat in_double(vfloat a, vfloat b, vdouble c_lo, vdouble c_hi, F&& f) {
    return narrow(f(widen_lo(a), widen_lo(b), c_lo),
                  kWidth > 1 ? f(widen_hi(a), widen_hi(b), c_hi) : vdouble(0.0));
}

// Adds every lane of a float vector into a pair of double accumulators;
// float-to-double is exact, so only the double additions round.
inline void accumulate(vdouble& lo, vdouble& hi, vfloat v) {
    lo = lo + widen_lo(v);
    if (kWidth > 1) hi = hi + widen_hi(v);
}

#include "half.hpp"

}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
