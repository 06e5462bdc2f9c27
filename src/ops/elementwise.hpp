// Elementwise activations: each op is a functor with a vector `apply`, and
// one driver maps it over arrays, handling tails without reading or writing
// past the end. Tail lanes run through the same vector code, so an element's
// result never depends on where a call (or a thread's chunk) starts or ends.
#pragma once

#include "../math/sigmoid.hpp"
#include "../math/tanh.hpp"

#include <cstdint>

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace ops {

struct sigmoid_forward {
    static vfloat apply(vfloat x) { return math::sigmoid(x); }
};

struct tanh_forward {
    static vfloat apply(vfloat x) { return math::tanh(x); }
};

// dy * (u + u_lo), rounded once where the ISA has FMA.
inline vfloat times_sum(vfloat dy, vfloat u, vfloat u_lo) { return fmadd(dy, u, dy * u_lo); }

// 1 - a as hi + lo exactly, for 0 <= a <= 1 (Fast2Sum).
inline vfloat one_minus(vfloat a, vfloat& lo) {
    const vfloat hi = splat(1.0f) - a;
    lo = (splat(1.0f) - hi) - a;
    return hi;
}

// dx = dy * y * (1 - y), with 1 - y and y * (1 - y) carried exactly as
// hi + lo, so the result is rounded about once.
struct sigmoid_backward {
    static vfloat apply(vfloat y, vfloat dy) {
        vfloat u_lo;
        const vfloat u = one_minus(y, u_lo);
        const vfloat p = y * u;
        return times_sum(dy, p, product_error(y, u, p) + y * u_lo);
    }
};

// dx = dy * (1 - y^2), with y^2 = p + e and 1 - p carried exactly: no
// cancellation near |y| = 1, and the result is rounded about once.
struct tanh_backward {
    static vfloat apply(vfloat y, vfloat dy) {
        const vfloat p = y * y;
        vfloat u_lo;
        const vfloat u = one_minus(p, u_lo);
        return times_sum(dy, u, u_lo - product_error(y, y, p));
    }
};

// Outputs at least this large (8 MiB) are written with non-temporal
// stores: they will not fit in cache anyway, and streaming them avoids
// reading each output line before it is overwritten.
constexpr std::size_t kStreamElements = std::size_t{1} << 21;

// Stores compute(i, k) (the vector for elements [i, i + k)) for every
// vector position of [0, n). Tail lanes go through the same computation.
template <class Compute>
void map_driver(std::size_t n, float* out, Compute&& compute) {
    std::size_t i = 0;
    if (n >= kStreamElements) {
        const std::size_t misaligned = reinterpret_cast<std::uintptr_t>(out) / sizeof(float) % kWidth;
        if (misaligned != 0) {
            i = kWidth - misaligned;
            store_n(out, i, compute(std::size_t{0}, i));
        }
        for (; i + kWidth <= n; i += kWidth) stream(out + i, compute(i, kWidth));
        stream_fence();
    } else {
        for (; i + 2 * kWidth <= n; i += 2 * kWidth) {
            const vfloat a = compute(i, kWidth);
            const vfloat b = compute(i + kWidth, kWidth);
            store(out + i, a);
            store(out + i + kWidth, b);
        }
    }
    for (; i < n; i += kWidth) {
        const std::size_t k = n - i < kWidth ? n - i : kWidth;
        store_n(out + i, k, compute(i, k));
    }
}

template <class Op>
void map_unary(std::size_t n, const float* x, float* y) {
    map_driver(n, y, [x](std::size_t i, std::size_t k) { return Op::apply(load_n(x + i, k, 0.0f)); });
}

template <class Op>
void map_binary(std::size_t n, const float* a, const float* b, float* out) {
    map_driver(n, out, [a, b](std::size_t i, std::size_t k) {
        return Op::apply(load_n(a + i, k, 0.0f), load_n(b + i, k, 0.0f));
    });
}

}  // namespace ops
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
