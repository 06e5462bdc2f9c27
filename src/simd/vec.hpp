// The vector vocabulary the kernels are written in: one float vector type,
// its mask, its int32 twin and a double vector, with the few operations the
// algorithms need. Each ISA translation unit includes this once, inside its
// own namespace, after defining which ISA it is for:
//
//   NONLIN_ISA_NS      the per-ISA namespace (isa_avx512, isa_avx2, ...)
//   NONLIN_XSIMD_ARCH  the xsimd arch type; left undefined for the scalar
//                      path, which runs the same algorithms on plain floats
//                      (xsimd 8.1 has no scalar batch type).
//
// Everything here lives in the per-ISA namespace so that the linker can never
// pick an AVX copy of an inline helper for a path that runs without AVX.
#pragma once

#ifndef NONLIN_ISA_NS
#error "src/simd/vec.hpp is included from an ISA translation unit (src/isa/*.cpp)"
#endif

#include <cstddef>
#include <cstdint>
#include <cstring>

#ifdef NONLIN_XSIMD_ARCH
#include <immintrin.h>
#include <xsimd/xsimd.hpp>
#endif

namespace nonlin {
namespace NONLIN_ISA_NS {

#ifdef NONLIN_XSIMD_ARCH

using vfloat = xsimd::batch<float, NONLIN_XSIMD_ARCH>;
using vint = xsimd::batch<int32_t, NONLIN_XSIMD_ARCH>;
using vdouble = xsimd::batch<double, NONLIN_XSIMD_ARCH>;
using vmask = vfloat::batch_bool_type;
constexpr std::size_t kWidth = vfloat::size;

inline vfloat load(const float* p) { return vfloat::load_unaligned(p); }
inline void store(float* p, vfloat v) { v.store_unaligned(p); }
inline vdouble load(const double* p) { return vdouble::load_unaligned(p); }
inline void store(double* p, vdouble v) { v.store_unaligned(p); }
// Fused where the ISA has FMA. Written with intrinsics: xsimd 8.1's fma for
// avx512 falls back to an unfused multiply and add.
#if NONLIN_ISA_LEVEL == 3
inline vfloat fmadd(vfloat a, vfloat b, vfloat c) { return _mm512_fmadd_ps(a, b, c); }
inline vdouble fmadd(vdouble a, vdouble b, vdouble c) { return _mm512_fmadd_pd(a, b, c); }
#elif NONLIN_ISA_LEVEL == 2
inline vfloat fmadd(vfloat a, vfloat b, vfloat c) { return _mm256_fmadd_ps(a, b, c); }
inline vdouble fmadd(vdouble a, vdouble b, vdouble c) { return _mm256_fmadd_pd(a, b, c); }
#else
inline vfloat fmadd(vfloat a, vfloat b, vfloat c) { return a * b + c; }
inline vdouble fmadd(vdouble a, vdouble b, vdouble c) { return a * b + c; }
#endif
inline vfloat select(vmask m, vfloat a, vfloat b) { return xsimd::select(m, a, b); }
inline vfloat abs(vfloat v) { return xsimd::abs(v); }
inline vint as_int(vfloat v) { return xsimd::bitwise_cast<vint>(v); }
inline vfloat as_float(vint v) { return xsimd::bitwise_cast<vfloat>(v); }
inline vint shift_left(vint v, int k) { return v << k; }
inline vint shift_right(vint v, int k) { return v >> k; }  // arithmetic
inline vmask is_nan(vfloat v) { return v != v; }
inline vmask mask_or(vmask a, vmask b) { return a || b; }
inline bool any(vmask m) { return xsimd::any(m); }

// Exact widening of the low and high halves of a float vector to double:
// xsimd 8.1 has no cast between batches of different lane counts.
#if NONLIN_ISA_LEVEL == 3
inline vdouble widen_lo(vfloat v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
inline vdouble widen_hi(vfloat v) { return _mm512_cvtps_pd(_mm512_extractf32x8_ps(v, 1)); }
#elif NONLIN_ISA_LEVEL == 2
inline vdouble widen_lo(vfloat v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
inline vdouble widen_hi(vfloat v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }
#elif NONLIN_ISA_LEVEL == 1
inline vdouble widen_lo(vfloat v) { return _mm_cvtps_pd(v); }
inline vdouble widen_hi(vfloat v) { return _mm_cvtps_pd(_mm_movehl_ps(v, v)); }
#else
#error "NONLIN_ISA_LEVEL must be 1 (sse2), 2 (avx2) or 3 (avx512) for a vector ISA"
#endif

#else  // the scalar path

using vfloat = float;
using vint = int32_t;
using vdouble = double;
using vmask = bool;
constexpr std::size_t kWidth = 1;

inline vfloat load(const float* p) { return *p; }
inline void store(float* p, vfloat v) { *p = v; }
inline vdouble load(const double* p) { return *p; }
inline void store(double* p, vdouble v) { *p = v; }
// Unfused, like the SSE2 path: the baseline x86-64 has no FMA instruction
// and a library call per element would be slower than the whole kernel.
inline vfloat fmadd(vfloat a, vfloat b, vfloat c) { return a * b + c; }
inline vdouble fmadd(vdouble a, vdouble b, vdouble c) { return a * b + c; }
inline vfloat select(vmask m, vfloat a, vfloat b) { return m ? a : b; }
inline vfloat abs(vfloat v) { return __builtin_fabsf(v); }
inline vint as_int(vfloat v) {
    vint i;
    std::memcpy(&i, &v, sizeof i);
    return i;
}
inline vfloat as_float(vint i) {
    vfloat v;
    std::memcpy(&v, &i, sizeof v);
    return v;
}
inline vint shift_left(vint v, int k) { return static_cast<vint>(static_cast<uint32_t>(v) << k); }
inline vint shift_right(vint v, int k) { return v >> k; }  // arithmetic on GCC and clang
inline vmask is_nan(vfloat v) { return v != v; }
inline vmask mask_or(vmask a, vmask b) { return a || b; }
inline bool any(vmask m) { return m; }
inline vdouble widen_lo(vfloat v) { return v; }
inline vdouble widen_hi(vfloat) { return 0.0; }

#endif

constexpr std::size_t kDoubleWidth = kWidth == 1 ? 1 : kWidth / 2;

#if defined(NONLIN_ISA_LEVEL) && NONLIN_ISA_LEVEL >= 2
constexpr bool kHasFma = true;
#else
constexpr bool kHasFma = false;
#endif

// a*b - p exactly, for p = a*b rounded (|a|, |b| well inside the float
// range). One fused multiply-add where the ISA has it; otherwise Dekker's
// product of the 12-bit halves of a and b, each of which is exact.
inline vfloat product_error(vfloat a, vfloat b, vfloat p) {
    if (kHasFma) return fmadd(a, b, -p);
    const vfloat split = vfloat(4097.0f);  // 2^12 + 1
    const vfloat ca = split * a, cb = split * b;
    const vfloat ah = ca - (ca - a), bh = cb - (cb - b);
    const vfloat al = a - ah, bl = b - bh;
    return (((ah * bh - p) + ah * bl) + al * bh) + al * bl;
}

inline vfloat splat(float v) { return vfloat(v); }

// Loads k < kWidth floats, filling the other lanes with pad, without
// touching memory past p + k.
inline vfloat load_partial(const float* p, std::size_t k, float pad) {
    alignas(64) float buf[kWidth];
    for (std::size_t i = 0; i < kWidth; ++i) buf[i] = pad;
    std::memcpy(buf, p, k * sizeof(float));
    return load(buf);
}

// Stores the first k < kWidth lanes of v.
inline void store_partial(float* p, std::size_t k, vfloat v) {
    alignas(64) float buf[kWidth];
    store(buf, v);
    std::memcpy(p, buf, k * sizeof(float));
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

// Lane-wise maximum that keeps NaN from either operand, so a NaN in a row
// always reaches the row's result (xsimd's max drops it for one order).
inline vfloat max_nan(vfloat a, vfloat b) {
    return select(mask_or(is_nan(a), a > b), a, b);
}

inline float reduce_max(vfloat v) {
    alignas(64) float buf[kWidth];
    store(buf, v);
    float m = buf[0];
    for (std::size_t i = 1; i < kWidth; ++i) m = (m != m || m > buf[i]) ? m : buf[i];
    return m;
}

inline double reduce_add(vdouble v) {
    alignas(64) double buf[kDoubleWidth];
    store(buf, v);
    double s = 0.0;
    for (std::size_t i = 0; i < kDoubleWidth; ++i) s += buf[i];
    return s;
}

// Adds every lane of a float vector into a pair of double accumulators;
// float-to-double is exact, so only the double additions round.
inline void accumulate(vdouble& lo, vdouble& hi, vfloat v) {
    lo = lo + widen_lo(v);
    if (kWidth > 1) hi = hi + widen_hi(v);
}

}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
