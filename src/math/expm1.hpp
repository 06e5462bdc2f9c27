// expm1(x) = exp(x) - 1 for float32, accurate near 0 (expm1(-1e-8) is
// -1e-8, not 0 as exp(x) - 1 gives).
//
// Method: for |x| < 0.34, the Taylor series x + x^2 (1/2 + x/6 + ... +
// x^6/8!), whose truncation error is below 7e-10 relative there; the sum is
// rounded once at the end. Elsewhere, exp(x) = hi + lo from exp_parts and
// (hi - 1) formed with its exact error (TwoSum), so hi - 1 + lo is rounded
// once; the error of exp's parts is amplified at most e^0.34 / (e^0.34 - 1)
// = 3.5 times relative to the result, against an exp good to 0.07 ulp
// before its last rounding. Above x = 80 the result is exp(x) itself.
//
// Measured bound (tests/test_accuracy.cpp through elu, dense sweep of the
// float range): 1 ulp on every ISA path (see docs/ACCURACY.md).
// expm1(NaN) = NaN, expm1(-inf) = -1, expm1(+inf) = +inf, expm1(-0) = -0.
#pragma once

#include "exp.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace math {

struct expm1_constants {
    static constexpr float threshold = 0.34f;
    static constexpr float c2 = 0.5f;
    static constexpr float c3 = 1.0f / 6.0f;
    static constexpr float c4 = 1.0f / 24.0f;
    static constexpr float c5 = 1.0f / 120.0f;
    static constexpr float c6 = 1.0f / 720.0f;
    static constexpr float c7 = 1.0f / 5040.0f;
    static constexpr float c8 = 1.0f / 40320.0f;
};

inline vfloat expm1(vfloat x) {
    using K = expm1_constants;
    vfloat p = fmadd(splat(K::c8), x, splat(K::c7));
    p = fmadd(p, x, splat(K::c6));
    p = fmadd(p, x, splat(K::c5));
    p = fmadd(p, x, splat(K::c4));
    p = fmadd(p, x, splat(K::c3));
    p = fmadd(p, x, splat(K::c2));
    const vfloat small = fmadd(x * x, p, x);

    vfloat e_lo;
    const vfloat e = exp_parts(x, &e_lo);
    vfloat s_err;
    const vfloat s = two_sum(e, splat(-1.0f), s_err);  // e - 1 = s + s_err
    const vfloat large = s + (s_err + e_lo);

    // x == 0 keeps the sign of zero.
    return select(x == splat(0.0f), x,
                  select(abs(x) < splat(K::threshold), small,
                         select(x < splat(80.0f), large, e)));
}

}  // namespace math
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
