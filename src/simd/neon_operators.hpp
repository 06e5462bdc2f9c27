// The operators of xsimd 8.1's NEON batches that the kernels use, as single
// AArch64 instructions. Included by vec.hpp at global scope, right after
// xsimd and before any kernel, in the neon translation units only (the ones
// that use the neon64 batches). Two reasons:
//
// - Division: xsimd divides float batches by a reciprocal estimate and two
//   Newton steps times the numerator: not correctly rounded (softsign
//   reached 2.5 ulp, celu 2.3) and wrong where the reciprocal is subnormal.
//   AArch64 has IEEE division (FDIV); every a / b of a neon kernel (and
//   a / s, s / b with a float s) goes through operator/=.
// - Compile time: xsimd picks the instruction for each element type at
//   every call from a tuple of one function per type, and shifts by an int
//   through a chain of 32 comparisons, one immediate-count instruction each.
//   GCC inlines all of it before folding it away: minutes per translation
//   unit (the bf16 unit took 3.4 minutes, 2 with the shifts alone replaced).
//
// The semantics are xsimd's: wrapping int32 arithmetic, arithmetic right
// shifts, ordered float comparisons (false for a NaN), lane masks of all
// ones or all zeros. operator!= is left to xsimd (unordered for floats).
#pragma once

namespace xsimd {

using nonlin_neon_floats = batch<float, neon64>;
using nonlin_neon_ints = batch<int32_t, neon64>;

template <>
inline nonlin_neon_floats& nonlin_neon_floats::operator/=(batch const& other) noexcept {
    return *this = batch(vdivq_f32(*this, other));
}

// Bitwise operations on floats act on their bits.
#define NONLIN_NEON_FLOAT_BITS(op, instruction)                                                  \
    template <>                                                                                 \
    inline nonlin_neon_floats& nonlin_neon_floats::operator op(batch const& other) noexcept {   \
        return *this = batch(vreinterpretq_f32_u32(                                             \
                   instruction(vreinterpretq_u32_f32(*this), vreinterpretq_u32_f32(other))));  \
    }
NONLIN_NEON_FLOAT_BITS(&=, vandq_u32)
NONLIN_NEON_FLOAT_BITS(|=, vorrq_u32)
NONLIN_NEON_FLOAT_BITS(^=, veorq_u32)
#undef NONLIN_NEON_FLOAT_BITS

#define NONLIN_NEON_UPDATE(type, op, instruction)                          \
    template <>                                                           \
    inline type& type::operator op(batch const& other) noexcept {         \
        return *this = batch(instruction(*this, other));                  \
    }
NONLIN_NEON_UPDATE(nonlin_neon_ints, +=, vaddq_s32)
NONLIN_NEON_UPDATE(nonlin_neon_ints, -=, vsubq_s32)
NONLIN_NEON_UPDATE(nonlin_neon_ints, &=, vandq_s32)
NONLIN_NEON_UPDATE(nonlin_neon_ints, |=, vorrq_s32)
NONLIN_NEON_UPDATE(nonlin_neon_ints, ^=, veorq_s32)
#undef NONLIN_NEON_UPDATE

// SSHL: left for a positive count, arithmetically right for a negative one.
template <>
inline nonlin_neon_ints& nonlin_neon_ints::operator<<=(int32_t count) noexcept {
    return *this = batch(vshlq_s32(*this, vdupq_n_s32(count)));
}
template <>
inline nonlin_neon_ints& nonlin_neon_ints::operator>>=(int32_t count) noexcept {
    return *this = batch(vshlq_s32(*this, vdupq_n_s32(-count)));
}

#define NONLIN_NEON_COMPARE(type, op, instruction)                                        \
    template <>                                                                          \
    inline type::batch_bool_type type::operator op(batch const& other) const noexcept {  \
        return batch_bool_type(instruction(*this, other));                               \
    }
NONLIN_NEON_COMPARE(nonlin_neon_floats, ==, vceqq_f32)
NONLIN_NEON_COMPARE(nonlin_neon_floats, <, vcltq_f32)
NONLIN_NEON_COMPARE(nonlin_neon_floats, <=, vcleq_f32)
NONLIN_NEON_COMPARE(nonlin_neon_floats, >, vcgtq_f32)
NONLIN_NEON_COMPARE(nonlin_neon_floats, >=, vcgeq_f32)
NONLIN_NEON_COMPARE(nonlin_neon_ints, ==, vceqq_s32)
NONLIN_NEON_COMPARE(nonlin_neon_ints, <, vcltq_s32)
NONLIN_NEON_COMPARE(nonlin_neon_ints, <=, vcleq_s32)
NONLIN_NEON_COMPARE(nonlin_neon_ints, >, vcgtq_s32)
NONLIN_NEON_COMPARE(nonlin_neon_ints, >=, vcgeq_s32)
#undef NONLIN_NEON_COMPARE

// Masks: the lanes' bits, for either element type.
#define NONLIN_NEON_MASK(element, op, instruction)                                          \
    template <>                                                                            \
    inline batch_bool<element, neon64> batch_bool<element, neon64>::operator op(           \
        batch_bool const& other) const noexcept {                                          \
        return batch_bool(instruction(*this, other));                                      \
    }
NONLIN_NEON_MASK(float, &, vandq_u32)
NONLIN_NEON_MASK(float, |, vorrq_u32)
NONLIN_NEON_MASK(float, ^, veorq_u32)
NONLIN_NEON_MASK(int32_t, &, vandq_u32)
NONLIN_NEON_MASK(int32_t, |, vorrq_u32)
NONLIN_NEON_MASK(int32_t, ^, veorq_u32)
#undef NONLIN_NEON_MASK

template <>
inline batch_bool<float, neon64> batch_bool<float, neon64>::operator~() const noexcept {
    return batch_bool(vmvnq_u32(*this));
}
template <>
inline batch_bool<int32_t, neon64> batch_bool<int32_t, neon64>::operator~() const noexcept {
    return batch_bool(vmvnq_u32(*this));
}

}  // namespace xsimd
