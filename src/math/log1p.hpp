// log1p(u) for u in [0, 1], as hi + lo: the log1p(exp(-|z|)) term of
// softplus and log-sigmoid (the only use; a general log1p is not needed).
//
// Method: log1p(u) = 2 atanh(s) with s = u / (2 + u) in [0, 1/3], so
// log1p(u) = 2s + 2s * s^2 * P(s^2), P the Taylor series of atanh(s)/s - 1
// over s^2 up to s^16 (truncation below 1.5e-10 relative). 2 + u is formed
// with its exact error, the division corrected by its exact residual, and
// u may come with a low part u_lo (exp's), so 2s is carried as hi + lo and
// the sum is rounded once by the caller: about 0.55 ulp.
#pragma once

#include "exp.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace math {

// Returns hi; *lo receives the low part. Subnormal u returns u exactly.
inline vfloat log1p_unit(vfloat u, vfloat u_lo, vfloat* lo) {
    const vfloat two = splat(2.0f);
    vfloat d_err;
    const vfloat d = fast_two_sum(two, u, d_err);  // 2 >= u
    const vfloat d_lo = d_err + u_lo;
    const vfloat s = u / d;
    const vfloat s_lo = (division_residual(u, s, d) + u_lo - s * d_lo) / d;
    const vfloat s2 = s * s;
    vfloat p = fmadd(splat(1.0f / 17.0f), s2, splat(1.0f / 15.0f));
    p = fmadd(p, s2, splat(1.0f / 13.0f));
    p = fmadd(p, s2, splat(1.0f / 11.0f));
    p = fmadd(p, s2, splat(1.0f / 9.0f));
    p = fmadd(p, s2, splat(1.0f / 7.0f));
    p = fmadd(p, s2, splat(1.0f / 5.0f));
    p = fmadd(p, s2, splat(1.0f / 3.0f));
    const vfloat hi = s + s;
    *lo = fmadd(hi * s2, p, s_lo + s_lo);
    return hi;
}

}  // namespace math
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
