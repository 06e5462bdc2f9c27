// tanh for float32.
//
// Method: for |x| < 0.55, tanh(x) = x + x^3 * P(x^2) with P of degree 4
// (relative error 1.0e-9, minimax fit): no cancellation near 0, and a
// subnormal x returns x. For |x| >= 0.55, with e = exp(-2|x|) (which cannot
// overflow), tanh(|x|) = 1 - 2e / (1 + e), with e / (1 + e) carried as
// hi + lo (see logistic() in sigmoid.hpp) and the result rounded once; it
// is >= 0.5 there, so the subtraction loses nothing. The sign is copied
// back at the end, so the result is odd.
//
// Bound: 1 ulp over the whole float range (asserted by
// tests/test_accuracy.cpp; measured figures in docs/ACCURACY.md).
#pragma once

#include "sigmoid.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace math {

struct tanh_constants {
    static constexpr float threshold = 0.55f;
    static constexpr float p0 = -0.33333316445350647f;
    static constexpr float p1 = 0.13332585990428925f;
    static constexpr float p2 = -0.05385230854153633f;
    static constexpr float p3 = 0.021071679890155792f;
    static constexpr float p4 = -0.0062742410227656364f;
};

inline vfloat tanh(vfloat x) {
    using K = tanh_constants;
    const vfloat z = abs(x);

    const vfloat z2 = z * z;
    vfloat p = fmadd(splat(K::p4), z2, splat(K::p3));
    p = fmadd(p, z2, splat(K::p2));
    p = fmadd(p, z2, splat(K::p1));
    p = fmadd(p, z2, splat(K::p0));
    const vfloat small = fmadd(p * z2, z, z);

    // 1 - 2s with s = e / (1 + e) = q + s_lo, rounded once: 1 - 2q is
    // formed with its exact error (Fast2Sum, 1 >= 2q).
    vfloat e_lo;
    const vfloat e_hi = exp_parts(splat(-2.0f) * z, &e_lo);
    // Every lane takes the ratio (z == z; a NaN lane is NaN either way).
    const logistic_parts s = logistic(z == z, e_hi, e_lo);
    const vfloat s_lo = s.residual * s.inverse;
    const vfloat two_q = s.q + s.q;
    vfloat u_err;
    const vfloat u = one_minus(two_q, u_err);
    const vfloat large = u - ((s_lo + s_lo) - u_err);

    const vfloat magnitude = select(z < splat(K::threshold), small, large);
    // Copy the sign of x: tanh(-0) = -0 and tanh(-x) = -tanh(x) exactly.
    return copy_sign(magnitude, x);
}

}  // namespace math
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
