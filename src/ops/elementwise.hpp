// Elementwise activations: each op is a functor with a vector `apply`, and
// one driver maps it over arrays, handling tails without reading or writing
// past the end. Tail lanes run through the same vector code, so an element's
// result never depends on where a call (or a thread's chunk) starts or ends.
#pragma once

#include "../math/sigmoid.hpp"
#include "../math/tanh.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace ops {

struct sigmoid_forward {
    static vfloat apply(vfloat x) { return math::sigmoid(x); }
};

struct tanh_forward {
    static vfloat apply(vfloat x) { return math::tanh(x); }
};

// dx = dy * y * (1 - y); 1 - y is exact for y >= 0.5.
struct sigmoid_backward {
    static vfloat apply(vfloat y, vfloat dy) { return dy * (y * (splat(1.0f) - y)); }
};

// dx = dy * (1 - y^2), with y^2 = p + e exactly: 1 - p is exact where it
// would cancel (p >= 0.5), so 1 - y^2 is rounded about once.
struct tanh_backward {
    static vfloat apply(vfloat y, vfloat dy) {
        const vfloat p = y * y;
        return dy * ((splat(1.0f) - p) - product_error(y, y, p));
    }
};

template <class Op>
void map_unary(std::size_t n, const float* x, float* y) {
    std::size_t i = 0;
    for (; i + 2 * kWidth <= n; i += 2 * kWidth) {
        const vfloat a = load(x + i);
        const vfloat b = load(x + i + kWidth);
        store(y + i, Op::apply(a));
        store(y + i + kWidth, Op::apply(b));
    }
    for (; i < n; i += kWidth) {
        const std::size_t k = n - i < kWidth ? n - i : kWidth;
        store_n(y + i, k, Op::apply(load_n(x + i, k, 0.0f)));
    }
}

template <class Op>
void map_binary(std::size_t n, const float* a, const float* b, float* out) {
    std::size_t i = 0;
    for (; i + 2 * kWidth <= n; i += 2 * kWidth) {
        const vfloat a0 = load(a + i), a1 = load(a + i + kWidth);
        const vfloat b0 = load(b + i), b1 = load(b + i + kWidth);
        store(out + i, Op::apply(a0, b0));
        store(out + i + kWidth, Op::apply(a1, b1));
    }
    for (; i < n; i += kWidth) {
        const std::size_t k = n - i < kWidth ? n - i : kWidth;
        store_n(out + i, k, Op::apply(load_n(a + i, k, 0.0f), load_n(b + i, k, 0.0f)));
    }
}

}  // namespace ops
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
