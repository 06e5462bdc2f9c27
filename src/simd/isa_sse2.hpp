// SSE2 primitives (4 floats). No FMA and no masked loads on this ISA.
#pragma once

#include "xsimd_common.hpp"

constexpr bool kHasFma = false;

inline vfloat fmadd(vfloat a, vfloat b, vfloat c) { return a * b + c; }
inline vdouble fmadd(vdouble a, vdouble b, vdouble c) { return a * b + c; }
// maxps returns its second operand when either is NaN: NaN x survives.
inline vfloat max(vfloat a, vfloat b) { return _mm_max_ps(b, a); }
inline vfloat min(vfloat a, vfloat b) { return _mm_min_ps(b, a); }
inline vfloat clamp(vfloat x, vfloat lo, vfloat hi) { return _mm_min_ps(hi, _mm_max_ps(lo, x)); }
inline vdouble widen_lo(vfloat v) { return _mm_cvtps_pd(v); }
inline vdouble widen_hi(vfloat v) { return _mm_cvtps_pd(_mm_movehl_ps(v, v)); }
inline vfloat narrow(vdouble lo, vdouble hi) { return _mm_movelh_ps(_mm_cvtpd_ps(lo), _mm_cvtpd_ps(hi)); }
inline float reduce_max(vfloat v) {
    __m128 m = _mm_max_ps(v, _mm_movehl_ps(v, v));
    m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
    return _mm_cvtss_f32(m);
}
inline double reduce_add(vdouble v) { return _mm_cvtsd_f64(_mm_add_sd(v, _mm_unpackhi_pd(v, v))); }
inline void stream(float* p, vfloat v) { _mm_stream_ps(p, v); }
inline void stream_fence() { _mm_sfence(); }
inline vfloat scale_pow2(vfloat p, vfloat n) { return scale_pow2_split(p, n); }
// table[index] per lane for index in [0, used): no variable permute of
// floats on SSE2, so one blend per entry.
inline vfloat lookup8(const float* table, int used, vint index) {
    vfloat r = vfloat(table[0]);
    for (int k = 1; k < used; ++k)
        r = select(vmask(_mm_castsi128_ps(_mm_cmpeq_epi32(index, _mm_set1_epi32(k)))),
                   vfloat(table[k]), r);
    return r;
}

// No masked loads.
inline vfloat load_partial(const float* p, std::size_t k, float pad) {
    return load_partial_buffered(p, k, pad);
}
inline void store_partial(float* p, std::size_t k, vfloat v) { store_partial_buffered(p, k, v); }

// Four 16-bit lanes (src/simd/half.hpp). SSE2 packs with signed
// saturation only, so the low halves are sign-extended first to pack exactly.
inline vint load_u16(const uint16_t* p) {
    return _mm_unpacklo_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)),
                              _mm_setzero_si128());
}
inline __m128i pack_u16(vint v) {
    const __m128i s = _mm_srai_epi32(_mm_slli_epi32(v, 16), 16);
    return _mm_packs_epi32(s, s);
}
inline void store_u16(uint16_t* p, vint v) {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(p), pack_u16(v));
}
inline void stream_u16(uint16_t* p, vint v) {
    _mm_stream_si64(reinterpret_cast<long long*>(p), _mm_cvtsi128_si64(pack_u16(v)));
}
