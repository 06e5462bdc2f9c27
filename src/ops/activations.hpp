// The activation functors beyond sigmoid and tanh (src/ops/elementwise.hpp
// has the driver and the interface). Every backward here takes the forward
// input x. Formulas, boundaries and special values follow PyTorch's
// torch.nn.functional; where a result is documented differently (more
// accurate, or finite where PyTorch gives NaN) nonlin.h says so.
#pragma once

#include "../math/expm1.hpp"
#include "../math/normal_tail.hpp"
#include "../math/softplus.hpp"
#include "elementwise.hpp"

#include <limits>

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace ops {

constexpr float kInfinity = std::numeric_limits<float>::infinity();

// ------------------------------------------------------- piecewise linear

// max(x, 0); NaN stays NaN, relu(-0) = +0. dx = x > 0 ? dy : 0 (0 at x = 0).
struct relu_op {
    // dx is dy times a constant chosen by x, rounded once.
    static constexpr bool kScalesDy = true;
    explicit relu_op(op_params) {}
    static vfloat forward(vfloat x) { return select(x <= splat(0.0f), splat(0.0f), x); }
    static vfloat backward(vfloat x, vfloat dy) {
        return select(x <= splat(0.0f), splat(0.0f), dy);
    }
};

// clamp(x, lo, hi); dx = lo < x < hi ? dy : 0 (PyTorch's boundaries). NaN
// inputs are the driver's (pass_nan).
struct hardtanh_op {
    // dx is dy times a constant chosen by x, rounded once.
    static constexpr bool kScalesDy = true;
    vfloat lo, hi;
    explicit hardtanh_op(op_params p) : lo(splat(p.a)), hi(splat(p.b)) {}
    vfloat forward(vfloat x) const { return clamp(x, lo, hi); }
    vfloat backward(vfloat x, vfloat dy) const {
        return select((x <= lo) | (x >= hi), splat(0.0f), dy);
    }
};

struct relu6_op : hardtanh_op {
    explicit relu6_op(op_params) : hardtanh_op(op_params{0.0f, 6.0f}) {}
};

// x > 0 ? x : a*x; dx = x > 0 ? dy : a*dy.
struct leaky_relu_op {
    // dx is dy times a constant chosen by x, rounded once.
    static constexpr bool kScalesDy = true;
    vfloat a;
    explicit leaky_relu_op(op_params p) : a(splat(p.a)) {}
    vfloat forward(vfloat x) const { return select(x > splat(0.0f), x, a * x); }
    vfloat backward(vfloat x, vfloat dy) const { return select(x > splat(0.0f), dy, a * dy); }
};

// (hi + lo) / 6 rounded once: the quotient corrected by its exact residual.
inline vfloat sixth(vfloat hi, vfloat lo) {
    const vfloat six = splat(6.0f);
    const vfloat q = hi / six;
    return q + (division_residual(hi, q, six) + lo) / six;
}

// relu6(x + 3) / 6, with x + 3 exact and one rounding;
// dx = -3 < x < 3 ? dy / 6 : 0.
struct hardsigmoid_op {
    // dx is dy times a constant chosen by x, rounded once.
    static constexpr bool kScalesDy = true;
    explicit hardsigmoid_op(op_params) {}
    static vfloat forward(vfloat x) {
        vfloat lo;
        const vfloat s = two_sum(x, splat(3.0f), lo);
        const vfloat y = sixth(s, lo);
        return select(x <= splat(-3.0f), splat(0.0f), select(x >= splat(3.0f), splat(1.0f), y));
    }
    static vfloat backward(vfloat x, vfloat dy) {
        return select((x > splat(-3.0f)) & (x < splat(3.0f)), dy / splat(6.0f), splat(0.0f));
    }
};

// x * relu6(x + 3) / 6: x(x + 3) carried exactly, one rounding.
// dx = x < -3 ? 0 : x <= 3 ? dy (2x + 3) / 6 : dy (PyTorch's boundaries).
struct hardswish_op {
    explicit hardswish_op(op_params) {}
    static vfloat forward(vfloat x) {
        vfloat s_lo;
        const vfloat s = two_sum(x, splat(3.0f), s_lo);
        const vfloat p = x * s;
        const vfloat y = sixth(p, product_error(x, s, p) + x * s_lo);
        return select(x <= splat(-3.0f), splat(0.0f), select(x >= splat(3.0f), x, y));
    }
    static vfloat backward(vfloat x, vfloat dy) {
        vfloat s_lo;
        const vfloat s = two_sum(x + x, splat(3.0f), s_lo);
        const vfloat p = dy * s;
        const vfloat mid = sixth(p, product_error(dy, s, p) + dy * s_lo);
        return select(x < splat(-3.0f), splat(0.0f), select(x <= splat(3.0f), mid, dy));
    }
};

// x / (1 + |x|), the division corrected for the rounding of 1 + |x| and its
// own; softsign(+-inf) = +-1 (PyTorch: NaN). dx = dy / (1 + |x|)^2, with
// the square carried as hi + lo and one rounding.
struct softsign_op {
    explicit softsign_op(op_params) {}
    static vfloat forward(vfloat x) {
        const vfloat z = abs(x);
        vfloat d_lo;
        const vfloat d = two_sum(splat(1.0f), z, d_lo);
        const vfloat q = x / d;
        const vfloat y = q + (division_residual(x, q, d) - q * d_lo) / d;
        const vint sign_bit = as_int(splat(-0.0f));
        const vfloat one = as_float(as_int(splat(1.0f)) | (as_int(x) & sign_bit));
        // Beyond 2^40 the correction is below half an ulp (and Dekker's
        // product, without FMA, would overflow near FLT_MAX).
        return select(z == splat(kInfinity), one, select(z > splat(0x1p40f), q, y));
    }
    static vfloat backward(vfloat x, vfloat dy) {
        const vfloat z = abs(x);
        // Above 2^56 the 1 is below 2^-56 of z: use z * 2^-96 for 1 + |x|
        // (so that neither the square nor Dekker's product overflows) and
        // scale the quotient back at the end, rounding once.
        const vmask big = z > splat(0x1p56f);
        vfloat d_lo;
        const vfloat d1 = two_sum(splat(1.0f), z, d_lo);
        const vfloat d = select(big, z * splat(0x1p-96f), d1);
        d_lo = select(big, splat(0.0f), d_lo);
        const vfloat s = d * d;
        const vfloat s_lo = product_error(d, d, s) + (d + d) * d_lo;
        // dy too is scaled (by 2^-96) on that branch, so dy / s cannot
        // overflow (s may be as small as 2^-80).
        const vfloat g = select(big, dy * splat(0x1p-96f), dy);
        const vfloat q = g / s;
        const vfloat r = q + (division_residual(g, q, s) - q * s_lo) / s;
        const vfloat scaled = scale_pow2(r, select(big, splat(-96.0f), splat(0.0f)));
        return select(z == splat(kInfinity), dy * splat(0.0f), scaled);
    }
};

// ------------------------------------------------------------ exp family

// e^x (src/math/exp.hpp, 1 ulp); dx = dy * e^x, from x, rounded about
// once and without losing precision where e^x is subnormal.
struct exp_op {
    explicit exp_op(op_params) {}
    static vfloat forward(vfloat x) { return math::exp(x); }
    static vfloat backward(vfloat x, vfloat dy) { return math::times_exp(dy, x); }
};

// (c_hi + c_lo) * v, rounded once: a constant carried in two floats.
inline vfloat times_constant(vfloat v, float c_hi, float c_lo) {
    const vfloat p = v * splat(c_hi);
    return select(abs(v) == splat(kInfinity), p, fmadd(v, splat(c_hi), v * splat(c_lo)));
}

// The ELU family: x > 0 ? s*x : s*a*expm1(x/k), with (s, a, k) = (1, a, 1)
// for elu, (1, a, a) for celu and PyTorch's constants for selu;
// dx = x > 0 ? s*dy : dy*s*a/k*exp(x/k) (at x = 0 the left one, as PyTorch).
// a joins exp's mantissa rather than dy: a * dy alone may overflow (a and
// dy near 1e30) where the gradient is tiny.
struct elu_op {
    vfloat a;
    math::split_factor a_split;
    explicit elu_op(op_params p) : a(splat(p.a)), a_split(p.a) {}
    vfloat forward(vfloat x) const {
        return select(x > splat(0.0f), x, a * math::expm1(x));
    }
    vfloat backward(vfloat x, vfloat dy) const {
        const math::scaled_exp e = math::scaled_exp_of(x, splat(0.0f));
        return select(x > splat(0.0f), dy,
                      math::times(dy, splat(0.0f), math::times_factor(e, a_split)));
    }
};

// celu: x / a carried with its exact residual into exp's reduced argument
// for the backward; the forward's expm1 takes the rounded quotient (its
// error is at most 0.5 ulp of x/a, damped by expm1's condition number).
struct celu_op {
    vfloat a;
    explicit celu_op(op_params p) : a(splat(p.a)) {}
    // Where |x / a| < 2^-30, a expm1(x / a) = x (1 + x / 2a + ...) rounds to
    // x, and x / a itself may be subnormal or 0 (x = -1e-27, a = 1e20).
    vfloat forward(vfloat x) const {
        const vfloat q = x / a;
        return select(x > splat(0.0f) || abs(q) < splat(0x1p-30f), x, a * math::expm1(q));
    }
    vfloat backward(vfloat x, vfloat dy) const {
        const vfloat q = x / a;
        const vfloat tail = division_residual(x, q, a) / a;
        return select(x > splat(0.0f), dy,
                      math::times_exp(dy, splat(0.0f), q, select(x == x, tail, splat(0.0f))));
    }
};

struct selu_constants {
    // scale = 1.0507009873554804934..., scale * alpha = 1.7580993408473768...
    static constexpr float scale_hi = 1.05070102214813232421875f;
    static constexpr float scale_lo = -3.479265231e-08f;
    static constexpr float sa_hi = 1.7580993175506591796875f;
    static constexpr float sa_lo = 2.3296716e-08f;
};

struct selu_op {
    explicit selu_op(op_params) {}
    static vfloat forward(vfloat x) {
        using K = selu_constants;
        const vfloat pos = times_constant(x, K::scale_hi, K::scale_lo);
        const vfloat neg = times_constant(math::expm1(x), K::sa_hi, K::sa_lo);
        return select(x > splat(0.0f), pos, neg);
    }
    static vfloat backward(vfloat x, vfloat dy) {
        using K = selu_constants;
        const math::scaled_exp e = math::times_factor(math::scaled_exp_of(x, splat(0.0f)),
                                                      splat(K::sa_hi), splat(K::sa_lo));
        return select(x > splat(0.0f), times_constant(dy, K::scale_hi, K::scale_lo),
                      math::times(dy, splat(0.0f), e));
    }
};

// The logistic function of zh + zl as q + q_lo, rounded by the caller.
inline vfloat logistic_of(vfloat zh, vfloat zl, vfloat* q_lo) {
    const vfloat tail = select(abs(zh) == splat(kInfinity), splat(0.0f),
                               select(zh < splat(0.0f), zl, -zl));
    vfloat e_lo;
    const vfloat e = math::exp_core<true, true>(-abs(zh), tail, &e_lo);
    const math::logistic_parts l = math::logistic(zh < splat(0.0f), e, e_lo);
    *q_lo = l.residual * l.inverse;
    return l.q;
}

// softplus(x) = log1p(exp(b x)) / b, x itself where b x > threshold
// (PyTorch's rule, on b x rounded). b x is carried exactly into the
// exponential, and the quotient by b is corrected by its residual.
// dx = dy * sigmoid(b x) (dy where b x > threshold).
struct softplus_op {
    vfloat b, threshold;
    math::split_factor b_split;
    explicit softplus_op(op_params p) : b(splat(p.a)), threshold(splat(p.b)), b_split(p.a) {}
    vfloat forward(vfloat x) const {
        const vfloat z = b * x;
        const vfloat z_lo = product_error(b, x, z);
        vfloat n_lo;
        const vfloat n = math::softplus_parts(z, z_lo, &n_lo);
        const vfloat q = n / b;
        const vfloat y = q + (division_residual(n, q, b) + n_lo) / b;
        const vfloat main = select(z > threshold, x, y);
        // exp(z) / b, divided before the one rounding: exp(z) alone may be
        // subnormal (b = 0.001, x = -95445) where the quotient is not.
        return select_rare(z < splat(-64.0f), [&] {
            return math::times(splat(1.0f), splat(0.0f),
                               math::divided_by(math::scaled_exp_of(z, z_lo), b_split)); }, main);
    }
    vfloat backward(vfloat x, vfloat dy) const {
        const vfloat z = b * x;
        const vfloat z_lo = product_error(b, x, z);
        vfloat s_lo;
        const vfloat s = logistic_of(z, z_lo, &s_lo);
        const vfloat main = select(z > threshold, dy, fmadd(dy, s, dy * s_lo));
        return select_rare(z < splat(-64.0f), [&] { return math::times_exp(dy, splat(0.0f), z, z_lo); },
                           main);
    }
};

// logsigmoid(x) = -softplus(-x); dx = dy * sigmoid(-x).
struct logsigmoid_op {
    explicit logsigmoid_op(op_params) {}
    static vfloat forward(vfloat x) {
        vfloat lo;
        const vfloat hi = math::softplus_parts(-x, splat(0.0f), &lo);
        return select_rare(x > splat(64.0f), [&] { return math::times_exp(splat(-1.0f), -x); },
                           -(hi + lo));
    }
    static vfloat backward(vfloat x, vfloat dy) {
        vfloat s_lo;
        const vfloat s = logistic_of(-x, splat(0.0f), &s_lo);
        return select_rare(x > splat(64.0f), [&] { return math::times_exp(dy, -x); },
                           fmadd(dy, s, dy * s_lo));
    }
};

// Beyond |w| = 32, x * sigmoid(w) is x * exp(w) (below) or x (above) to
// 1e-14 relative, and so is its gradient: the main formulas below run on w
// clamped to [-32, 32]. Unclamped, their second-order terms (products of
// exp(-|w|) and its low part) go subnormal from |w| = 43 on, and every
// subnormal operation costs this CPU family a microcode assist (gelu_tanh
// on [-10, 10], where |w| reaches 87, ran 3x slower).
constexpr float kFarArgument = 32.0f;

inline vfloat moderate_argument(vfloat wh, vfloat wl, vfloat& lo) {
    const vmask far = abs(wh) > splat(kFarArgument);
    lo = select(far, splat(0.0f), wl);
    return clamp(wh, splat(-kFarArgument), splat(kFarArgument));
}

// The far negative tails of x * sigmoid(w(x)) and x * tanh(softplus(x)),
// where both are x * exp(w) to far below an ulp: x exp(w) and its gradient
// dy (1 + u) exp(w) (u = x w', as hi + lo), each through times_exp so that
// the result is rounded once even where exp(w) alone is subnormal.
// At x = -inf the value is -0 (not -inf * 0) and the gradient 0.
inline vfloat x_exp(vfloat x, vfloat wh, vfloat wl) {
    const vfloat deep = math::times_exp(x, splat(0.0f), wh, wl);
    return select(x == -splat(kInfinity), splat(-0.0f), deep);
}

inline vfloat x_exp_gradient(vfloat x, vfloat dy, vfloat wh, vfloat wl, vfloat u, vfloat u_lo) {
    vfloat v_lo;
    const vfloat v = two_sum(splat(1.0f), u, v_lo);
    const math::scaled_exp e = math::times_factor(math::scaled_exp_of(wh, wl), v, v_lo + u_lo);
    const vfloat deep = math::times(dy, splat(0.0f), e);
    // Below x = -200, 1 + x w' may overflow while the result is 0.
    return select(x < splat(-200.0f), splat(0.0f) * dy, deep);
}

// dy * d/dx [x * sigmoid(w(x))] = dy * s * (1 + x w' (1 - s)), s = sigmoid(w),
// for w = wh + wl and u = x w' = uh + ul (silu: w = u = x; gelu_tanh).
// 1 - s comes from the same exponential (no cancellation), the sum
// 1 + x w' (1 - s) is formed with its exact error, and the products are
// rounded once. Below w = -32, 1 - s = 1 and s = e^w: dy (1 + x w') e^w
// through times_exp; above 32, dx = dy.
inline vfloat x_sigmoid_gradient(vfloat x, vfloat dy, vfloat wh, vfloat wl, vfloat u,
                                 vfloat u_lo) {
    vfloat s_lo, wc_lo;
    const vfloat wc = moderate_argument(wh, wl, wc_lo);
    const vfloat s = logistic_of(wc, wc_lo, &s_lo);
    vfloat c_lo;
    const vfloat c = logistic_of(-wc, -wc_lo, &c_lo);  // 1 - s
    const vfloat t = u * c;
    const vfloat t_lo = product_error(u, c, t) + u * c_lo + u_lo * c;
    vfloat w_lo;
    const vfloat w = two_sum(splat(1.0f), t, w_lo);
    const vfloat m = dy * w;
    const vfloat m_lo = product_error(dy, w, m) + dy * (w_lo + t_lo);
    const vfloat main =
        select(wh > splat(kFarArgument), dy, fmadd(m, s, fmadd(m, s_lo, m_lo * s)));
    return select_rare(wh < splat(-kFarArgument), [&] { return x_exp_gradient(x, dy, wh, wl, u, u_lo); },
                       main);
}

// x * sigmoid(w) for w = wh + wl, rounded once; below w = -32 as
// x * exp(w) through times_exp. -0 at x = -inf, x at +inf.
inline vfloat x_sigmoid(vfloat x, vfloat wh, vfloat wl) {
    vfloat s_lo, wc_lo;
    const vfloat wc = moderate_argument(wh, wl, wc_lo);
    const vfloat s = logistic_of(wc, wc_lo, &s_lo);
    const vfloat main = select(x == splat(kInfinity), x, fmadd(x, s, x * s_lo));
    return select_rare(wh < splat(-kFarArgument), [&] { return x_exp(x, wh, wl); }, main);
}

// silu(x) = x * sigmoid(x), the sigmoid carried as hi + lo and the product
// rounded once; below x = -32, x * exp(x) through times_exp (the sigmoid
// alone would be subnormal while the product is not). silu(-inf) = -0.
// dx = dy * s * (1 + x (1 - s)).
struct silu_op {
    explicit silu_op(op_params) {}
    static vfloat forward(vfloat x) { return x_sigmoid(x, x, splat(0.0f)); }
    static vfloat backward(vfloat x, vfloat dy) {
        return x_sigmoid_gradient(x, dy, x, splat(0.0f), x, splat(0.0f));
    }
};

// mish(x) = x tanh(softplus(x)). With e = exp(-|x|), tanh(log(1 + e^x)) is
// a ratio of polynomials in e that never cancels:
//   x < 0:  r = N / D, N = e^2 + 2e, D = N + 2      (e = e^x)
//   x >= 0: r = N / D, N = 1 + 2e,   D = N + 2e^2   (e = e^-x)
// so one exponential (as hi + lo) and one division, corrected by its exact
// residual, give r as q + q_lo, and mish = x (q + q_lo) is rounded once.
// The gradient is r + x sech^2(softplus(x)) sigmoid(x) = r + x c with
// c = 4 E (1 + e) / D^2, E = e (x < 0) or e^2 (x >= 0); r + x c is summed
// with its exact error. Below x = -20, mish is x e^x and its gradient
// dy (1 + x) e^x to 2e-9 relative (the tails shared with silu); above 20
// they are x and dy. mish(-inf) = -0, mish(+inf) = +inf.
struct mish_op {
    explicit mish_op(op_params) {}
    // r = tanh(softplus(x)) as q + q_lo and, if asked, c as *c + *c_lo.
    static vfloat ratio(vfloat x, vfloat& q_lo, vfloat* c = nullptr, vfloat* c_lo = nullptr) {
        const vmask negative = x < splat(0.0f);
        vfloat e_lo;
        const vfloat e = math::exp_parts(-abs(x), &e_lo);
        const vfloat sq = e * e;
        const vfloat sq_lo = product_error(e, e, sq) + splat(2.0f) * e * e_lo;
        const vfloat a = select(negative, sq, splat(1.0f));
        const vfloat a_lo = select(negative, sq_lo, splat(0.0f));
        vfloat n_err;
        const vfloat n = two_sum(a, e + e, n_err);
        const vfloat n_lo = n_err + (a_lo + splat(2.0f) * e_lo);
        const vfloat b = select(negative, splat(2.0f), sq + sq);
        const vfloat b_lo = select(negative, splat(0.0f), sq_lo + sq_lo);
        vfloat d_err;
        const vfloat d = two_sum(n, b, d_err);
        const vfloat d_lo = d_err + (n_lo + b_lo);
        const vfloat q = n / d;
        q_lo = (division_residual(n, q, d) + n_lo - q * d_lo) / d;
        if (c) {
            vfloat u_lo;
            const vfloat u = two_sum(splat(1.0f), e, u_lo);  // 1 + e
            const vfloat big_e = select(negative, e, sq);
            const vfloat big_e_lo = select(negative, e_lo, sq_lo);
            const vfloat m = big_e * u;
            const vfloat m_lo = product_error(big_e, u, m) + (big_e * (u_lo + e_lo) + big_e_lo * u);
            const vfloat s = d * d;
            const vfloat s_lo = product_error(d, d, s) + splat(2.0f) * d * d_lo;
            const vfloat k = m / s;
            *c = splat(4.0f) * k;
            *c_lo = splat(4.0f) * ((division_residual(m, k, s) + m_lo - k * s_lo) / s);
        }
        return q;
    }
    static vfloat forward(vfloat x) {
        vfloat q_lo;
        const vfloat q = ratio(x, q_lo);
        const vfloat main = select(x > splat(20.0f), x, fmadd(x, q, x * q_lo));
        return select_rare(x < splat(-20.0f), [&] { return x_exp(x, x, splat(0.0f)); }, main);
    }
    static vfloat backward(vfloat x, vfloat dy) {
        vfloat q_lo, c, c_lo;
        const vfloat q = ratio(x, q_lo, &c, &c_lo);
        const vfloat p = x * c;
        const vfloat p_lo = product_error(x, c, p) + x * c_lo;
        vfloat g_err;
        const vfloat g = two_sum(q, p, g_err);
        const vfloat g_lo = g_err + (q_lo + p_lo);
        const vfloat main = select(x > splat(20.0f), dy, fmadd(dy, g, dy * g_lo));
        return select_rare(x < splat(-20.0f), [&] {
            return x_exp_gradient(x, dy, x, splat(0.0f), x, splat(0.0f)); }, main);
    }
};

struct gelu_tanh_constants {
    // k1 = 2 sqrt(2/pi), k3 = 0.044715 k1, each in two floats.
    static constexpr float k1_hi = 1.5957691669464111f, k1_lo = -4.534068054e-08f;
    static constexpr float k3_hi = 0.07135481387376785f, k3_lo = 2.3988324660e-09f;
};

// gelu with PyTorch's tanh approximation, 0.5 x (1 + tanh(u)) with
// u = sqrt(2/pi) (x + 0.044715 x^3), computed as x * sigmoid(w), w = 2u,
// with w carried as hi + lo into the exponential (for x = -10, w = -87
// and an error of one ulp in w alone would cost 5 ulp of the result).
// dx = dy * s * (1 + x w' (1 - s)), w' = k1 + 3 k3 x^2.
struct gelu_tanh_op {
    explicit gelu_tanh_op(op_params) {}
    // w = k1 x + k3 x^3 and u = x w' = k1 x + 3 k3 x^3, each as hi + lo.
    static vfloat w_of(vfloat x, vfloat& w_lo, vfloat* u = nullptr, vfloat* u_lo = nullptr) {
        using K = gelu_tanh_constants;
        const vfloat x2 = x * x;
        const vfloat x2_lo = product_error(x, x, x2);
        const vfloat x3 = x2 * x;
        const vfloat x3_lo = product_error(x2, x, x3) + x2_lo * x;
        const vfloat p3 = splat(K::k3_hi) * x3;
        const vfloat p3_lo =
            product_error(splat(K::k3_hi), x3, p3) + (splat(K::k3_lo) * x3 + splat(K::k3_hi) * x3_lo);
        const vfloat p1 = splat(K::k1_hi) * x;
        const vfloat p1_lo = product_error(splat(K::k1_hi), x, p1) + splat(K::k1_lo) * x;
        vfloat e;
        const vfloat w = two_sum(p1, p3, e);
        // Beyond |x| = 1000 the low part does not matter (and its
        // products may overflow).
        const vmask moderate = abs(x) < splat(1000.0f);
        w_lo = select(moderate, e + (p1_lo + p3_lo), splat(0.0f));
        if (u) {
            const vfloat t3 = splat(3.0f) * p3;
            const vfloat t3_lo = product_error(splat(3.0f), p3, t3) + splat(3.0f) * p3_lo;
            vfloat f;
            *u = two_sum(p1, t3, f);
            *u_lo = select(moderate, f + (p1_lo + t3_lo), splat(0.0f));
        }
        return w;
    }
    static vfloat forward(vfloat x) {
        vfloat w_lo;
        const vfloat w = w_of(x, w_lo);
        return x_sigmoid(x, w, w_lo);
    }
    static vfloat backward(vfloat x, vfloat dy) {
        vfloat w_lo, u, u_lo;
        const vfloat w = w_of(x, w_lo, &u, &u_lo);
        return x_sigmoid_gradient(x, dy, w, w_lo, u, u_lo);
    }
};

// gelu(x) = x Phi(x) = 0.5 x erfc(-x / sqrt2), with Q(z) = 1 - Phi(z) =
// S(z) exp(-z^2/2) (src/math/normal_tail.hpp), z = |x|:
//   x < 0:  x S(z) exp(-z^2/2), one times_exp (correct to the underflow);
//   x >= 0: x (1 - Q(x)), Q <= 1/2 so nothing cancels.
// dx = dy (Phi(x) + x phi(x)) = dy * E for x < 0 and dy (1 - E) for x >= 0,
// E = (S(z) - z / sqrt(2 pi)) exp(-z^2/2). Below x = -20 the result is -0
// (dx: 0), above 20 it is x (dx: dy).
struct gelu_constants {
    static constexpr float k_hi = 0.3989422917366028f;  // 1 / sqrt(2 pi)
    static constexpr float k_lo = -1.1335170136e-08f;
};

struct gelu_op {
    explicit gelu_op(op_params) {}
    // -z^2/2 as h + tail.
    static vfloat half_square(vfloat z, vfloat& tail) {
        const vfloat sq = z * z;
        tail = select(z < splat(1e15f), splat(-0.5f) * product_error(z, z, sq), splat(0.0f));
        return splat(-0.5f) * sq;
    }
    static vfloat forward(vfloat x) {
        const vfloat z = abs(x);
        vfloat s_lo, tail;
        const vfloat s = math::normal_tail_scaled(z, &s_lo);
        const vfloat h = half_square(z, tail);
        const vfloat m = x * s;
        const math::scaled_exp e = math::scaled_exp_of(h, tail);
        const vfloat neg = math::times(m, product_error(x, s, m) + x * s_lo, e);
        const vfloat q = math::times(s, s_lo, e);
        vfloat u_lo;
        const vfloat u = one_minus(q, u_lo);
        // Beyond |x| = 20 gelu is x or -0 (and the low parts could overflow
        // Dekker's product without FMA).
        const vfloat pos = select(x > splat(20.0f), x, fmadd(x, u, x * u_lo));
        return select(x < splat(0.0f), select(x < splat(-20.0f), splat(-0.0f), neg), pos);
    }
    static vfloat backward(vfloat x, vfloat dy) {
        using K = gelu_constants;
        const vfloat z = abs(x);
        vfloat s_lo, tail;
        const vfloat s = math::normal_tail_scaled(z, &s_lo);
        const vfloat h = half_square(z, tail);
        const vfloat zk = z * splat(K::k_hi);
        const vfloat zk_lo = product_error(z, splat(K::k_hi), zk) + z * splat(K::k_lo);
        vfloat d_err;
        const vfloat d = two_sum(s, -zk, d_err);
        const vfloat d_lo = d_err + (s_lo - zk_lo);
        const math::scaled_exp f = math::scaled_exp_of(h, tail);
        const vfloat neg = math::times(dy, splat(0.0f), math::times_factor(f, d, d_lo));
        const vfloat e = math::times(d, d_lo, f);
        vfloat g_lo;
        const vfloat g = two_sum(splat(1.0f), -e, g_lo);
        const vfloat pos = select(x > splat(20.0f), dy, fmadd(dy, g, dy * g_lo));
        return select(x < splat(0.0f), select(x < splat(-20.0f), splat(0.0f) * dy, neg), pos);
    }
};

}  // namespace ops
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
