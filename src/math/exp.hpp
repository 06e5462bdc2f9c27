// exp for float32, written once over the vector vocabulary of vec.hpp.
//
// Method: n = round(x / ln2) by the 1.5*2^23 shifter, r = x - n*ln2 with a
// two-part ln2 (Cody-Waite: n*ln2_hi is exact for |n| < 2^9; the rounding
// error of the ln2_lo step is carried), exp(r) = 1 + r + r^2*P(r) with P of
// degree 4 (relative error 3.5e-9 on |r| <= 0.354, fitted by minimax),
// the final addition of 1 carried with its exact error and the rounding
// error of r, the result rounded once and scaled by 2^n with scale_pow2
// (vscalefps on AVX-512, two exact factors elsewhere), so results that are
// subnormal are rounded once, not flushed.
//
// Measured bound (tests/test_accuracy.cpp, dense sweep of the float range,
// and all 2^32 inputs with tests/hardening/exhaustive_float32.cpp): 1 ulp
// on every ISA path, subnormal results included.
// Special values: exp(NaN) = NaN, exp(-inf) = 0, exp(+inf) = +inf,
// exp(x) = +inf for x > 88.7228, 0 below -103.98 (where the result rounds
// to 0).
#pragma once

#include <limits>

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

// exp(x + tail), and optionally its low part: tail is a small correction to
// x (|tail| <= ulp(x)), for example the rounding error of the subtraction
// that produced x. The result hi is exp rounded to float, about; lo is
// the error of that last rounding and of r's, scaled like hi (hi + lo is
// exp to 2^-26 relative: the rounding of the polynomial's sum remains), so
// that callers combining exp with more arithmetic can round once at the
// end. Without lo, the result is hi + lo rounded.
//
// Scaled: the result is exp(x) * 2^bias (bias integer-valued, -128 to 64)
// and the clamp is [-150, 150], so that callers multiplying a tiny or huge
// exp by a factor (x * exp(x), dy * exp(x)) see its full precision before
// they scale back and round once.
template <bool WantLow, bool HasTail, bool Scaled = false>
inline vfloat exp_core(vfloat x, vfloat tail, vfloat* lo, vfloat bias = vfloat(0.0f)) {
    using K = exp_constants;
    // NaN stays NaN through the clamp; beyond it exp overflows or is 0.
    const vfloat xc =
        clamp(x, splat(Scaled ? -150.0f : K::x_min), splat(Scaled ? 150.0f : K::x_max));

    const vfloat t = fmadd(xc, splat(K::log2e), splat(K::shifter));
    const vfloat n = t - splat(K::shifter);
    const vfloat r_hi = fmadd(n, splat(-K::ln2_hi), xc);  // exact
    const vfloat r = fmadd(n, splat(-K::ln2_lo), r_hi);
    // The rounding error of r, plus the caller's tail: a correction c with
    // exp(r + c) = exp(r) (1 + c) to first order.
    vfloat c = fmadd(n, splat(-K::ln2_lo), r_hi - r);
    if (HasTail) {
        // Below the threshold the result is 0 whatever the tail; an infinite
        // x may come with a NaN tail, which must not leak out.
        c = c + select(x < splat(Scaled ? -150.0f : K::x_min), splat(0.0f), tail);
    }

    vfloat p = fmadd(splat(K::c6), r, splat(K::c5));
    p = fmadd(p, r, splat(K::c4));
    p = fmadd(p, r, splat(K::c3));
    p = fmadd(p, r, splat(K::c2));
    const vfloat m = Scaled ? n + bias : n;
    // exp(r + c) = 1 + q + c (1 + q) with q = exp(r) - 1 rounded once;
    // 1 + q = hi + its exact error (Fast2Sum: |q| < 1). Without c, the
    // rounding of r costs up to 0.25 ulp: exp reached 1.006 ulp on two of
    // the 2^32 inputs.
    const vfloat q = fmadd(p, r * r, r);
    const vfloat hi = splat(1.0f) + q;
    const vfloat low = ((splat(1.0f) - hi) + q) + fmadd(c, q, c);
    if (WantLow) {
        *lo = scale_pow2(low, m);
        return scale_pow2(hi, m);
    }
    return scale_pow2(hi + low, m);
}

// exp(x + tail) rounded to float.
inline vfloat exp_with_tail(vfloat x, vfloat tail) {
    return exp_core<false, true>(x, tail, nullptr);
}

// exp(x) as hi + lo.
inline vfloat exp_parts(vfloat x, vfloat* lo) { return exp_core<true, false>(x, splat(0.0f), lo); }

inline vfloat exp(vfloat x) { return exp_core<false, false>(x, splat(0.0f), nullptr); }

// exp(x) * 2^bias as hi + lo (see exp_core).
inline vfloat exp_scaled_parts(vfloat x, vfloat bias, vfloat* lo) {
    return exp_core<true, false, true>(x, splat(0.0f), lo, bias);
}

// m * exp(x), rounded about once, for any m: exp's low part is carried, and
// beyond |x| = 64 exp is computed scaled (by 2^64 or 2^-128) and the product scaled
// back, so a subnormal or overflowing exp times m keeps its precision.
// NaN in, NaN out.
// (m + m_lo) * exp(x + tail), the same way, with a correction to m and to
// x (|tail| <= ulp(x)).
// exp(x + tail) * 2^bias as hi + lo, the bias chosen from x as times_exp
// describes: one exponential that several products can share.
struct scaled_exp {
    vfloat hi, lo, bias;
};

inline scaled_exp scaled_exp_of(vfloat x, vfloat tail) {
    scaled_exp e;
    e.bias = select(x < splat(-64.0f), splat(64.0f),
                    select(x > splat(64.0f), splat(-128.0f), splat(0.0f)));
    e.hi = exp_core<true, true, true>(x, tail, &e.lo, e.bias);
    return e;
}

// (m + m_lo) * e, scaled back and rounded once.
inline vfloat times(vfloat m, vfloat m_lo, const scaled_exp& e) {
    // Where m * hi overflows, so does the result (the bias only scales it
    // down for x < -64, where the product is tiny): the low terms, which
    // could overflow with the other sign into inf - inf, are left out.
    const vfloat main = m * e.hi;
    const vfloat product = select(abs(main) == splat(std::numeric_limits<float>::infinity()),
                                  main, fmadd(m, e.hi, fmadd(m, e.lo, m_lo * e.hi)));
    return scale_pow2(product, -e.bias);
}

inline vfloat times_exp(vfloat m, vfloat m_lo, vfloat x, vfloat tail) {
    return times(m, m_lo, scaled_exp_of(x, tail));
}

inline vfloat times_exp(vfloat m, vfloat x) {
    return times_exp(m, splat(0.0f), x, splat(0.0f));
}

}  // namespace math
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
