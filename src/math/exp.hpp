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

#include <cmath>
#include <limits>

#include "eft.hpp"

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

// expm1(r) = r + r^2 P(r) for |r| <= ln2/2, with P of degree 4, rounded
// once after P. The r^2 P term moves by less than r does, so the result
// never decreases as r grows.
inline vfloat expm1_reduced(vfloat r) {
    using K = exp_constants;
    vfloat p = fmadd(splat(K::c6), r, splat(K::c5));
    p = fmadd(p, r, splat(K::c4));
    p = fmadd(p, r, splat(K::c3));
    p = fmadd(p, r, splat(K::c2));
    return fmadd(p, r * r, r);
}

// exp(x + tail), and optionally its low part: tail is a small correction to
// x (|tail| <= ulp(x)), for example the rounding error of the subtraction
// that produced x. The result hi is exp rounded to float, about; lo is
// the error of that last rounding and of r's, scaled like hi (hi + lo is
// exp to 2^-26 relative: the rounding of the polynomial's sum remains), so
// that callers combining exp with more arithmetic can round once at the
// end. Without lo, the result is hi + lo rounded.
//
// Scaled: the result is not scaled at all: exp(x) = (hi + lo) * 2^(*power),
// hi in [0.7, 1.42], for x in [-300, 300], so that callers multiplying a
// tiny or huge exp by tiny or huge factors (dy * exp(x), dy * x * exp(x))
// see its full precision before they scale and round once (times). Below
// -300 it is 0 (2^-432: no product of two floats brings it back), above
// 300 it is exp(300) (the product overflows unless a factor is 0).
template <bool WantLow, bool HasTail, bool Scaled = false>
inline vfloat exp_core(vfloat x, vfloat tail, vfloat* lo, vfloat* power = nullptr) {
    using K = exp_constants;
    // NaN stays NaN through the clamp; beyond it exp overflows or is 0.
    const vfloat xc =
        clamp(x, splat(Scaled ? -300.0f : K::x_min), splat(Scaled ? 300.0f : K::x_max));

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
        c = c + select(x < splat(Scaled ? -300.0f : K::x_min), splat(0.0f), tail);
    }

    // exp(r + c) = 1 + q + c (1 + q) with q = exp(r) - 1 rounded once;
    // 1 + q = hi + its exact error (Fast2Sum: |q| < 1). Without c, the
    // rounding of r costs up to 0.25 ulp: exp reached 1.006 ulp on two of
    // the 2^32 inputs.
    const vfloat q = expm1_reduced(r);
    vfloat hi_err;
    const vfloat hi = fast_two_sum(splat(1.0f), q, hi_err);
    const vfloat low = hi_err + fmadd(c, q, c);
    if (Scaled) {
        const vmask zero = x < splat(-300.0f);
        *power = n;
        *lo = select(zero, splat(0.0f), low);
        return select(zero, splat(0.0f), hi);
    }
    if (WantLow) {
        *lo = scale_pow2(low, n);
        return scale_pow2(hi, n);
    }
    return scale_pow2(hi + low, n);
}

// exp(x + tail) rounded to float.
inline vfloat exp_with_tail(vfloat x, vfloat tail) {
    return exp_core<false, true>(x, tail, nullptr);
}

// exp(x) as hi + lo.
inline vfloat exp_parts(vfloat x, vfloat* lo) { return exp_core<true, false>(x, splat(0.0f), lo); }

inline vfloat exp(vfloat x) { return exp_core<false, false>(x, splat(0.0f), nullptr); }

// exp(x - m) rounded to float, the difference taken exactly, for the
// softmax output, whose bound (4 ulp per element) leaves room for a
// plainer evaluation than exp_core's: about 23 operations instead of 33.
// The difference's rounding error joins n*ln2_lo in one small tail
// (|tail| < 2^-12, its own rounding below 2^-37) that is added to the
// exact r_hi once, and 1 + q is rounded without a carried low part.
// Relative error, in units of u = 2^-24 (the result lies in [0.7, 1.42]
// before the exact scaling by 2^n): r = r_hi + tail rounded, at most
// 2^-26 / 0.707 = 0.36 u; q rounded, 0.36 u; the polynomial, 0.06 u, and
// its own roundings, below 0.1 u; 1 + q rounded, 1 u: at most 1.9 u, so
// 1.9 ulp (a relative error of k u is at most k ulp). A softmax output
// e * (1 / sum) rounds twice more (1 u each): 3.9 ulp, within 4.
// Results below 2^-126 round once more in the scaling, by at most half
// an ulp of the subnormal: absolute, so within the same bound.
// For x <= m (m a maximum of x's row): x = -inf gives 0, NaN gives NaN.
inline vfloat exp_difference(vfloat x, vfloat m) {
    using K = exp_constants;
    vfloat err;
    const vfloat d = two_diff_finite(x, m, err);
    const vfloat dc = clamp(d, splat(K::x_min), splat(K::x_max));
    const vfloat t = fmadd(dc, splat(K::log2e), splat(K::shifter));
    const vfloat n = t - splat(K::shifter);
    const vfloat r_hi = fmadd(n, splat(-K::ln2_hi), dc);  // exact
    // Below the threshold the result is 0 whatever the tail, and err is
    // NaN for an infinite d; above it d is finite.
    const vfloat tail =
        select(d < splat(K::x_min), splat(0.0f), fmadd(n, splat(-K::ln2_lo), err));
    const vfloat r = r_hi + tail;
    return scale_pow2(splat(1.0f) + expm1_reduced(r), n);
}

// exp(x + tail) as (hi + lo) * 2^power (see exp_core), for products with
// factors of any size: one exponential that several products can share.
struct scaled_exp {
    vfloat hi, lo, power;
};

inline scaled_exp scaled_exp_of(vfloat x, vfloat tail) {
    scaled_exp e;
    e.hi = exp_core<true, true, true>(x, tail, &e.lo, &e.power);
    return e;
}

// A positive float parameter as frac * 2^power, frac in [0.5, 1): a factor
// that can join a scaled_exp's mantissa without overflowing or underflowing.
struct split_factor {
    vfloat frac, power;
    explicit split_factor(float v) {
        int e = 0;
        const float f = std::frexp(v, &e);
        frac = splat(f);
        power = splat(static_cast<float>(e));
    }
};

// e * f, with the product's rounding error kept in lo.
inline scaled_exp times_factor(const scaled_exp& e, const split_factor& f) {
    const vfloat hi = e.hi * f.frac;
    return {hi, product_error(e.hi, f.frac, hi) + e.lo * f.frac, e.power + f.power};
}

// e * (f + f_lo), the product's rounding error kept, for a factor within
// 2^+-24 of 1 or 0 (the callers' are: gelu's S(z) - z/sqrt(2 pi), the
// 1 + x w' of the x * exp(w) tails, selu's constant). The factor joins the
// mantissa so that dy can stay alone in times, where it may be as large as
// FLT_MAX or as small as 2^-149.
inline scaled_exp times_factor(const scaled_exp& e, vfloat f, vfloat f_lo) {
    const vfloat hi = e.hi * f;
    return {hi, product_error(e.hi, f, hi) + (e.lo * f + e.hi * f_lo), e.power};
}

// e / d, with the quotient's residual kept in lo.
inline scaled_exp divided_by(const scaled_exp& e, const split_factor& d) {
    const vfloat hi = e.hi / d.frac;
    return {hi, (division_residual(e.hi, hi, d.frac) + e.lo) / d.frac, e.power - d.power};
}

// The factor 2^-64, 2^64 or 1 that brings m within 2^+-64, and in *shift
// the power of 2 that undoes it.
inline vfloat toward_one(vfloat m, vfloat* shift) {
    const vfloat am = abs(m);
    const vmask big = am > splat(0x1p64f), small = am < splat(0x1p-64f);
    *shift = select(big, splat(64.0f), select(small, splat(-64.0f), splat(0.0f)));
    return select(big, splat(0x1p-64f), select(small, splat(0x1p64f), splat(1.0f)));
}

// product * 2^power rounded once; beyond these powers the result is 0 or
// infinite.
inline vfloat scaled_by(vfloat product, vfloat power) {
    return scale_pow2(product, clamp(power, splat(-252.0f), splat(254.0f)));
}

// (m + m_lo) * exp(x + tail), rounded once, for any float m: a subnormal,
// tiny, huge or overflowing exp times a tiny or huge m keeps its precision.
// m is brought within 2^+-64 (exactly: by 2^-64 above 2^64, by 2^64 below
// 2^-64), so the product of m and the mantissa (within 2^+-25: see
// times_factor) lies within 2^+-89, where scale_pow2's first factor leaves
// it normal whenever the result is not 0: the one scaling rounds.
// NaN in, NaN out.
inline vfloat times(vfloat m, vfloat m_lo, const scaled_exp& e) {
    vfloat shift;
    const vfloat down = toward_one(m, &shift);
    const vfloat mm = m * down, mm_lo = m_lo * down;
    // An infinite m (dy itself): its low terms would add inf - inf.
    const vfloat product = select(abs(m) == splat(std::numeric_limits<float>::infinity()),
                                  mm * e.hi, fmadd(mm, e.hi, fmadd(mm, e.lo, mm_lo * e.hi)));
    return scaled_by(product, e.power + shift);
}

// m * e.hi * 2^e.power, rounded twice (the product, and the scaling where
// the result is subnormal): times without the low parts, for the fast tier.
inline vfloat times_high(vfloat m, const scaled_exp& e) {
    vfloat shift;
    const vfloat down = toward_one(m, &shift);
    return scaled_by((m * down) * e.hi, e.power + shift);
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
