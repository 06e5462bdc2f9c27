// AVX-512 with AVX512-BF16: avx512's primitives and the narrowing of
// sixteen floats to bfloat16 in one instruction. Only the bfloat16 kernels
// are compiled with them (NONLIN_ISA_VARIANT in src/isa/isa_list.def).
#pragma once

#include "isa_avx512.hpp"

// VCVTNEPS2BF16 rounds to nearest even and quiets a NaN exactly as
// bf16_narrow does (src/simd/half.hpp; the two agree on every float that
// is not subnormal), but reads a subnormal input as zero whatever MXCSR
// says. has_subnormal finds the vectors that must be rounded on the bits.
#define NONLIN_HAS_HW_BF16 1
inline __m256i bf16_round(vfloat v) { return (__m256i)_mm512_cvtneps_pbh(v); }
inline bool has_subnormal(vfloat v) {
    const __m512i bits = _mm512_castps_si512(v);
    const __mmask16 zero_exponent = _mm512_testn_epi32_mask(bits, _mm512_set1_epi32(0x7f800000));
    return _mm512_mask_test_epi32_mask(zero_exponent, bits, _mm512_set1_epi32(0x007fffff)) != 0;
}
inline void bf16_store(uint16_t* p, vfloat v) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), bf16_round(v));
}
inline void bf16_stream(uint16_t* p, vfloat v) {
    _mm256_stream_si256(reinterpret_cast<__m256i*>(p), bf16_round(v));
}
