// The upper tail of the standard normal distribution, Q(z) = erfc(z/sqrt2)/2
// = 1 - Phi(z), for z >= 0, as S(z) * exp(-z^2/2): the erfc that gelu uses.
//
// Method: S(z) = Q(z) exp(z^2/2) (the Mills ratio over sqrt(2 pi)) is
// smooth and slowly varying, from 0.5 at 0 to ~1/(z sqrt(2 pi)); it is
// approximated by a degree-10 polynomial in z - centre on each of seven
// intervals of [0, 20] (least squares on the relative error over
// Chebyshev nodes, coefficients rounded to float one at a time with the
// rest refitted; relative error below 1.5e-9, 0.03 ulp; the last interval
// fitted to the asymptotic series, which converges to double precision
// there). [15.5, 20] matters to gradients only: dy up to FLT_MAX times
// S exp(-z^2/2) is a float down to z = 19.5. The constant term
// is carried in two floats and the last Horner step is formed with its
// exact error, so S comes as hi + lo. Callers multiply by exp(-z^2/2) with
// times_exp, the square carried exactly: Q is never formed where it would
// be subnormal, so x * Q(|x|) (gelu) is correct down to its own underflow,
// and there is no cancellation anywhere (no 1 - erf).
//
// Measured bound: through gelu, docs/ACCURACY.md.
#pragma once

#include "exp.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace math {

// Coefficients per interval: centre, c0 as hi + lo, then c1..c10.
constexpr int kNormalTailIntervals = 7;
constexpr float kNormalTailBreaks[kNormalTailIntervals - 1] = {1.0f, 2.0f, 3.5f, 5.5f, 9.0f, 15.5f};
constexpr float kNormalTailCoefficients[kNormalTailIntervals][13] = {
    {0.5f, 0.3496188223361969f, 1.2401836002595701e-08f, -0.22413286566734314f, 0.11877620220184326f, -0.05491481348872185f, 0.022829629480838776f, -0.008701394312083721f, 0.0030807889997959137f, -0.0010156073840335011f, 0.00031648462754674256f, -0.00011089112376794219f, 3.607140024541877e-05f},  // [0, 1)
    {1.5f, 0.20578067004680634f, -3.0622304691974023e-09f, -0.09027127921581268f, 0.03518687188625336f, -0.012497017160058022f, 0.004110398236662149f, -0.0012659707572311163f, 0.000367929955245927f, -0.00010343472240492702f, 2.941882485174574e-05f, -4.5501360546040814e-06f, -2.182377556891879e-06f},  // [1, 2)
    {2.75f, 0.1307247281074524f, 5.999088781294404e-09f, -0.039449263364076614f, 0.011119632981717587f, -0.002956727519631386f, 0.0007471239077858627f, -0.00018058887508232147f, 4.190315667074174e-05f, -8.991171853267588e-06f, 1.8514004977987497e-06f, -6.942382810848358e-07f, 2.1133891436875274e-07f},  // [2, 3.5)
    {4.5f, 0.08480339497327805f, -2.8635738225091245e-09f, -0.017327016219496727f, 0.003415910294279456f, -0.0006518036243505776f, 0.00012069441436324269f, -2.174497421947308e-05f, 3.816486696450738e-06f, -6.415479560928361e-07f, 1.062198506929235e-07f, -2.3447269015264283e-08f, 4.307634249300918e-09f},  // [3.5, 5.5)
    {7.25f, 0.054034359753131866f, -3.4589889286174014e-10f, -0.0071931746788322926f, 0.00094192149117589f, -0.00012141462502768263f, 1.5416244423249736e-05f, -1.9294623143650824e-06f, 2.3815670147087076e-07f, -2.886740269048005e-08f, 3.4634928258725495e-09f, -4.607458303773626e-10f, 5.474763350998835e-11f},  // [5.5, 9)
    {12.25f, 0.03235389664769173f, -4.783833329469189e-10f, -0.0026070524472743273f, 0.0002087523607769981f, -1.661186252022162e-05f, 1.3139109569237917e-06f, -1.0335237732306268e-07f, 8.0770297117283e-09f, -6.183585865571217e-10f, 4.789915339364903e-11f, -4.482837712149745e-12f, 3.382946050026203e-13f},  // [9, 15.5)
    {17.75f, 0.022404953837394714f, -7.127996526357094e-10f, -0.0012543624034151435f, 7.000990444794297e-05f, -3.8955909076321404e-06f, 2.1610686928852374e-07f, -1.1910846531293373e-08f, 6.545612940556111e-10f, -4.58246600387735e-11f, 3.0386830204842674e-12f, 6.641650662601861e-13f, -7.906278035691924e-14f},  // [15.5, 20]
};

// The same table by coefficient, eight entries each (the last two unused),
// for one table lookup per coefficient (lookup8).
struct normal_tail_by_coefficient {
    float c[13][8];
};

constexpr normal_tail_by_coefficient normal_tail_transposed() {
    normal_tail_by_coefficient t{};
    for (int k = 0; k < 13; ++k)
        for (int i = 0; i < 8; ++i)
            t.c[k][i] = kNormalTailCoefficients[i < kNormalTailIntervals ? i : kNormalTailIntervals - 1][k];
    return t;
}

// S(z) for z >= 0 as hi + lo (z is clamped to 20, where every caller's
// result has underflowed). NaN stays NaN.
inline vfloat normal_tail_scaled(vfloat z, vfloat* lo) {
    static constexpr normal_tail_by_coefficient table = normal_tail_transposed();
    const vfloat zc = clamp(z, splat(0.0f), splat(20.0f));
    // The interval: how many breaks lie at or below zc (a NaN z gives 0).
    vfloat count = splat(0.0f);
    for (float b : kNormalTailBreaks) count = count + select(zc >= splat(b), splat(1.0f), splat(0.0f));
    const vint interval = to_int(count);
    vfloat c[13];
    for (int k = 0; k < 13; ++k) c[k] = lookup8(table.c[k], kNormalTailIntervals, interval);
    // Exact within a factor 2 of the centre; below 0.25 its rounding costs
    // under 0.2 ulp.
    const vfloat t = zc - c[0];
    vfloat p = c[12];
    for (int k = 11; k >= 3; --k) p = fmadd(p, t, c[k]);
    // c0 + t p, formed with its exact error.
    const vfloat q = t * p;
    const vfloat q_err = product_error(t, p, q);
    vfloat s_err;
    const vfloat s = two_sum(c[1], q, s_err);
    *lo = s_err + (q_err + c[2]);
    return s;
}

}  // namespace math
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
