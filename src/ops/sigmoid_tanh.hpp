// sigmoid and tanh, whose gradients are computed from the output y or from
// the input x, and
// the logistic function of a two-part argument, which softplus, logsigmoid
// and the x * sigmoid family (x_sigmoid.hpp) share.
#pragma once

#include "../math/tanh.hpp"
#include "elementwise.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace ops {

// dy * (u + u_lo), rounded once where the ISA has FMA.
inline vfloat times_sum(vfloat dy, vfloat u, vfloat u_lo) { return fmadd(dy, u, dy * u_lo); }

// sigmoid; dx = dy * y * (1 - y) from the output, with 1 - y and
// y * (1 - y) carried exactly as hi + lo, so the result is rounded about once.
struct sigmoid_op {
    // dx is dy times a factor in [0, 1], applied with one rounding.
    static constexpr bool kScalesDy = true;
    explicit sigmoid_op(op_params) {}
    static vfloat forward(vfloat x) { return math::sigmoid(x); }
    static vfloat backward(vfloat y, vfloat dy) {
        vfloat u_lo;
        const vfloat u = one_minus(y, u_lo);
        const vfloat p = y * u;
        return times_sum(dy, p, product_error(y, u, p) + y * u_lo);
    }
};

// tanh; dx = dy * (1 - y^2) from the output, with y^2 = p + e and 1 - p
// carried exactly: no cancellation near |y| = 1, and the result is rounded
// about once.
struct tanh_op {
    // dx is dy times a factor in [0, 1], applied with one rounding.
    static constexpr bool kScalesDy = true;
    explicit tanh_op(op_params) {}
    static vfloat forward(vfloat x) { return math::tanh(x); }
    static vfloat backward(vfloat y, vfloat dy) {
        const vfloat p = y * y;
        vfloat u_lo;
        const vfloat u = one_minus(p, u_lo);
        return times_sum(dy, u, u_lo - product_error(y, y, p));
    }
};

// dy * k^2 e / (1 + e)^2 with e = exp(-k|x|): sigmoid'(x) for k = 1, tanh'(x)
// for k = 2, from the input. Well conditioned in x, where 1 - y loses the
// low bits of y as |y| nears 1. e comes unscaled, (hi + lo) 2^power, so
// that a huge dy times an e below the float range keeps its precision;
// 1 + e and its square are carried as hi + lo, and math::times rounds once
// (into the subnormals too). x = +-inf: 0 * dy.
template <int K>
inline vfloat logistic_slope(vfloat x, vfloat dy) {
    const math::scaled_exp s = math::scaled_exp_of(splat(-static_cast<float>(K)) * abs(x),
                                                   splat(0.0f));
    // 1 + e needs e only down to 2^-60 or so; scale_pow2 takes powers from -252.
    const vfloat p = clamp(s.power, splat(-252.0f), splat(0.0f));
    vfloat d_lo;
    const vfloat d = fast_two_sum(splat(1.0f), scale_pow2(s.hi, p), d_lo);
    d_lo = d_lo + scale_pow2(s.lo, p);
    // (d + d_lo)^2 = sq + sq_lo, dropping d_lo^2 (below 2^-48 of sq).
    const vfloat sq = d * d;
    const vfloat sq_lo = fmadd(d + d, d_lo, product_error(d, d, sq));
    // One division: q = hi / sq to about an ulp, its exact residual and the
    // low terms then divided by the same reciprocal.
    const vfloat inverse = splat(1.0f) / sq;
    const vfloat q = s.hi * inverse;
    const vfloat q_lo = (division_residual(s.hi, q, sq) + fmadd(-q, sq_lo, s.lo)) * inverse;
    // k^2 = 2^(2k - 2), exact in the power.
    return math::times(dy, splat(0.0f), {q, q_lo, s.power + splat(2.0f * (K - 1))});
}

// The gradients of sigmoid and tanh from x (registry lines NONLIN_GRADIENT):
// backward only.
struct sigmoid_slope_op {
    // math::times takes any dy: nothing for the careful path to redo.
    static constexpr bool kScalesDy = true;
    explicit sigmoid_slope_op(op_params) {}
    static vfloat backward(vfloat x, vfloat dy) { return logistic_slope<1>(x, dy); }
};

struct tanh_slope_op {
    static constexpr bool kScalesDy = true;
    explicit tanh_slope_op(op_params) {}
    static vfloat backward(vfloat x, vfloat dy) { return logistic_slope<2>(x, dy); }
};

// exp(-|zh + zl|) as e + *e_lo. Without a low part (HasLow false: zl is 0)
// the tail's selects are skipped; the value is the same.
template <bool HasLow = true>
inline vfloat exp_minus_abs(vfloat zh, vfloat zl, vfloat* e_lo) {
    if (!HasLow) return math::exp_core<true, false>(-abs(zh), splat(0.0f), e_lo);
    const vfloat tail = select(abs(zh) == splat(kInfinity), splat(0.0f),
                               select(zh < splat(0.0f), zl, -zl));
    return math::exp_core<true, true>(-abs(zh), tail, e_lo);
}

inline vfloat logistic_q(vmask ratio, vfloat e, vfloat e_lo, vfloat* q_lo) {
    const math::logistic_parts l = math::logistic(ratio, e, e_lo);
    *q_lo = l.residual * l.inverse;
    return l.q;
}

// The logistic function of zh + zl as q + q_lo, rounded by the caller.
template <bool HasLow = true>
inline vfloat logistic_of(vfloat zh, vfloat zl, vfloat* q_lo) {
    vfloat e_lo;
    const vfloat e = exp_minus_abs<HasLow>(zh, zl, &e_lo);
    return logistic_q(zh < splat(0.0f), e, e_lo, q_lo);
}

// sigmoid(z) and sigmoid(-z) = 1 - sigmoid(z), each as hi + lo, from one
// exponential: the values of two logistic_of calls at half the cost.
struct logistic_pair {
    vfloat s, s_lo, c, c_lo;
};

template <bool HasLow = true>
inline logistic_pair logistic_both(vfloat zh, vfloat zl) {
    vfloat e_lo;
    const vfloat e = exp_minus_abs<HasLow>(zh, zl, &e_lo);
    logistic_pair p;
    p.s = logistic_q(zh < splat(0.0f), e, e_lo, &p.s_lo);
    p.c = logistic_q(zh > splat(0.0f), e, e_lo, &p.c_lo);
    return p;
}

}  // namespace ops
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
