// exp, expm1 of a non-positive argument, sigmoid and tanh for the fast
// accuracy tier (nonlin_set_accuracy): the strict tier's reduction and
// polynomial without the carried low parts, so each result is rounded a
// few times instead of once. Bounds (asserted by tests/test_accuracy.cpp on
// every ISA and by tests/hardening/exhaustive_float32.cpp on all 2^32
// inputs): 4 ulp for results of magnitude >= FLT_MIN; monotone.
// Special values as in the strict tier: NaN gives NaN, the limits at
// +-inf are exact.
#pragma once

#include <cstdint>

#include "exp.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace math {

// n = round(x / ln2) as a float, and r = x - n ln2 with a two-part ln2 (the
// first product exact), for x within exp's clamp.
inline vfloat reduce_ln2(vfloat x, vfloat* n) {
    using K = exp_constants;
    *n = fmadd(x, splat(K::log2e), splat(K::shifter)) - splat(K::shifter);
    return fmadd(*n, splat(-K::ln2_lo), fmadd(*n, splat(-K::ln2_hi), x));
}

// exp(x): 2^n (1 + expm1_reduced(r)), the scaling exact but where the
// result is subnormal (then it rounds once more, by half a subnormal ulp at
// most). expm1_reduced, not Horner's rule down to the constant term, which
// is one operation cheaper but not monotone: for r < 0 a coefficient
// rounding up by an ulp lowers its product with r by more than r's own step
// raises it (exp stepped back on 2,983 inputs).
inline vfloat fast_exp(vfloat x) {
    using K = exp_constants;
    vfloat n;
    const vfloat r = reduce_ln2(clamp(x, splat(K::x_min), splat(K::x_max)), &n);
    return scale_pow2(splat(1.0f) + expm1_reduced(r), n);
}

// exp(x + tail), tail a small correction to x (|tail| <= ulp(x), finite
// wherever x is), added to the reduced argument: the fast exp of a value
// carried in two floats.
inline vfloat fast_exp_with_tail(vfloat x, vfloat tail) {
    using K = exp_constants;
    vfloat n;
    const vfloat r = reduce_ln2(clamp(x, splat(K::x_min), splat(K::x_max)), &n) + tail;
    return scale_pow2(splat(1.0f) + expm1_reduced(r), n);
}

// exp(d) for d <= 0 (NaN passes) in the fast tier's softmax family, where
// results below FLT_MIN may be flushed: 2^n (1 + q) as one fused rounding
// of s + s q, with s = 2^n built in the shifter's own bits (the shifter
// carries the exponent bias, so t's low bits are n + 127 and one shift
// makes s). That takes n >= -126: below d = ln(FLT_MIN) the result is 0,
// an absolute error under FLT_MIN, and exactly 0 for d = -inf. About 12
// operations where fast_exp's clamp and two-factor scaling take 18.
// `tail` is a correction to d (|tail| <= ulp(d)), added to the reduced
// argument; its rounding error joins n ln2_lo's in one small term.
struct pow2_shifter {
    static constexpr float biased = exp_constants::shifter + 127.0f;
    static constexpr float flush_below = -87.33654475f;  // ln(FLT_MIN)
    // 2^n from t = n + biased (its low bits n + 127), for n >= -126.
    static vfloat power_of(vfloat t) { return as_float(shift_left(as_int(t), 23)); }
};

// With `lo`, also the rounding error of that last step, s q + (s - hi)
// (s - hi is exact: hi lies within a factor 2 of s): hi + lo is then
// exp(d + tail) to the roundings of r (0.36 u) and q (0.36 u) and the
// polynomial's error (0.06 u): below 0.8 u (fast_exp_difference).
inline vfloat fast_exp_nonpositive_core(vfloat d, vfloat tail, vfloat* lo = nullptr) {
    using K = exp_constants;
    using S = pow2_shifter;
    const vfloat t = fmadd(d, splat(K::log2e), splat(S::biased));
    const vfloat n = t - splat(S::biased);
    const vfloat r = fmadd(n, splat(-K::ln2_hi), d) + fmadd(n, splat(-K::ln2_lo), tail);
    const vfloat s = S::power_of(t);
    const vfloat q = expm1_reduced(r);
    const vfloat hi = fmadd(s, q, s);
    // d = -inf and tails that are NaN beside an infinite d end here.
    const vmask flushed = d < splat(S::flush_below);
    if (lo) *lo = select(flushed, splat(0.0f), fmadd(s, q, s - hi));
    return select(flushed, splat(0.0f), hi);
}

// exp(d), d <= 0: relative error about 1.5 u (the polynomial's 0.5 u with
// r's rounding, and the final rounding), for results >= FLT_MIN.
inline vfloat fast_exp_nonpositive(vfloat d) { return fast_exp_nonpositive_core(d, splat(0.0f)); }

// exp(x - m) for x <= m, the difference taken exactly (two_diff): the
// reduced argument r = (d - n ln2_hi) + (err - n ln2_lo), the first part
// exact, the second below 2^-12 and rounded at 2^-37; r itself rounds
// by 0.36 u relative to the result (exp_difference's analysis), the
// polynomial 0.16 u, the fused s + s q half an ulp: within 1.1 ulp. A
// softmax output e * (1 / sum) adds two roundings: within 3.1 ulp.
// With `lo`, the last rounding's error too: hi + lo is exp(x - m) within
// r's 0.36 u, q's 0.36 u and the polynomial's 0.06 u, below 0.8 u, for
// results >= FLT_MIN (smaller ones are 0, both parts).
inline vfloat fast_exp_difference(vfloat x, vfloat m, vfloat* lo = nullptr) {
    vfloat err;
    const vfloat d = two_diff_finite(x, m, err);
    return fast_exp_nonpositive_core(d, err, lo);
}

// exp(x + tail) as hi * 2^power (lo 0), hi = 1 + expm1(r) rounded once
// (about 1.2 u), for products with factors of any size (math::times, which
// scales once): the fast tier's scaled_exp_of, 0 below x = -300 as there.
// |n| < 2^9 keeps n ln2_hi exact. An infinite x may come with a NaN tail.
inline scaled_exp fast_scaled_exp(vfloat x, vfloat tail) {
    vfloat n;
    const vmask inside = abs(x) <= splat(300.0f);
    const vfloat r = reduce_ln2(clamp(x, splat(-300.0f), splat(300.0f)), &n) +
                     select(inside, tail, splat(0.0f));
    const vfloat hi = splat(1.0f) + expm1_reduced(r);
    return {select(x < splat(-300.0f), splat(0.0f), hi), splat(0.0f), n};
}

#ifdef NONLIN_HAS_LOOKUP32
// exp(-x) = 2^m exp(r) where one permute reads a 32-entry table (AVX-512):
// m is -x / ln2 rounded to a multiple of 1/32 (the shifter 1.5 * 2^18
// rounds to those), the table gives 2^(k/32) for m's fraction k/32 and
// vscalefps its integer part, and the cubic for exp(r), |r| <= ln2/64, is
// exact to 2^-32: 7 multiplies and fused multiply-adds where fast_exp takes
// 9 (sigmoid 1.2x faster). The first step of the two-part reduction is
// exact as in reduce_ln2. Two entries sit one ulp below 2^(k/32) rounded to
// nearest (k = 5 and 9): with the nearest ones, the jump between
// neighbouring entries' rounding errors made sigmoid step back at three
// inputs near the table's joins; with these it steps back at none of the
// 2^32 (tests/hardening/exhaustive_float32.cpp; the joins themselves on
// every ISA in tests/test_accuracy.cpp). Clamped to |x| <= 104,
// beyond which exp rounds to 0 or overflows anyway.
struct exp_table32 {
    static constexpr float shifter = 393216.0f;  // 1.5 * 2^18
    alignas(64) static constexpr float pow2[32] = {
        0x1p+0f,         0x1.059b0ep+0f, 0x1.0b5586p+0f, 0x1.11301ep+0f,
        0x1.172b84p+0f,  0x1.1d4872p+0f, 0x1.2387a6p+0f, 0x1.29e9ep+0f,
        0x1.306fep+0f,   0x1.371a72p+0f, 0x1.3dea64p+0f, 0x1.44e086p+0f,
        0x1.4bfdaep+0f,  0x1.5342b6p+0f, 0x1.5ab07ep+0f, 0x1.6247ecp+0f,
        0x1.6a09e6p+0f,  0x1.71f75ep+0f, 0x1.7a1148p+0f, 0x1.82589ap+0f,
        0x1.8ace54p+0f,  0x1.93737cp+0f, 0x1.9c4918p+0f, 0x1.a5503cp+0f,
        0x1.ae89fap+0f,  0x1.b7f77p+0f,  0x1.c199bep+0f, 0x1.cb720ep+0f,
        0x1.d5818ep+0f,  0x1.dfc974p+0f, 0x1.ea4afap+0f, 0x1.f50766p+0f,
    };
};

// The reduction runs on x itself, not on -x: it yields r_neg = -r (each
// step the negation of the one on -x, so the same roundings), and the last
// step of the polynomial subtracts r_neg where it would add r. That saves
// negating x; the results are those of the formulation on -x, bit for bit.
inline vfloat fast_exp_negated(vfloat x) {
    using K = exp_constants;
    using T = exp_table32;
    const vfloat xc = clamp(x, splat(-104.0f), splat(104.0f));
    const vfloat t = fmadd(xc, splat(-K::log2e), splat(T::shifter));
    const vfloat m = t - splat(T::shifter);
    const vfloat p = lookup32(T::pow2, as_int(t));
    const vfloat r_neg = fmadd(m, splat(K::ln2_lo), fmadd(m, splat(K::ln2_hi), xc));
    // expm1(r) = r + r^2 (1/2 + r/6), two steps deep (not three, as Horner's).
    const vfloat q = fmsub(r_neg * r_neg, fmadd(splat(-1.0f / 6.0f), r_neg, splat(0.5f)), r_neg);
    return scale_pow2(fmadd(p, q, p), m);
}
#else
inline vfloat fast_exp_negated(vfloat x) { return fast_exp(-x); }
#endif

// sigmoid(x) = 1 / (1 + exp(-x)): every step is monotone (exp, adding 1,
// the reciprocal), so the result is too, which e / (1 + e) for x < 0 is
// not (1 + e rounds in coarser steps than e). exp(-x) overflows to +inf
// only where sigmoid(x) < 2^-128: 0 then, within the fast tier's FLT_MIN.
// exp, 1 + exp and the quotient each round: about 3 u.
inline vfloat fast_sigmoid(vfloat x) { return splat(1.0f) / (splat(1.0f) + fast_exp_negated(x)); }

// expm1(z) for z <= 0: 2^n (1 + q) - 1 = 2^n q + (2^n - 1), q = expm1(r)
// from the polynomial without its constant term, 2^n - 1 exact for
// n >= -24 (below, expm1 rounds to -1 anyway), one fused rounding;
// |r| <= ln2/2 keeps 2^n q from cancelling more than a factor 2 against
// 2^n - 1. 2^n is built from the biased shifter's bits (n >= -58 after
// the clamp at -40), one operation where vscalefps takes two cycles of the
// adder. The elementwise ops call it on every lane and select the lanes of
// z <= 0: a positive z gives no meaningful result, and a NaN z none that
// the driver keeps (its NaN rule returns the input).
inline vfloat fast_expm1_nonpositive(vfloat z) {
    using K = exp_constants;
    using S = pow2_shifter;
    const vfloat zc = max(z, splat(-40.0f));
    const vfloat t = fmadd(zc, splat(K::log2e), splat(S::biased));
    const vfloat n = t - splat(S::biased);
    const vfloat q = expm1_reduced(fmadd(n, splat(-K::ln2_lo), fmadd(n, splat(-K::ln2_hi), zc)));
    const vfloat s = S::power_of(t);
    return fmadd(s, q, s - splat(1.0f));
}

// expm1(z) for z <= 0 with the sign of a zero z kept (expm1(-0) = -0, as
// the strict expm1): the result is <= 0, so the sign bit of z is its own.
inline vfloat fast_expm1_signed_nonpositive(vfloat z) {
    return copy_sign(fast_expm1_nonpositive(z), z);
}

// tanh(x) = -m / (2 + m) with m = expm1(-2|x|) in (-1, 0], the sign of x
// restored: no cancellation at small |x| (m ~ -2|x|, exact down to the
// subnormals) and no overflow; 2 + m lies in [1, 2]. m about 2 u, 2 + m
// and the quotient 1 u each. The sign is copied from x, so tanh(-0) = -0.
// m is fast_expm1_nonpositive(-2|x|) computed on z = max(-|x|, -20)
// (tanh rounds to 1 from 9.1 on): each step of it is that function's times
// 2 or 1/2, the factors folded into its constants (powers of 2, so each
// rounding is the same), which saves the multiplication by -2; and 2^n is
// built from the biased shifter's bits (n >= -58 here) instead of
// vscalefps. Bit for bit the results of that formulation.
inline vfloat fast_tanh(vfloat x) {
    using K = exp_constants;
    using S = pow2_shifter;
    const vint sign_bit = vint(INT32_MIN);
    const vfloat z = max(as_float(as_int(x) | sign_bit), splat(-20.0f));
    const vfloat t = fmadd(z, splat(2.0f * K::log2e), splat(S::biased));
    const vfloat n = t - splat(S::biased);
    // h = r / 2 with r = 2z - n ln2, the reduced argument of expm1(2z).
    const vfloat h = fmadd(n, splat(-0.5f * K::ln2_lo), fmadd(n, splat(-0.5f * K::ln2_hi), z));
    // expm1(r) = r + r^2 P(r) (expm1_reduced) is 2 (h + h^2 2P(2h)).
    vfloat p = fmadd(splat(32.0f * K::c6), h, splat(16.0f * K::c5));
    p = fmadd(p, h, splat(8.0f * K::c4));
    p = fmadd(p, h, splat(4.0f * K::c3));
    p = fmadd(p, h, splat(2.0f * K::c2));
    const vfloat half_q = fmadd(p, h * h, h);
    const vfloat s = S::power_of(t);
    const vfloat twice_s = as_float(as_int(s) + vint(1 << 23));
    const vfloat m = fmadd(twice_s, half_q, s - splat(1.0f));
    return copy_sign(m / (splat(2.0f) + m), x);
}

}  // namespace math
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
