// AVX2 + FMA primitives (8 floats).
#pragma once

#include "xsimd_common.hpp"

constexpr bool kHasFma = true;

// Intrinsics rather than xsimd::fma, so that fusion never depends on the
// xsimd version.
inline vfloat fmadd(vfloat a, vfloat b, vfloat c) { return _mm256_fmadd_ps(a, b, c); }
inline vdouble fmadd(vdouble a, vdouble b, vdouble c) { return _mm256_fmadd_pd(a, b, c); }
inline vfloat max(vfloat a, vfloat b) { return _mm256_max_ps(b, a); }
inline vfloat min(vfloat a, vfloat b) { return _mm256_min_ps(b, a); }
inline vfloat clamp(vfloat x, vfloat lo, vfloat hi) {
    return _mm256_min_ps(hi, _mm256_max_ps(lo, x));
}
inline vdouble widen_lo(vfloat v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
inline vdouble widen_hi(vfloat v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }
inline vfloat narrow(vdouble lo, vdouble hi) {
    return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm256_cvtpd_ps(lo)), _mm256_cvtpd_ps(hi), 1);
}
inline float reduce_max(vfloat v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
    return _mm_cvtss_f32(m);
}
inline double reduce_add(vdouble v) {
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}
inline void stream(float* p, vfloat v) { _mm256_stream_ps(p, v); }
inline void stream_fence() { _mm_sfence(); }
inline vfloat scale_pow2(vfloat p, vfloat n) { return scale_pow2_split(p, n); }
// table[index] per lane, index in [0, 8): one permute.
inline vfloat lookup8(const float* table, int, vint index) {
    return _mm256_permutevar8x32_ps(_mm256_loadu_ps(table), index);
}

// Masked loads and stores never touch (or fault on) the lanes left out.
inline __m256i lanes_below(std::size_t k) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(k)),
                              _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
inline vfloat load_partial(const float* p, std::size_t k, float pad) {
    const __m256i m = lanes_below(k);
    return _mm256_blendv_ps(_mm256_set1_ps(pad), _mm256_maskload_ps(p, m), _mm256_castsi256_ps(m));
}
inline void store_partial(float* p, std::size_t k, vfloat v) {
    _mm256_maskstore_ps(p, lanes_below(k), v);
}

// Eight 16-bit lanes (src/simd/half.hpp); lanes hold 0..0xffff, which the
// unsigned-saturating pack keeps exactly.
inline vint load_u16(const uint16_t* p) {
    return _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
inline __m128i pack_u16(vint v) {
    const __m256i packed = _mm256_packus_epi32(v, v);
    return _mm256_castsi256_si128(_mm256_permute4x64_epi64(packed, 0x08));
}
inline void store_u16(uint16_t* p, vint v) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), pack_u16(v));
}
inline void stream_u16(uint16_t* p, vint v) {
    _mm_stream_si128(reinterpret_cast<__m128i*>(p), pack_u16(v));
}
// F16C (every AVX2 CPU has it; the ISA's CPU check requires it): binary16
// conversions in hardware, rounding to nearest even, subnormals kept.
#define NONLIN_HAS_HW_F16 1
constexpr int kF16Round = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
inline vfloat f16_load(const uint16_t* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
inline void f16_store(uint16_t* p, vfloat v) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm256_cvtps_ph(v, kF16Round));
}
inline void f16_stream(uint16_t* p, vfloat v) {
    _mm_stream_si128(reinterpret_cast<__m128i*>(p), _mm256_cvtps_ph(v, kF16Round));
}
