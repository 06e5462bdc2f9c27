// gelu, exact (through the normal distribution's tail, not the tanh
// approximation: that is gelu_tanh in x_sigmoid.hpp). Its backward takes
// the forward input x.
#pragma once

#include "../math/normal_tail.hpp"
#include "elementwise.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace ops {

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
    // What every gelu kernel starts from: z = |x|, S(z) as s + s_lo from
    // the tier's tail polynomial, and -z^2/2 as h + tail.
    struct parts {
        vfloat z, s, s_lo, h, tail;
    };
    template <bool Fast = false>
    static parts parts_of(vfloat x) {
        parts g;
        g.z = abs(x);
        if constexpr (Fast) {
            g.s = math::fast_normal_tail_scaled(g.z, &g.s_lo);
        } else {
            g.s = math::normal_tail_scaled(g.z, &g.s_lo);
        }
        g.h = half_square(g.z, g.tail);
        return g;
    }
    static vfloat forward(vfloat x) {
        const parts t = parts_of(x);
        const vfloat m = x * t.s;
        const math::scaled_exp e = math::scaled_exp_of(t.h, t.tail);
        const vfloat neg = math::times(m, product_error(x, t.s, m) + x * t.s_lo, e);
        const vfloat q = math::times(t.s, t.s_lo, e);
        vfloat u_lo;
        const vfloat u = one_minus(q, u_lo);
        // Beyond |x| = 20 gelu is x or -0 (and the low parts could overflow
        // Dekker's product without FMA).
        const vfloat pos = select(x > splat(20.0f), x, fmadd(x, u, x * u_lo));
        return select(x < splat(0.0f), select(x < splat(-20.0f), splat(-0.0f), neg), pos);
    }
    static vfloat backward(vfloat x, vfloat dy) {
        using K = gelu_constants;
        const parts t = parts_of(x);
        const vfloat zk = t.z * splat(K::k_hi);
        const vfloat zk_lo = product_error(t.z, splat(K::k_hi), zk) + t.z * splat(K::k_lo);
        vfloat d_err;
        const vfloat d = two_sum(t.s, -zk, d_err);
        const vfloat d_lo = d_err + (t.s_lo - zk_lo);
        const math::scaled_exp f = math::scaled_exp_of(t.h, t.tail);
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
