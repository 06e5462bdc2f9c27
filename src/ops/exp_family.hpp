// The activations built on one exponential: exp, the ELU family (elu,
// celu, selu), softplus and logsigmoid. Every backward here takes the
// forward input x.
#pragma once

#include "../math/expm1.hpp"
#include "../math/softplus.hpp"
#include "sigmoid_tanh.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace ops {

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

// softplus(x) = log1p(exp(b x)) / b, x itself where b x > threshold
// (PyTorch's rule, on b x rounded). b x is carried exactly into the
// exponential, and the quotient by b is corrected by its residual.
// dx = dy * sigmoid(b x) (dy where b x > threshold).
// b a power of two (b = 1 above all): dividing by b is multiplying by 1/b,
// exactly, and the two divisions of the general case are two products.
struct softplus_op {
    vfloat b, threshold, inverse_b;
    bool b_power_of_two;
    math::split_factor b_split;
    explicit softplus_op(op_params p)
        : b(splat(p.a)), threshold(splat(p.b)), inverse_b(splat(1.0f / p.a)),
          b_power_of_two(is_power_of_two(p.a)),
          b_split(p.a) {}
    static bool is_power_of_two(float v) {
        int power = 0;
        return v > 0.0f && std::frexp(v, &power) == 0.5f && std::isnormal(1.0f / v);
    }
    // n / b, for n, and the series near 0 (both rounded once).
    vfloat over_b(vfloat n) const { return b_power_of_two ? n * inverse_b : n / b; }
    vfloat forward(vfloat x) const {
        const vfloat z = b * x;
        const vfloat z_lo = product_error(b, x, z);
        vfloat n_lo;
        const vfloat n = math::softplus_parts(z, z_lo, &n_lo);
        vfloat y;
        if (b_power_of_two) {
            y = fmadd(n, inverse_b, n_lo * inverse_b);
        } else {
            const vfloat q = n / b;
            y = q + (division_residual(n, q, b) + n_lo) / b;
        }
        // Near 0: the series, divided by b (rounded once more: both steps
        // keep the order of z, and z = b x rounded keeps the order of x).
        const vfloat near = select_rare(abs(z) < splat(math::kSoftplusSeriesLimit),
                                        [&] { return over_b(math::softplus_near_zero(z)); }, y);
        const vfloat main = select(z > threshold, x, near);
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
        const vfloat near = select_rare(abs(x) < splat(math::kSoftplusSeriesLimit),
                                        [&] { return math::softplus_near_zero(-x); }, hi + lo);
        return select_rare(x > splat(64.0f), [&] { return math::times_exp(splat(-1.0f), -x); },
                           -near);
    }
    static vfloat backward(vfloat x, vfloat dy) {
        vfloat s_lo;
        const vfloat s = logistic_of<false>(-x, splat(0.0f), &s_lo);
        return select_rare(x > splat(64.0f), [&] { return math::times_exp(dy, -x); },
                           fmadd(dy, s, dy * s_lo));
    }
};

}  // namespace ops
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
