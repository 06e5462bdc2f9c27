// sigmoid(x) = 1 / (1 + exp(-x)) for float32.
//
// Method: e = exp(-|x|) never overflows; sigmoid = 1 / (1 + e) for x >= 0
// and e / (1 + e) for x < 0 (the reflection sigmoid(-z) = 1 - sigmoid(z)
// computed without the subtraction). exp comes as hi + lo, 1 + e is kept
// with its exact rounding error, and the one division is corrected with its
// exact residual, so the result is rounded about once instead of after each
// of four steps (which costs up to 2.2 ulp).
//
// Bound: 1 ulp over the whole float range, subnormal results included
// (asserted by tests/test_accuracy.cpp; measured figures in docs/ACCURACY.md).
#pragma once

#include "exp.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace math {

// For e = e_hi + e_lo in [0, 1]: the quotient num / (1 + e), with num = e
// where `ratio` holds and 1 elsewhere, as q + residual * inverse. Shared by
// sigmoid and tanh.
struct logistic_parts {
    vfloat q, residual, inverse;
};

inline logistic_parts logistic(vmask ratio, vfloat e_hi, vfloat e_lo) {
    const vfloat one = splat(1.0f);
    vfloat d_hi_err;
    const vfloat d = fast_two_sum(one, e_hi, d_hi_err);
    const vfloat d_err = d_hi_err + e_lo;  // 1 + e = d + d_err exactly
    const vfloat num = select(ratio, e_hi, one);
    const vfloat q = num / d;
    // (num + num_lo) / (d + d_err) = q + residual / d to first order.
    const vfloat residual =
        division_residual(num, q, d) + (select(ratio, e_lo, splat(0.0f)) - q * d_err);
    // 1 / d to about an ulp, for free: q itself, or 1 - e/(1+e).
    const vfloat inverse = select(ratio, one - q, q);
    return {q, residual, inverse};
}

inline vfloat sigmoid(vfloat x) {
    vfloat e_lo;
    const vfloat e_hi = exp_parts(-abs(x), &e_lo);
    // NaN: e is NaN, and so is the quotient.
    const logistic_parts l = logistic(x < splat(0.0f), e_hi, e_lo);
    return fmadd(l.residual, l.inverse, l.q);
}

}  // namespace math
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
