// The piecewise activations: relu, hardtanh, relu6, leaky_relu,
// hardsigmoid, hardswish and softsign. Every backward here takes the
// forward input x.
#pragma once

#include "../math/eft.hpp"
#include "elementwise.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace ops {

// max(x, 0); NaN stays NaN, relu(-0) = +0. dx = x > 0 ? dy : 0 (0 at x = 0).
struct relu_op {
    // dx is dy times a constant chosen by x, rounded once.
    static constexpr bool kScalesDy = true;
    explicit relu_op(op_params) {}
    static vfloat forward(vfloat x) { return select(x <= splat(0.0f), splat(0.0f), x); }
    static vfloat backward(vfloat x, vfloat dy) {
        return select(x <= splat(0.0f), splat(0.0f), dy);
    }
    // On a 16-bit type (H: half_bits of it) the same results, bit for bit
    // (the NaN rule's quieting included), chosen on the bits, two patterns
    // to a lane (on_bits in elementwise.hpp).
    template <class H>
    static vint forward_bits(vint h) {
        const vint nan = nan_top_bits<H>(magnitudes(h));
        const vint quiet = ivec(H::quiet * 0x10001);
        return (h & spread_top_bits(~h | nan)) | (spread_top_bits(nan) & quiet);
    }
    template <class H>
    static vint backward_bits(vint x, vint dy) {
        const vint x_mag = magnitudes(x), quiet = ivec(H::quiet * 0x10001);
        const vint x_nan = spread_top_bits(nan_top_bits<H>(x_mag));
        const vint dy_nan = spread_top_bits(nan_top_bits<H>(magnitudes(dy)));
        const vint positive = spread_top_bits(~x & nonzero_top_bits(x_mag));
        const vint from_dy = (dy & (positive | dy_nan)) | (dy_nan & quiet);
        return (from_dy & ~x_nan) | (x_nan & (x | quiet));
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
        const vfloat one = copy_sign(splat(1.0f), x);
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

}  // namespace ops
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
