// The x * sigmoid(w(x)) family: silu (w = x), gelu_tanh (w = 2u) and mish
// (x tanh(softplus(x)), which shares their far tails), with the helpers
// they share. Every backward here takes the forward input x.
#pragma once

#include "sigmoid_tanh.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace ops {

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
// HasLow false: wl is 0 (silu), and the exponential skips the tail.
template <bool HasLow = true>
inline vfloat x_sigmoid_gradient(vfloat x, vfloat dy, vfloat wh, vfloat wl, vfloat u,
                                 vfloat u_lo) {
    vfloat wc_lo;
    const vfloat wc = moderate_argument(wh, wl, wc_lo);
    const logistic_pair sc = logistic_both<HasLow>(wc, wc_lo);
    const vfloat s = sc.s, s_lo = sc.s_lo, c = sc.c, c_lo = sc.c_lo;  // c = 1 - s
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
template <bool HasLow = true>
inline vfloat x_sigmoid(vfloat x, vfloat wh, vfloat wl) {
    vfloat s_lo, wc_lo;
    const vfloat wc = moderate_argument(wh, wl, wc_lo);
    const vfloat s = logistic_of<HasLow>(wc, wc_lo, &s_lo);
    const vfloat main = select(x == splat(kInfinity), x, fmadd(x, s, x * s_lo));
    return select_rare(wh < splat(-kFarArgument), [&] { return x_exp(x, wh, wl); }, main);
}

// silu(x) = x * sigmoid(x), the sigmoid carried as hi + lo and the product
// rounded once; below x = -32, x * exp(x) through times_exp (the sigmoid
// alone would be subnormal while the product is not). silu(-inf) = -0.
// dx = dy * s * (1 + x (1 - s)).
struct silu_op {
    explicit silu_op(op_params) {}
    static vfloat forward(vfloat x) { return x_sigmoid<false>(x, x, splat(0.0f)); }
    static vfloat backward(vfloat x, vfloat dy) {
        return x_sigmoid_gradient<false>(x, dy, x, splat(0.0f), x, splat(0.0f));
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
    // k1 = 2 sqrt(2/pi), k3 = 0.044715 k1 and 3 k3, each in two floats.
    static constexpr float k1_hi = 1.5957691669464111f, k1_lo = -4.534068054e-08f;
    static constexpr float k3_hi = 0.07135481387376785f, k3_lo = 2.3988324660e-09f;
    static constexpr float k3x3_hi = 0.21406444907188416f, k3x3_lo = -2.540834209696641e-10f;
};

// gelu with PyTorch's tanh approximation, 0.5 x (1 + tanh(u)) with
// u = sqrt(2/pi) (x + 0.044715 x^3), computed as x * sigmoid(w), w = 2u,
// with w carried as hi + lo into the exponential (for x = -10, w = -87
// and an error of one ulp in w alone would cost 5 ulp of the result).
// dx = dy * s * (1 + x w' (1 - s)), w' = k1 + 3 k3 x^2.
struct gelu_tanh_op {
    explicit gelu_tanh_op(op_params) {}
    // x (k1 + a x^2) as hi + lo, for x^2 = x2 + x2_lo and a = a_hi + a_lo:
    // k = k1 + a x^2 summed with its exact error (Fast2Sum on the larger
    // term first: both are positive), the small products added to its low
    // part, and the product by x with its exact error: about 2^-44
    // relative, as accurate as k1 x and k3 x^3 each formed in two parts and
    // summed, in 14 operations (with FMA) where that took 18.
    static vfloat times_k(vfloat x, vfloat x2, vfloat x2_lo, float a_hi, float a_lo, vfloat& lo) {
        using K = gelu_tanh_constants;
        const vfloat m = splat(a_hi) * x2;
        const vfloat big = max(m, splat(K::k1_hi)), small = min(m, splat(K::k1_hi));
        const vfloat k = big + small;
        const vfloat k_lo = ((big - k) + small) +
                            (product_error(splat(a_hi), x2, m) +
                             fmadd(splat(a_hi), x2_lo, fmadd(splat(a_lo), x2, splat(K::k1_lo))));
        const vfloat p = x * k;
        lo = fmadd(x, k_lo, product_error(x, k, p));
        return p;
    }
    // w = x (k1 + k3 x^2) and u = x w' = x (k1 + 3 k3 x^2), each as hi + lo.
    static vfloat w_of(vfloat x, vfloat& w_lo, vfloat* u = nullptr, vfloat* u_lo = nullptr) {
        using K = gelu_tanh_constants;
        const vfloat x2 = x * x;
        const vfloat x2_lo = product_error(x, x, x2);
        // Beyond |x| = 1000 the low part does not matter (and its
        // products may overflow).
        const vmask moderate = abs(x) < splat(1000.0f);
        vfloat lo;
        const vfloat w = times_k(x, x2, x2_lo, K::k3_hi, K::k3_lo, lo);
        w_lo = select(moderate, lo, splat(0.0f));
        if (u) {
            *u = times_k(x, x2, x2_lo, K::k3x3_hi, K::k3x3_lo, lo);
            *u_lo = select(moderate, lo, splat(0.0f));
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

}  // namespace ops
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
