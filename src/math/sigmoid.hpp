// sigmoid(x) = 1 / (1 + exp(-x)) for float32.
//
// Method: e = exp(-|x|) never overflows; sigmoid = 1 / (1 + e) for x >= 0
// and e / (1 + e) for x < 0 (the reflection sigmoid(-z) = 1 - sigmoid(z)
// computed without the subtraction). exp comes as hi + lo, 1 + e is kept
// with its exact rounding error, and the one division is corrected by one
// Newton step with an exact residual, so the result is rounded once at the
// end instead of after each of the four steps.
//
// Bound: 1 ulp over the whole float range, subnormal results included
// (asserted by tests/test_accuracy.cpp; measured figures in docs/ACCURACY.md).
#pragma once

#include "exp.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace math {

// For e = e_hi + e_lo in [0, 1]: e / (1 + e) as an unevaluated sum hi + lo,
// and 1 / (1 + e) rounded once. Shared by sigmoid and tanh.
struct logistic_parts {
    vfloat recip;     // 1 / (1 + e)
    vfloat ratio_hi;  // e / (1 + e) = ratio_hi + ratio_lo
    vfloat ratio_lo;
};

inline logistic_parts logistic(vfloat e_hi, vfloat e_lo) {
    const vfloat one = splat(1.0f);
    const vfloat d = one + e_hi;
    const vfloat d_err = ((one - d) + e_hi) + e_lo;  // 1 + e = d + d_err
    const vfloat r = one / d;
    const vfloat rd = r * d;
    // 1 - r*d exactly (1 - rd is exact by Sterbenz), then the correction
    // c with 1 / (d + d_err) = r + c to second order.
    const vfloat residual = (one - rd) - product_error(r, d, rd);
    const vfloat c = r * (residual - r * d_err);
    const vfloat p = e_hi * r;
    const vfloat ratio_lo = (product_error(e_hi, r, p) + e_hi * c) + e_lo * r;
    return {r + c, p, ratio_lo};
}

inline vfloat sigmoid(vfloat x) {
    vfloat e_lo;
    const vfloat e_hi = exp_parts<true>(-abs(x), splat(0.0f), &e_lo);
    const logistic_parts l = logistic(e_hi, e_lo);
    // NaN: e is NaN, and so are both branches.
    return select(x < splat(0.0f), l.ratio_hi + l.ratio_lo, l.recip);
}

}  // namespace math
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
