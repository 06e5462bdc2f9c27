// Error-free transforms: a sum, a difference, a product or a quotient
// together with its exact rounding error, so that a formula can carry
// hi + lo through several steps and round once at the end. Every kernel
// that carries a low part takes it from here.
//
// Each transform is exact as stated (round to nearest, no overflow); the
// operation order inside each is part of the result and must not change.
// They live in the per-ISA namespace, like the rest of the vector code.
#pragma once

#include <limits>

#include "../simd/vec.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {

// a + b as hi + lo exactly (Knuth's TwoSum: no condition on the magnitudes).
inline vfloat two_sum(vfloat a, vfloat b, vfloat& lo) {
    const vfloat s = a + b;
    const vfloat bb = s - a;
    lo = (a - (s - bb)) + (b - bb);
    return s;
}

// a + b as hi + lo exactly, for |a| >= |b| (Dekker's Fast2Sum).
inline vfloat fast_two_sum(vfloat a, vfloat b, vfloat& lo) {
    const vfloat s = a + b;
    lo = (a - s) + b;
    return s;
}

// 1 - a as hi + lo exactly, for 0 <= a <= 1 (Fast2Sum).
inline vfloat one_minus(vfloat a, vfloat& lo) {
    const vfloat hi = splat(1.0f) - a;
    lo = (splat(1.0f) - hi) - a;
    return hi;
}

// d = a - b and err with d + err == a - b exactly (TwoSum of a and -b),
// where d is finite; err is NaN where d is infinite, for callers that
// discard it there anyway.
inline vfloat two_diff_finite(vfloat a, vfloat b, vfloat& err) {
    const vfloat d = a - b;
    const vfloat a_part = d + b;
    const vfloat b_part = d - a_part;
    err = (a - a_part) - (b + b_part);
    return d;
}

// The same with err = 0 where d is infinite (the formula gives NaN there).
inline vfloat two_diff(vfloat a, vfloat b, vfloat& err) {
    const vfloat d = two_diff_finite(a, b, err);
    err = select(abs(d) == splat(std::numeric_limits<float>::infinity()), splat(0.0f), err);
    return d;
}

// a*b - p exactly, for p = a*b rounded; 0 where p overflowed (so that
// p + error stays an infinity rather than inf - inf). One fused
// multiply-add where the ISA has it; otherwise Dekker's product of the
// 12-bit halves of a and b, each of which is exact, after scaling operands
// above 2^100 by 2^-64 (the split would overflow) and the error back.
inline vfloat product_error(vfloat a, vfloat b, vfloat p) {
    const vmask finite = abs(p) < vfloat(3.4028234663852886e38f * 2.0f);
    if (kHasFma) return select(finite, fmadd(a, b, -p), vfloat(0.0f));
    const vfloat big = vfloat(0x1p100f), down = vfloat(0x1p-64f), up = vfloat(0x1p64f),
                 one = vfloat(1.0f);
    const vmask big_a = abs(a) > big, big_b = abs(b) > big;
    const vfloat sa = select(big_a, down, one), sb = select(big_b, down, one);
    const vfloat as = a * sa, bs = b * sb, ps = (p * sa) * sb;
    const vfloat split = vfloat(4097.0f);  // 2^12 + 1
    const vfloat ca = split * as, cb = split * bs;
    const vfloat ah = ca - (ca - as), bh = cb - (cb - bs);
    const vfloat al = as - ah, bl = bs - bh;
    const vfloat err = (((ah * bh - ps) + ah * bl) + al * bh) + al * bl;
    return select(finite, (err * select(big_a, up, one)) * select(big_b, up, one), vfloat(0.0f));
}

// num - q*d exactly, where q is num / d rounded: the residual of a
// division, which is representable (num and q*d agree to about an ulp).
inline vfloat division_residual(vfloat num, vfloat q, vfloat d) {
    if (kHasFma) return fmadd(-q, d, num);
    const vfloat qd = q * d;
    return (num - qd) - product_error(q, d, qd);
}

}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
