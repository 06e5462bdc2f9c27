// The upper tail of the standard normal distribution, Q(z) = erfc(z/sqrt2)/2
// = 1 - Phi(z), for z >= 0, as S(z) * exp(-z^2/2): the erfc that gelu uses.
//
// Method: S(z) = Q(z) exp(z^2/2) (the Mills ratio over sqrt(2 pi)) is
// smooth and slowly varying, from 0.5 at 0 to ~1/(z sqrt(2 pi)); it is
// approximated by a polynomial in z - centre (degree 9; the fast tier's,
// degree 8) on each of seven intervals of [0, 20], those where z + 2 lies
// in one half-binade ([2, 3), [3, 4), [4, 6), ..., [16, 24) cut at 20),
// so that the interval is read from the bits of z + 2 in three integer
// operations rather than found by comparing z with each break. The
// coefficients come from normal_tail_fit.py (least squares on the relative
// error over Chebyshev nodes, rounded to float from the linear term up with
// the rest refitted; relative error below 2.6e-9, 0.05 ulp, and 1e-8 for
// degree 8). [14, 20] matters to gradients only: dy up to FLT_MAX times
// S exp(-z^2/2) is a float down to z = 19.5. The constant term is carried
// in two floats, so S comes as hi + lo. Callers multiply by exp(-z^2/2)
// with times_exp, the square carried exactly: Q is never formed where it
// would be subnormal, so x * Q(|x|) (gelu) is correct down to its own
// underflow, and there is no cancellation anywhere (no 1 - erf).
//
// Measured bound: through gelu, docs/ACCURACY.md.
#pragma once

#include "exp.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace math {

// Coefficients per interval: centre, c0 as hi + lo, then c1..c9 (the
// strict tier) or c1..c8 (the fast tier); normal_tail_fit.py prints these
// rows with each interval's relative error.
constexpr int kNormalTailIntervals = 7;
constexpr int kNormalTailTerms = 12;
constexpr float kNormalTailCoefficients[kNormalTailIntervals][kNormalTailTerms] = {
    {0.5f, 0.3496188223361969f, 1.24858967609498e-08f, -0.22413286566734314f, 0.11877618730068207f, -0.054914820939302444f, 0.022830087691545486f, -0.008701245300471783f, 0.003075759159401059f, -0.0010165177518501878f, 0.00033920558053068817f, -0.00010914809536188841f},  // [0, 1): 6.46e-10
    {1.5f, 0.20578067004680634f, -3.0572806508644135e-09f, -0.09027127921581268f, 0.03518687188625336f, -0.012497017160058022f, 0.004110385663807392f, -0.0012659719213843346f, 0.0003681472153402865f, -0.00010342284804210067f, 2.8205884518683888e-05f, -4.579404503601836e-06f},  // [1, 2): 2.42e-10
    {3.0f, 0.12151394784450531f, 6.425130982812277e-10f, -0.03440043702721596f, 0.009156315587460995f, -0.00231047417037189f, 0.000556255632545799f, -0.00012842362048104405f, 2.8397545975167304e-05f, -6.042927452654112e-06f, 1.4038957942830166e-06f, -3.0222855684769456e-07f},  // [2, 4): 2.57e-09
    {5.0f, 0.0769193023443222f, 2.6349138426695617e-09f, -0.01434575580060482f, 0.002595263533294201f, -0.0004564764385577291f, 7.821813778718933e-05f, -1.308660375798354e-05f, 2.134397618647199e-06f, -3.3223221862499486e-07f, 5.6762591071901625e-08f, -1.2421020656461224e-08f},  // [4, 6): 4.96e-10
    {8.0f, 0.04912254586815834f, 3.884620680683071e-10f, -0.00596191082149744f, 0.0007136297645047307f, -8.428913133684546e-05f, 9.829761438595597e-06f, -1.1322625823595445e-06f, 1.2807642235657113e-07f, -1.436212659911007e-08f, 1.8194418194283912e-09f, -2.0440490966500136e-10f},  // [6, 10): 1.44e-09
    {12.0f, 0.03301897272467613f, -1.6468427732618807e-09f, -0.0027146274223923683f, 0.00022172067838255316f, -1.7993192159337923e-05f, 1.4509920447380864e-06f, -1.161903071533743e-07f, 9.248513954673854e-09f, -7.602474760837197e-10f, 6.150317061193178e-11f, -1.9535291353317552e-12f},  // [10, 14): 4.30e-10
    {17.0f, 0.023386821150779724f, -8.653833205585215e-10f, -0.0013663355493918061f, 7.955790351843461e-05f, -4.617046670318814e-06f, 2.6706683797783626e-07f, -1.5394805430446468e-08f, 8.832118369994646e-10f, -5.0951548535849156e-11f, 3.1083759698125046e-12f, -1.6062129924721003e-13f},  // [14, 20): 1.60e-10
};
constexpr int kFastNormalTailTerms = 11;
constexpr float kFastNormalTailCoefficients[kNormalTailIntervals][kFastNormalTailTerms] = {
    {0.5f, 0.3496188223361969f, 1.2181054387383483e-08f, -0.22413285076618195f, 0.11877622455358505f, -0.05491561070084572f, 0.02282935008406639f, -0.00868983380496502f, 0.00308046187274158f, -0.0010776558192446828f, 0.0003298166848253459f},  // [0, 1): 2.38e-09
    {1.5f, 0.20578067004680634f, -3.0888422930530623e-09f, -0.09027127921581268f, 0.035186875611543655f, -0.01249703485518694f, 0.004110315348953009f, -0.0012656006729230285f, 0.00036858144449070096f, -0.00010576273780316114f, 2.7357906219549477e-05f},  // [1, 2): 3.28e-10
    {3.0f, 0.12151394784450531f, 3.0694752295445937e-10f, -0.03440042585134506f, 0.009156325832009315f, -0.002310618292540312f, 0.0005562047008424997f, -0.00012791040353477f, 2.8478982130764052e-05f, -6.724229479004862e-06f, 1.3631580486617167e-06f},  // [2, 4): 9.65e-09
    {5.0f, 0.0769193023443222f, 2.630419437821274e-09f, -0.014345754869282246f, 0.002595263533294201f, -0.00045648522791452706f, 7.821823965059593e-05f, -1.3060557648714166e-05f, 2.134180476787151e-06f, -3.628163369739923e-07f, 5.688346860210913e-08f},  // [4, 6): 1.15e-09
    {8.0f, 0.04912254586815834f, 2.9320246230923885e-10f, -0.005961908958852291f, 0.0007136305212043226f, -8.429526496911421e-05f, 9.828810107137542e-06f, -1.1267524087088532e-06f, 1.2845877961353835e-07f, -1.619976686129121e-08f, 1.771472857292622e-09f},  // [6, 10): 8.84e-09
    {12.0f, 0.03301897272467613f, -1.6485928178155973e-09f, -0.0027146274223923683f, 0.0002217206929344684f, -1.7993224901147187e-05f, 1.4509744232782396e-06f, -1.1614853434593897e-07f, 9.25539822560495e-09f, -7.764155984801846e-10f, 6.06569863781381e-11f},  // [10, 14): 3.81e-10
    {17.0f, 0.023386821150779724f, -8.657826677804792e-10f, -0.0013663355493918061f, 7.955791079439223e-05f, -4.6170766836439725e-06f, 2.6706194944381423e-07f, -1.5377613848954752e-08f, 8.841543608362201e-10f, -5.3928580351358946e-11f, 3.0535604426951135e-12f},  // [14, 20): 8.39e-10
};

// A table by coefficient, eight entries each (the last a copy of the
// seventh: a NaN z reads it), for one table lookup per coefficient (lookup8).
template <int Terms>
struct normal_tail_table {
    float c[Terms][8];
};

template <int Terms>
constexpr normal_tail_table<Terms> by_coefficient(
    const float (&rows)[kNormalTailIntervals][Terms]) {
    normal_tail_table<Terms> t{};
    for (int k = 0; k < Terms; ++k)
        for (int i = 0; i < 8; ++i) t.c[k][i] = rows[i < kNormalTailIntervals ? i : kNormalTailIntervals - 1][k];
    return t;
}

// z's interval's polynomial without its constant term, p = c1 + c2 t + ...
// at t = z - centre (z clamped to [0, 20], where every caller's result has
// underflowed; NaN stays NaN), and its c0 as hi + lo.
struct normal_tail_terms {
    vfloat t, p, c0_hi, c0_lo;
};

template <int Terms>
inline normal_tail_terms normal_tail_terms_of(vfloat z, const normal_tail_table<Terms>& table) {
    const vfloat zc = clamp(z, splat(0.0f), splat(20.0f));
    // The half-binade of zc + 2 in [2, 24): exponent and first fraction bit,
    // 256 for [2, 3). Its rounding may move a z just below a break into the
    // interval above, which the fit covers. A NaN reads entry 7.
    const vint interval = (shift_right(as_int(zc + splat(2.0f)), 22) - vint(256)) & vint(7);
    const auto c = [&](int k) { return lookup8(table.c[k], kNormalTailIntervals, interval); };
    // Exact within a factor 2 of the centre; below 0.25 its rounding costs
    // under 0.2 ulp.
    const vfloat t = zc - c(0);
    vfloat p = c(Terms - 1);
    for (int k = Terms - 2; k >= 3; --k) p = fmadd(p, t, c(k));
    return {t, p, c(1), c(2)};
}

// S(z) for z >= 0 as hi + lo, the strict tier's: c0 + t p formed with its
// exact error.
inline vfloat normal_tail_scaled(vfloat z, vfloat* lo) {
    static constexpr auto table = by_coefficient(kNormalTailCoefficients);
    const normal_tail_terms n = normal_tail_terms_of(z, table);
    const vfloat q = n.t * n.p;
    const vfloat q_err = product_error(n.t, n.p, q);
    vfloat s_err;
    const vfloat s = two_sum(n.c0_hi, q, s_err);
    *lo = s_err + (q_err + n.c0_lo);
    return s;
}

// The fast tier's S as hi + lo: degree 8 (relative error below 1e-8,
// 0.16 ulp), and c0_hi + v, v = t p + c0_lo rounded once (|v| < c0_hi /
// 2: Fast2Sum), so that only v's rounding, at most 0.25 ulp of S, joins the
// fit's error: 11 lookups and 11 other operations where the strict S takes
// 12 and 17.
inline vfloat fast_normal_tail_scaled(vfloat z, vfloat* lo) {
    static constexpr auto table = by_coefficient(kFastNormalTailCoefficients);
    const normal_tail_terms n = normal_tail_terms_of(z, table);
    return fast_two_sum(n.c0_hi, fmadd(n.p, n.t, n.c0_lo), *lo);
}

}  // namespace math
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
