// The textbook formulas as plain scalar loops: what a user writes by hand.
// Elementwise backwards are dy times the textbook derivative; softmax is
// the stable max / exp-sum / divide, one row at a time.
#include <algorithm>
#include <cmath>

#include "bench.hpp"

namespace bench {

namespace {

// One row of the softmax family: `len` elements `stride` apart.
struct Row {
    std::size_t len, stride;
    float& at(float* p, std::size_t k) const { return p[k * stride]; }
    float at(const float* p, std::size_t k) const { return p[k * stride]; }
};

template <class F>
void for_each_row(const Shape& s, F&& f) {
    const Row row{s.axis, s.inner};
    for (std::size_t o = 0; o < s.outer; ++o)
        for (std::size_t i = 0; i < s.inner; ++i) f(row, (o * s.axis) * s.inner + i);
}

float row_max(const Row& r, const float* x) {
    float m = r.at(x, 0);
    for (std::size_t k = 1; k < r.len; ++k) m = std::max(m, r.at(x, k));
    return m;
}

// log(sum(exp(x - m))) over a row of the logits.
float log_sum_exp(const Row& r, const float* x, float m) {
    float s = 0.0f;
    for (std::size_t k = 0; k < r.len; ++k) s += std::exp(r.at(x, k) - m);
    return std::log(s);
}

void softmax(const Shape& s, const float* x, float* y) {
    for_each_row(s, [&](const Row& r, std::size_t base) {
        const float* in = x + base;
        float* out = y + base;
        const float m = row_max(r, in);
        float sum = 0.0f;
        for (std::size_t k = 0; k < r.len; ++k) sum += r.at(out, k) = std::exp(r.at(in, k) - m);
        for (std::size_t k = 0; k < r.len; ++k) r.at(out, k) /= sum;
    });
}

void log_softmax(const Shape& s, const float* x, float* y) {
    for_each_row(s, [&](const Row& r, std::size_t base) {
        const float* in = x + base;
        float* out = y + base;
        const float m = row_max(r, in);
        const float l = log_sum_exp(r, in, m);
        for (std::size_t k = 0; k < r.len; ++k) r.at(out, k) = (r.at(in, k) - m) - l;
    });
}

void softmax_backward(const Shape& s, const float* y, const float* dy, float* dx) {
    for_each_row(s, [&](const Row& r, std::size_t base) {
        float dot = 0.0f;
        for (std::size_t k = 0; k < r.len; ++k) dot += r.at(dy + base, k) * r.at(y + base, k);
        for (std::size_t k = 0; k < r.len; ++k)
            r.at(dx + base, k) = r.at(y + base, k) * (r.at(dy + base, k) - dot);
    });
}

void log_softmax_backward(const Shape& s, const float* y, const float* dy, float* dx) {
    for_each_row(s, [&](const Row& r, std::size_t base) {
        float sum = 0.0f;
        for (std::size_t k = 0; k < r.len; ++k) sum += r.at(dy + base, k);
        for (std::size_t k = 0; k < r.len; ++k)
            r.at(dx + base, k) = r.at(dy + base, k) - std::exp(r.at(y + base, k)) * sum;
    });
}

// Mean reduction over the rows whose target is not the ignore index.
void nll_loss(const Args& a) {
    const std::size_t rows = a.shape.outer, cols = a.shape.axis;
    float sum = 0.0f;
    std::size_t count = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        if (a.target[r] == kIgnoreIndex) continue;
        sum -= a.a[r * cols + static_cast<std::size_t>(a.target[r])];
        ++count;
    }
    *a.loss = sum / static_cast<float>(count);
}

void nll_loss_backward(const Args& a) {
    const std::size_t rows = a.shape.outer, cols = a.shape.axis;
    std::size_t count = 0;
    for (std::size_t r = 0; r < rows; ++r) count += a.target[r] != kIgnoreIndex;
    const float g = -a.b[0] / static_cast<float>(count);
    std::fill(a.out, a.out + rows * cols, 0.0f);
    for (std::size_t r = 0; r < rows; ++r)
        if (a.target[r] != kIgnoreIndex)
            a.out[r * cols + static_cast<std::size_t>(a.target[r])] = g;
}

// log_softmax, NLL and, when dlogits is not null, the gradient.
void cross_entropy(const Args& a, float* dlogits) {
    const std::size_t rows = a.shape.outer, cols = a.shape.axis;
    const Row r{cols, 1};
    std::size_t count = 0;
    for (std::size_t i = 0; i < rows; ++i) count += a.target[i] != kIgnoreIndex;
    float sum = 0.0f;
    for (std::size_t i = 0; i < rows; ++i) {
        const float* x = a.a + i * cols;
        if (a.target[i] == kIgnoreIndex) {
            if (dlogits) std::fill(dlogits + i * cols, dlogits + (i + 1) * cols, 0.0f);
            continue;
        }
        const std::size_t t = static_cast<std::size_t>(a.target[i]);
        const float m = row_max(r, x);
        const float l = log_sum_exp(r, x, m);
        sum += l - (x[t] - m);
        if (!dlogits) continue;
        float* g = dlogits + i * cols;
        for (std::size_t k = 0; k < cols; ++k)
            g[k] = std::exp((x[k] - m) - l) / static_cast<float>(count);
        g[t] -= 1.0f / static_cast<float>(count);
    }
    *a.loss = sum / static_cast<float>(count);
}

// ------------------------------------------------------------ elementwise

// y[i] = f(x[i]), or for a backward dx[i] = dy[i] * f(a[i]): one plain
// loop, f inlined.
template <class F>
Run loop(const Args& a, bool backward, F f) {
    const std::size_t n = a.shape.size();
    if (backward)
        return [=] {
            for (std::size_t i = 0; i < n; ++i) a.out[i] = a.b[i] * f(a.a[i]);
            return true;
        };
    return [=] {
        for (std::size_t i = 0; i < n; ++i) a.out[i] = f(a.a[i]);
        return true;
    };
}

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

constexpr float kSqrt2OverPi = 0.79788456f, kGeluTanhCubic = 0.044715f;

float gelu_tanh_grad(float x) {
    const float t = std::tanh(kSqrt2OverPi * (x + kGeluTanhCubic * x * x * x));
    return 0.5f * (1.0f + t) +
           0.5f * x * (1.0f - t * t) * kSqrt2OverPi * (1.0f + 3.0f * kGeluTanhCubic * x * x);
}

float mish_grad(float x) {
    const float t = std::tanh(std::log1p(std::exp(x)));
    return t + x * (1.0f - t * t) * sigmoid(x);
}

constexpr float kSeluScale = 1.0507009873554805f, kSeluAlpha = 1.6732632423543772f;

// An elementwise op by registry name: how to build its forward or backward.
struct Formula {
    const char* op;
    Run (*make)(const Args& a, bool backward);
};

// One row: the op, y as a function of x, and dy's factor dy/dx as a
// function of x (of y for sigmoid and tanh, whose backwards take y, as
// nonlin's). p: the op's parameters.
#define NAIVE(name, y, dydx)                                                  \
    {                                                                         \
        #name, [](const Args& a, bool backward) {                             \
            [[maybe_unused]] const Params p = a.params;                       \
            return backward ? loop(a, true, [=](float x) { return dydx; })    \
                            : loop(a, false, [=](float x) { return y; });     \
        }                                                                     \
    }

const Formula kFormulas[] = {
    NAIVE(sigmoid, sigmoid(x), x * (1.0f - x)),
    NAIVE(tanh, std::tanh(x), 1.0f - x * x),
    NAIVE(relu, x > 0.0f ? x : 0.0f, x > 0.0f ? 1.0f : 0.0f),
    NAIVE(relu6, std::min(std::max(x, 0.0f), 6.0f), x > 0.0f && x < 6.0f ? 1.0f : 0.0f),
    NAIVE(leaky_relu, x > 0.0f ? x : p[0] * x, x > 0.0f ? 1.0f : p[0]),
    NAIVE(hardtanh, std::min(std::max(x, p[0]), p[1]), x > p[0] && x < p[1] ? 1.0f : 0.0f),
    NAIVE(hardsigmoid, std::min(std::max(x + 3.0f, 0.0f), 6.0f) / 6.0f,
          x > -3.0f && x < 3.0f ? 1.0f / 6.0f : 0.0f),
    NAIVE(hardswish, x * std::min(std::max(x + 3.0f, 0.0f), 6.0f) / 6.0f,
          x < -3.0f ? 0.0f : x <= 3.0f ? (2.0f * x + 3.0f) / 6.0f : 1.0f),
    NAIVE(softsign, x / (1.0f + std::fabs(x)),
          1.0f / ((1.0f + std::fabs(x)) * (1.0f + std::fabs(x)))),
    NAIVE(exp, std::exp(x), std::exp(x)),
    NAIVE(elu, x > 0.0f ? x : p[0] * (std::exp(x) - 1.0f), x > 0.0f ? 1.0f : p[0] * std::exp(x)),
    NAIVE(celu, std::max(0.0f, x) + std::min(0.0f, p[0] * (std::exp(x / p[0]) - 1.0f)),
          x > 0.0f ? 1.0f : std::exp(x / p[0])),
    NAIVE(selu, kSeluScale * (x > 0.0f ? x : kSeluAlpha * (std::exp(x) - 1.0f)),
          kSeluScale * (x > 0.0f ? 1.0f : kSeluAlpha * std::exp(x))),
    // PyTorch's rule: x itself where beta * x > threshold.
    NAIVE(softplus, p[0] * x > p[1] ? x : std::log1p(std::exp(p[0] * x)) / p[0],
          p[0] * x > p[1] ? 1.0f : sigmoid(p[0] * x)),
    NAIVE(logsigmoid, -std::log1p(std::exp(-x)), sigmoid(-x)),
    NAIVE(silu, x * sigmoid(x), sigmoid(x) * (1.0f + x * (1.0f - sigmoid(x)))),
    NAIVE(gelu_tanh, 0.5f * x * (1.0f + std::tanh(kSqrt2OverPi * (x + kGeluTanhCubic * x * x * x))),
          gelu_tanh_grad(x)),
    NAIVE(gelu, 0.5f * x * (1.0f + std::erf(x * 0.70710678f)),
          0.5f * (1.0f + std::erf(x * 0.70710678f)) + x * 0.39894228f * std::exp(-0.5f * x * x)),
    NAIVE(mish, x * std::tanh(std::log1p(std::exp(x))), mish_grad(x)),
};
#undef NAIVE

// ------------------------------------------------------------------ all

Run make(Op op, const Args& a) {
    const Shape s = a.shape;
    bool backward = false;
    if (const Formula* f = find_elementwise(kFormulas, op, &backward)) return f->make(a, backward);
    switch (op) {
    case Op::softmax: return [=] { softmax(s, a.a, a.out); return true; };
    case Op::log_softmax: return [=] { log_softmax(s, a.a, a.out); return true; };
    case Op::softmax_backward: return [=] { softmax_backward(s, a.a, a.b, a.out); return true; };
    case Op::log_softmax_backward:
        return [=] { log_softmax_backward(s, a.a, a.b, a.out); return true; };
    case Op::nll_loss: return [=] { nll_loss(a); return true; };
    case Op::nll_loss_backward: return [=] { nll_loss_backward(a); return true; };
    case Op::cross_entropy: return [=] { cross_entropy(a, a.out); return true; };
    case Op::cross_entropy_loss: return [=] { cross_entropy(a, nullptr); return true; };
    default: return {};
    }
}

// make() only builds closures, so it tells what this peer has: the ops
// with a formula, whatever their order in Op.
bool supports(Op op, const Shape& s) {
    Args a{};
    a.shape = s;
    return static_cast<bool>(make(op, a));
}

}  // namespace

Peer naive_peer() { return {"naive", supports, make}; }

}  // namespace bench
