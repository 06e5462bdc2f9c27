// NEON primitives: AArch64 Advanced SIMD (4 floats, 2 doubles). Every
// AArch64 core has fused multiply-add, so fmadd is fused (FMLA) here as on
// AVX2 and AVX-512; no masked loads and no non-temporal vector store.
#pragma once

#include "xsimd_common.hpp"

#if defined(__ARM_BIG_ENDIAN)
#error "lookup8 numbers the bytes of a vector little-endian (aarch64, not aarch64_be)"
#endif

constexpr bool kHasFma = true;

// Intrinsics rather than xsimd::fma, which xsimd 8.1 fuses only when the
// compiler announces __ARM_FEATURE_FMA.
inline vfloat fmadd(vfloat a, vfloat b, vfloat c) { return vfmaq_f32(c, a, b); }
inline vdouble fmadd(vdouble a, vdouble b, vdouble c) { return vfmaq_f64(c, a, b); }
// b > a ? b : a, as x86's maxps(b, a): a NaN b is dropped, a NaN a kept.
// FMAX would return NaN for either, FMAXNM drop both; softmax's max pass
// drops NaN inputs (ops/softmax_parts.hpp) on every ISA alike.
inline vfloat max(vfloat a, vfloat b) { return vbslq_f32(vcgtq_f32(b, a), b, a); }
inline vfloat min(vfloat a, vfloat b) { return vbslq_f32(vcltq_f32(b, a), b, a); }
// FMAX and FMIN return NaN for a NaN operand: NaN x stays NaN.
inline vfloat clamp(vfloat x, vfloat lo, vfloat hi) { return vminq_f32(hi, vmaxq_f32(lo, x)); }
inline vdouble widen_lo(vfloat v) { return vcvt_f64_f32(vget_low_f32(v)); }
inline vdouble widen_hi(vfloat v) { return vcvt_high_f64_f32(v); }
inline vfloat narrow(vdouble lo, vdouble hi) {
    return vcvt_high_f32_f64(vcvt_f32_f64(lo), hi);
}
// FMAXV: NaN when a lane is NaN.
inline float reduce_max(vfloat v) { return vmaxvq_f32(v); }
// FADDP: lane 0 + lane 1, the order of the x86 paths.
inline double reduce_add(vdouble v) { return vaddvq_f64(v); }
// STNP is only a hint and takes register pairs: large outputs are stored
// like small ones.
inline void stream(float* p, vfloat v) { store(p, v); }
inline void stream_fence() {}
inline vfloat scale_pow2(vfloat p, vfloat n) { return scale_pow2_split(p, n); }
// table[index] per lane, index in [0, 8): one two-register byte lookup
// (TBL) of the bytes 4 index + {0, 1, 2, 3} of each lane.
inline vfloat lookup8(const float* table, int, vint index) {
    const uint8x16x2_t t = {{vreinterpretq_u8_f32(vld1q_f32(table)),
                             vreinterpretq_u8_f32(vld1q_f32(table + 4))}};
    const uint32x4_t bytes =
        vmlaq_n_u32(vdupq_n_u32(0x03020100u), vreinterpretq_u32_s32(index), 0x04040404u);
    return vreinterpretq_f32_u8(vqtbl2q_u8(t, vreinterpretq_u8_u32(bytes)));
}

inline vfloat load_partial(const float* p, std::size_t k, float pad) {
    return load_partial_buffered(p, k, pad);
}
inline void store_partial(float* p, std::size_t k, vfloat v) { store_partial_buffered(p, k, v); }

// Four 16-bit lanes (src/simd/half.hpp), widened and narrowed by moves.
inline vint load_u16(const uint16_t* p) {
    return vreinterpretq_s32_u32(vmovl_u16(vld1_u16(p)));
}
inline void store_u16(uint16_t* p, vint v) { vst1_u16(p, vmovn_u32(vreinterpretq_u32_s32(v))); }
inline void stream_u16(uint16_t* p, vint v) { store_u16(p, v); }
// Every AArch64 core converts binary16 in hardware (FCVTL, FCVTN): to
// nearest even, subnormals kept and a NaN quieted with its sign and the top
// of its payload, under the FPCR that Linux starts a process with (the
// same one every float kernel here assumes: round to nearest, FZ16 clear).
// The bit manipulations of src/simd/half.hpp give the same bits with a
// dozen instructions per vector instead of one.
#define NONLIN_HAS_HW_F16 1
inline vfloat f16_load(const uint16_t* p) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p))); }
inline void f16_store(uint16_t* p, vfloat v) { vst1_u16(p, vreinterpret_u16_f16(vcvt_f16_f32(v))); }
inline void f16_stream(uint16_t* p, vfloat v) { f16_store(p, v); }
