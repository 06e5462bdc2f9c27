// AVX-512 (F+BW+DQ+VL) primitives (16 floats).
#pragma once

#include "xsimd_common.hpp"

constexpr bool kHasFma = true;

// xsimd 8.1's fma for avx512 is an unfused multiply and add: use intrinsics.
inline vfloat fmadd(vfloat a, vfloat b, vfloat c) { return _mm512_fmadd_ps(a, b, c); }
// a * b - c in one instruction (GCC does not fuse fmadd(a, b, -c)); only
// the table exp of fast.hpp, which exists on AVX-512 alone, needs it.
inline vfloat fmsub(vfloat a, vfloat b, vfloat c) { return _mm512_fmsub_ps(a, b, c); }
inline vdouble fmadd(vdouble a, vdouble b, vdouble c) { return _mm512_fmadd_pd(a, b, c); }
inline vfloat max(vfloat a, vfloat b) { return _mm512_max_ps(b, a); }
inline vfloat min(vfloat a, vfloat b) { return _mm512_min_ps(b, a); }
inline vfloat clamp(vfloat x, vfloat lo, vfloat hi) {
    return _mm512_min_ps(hi, _mm512_max_ps(lo, x));
}
inline vdouble widen_lo(vfloat v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
inline vdouble widen_hi(vfloat v) { return _mm512_cvtps_pd(_mm512_extractf32x8_ps(v, 1)); }
inline vfloat narrow(vdouble lo, vdouble hi) {
    return _mm512_insertf32x8(_mm512_castps256_ps512(_mm512_cvtpd_ps(lo)), _mm512_cvtpd_ps(hi), 1);
}
inline float reduce_max(vfloat v) { return _mm512_reduce_max_ps(v); }
inline double reduce_add(vdouble v) { return _mm512_reduce_add_pd(v); }
inline void stream(float* p, vfloat v) { _mm512_stream_ps(p, v); }
inline void stream_fence() { _mm_sfence(); }
// vscalefps: p * 2^floor(n), rounded once, subnormal results included.
inline vfloat scale_pow2(vfloat p, vfloat n) { return _mm512_scalef_ps(p, n); }
// table[index] per lane, index in [0, 8): one permute.
inline vfloat lookup8(const float* table, int, vint index) {
    return _mm512_permutexvar_ps(index, _mm512_broadcast_f32x8(_mm256_loadu_ps(table)));
}

// table[index & 31] per lane: two registers, one permute (src/math/fast.hpp's
// 2^(k/32) table; the ISAs without it take the plain fast exp).
#define NONLIN_HAS_LOOKUP32 1
inline vfloat lookup32(const float* table, vint index) {
    return _mm512_permutex2var_ps(_mm512_loadu_ps(table), index, _mm512_loadu_ps(table + 16));
}

// `result` where `in` is a number, else `in` quieted with its sign and
// payload (the elementwise NaN rule): one VFIXUPIMMPS, whose table answers
// a quiet NaN's token with `in` itself (1) and a signalling NaN's with `in`
// quieted (2) and keeps `result` for the other six (0). Bit for bit
// select(is_nan(in), in + in, result) on all 2^32 inputs (MXCSR.DAZ,
// which it reads, is never set here), in one operation instead of two.
#define NONLIN_HAS_NAN_FIXUP 1
inline vfloat nan_fixup(vfloat in, vfloat result) {
    return _mm512_fixupimm_ps(result, in, _mm512_set1_epi32(0x21), 0);
}

// |magnitude| with the sign of s: one bitwise select (VPTERNLOGD, table
// 0xe4: the bits of the third operand choose the first's, the others the
// second's) where the and-not-or takes three operations.
#define NONLIN_HAS_COPY_SIGN 1
inline vfloat copy_sign(vfloat magnitude, vfloat s) {
    return _mm512_castsi512_ps(_mm512_ternarylogic_epi32(_mm512_castps_si512(magnitude),
                                                         _mm512_castps_si512(s),
                                                         _mm512_set1_epi32(INT32_MAX), 0xe4));
}

inline __mmask16 lanes_below(std::size_t k) {
    return static_cast<__mmask16>((1u << k) - 1u);
}
inline vfloat load_partial(const float* p, std::size_t k, float pad) {
    return _mm512_mask_loadu_ps(_mm512_set1_ps(pad), lanes_below(k), p);
}
inline void store_partial(float* p, std::size_t k, vfloat v) {
    _mm512_mask_storeu_ps(p, lanes_below(k), v);
}

// Sixteen 16-bit lanes (src/simd/half.hpp).
inline vint load_u16(const uint16_t* p) {
    return _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}
inline void store_u16(uint16_t* p, vint v) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), _mm512_cvtepi32_epi16(v));
}
inline void stream_u16(uint16_t* p, vint v) {
    _mm256_stream_si256(reinterpret_cast<__m256i*>(p), _mm512_cvtepi32_epi16(v));
}
// bfloat16 to float in one permute: each 16-bit pattern moved to the top
// of its 32-bit lane, zeros below (vpmovzxwd and a shift take two
// instructions, the shift on the pipe that the kernels' additions load).
#define NONLIN_HAS_BF16_LOAD 1
inline vfloat bf16_load(const uint16_t* p) {
    // Word j of the result takes word j / 2 of the 16 loaded; the mask
    // zeroes the even (low) words.
    const __m512i top = _mm512_srli_epi16(
        _mm512_set_epi32(0x001f001e, 0x001d001c, 0x001b001a, 0x00190018, 0x00170016, 0x00150014,
                         0x00130012, 0x00110010, 0x000f000e, 0x000d000c, 0x000b000a, 0x00090008,
                         0x00070006, 0x00050004, 0x00030002, 0x00010000),
        1);
    const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    return _mm512_castsi512_ps(
        _mm512_maskz_permutexvar_epi16(0xaaaaaaaau, top, _mm512_castsi256_si512(h)));
}
// F16C's AVX-512 forms: binary16 conversions in hardware, rounding to
// nearest even, subnormals kept.
#define NONLIN_HAS_HW_F16 1
constexpr int kF16Round = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
inline vfloat f16_load(const uint16_t* p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}
inline void f16_store(uint16_t* p, vfloat v) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), _mm512_cvtps_ph(v, kF16Round));
}
inline void f16_stream(uint16_t* p, vfloat v) {
    _mm256_stream_si256(reinterpret_cast<__m256i*>(p), _mm512_cvtps_ph(v, kF16Round));
}
