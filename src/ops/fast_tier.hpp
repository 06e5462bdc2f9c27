// The functors of the fast accuracy tier (the registry's `fast` column):
// a faster forward, backward or both where the fast tier's bound leaves
// room for one; what a functor does not override stays the strict tier's.
#pragma once

#include "../math/fast.hpp"
#include "exp_family.hpp"
#include "gelu.hpp"
#include "piecewise.hpp"
#include "sigmoid_tanh.hpp"
#include "x_sigmoid.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace ops {

// The gradients from y: y (1 - y) = y - y^2 and 1 - y^2 each in one fused
// multiply-add, which rounds the exact value once (no cancellation as |y|
// nears 1), then the product by dy: two roundings, 1.5 ulp at most. Without
// FMA (sse2, scalar) y^2 would round first and cancel: the strict kernels.
struct fast_sigmoid_op : sigmoid_op {
    using sigmoid_op::sigmoid_op;
    static vfloat forward(vfloat x) { return math::fast_sigmoid(x); }
    static vfloat backward(vfloat y, vfloat dy) {
        if (!kHasFma) return sigmoid_op::backward(y, dy);
        return dy * fmadd(-y, y, y);
    }
};

struct fast_tanh_op : tanh_op {
    using tanh_op::tanh_op;
    static vfloat forward(vfloat x) { return math::fast_tanh(x); }
    static vfloat backward(vfloat y, vfloat dy) {
        if (!kHasFma) return tanh_op::backward(y, dy);
        return dy * fmadd(-y, y, splat(1.0f));
    }
};

struct fast_exp_op : exp_op {
    using exp_op::exp_op;
    static vfloat forward(vfloat x) { return math::fast_exp(x); }
};

// elu, celu and selu: the strict ops' x <= 0 branch on the fast expm1
// (about 2 u) and one more product (0.5 ulp). Their backward: dy times
// the fast scaled exp (about 1.2 u) and the parameter (its fraction joins
// the exp's mantissa, its power the exp's, as in the strict one), the
// products rounded once each: about 2.2 u.
struct fast_elu_op : elu_op {
    using elu_op::elu_op;
    vfloat forward(vfloat x) const {
        return select(x > splat(0.0f), x, a * math::fast_expm1_signed_nonpositive(x));
    }
    vfloat backward(vfloat x, vfloat dy) const {
        const math::scaled_exp e = math::fast_scaled_exp(x, splat(0.0f));
        return select(x > splat(0.0f), dy,
                      math::times_high(dy, {e.hi * a_split.frac, e.lo,
                                            e.power + a_split.power}));
    }
};

struct fast_celu_op : celu_op {
    using celu_op::celu_op;
    vfloat forward(vfloat x) const {
        const vfloat q = x / a;
        return select(x > splat(0.0f) || abs(q) < splat(0x1p-30f), x,
                      a * math::fast_expm1_signed_nonpositive(q));
    }
    vfloat backward(vfloat x, vfloat dy) const {
        const vfloat q = x / a;
        const vfloat tail = select(x == x, division_residual(x, q, a) / a, splat(0.0f));
        return select(x > splat(0.0f), dy, math::times_high(dy, math::fast_scaled_exp(q, tail)));
    }
};

struct fast_selu_op : selu_op {
    using selu_op::selu_op;
    static vfloat forward(vfloat x) {
        using K = selu_constants;
        const vfloat pos = times_constant(x, K::scale_hi, K::scale_lo);
        const vfloat neg =
            times_constant(math::fast_expm1_signed_nonpositive(x), K::sa_hi, K::sa_lo);
        return select(x > splat(0.0f), pos, neg);
    }
    static vfloat backward(vfloat x, vfloat dy) {
        using K = selu_constants;
        const math::scaled_exp e = math::fast_scaled_exp(x, splat(0.0f));
        return select(x > splat(0.0f), times_constant(dy, K::scale_hi, K::scale_lo),
                      math::times_high(dy, {e.hi * splat(K::sa_hi), e.lo, e.power}));
    }
};

// dy * s * (1 + u c), s = sigmoid(w), c = 1 - s, u = x w' (its high part),
// for w = wh + wl: x_sigmoid_gradient's formula with fewer carried parts.
// e = exp(-|w|) <= 1 comes as hi + lo from the fast exp (below 0.8 u),
// 1 / (1 + e) as inverse (1 + r), r the division's residual with 1 + e's
// rounding error, and the two factors s and t = u c, each of the form
// k / (1 + e), are rounded once: s = e / (1 + e) or 1 / (1 + e), t = u / (1 + e)
// or u e / (1 + e) (x < 0 or not). Then s + s t in one fused rounding and
// the product by dy: about 2.8 u of the terms s and s |t| (the bound is
// relative to them, as the strict one's). Rounding 1 + e and each
// quotient and product on its own, with e's fast exp alone, reached
// 4.15 ulp. The far tails are the strict ones: dy above w = 32, dy (1 + u)
// e^w below -32. Without FMA (sse2, scalar) each fused step rounds twice,
// which took silu's gradient to 4.2 ulp and gelu_tanh's to 6.4: there the
// strict gradient stands.
inline vfloat fast_x_sigmoid_gradient(vfloat x, vfloat dy, vfloat wh, vfloat wl, vfloat u,
                                      vfloat u_lo) {
    if (!kHasFma) return x_sigmoid_gradient(x, dy, wh, wl, u, u_lo);
    vfloat wc_lo;
    const vfloat wc = moderate_argument(wh, wl, wc_lo);
    const vmask negative = wc < splat(0.0f);
    // -|w| = -|wh| - sign(wh) wl.
    vfloat e_lo;
    const vfloat e = math::fast_exp_nonpositive_core(-abs(wc), select(negative, wc_lo, -wc_lo),
                                                     &e_lo);
    vfloat d_err;
    const vfloat d = fast_two_sum(splat(1.0f), e, d_err);
    const vfloat inverse = splat(1.0f) / d;
    // 1 / (1 + e + e_lo) = inverse (1 + r) to first order.
    const vfloat r = fmadd(-inverse, d_err + e_lo, division_residual(splat(1.0f), inverse, d));
    const vfloat r_inverse = r * inverse;
    // (k + k_lo) / (1 + e), rounded once.
    const auto over = [&](vfloat k, vfloat k_lo) {
        return fmadd(k, inverse, fmadd(k, r_inverse, k_lo * inverse));
    };
    const vfloat s = over(select(negative, e, splat(1.0f)), select(negative, e_lo, splat(0.0f)));
    // u's low part counts where u is large: gelu_tanh's u = x w' reaches
    // 2.5 u of error in its high part alone.
    const vfloat t = over(select(negative, u, u * e), select(negative, u_lo, u_lo * e));
    const vfloat main = select(wh > splat(kFarArgument), dy, dy * fmadd(s, t, s));
    return select_rare(wh < splat(-kFarArgument),
                       [&] { return x_exp_gradient(x, dy, wh, wl, u, u_lo); }, main);
}

// dy * sigmoid(z) for z = zh + zl <= 64 as one quotient, dy / (1 + exp(-z))
// with the fast exp (the low part into its reduced argument: an ulp of z
// near -64 alone would be 4 ulp of the result): about 2.5 u.
inline vfloat fast_dy_sigmoid(vfloat dy, vfloat zh, vfloat zl) {
    return dy / (splat(1.0f) + math::fast_exp_with_tail(-zh, -zl));
}

// softplus and logsigmoid: the strict forward (its bound leaves no room
// for a faster one that stays monotone where softplus is flat in ulps);
// the gradient dy * sigmoid(+-b x) by fast_dy_sigmoid, the tails as the
// strict op's (dy beyond the threshold, dy e^z below z = -64).
struct fast_softplus_op : softplus_op {
    using softplus_op::softplus_op;
    vfloat backward(vfloat x, vfloat dy) const {
        const vfloat z = b * x;
        const vfloat z_lo = product_error(b, x, z);
        const vmask deep = z < splat(-64.0f);
        const vfloat main = select(z > threshold, dy,
                                   fast_dy_sigmoid(dy, z, select(deep, splat(0.0f), z_lo)));
        return select_rare(deep, [&] { return math::times_exp(dy, splat(0.0f), z, z_lo); }, main);
    }
};

struct fast_logsigmoid_op : logsigmoid_op {
    using logsigmoid_op::logsigmoid_op;
    static vfloat backward(vfloat x, vfloat dy) {
        const vmask deep = x > splat(64.0f);
        const vfloat main = fast_dy_sigmoid(dy, select(deep, splat(0.0f), -x), splat(0.0f));
        return select_rare(deep, [&] { return math::times_exp(dy, -x); }, main);
    }
};

// silu(x) = x / (1 + exp(-x)): fast_sigmoid's quotient with x for 1, so the
// same roundings. Below x = -80 (exp(-x) overflows from -88.7 on, while
// x e^x is a normal float down to -98), the strict op's x e^x.
struct fast_silu_op : silu_op {
    using silu_op::silu_op;
    static vfloat forward(vfloat x) {
        const vfloat main = x / (splat(1.0f) + math::fast_exp(-x));
        return select_rare(x < splat(-80.0f), [&] { return x_exp(x, x, splat(0.0f)); }, main);
    }
    static vfloat backward(vfloat x, vfloat dy) {
        return fast_x_sigmoid_gradient(x, dy, x, splat(0.0f), x, splat(0.0f));
    }
};

// gelu_tanh: x / (1 + exp(-w)), w = k1 x + k3 x^3 carried as hi + lo
// into the fast exp (an ulp of w alone is up to 5 ulp of the result near
// x = -10); below w = -80, the strict op's x e^w.
struct fast_gelu_tanh_op : gelu_tanh_op {
    using gelu_tanh_op::gelu_tanh_op;
    static vfloat forward(vfloat x) {
        vfloat w_lo;
        const vfloat w = w_of(x, w_lo);
        const vfloat main = x / (splat(1.0f) + math::fast_exp_with_tail(-w, -w_lo));
        return select_rare(w < splat(-80.0f), [&] { return x_exp(x, w, w_lo); }, main);
    }
    static vfloat backward(vfloat x, vfloat dy) {
        vfloat w_lo, u, u_lo;
        const vfloat w = w_of(x, w_lo, &u, &u_lo);
        return fast_x_sigmoid_gradient(x, dy, w, w_lo, u, u_lo);
    }
};

// mish = x tanh(softplus(x)) = x q, from e = exp(-|x|) (fast_exp_nonpositive,
// about 1.5 u: e >= e^-20 here, never flushed) and one division:
//   x >= 0:  q = N / D, N = 1 + 2e, D = N + 2e^2 (the strict op's ratio);
//   x < 0:   q = e - e c, c = e (e + 1) / (e^2 + 2e + 2) <= 2/5,
// where the strict ratio e (e + 2) / (e^2 + 2e + 2) would round its
// numerator, denominator and quotient near 2e, 2 and e: with the fast exp
// that reached 3.95 ulp. In e - e c those roundings reach q scaled by
// c / (1 - c) (<= 2/3, and ~e/2 where e is small), so q is e's error plus
// about one rounding. Tails as the strict op's: x above 20, x e^x below -20.
struct fast_mish_op : mish_op {
    using mish_op::mish_op;
    static vfloat forward(vfloat x) {
        const vmask negative = x < splat(0.0f);
        const vfloat e = math::fast_exp_nonpositive(-abs(x));
        const vfloat two_e = e + e;
        const vfloat num = select(negative, fmadd(e, e, e), splat(1.0f) + two_e);
        const vfloat den = select(negative, fmadd(e, e, two_e + splat(2.0f)),
                                  fmadd(two_e, e, splat(1.0f) + two_e));
        const vfloat ratio = num / den;
        const vfloat q = select(negative, fmadd(-e, ratio, e), ratio);
        const vfloat main = select(x > splat(20.0f), x, x * q);
        return select_rare(x < splat(-20.0f), [&] { return x_exp(x, x, splat(0.0f)); }, main);
    }
};

// gelu = x Phi(x) from q = Q(|x|) = S(|x|) exp(-x^2/2) (normal_tail.hpp),
// S the fast tier's (degree 8, its sum rounded once), the exp the fast one
// (the strict op's carries it in hi + lo with a separate power of 2), the
// square still carried in two floats (an ulp of x^2/2 alone is up to 10
// ulp of q near |x| = 20). x >= 0: x - x q in one fused rounding, S
// without its low part (q <= 1/2, so q's error reaches it at most once).
// The tails as the strict op's: -0 below -20, x above 20.
struct fast_gelu_op : gelu_op {
    using gelu_op::gelu_op;
    static vfloat forward(vfloat x) {
        const parts t = parts_of<true>(x);
        const vfloat e = math::fast_exp_with_tail(t.h, t.tail);
        const vfloat q = t.s * e;
        // x < 0: (x S) e with x S carried as m + m_lo, rounded once with e,
        // so only e's error remains (and s e alone would turn subnormal
        // about 3 binades above x s e).
        const vfloat m = x * t.s;
        const vfloat m_lo = product_error(x, t.s, m) + x * t.s_lo;
        const vfloat neg = select(x < splat(-20.0f), splat(-0.0f), fmadd(m, e, m_lo * e));
        const vfloat pos = select(x > splat(20.0f), x, fmadd(-x, q, x));
        return select(x < splat(0.0f), neg, pos);
    }
    // dx = dy (Phi + x phi) = dy P for x < 0 and dy - dy P for x >= 0, with
    // P = d e, d = S - z / sqrt(2 pi) (S's two parts and the constant's,
    // so that d is exact to half its ulp where it cancels, near x = -0.75)
    // and e = exp(-z^2/2) the fast scaled exp: dy d e is rounded twice and
    // then scaled (times_high), so that a huge dy or a subnormal e loses
    // nothing. d e is at most 0.5 for x >= 0, where 1 - d e >= 1/2.
    // The tails as the strict op's: 0 below -20, dy above 20.
    static vfloat backward(vfloat x, vfloat dy) {
        using K = gelu_constants;
        const parts t = parts_of<true>(x);
        const vfloat d = fmadd(-t.z, splat(K::k_hi), t.s) + fmadd(-t.z, splat(K::k_lo), t.s_lo);
        const math::scaled_exp e = math::fast_scaled_exp(t.h, t.tail);
        const vfloat p = math::times_high(dy, {e.hi * d, splat(0.0f), e.power});
        const vfloat pos = select(x > splat(20.0f), dy, dy - p);
        return select(x < splat(0.0f), select(x < splat(-20.0f), splat(0.0f) * dy, p), pos);
    }
};

// hardswish = x relu6(x + 3) / 6 as x' s, x' = max(x, -3) and s =
// min(x' + 3, 6) times 1/6 rounded to a float, in five operations: the
// sum (exact from x = -3 to -1.5), the float 1/6 (0.5 u), s and the
// product each round once, at most 2 u. The ends need no select: from
// x = 3 on s is 6 times 1/6 rounded, exactly 1, so the result is x itself
// (+inf included); up to -3 it is -3 times 0, plus +0 in the fused
// multiply-add (-0 + +0 = +0). The strict op carries x (x + 3) exactly and
// corrects its quotient, in 27 instructions a vector on avx512.
struct fast_hardswish_op : hardswish_op {
    using hardswish_op::hardswish_op;
    static vfloat forward(vfloat x) {
        const vfloat xc = max(x, splat(-3.0f));
        const vfloat s = min(xc + splat(3.0f), splat(6.0f)) * splat(1.0f / 6.0f);
        return fmadd(xc, s, splat(0.0f));
    }
};

}  // namespace ops
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
