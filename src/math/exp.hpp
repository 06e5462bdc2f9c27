// exp for float32, written once over the vector vocabulary of vec.hpp.
//
// Method: n = round(x / ln2) by the 1.5*2^23 shifter, r = x - n*ln2 with a
// two-part ln2 (Cody-Waite: n*ln2_hi is exact for |n| < 2^9, so r is exact
// up to the ln2_lo term), exp(r) = 1 + r + r^2*P(r) with P of degree 4
// (relative error 3.5e-9 on |r| <= 0.354, fitted by minimax), and the result
// scaled by 2^n in two steps 2^(n/2) * 2^(n - n/2), so results that are
// subnormal are rounded once and not flushed.
//
// Measured bound (tests/test_accuracy.cpp, dense sweep of the float range):
// 1 ulp on every ISA path, subnormal results included.
// Special values: exp(NaN) = NaN, exp(-inf) = 0, exp(+inf) = +inf,
// exp(x) = +inf for x > 88.7228, 0 below -103.98 (where the result rounds
// to 0).
#pragma once

#include "../simd/vec.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace math {

struct exp_constants {
    static constexpr float shifter = 12582912.0f;          // 1.5 * 2^23
    static constexpr float log2e = 1.44269504088896341f;
    static constexpr float ln2_hi = 0.693145751953125f;     // 15 significant bits
    static constexpr float ln2_lo = 1.42860682030941723e-06f;
    static constexpr float c2 = 0.4999999403953552f;
    static constexpr float c3 = 0.16666509211063385f;
    static constexpr float c4 = 0.04166852682828903f;
    static constexpr float c5 = 0.008370133116841316f;
    static constexpr float c6 = 0.0013811641838401556f;
    // Beyond these, clamping changes nothing: exp overflows or rounds to 0.
    static constexpr float x_max = 89.0f;
    static constexpr float x_min = -104.0f;
};

// exp(x + tail) as an unevaluated sum hi + lo, where tail is a small
// correction to x (|tail| <= ulp(x)), for example the rounding error of the
// subtraction that produced x. hi alone is exp rounded to float (the last
// addition 1 + q is the only rounding that matters, and lo is its exact
// error, scaled like hi), so callers that combine exp with more arithmetic
// can carry lo and round once at the end.
// Where x is below the underflow threshold the result is 0 whatever tail
// is, so a NaN tail from an infinite x never leaks out.
template <bool WantLow>
inline vfloat exp_parts(vfloat x, vfloat tail, vfloat* lo) {
    using K = exp_constants;
    const vmask underflow = x < splat(K::x_min);
    // Comparisons with NaN are false, so a NaN x stays NaN through the clamps.
    vfloat xc = select(x > splat(K::x_max), splat(K::x_max), x);
    xc = select(underflow, splat(K::x_min), xc);

    const vfloat t = fmadd(xc, splat(K::log2e), splat(K::shifter));
    const vfloat n = t - splat(K::shifter);
    const vint ni = as_int(t) - as_int(splat(K::shifter));

    vfloat r = fmadd(n, splat(-K::ln2_hi), xc);
    r = fmadd(n, splat(-K::ln2_lo), r);
    r = r + select(underflow, splat(0.0f), tail);

    vfloat p = fmadd(splat(K::c6), r, splat(K::c5));
    p = fmadd(p, r, splat(K::c4));
    p = fmadd(p, r, splat(K::c3));
    p = fmadd(p, r, splat(K::c2));
    const vfloat q = fmadd(p, r * r, r);  // exp(r) - 1
    const vfloat hi = splat(1.0f) + q;

    const vint n1 = shift_right(ni, 1);
    const vint n2 = ni - n1;
    const vfloat s1 = as_float(shift_left(n1 + vint(127), 23));
    const vfloat s2 = as_float(shift_left(n2 + vint(127), 23));
    if (WantLow) {
        const vfloat low = (splat(1.0f) - hi) + q;  // exact: |q| < 1 (Fast2Sum)
        *lo = select(underflow, splat(0.0f), (low * s1) * s2);
    }
    return select(underflow, splat(0.0f), (hi * s1) * s2);
}

inline vfloat exp_with_tail(vfloat x, vfloat tail) { return exp_parts<false>(x, tail, nullptr); }

inline vfloat exp(vfloat x) { return exp_with_tail(x, splat(0.0f)); }

}  // namespace math
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
