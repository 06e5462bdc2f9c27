// softplus(z) = log(1 + exp(z)) for float32, with z given as zh + zl (so
// that callers can pass b*x exactly), never overflowing.
//
// Method: softplus(z) = max(z, 0) + log1p(exp(-|z|)); exp(-|z|) comes as
// hi + lo with zl fed into its reduced argument, log1p as hi + lo
// (log1p.hpp), and max(z, 0) + log1p is summed with its exact error
// (TwoSum), so the result hi + lo is rounded once by the caller.
// For z < -64 the result is exp(z) (to 2^-92 relative) and callers use
// times_exp instead where the result can be subnormal.
//
// Near 0 softplus is flat in ulps: up to 2^21 consecutive z share one
// result, so an error that wanders by a fraction of an ulp from one z to the
// next (the rounding of exp's polynomial, of log1p's quotient) makes the
// rounded result step back where it should stay. There softplus_near_zero
// is used instead: a sum that only moves one way as z grows.
//
// Measured bound (through softplus and logsigmoid, tests/test_accuracy.cpp,
// dense sweep of the float range): see docs/ACCURACY.md; 1 ulp.
#pragma once

#include "log1p.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace math {

// Returns hi; *lo receives the low part. NaN propagates; z = +inf gives
// +inf, z = -inf gives 0.
inline vfloat softplus_parts(vfloat zh, vfloat zl, vfloat* lo) {
    const vmask negative = zh < splat(0.0f);
    // -|z| = -|zh| - sign(zh) zl; an infinite zh may come with a NaN zl.
    const vfloat tail = select(abs(zh) == splat(__builtin_inff()), splat(0.0f),
                               select(negative, zl, -zl));
    vfloat e_lo;
    const vfloat e = exp_core<true, true>(-abs(zh), tail, &e_lo);
    vfloat l_lo;
    const vfloat l = log1p_unit(e, e_lo, &l_lo);
    const vfloat a = select(negative, splat(0.0f), zh);
    const vfloat a_lo = select(negative | (zh == splat(__builtin_inff())), splat(0.0f), zl);
    vfloat t_err;
    const vfloat t = two_sum(a, l, t_err);
    *lo = select(zh == splat(__builtin_inff()), splat(0.0f), t_err + (a_lo + l_lo));
    return t;
}

// Where softplus_near_zero replaces softplus_parts: below |z| = 0.25 the
// rounding noise of softplus_parts exceeds the rise of softplus between
// neighbouring floats (all 2^32 inputs: every decrease lies there); 0.5
// keeps a margin and keeps the series short.
constexpr float kSoftplusSeriesLimit = 0.5f;

// softplus(z) for |z| <= 0.5, rounded twice (w, then ln2 + w: within
// 0.75 ulp), non-decreasing in z: softplus(z) = ln2 + z/2 + u g(u) with
// u = z^2 and g the Taylor series (terms below 2^-33 dropped). Every step
// rounds a sum whose exact value grows with z faster than the noise of the
// smaller terms (|u g(u)| <= z^2/8, its noise <= 2^-23 z^2/8, the rise of
// z/2 between neighbours >= 2^-25 |z|), and rounding to nearest keeps order.
inline vfloat softplus_near_zero(vfloat z) {
    constexpr float ln2_hi = 0.693147182464599609375f;
    constexpr float ln2_lo = -1.9046542999577679e-9f;
    const vfloat u = z * z;
    vfloat g = fmadd(splat(2.1356922398589065e-6f), u, splat(-2.6351686507936508e-5f));
    g = fmadd(g, u, splat(3.4722222222222222e-4f));
    g = fmadd(g, u, splat(-5.2083333333333333e-3f));
    g = fmadd(g, u, splat(0.125f));
    const vfloat w = fmadd(z, splat(0.5f), fmadd(u, g, splat(ln2_lo)));
    return splat(ln2_hi) + w;
}

}  // namespace math
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
