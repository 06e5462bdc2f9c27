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
constexpr int kSubnormalClass = 0x20;  // vfpclassps: denormal
inline bool has_subnormal(vfloat v) { return _mm512_fpclass_ps_mask(v, kSubnormalClass) != 0; }
inline bool has_subnormal(vfloat a, vfloat b) {
    return _kortestz_mask16_u8(_mm512_fpclass_ps_mask(a, kSubnormalClass),
                               _mm512_fpclass_ps_mask(b, kSubnormalClass)) == 0;
}
inline void bf16_store(uint16_t* p, vfloat v) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), bf16_round(v));
}
inline void bf16_stream(uint16_t* p, vfloat v) {
    _mm256_stream_si256(reinterpret_cast<__m256i*>(p), bf16_round(v));
}
// Two vectors, a's lanes first, in one instruction (VCVTNE2PS2BF16 puts
// its second operand in the low half).
inline __m512i bf16_round(vfloat a, vfloat b) { return (__m512i)_mm512_cvtne2ps_pbh(b, a); }
inline void bf16_store(uint16_t* p, vfloat a, vfloat b) {
    _mm512_storeu_si512(p, bf16_round(a, b));
}
inline void bf16_stream(uint16_t* p, vfloat a, vfloat b) {
    _mm512_stream_si512(reinterpret_cast<__m512i*>(p), bf16_round(a, b));
}
