// Primitives shared by the vector ISAs (x86 and NEON): everything xsimd 8.1
// provides correctly for each of them. Included by isa_sse2.hpp,
// isa_avx2.hpp, isa_avx512.hpp and isa_neon.hpp inside the per-ISA
// namespace.
#pragma once

using vfloat = xsimd::batch<float, NONLIN_XSIMD_ARCH>;
using vint = xsimd::batch<int32_t, NONLIN_XSIMD_ARCH>;
using vdouble = xsimd::batch<double, NONLIN_XSIMD_ARCH>;
using vmask = vfloat::batch_bool_type;
constexpr std::size_t kWidth = vfloat::size;

inline vfloat load(const float* p) { return vfloat::load_unaligned(p); }
inline void store(float* p, vfloat v) { v.store_unaligned(p); }
inline void store(double* p, vdouble v) { v.store_unaligned(p); }
inline vfloat select(vmask m, vfloat a, vfloat b) { return xsimd::select(m, a, b); }
inline bool any(vmask m) { return xsimd::any(m); }
inline bool all(vmask m) { return xsimd::all(m); }
// Not v != v: xsimd 8.1 compares != as ordered on AVX and AVX-512
// (_CMP_NEQ_OQ), which is false for a NaN.
inline vmask is_nan(vfloat v) { return xsimd::isnan(v); }
inline vfloat abs(vfloat v) { return xsimd::abs(v); }
inline vint as_int(vfloat v) { return xsimd::bitwise_cast<vint>(v); }
inline vfloat as_float(vint v) { return xsimd::bitwise_cast<vfloat>(v); }
inline vint to_int(vfloat v) { return xsimd::to_int(v); }  // v integer-valued
inline vint shift_left(vint v, int k) { return v << k; }
inline vint shift_right(vint v, int k) { return v >> k; }  // arithmetic
// Each 16-bit half of a lane all ones where its top bit is set, else 0: one
// arithmetic shift of 16-bit lanes (src/simd/half.hpp).
inline vint spread_top_bits(vint v) {
    using vshort = xsimd::batch<int16_t, NONLIN_XSIMD_ARCH>;
    return xsimd::bitwise_cast<vint>(xsimd::bitwise_cast<vshort>(v) >> 15);
}

// p * 2^n for integer-valued n in [-252, 254], rounded once: as
// 2^(n/2) * 2^(n - n/2), both factors normal, so a subnormal result is
// rounded by the second multiplication only, not flushed (for |p| within
// 2^+-87 of 1, the first product is normal wherever the result is not 0).
inline vfloat scale_pow2_split(vfloat p, vfloat n) {
    const vint ni = to_int(n);
    const vint n1 = shift_right(ni, 1);
    const vint n2 = ni - n1;
    const vfloat s1 = as_float(shift_left(n1 + vint(127), 23));
    const vfloat s2 = as_float(shift_left(n2 + vint(127), 23));
    return (p * s1) * s2;
}

// For the ISAs without masked loads and stores (SSE2, NEON): lanes [0, k)
// go through a padded buffer, so no byte past them is read or written.
inline vfloat load_partial_buffered(const float* p, std::size_t k, float pad) {
    alignas(64) float buf[kWidth];
    vfloat(pad).store_aligned(buf);
    std::memcpy(buf, p, k * sizeof(float));
    return vfloat::load_aligned(buf);
}
inline void store_partial_buffered(float* p, std::size_t k, vfloat v) {
    alignas(64) float buf[kWidth];
    v.store_aligned(buf);
    std::memcpy(p, buf, k * sizeof(float));
}
