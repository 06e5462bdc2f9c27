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

}  // namespace math
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
