// The exact reference of each elementwise op in double, one struct per line
// of src/ops/registry.def (named ref_<op>): tests/elementwise_ops.hpp does
// not compile while an op has no struct here.
//
// Each struct holds
//   the op's parameters as the tests call it, under the registry's C names
//     (not PyTorch's defaults where those would hide a mistake, like a = 1);
//   forward(x) and backward(from, dy), from being y or x as the registry says;
//   range_lo, range_hi: the forward's output range (backward-from-y inputs come from it);
//   monotone: whether the tests assert it;
//   kinks: points where f' jumps (finite differences skip them);
//   scale(x, dy), for ops whose backward bound is `terms`: the magnitude of
//     the terms that cancel near a zero of f'.
#pragma once

#include <cmath>
#include <vector>

namespace nonlin_test {

inline double sigmoid_of(double x) {
    return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x));
}
inline double softplus_of(double z) {
    return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
}

// Shared defaults: the output range of ops that are not bounded (only the
// backward-from-y ops use it) and no kinks.
struct ref_defaults {
    static constexpr double range_lo = -20.0, range_hi = 20.0;
    static constexpr bool monotone = true;
    static std::vector<double> kinks() { return {}; }
};

struct ref_sigmoid : ref_defaults {
    static constexpr double range_lo = 0.0, range_hi = 1.0;
    static double forward(double x) { return sigmoid_of(x); }
    static double backward(double y, double dy) { return dy * y * (1.0 - y); }
};

struct ref_tanh : ref_defaults {
    static constexpr double range_lo = -1.0, range_hi = 1.0;
    static double forward(double x) { return std::tanh(x); }
    static double backward(double y, double dy) { return dy * (1.0 - y * y); }
};

// The gradients of sigmoid and tanh from x (NONLIN_GRADIENT lines), with
// e = exp(-|x|) so that nothing cancels or overflows in double.
struct ref_sigmoid_backward_from_input {
    static double backward(double x, double dy) {
        const double e = std::exp(-std::fabs(x));
        return dy * (e / ((1.0 + e) * (1.0 + e)));
    }
};

struct ref_tanh_backward_from_input {
    static double backward(double x, double dy) {
        const double e = std::exp(-2.0 * std::fabs(x));
        return dy * (4.0 * e / ((1.0 + e) * (1.0 + e)));
    }
};

struct ref_relu : ref_defaults {
    static double forward(double x) { return x > 0 ? x : 0.0; }
    static double backward(double x, double dy) { return x > 0 ? dy : 0.0; }
    static std::vector<double> kinks() { return {0.0}; }
};

struct ref_relu6 : ref_defaults {
    static double forward(double x) { return std::isnan(x) ? x : std::fmin(std::fmax(x, 0.0), 6.0); }
    static double backward(double x, double dy) { return x > 0 && x < 6 ? dy : 0.0; }
    static std::vector<double> kinks() { return {0.0, 6.0}; }
};

struct ref_leaky_relu : ref_defaults {
    static constexpr float a = 0.2f;
    static double forward(double x) { return x > 0 ? x : double{a} * x; }
    static double backward(double x, double dy) { return x > 0 ? dy : double{a} * dy; }
    static std::vector<double> kinks() { return {0.0}; }
};

struct ref_hardtanh : ref_defaults {
    static constexpr float lo = -0.75f, hi = 2.5f;
    static double forward(double x) {
        return std::isnan(x) ? x : std::fmin(std::fmax(x, lo), hi);
    }
    static double backward(double x, double dy) { return x > lo && x < hi ? dy : 0.0; }
    static std::vector<double> kinks() { return {lo, hi}; }
};

struct ref_hardsigmoid : ref_defaults {
    static double forward(double x) {
        return std::isnan(x) ? x : std::fmin(std::fmax(x + 3.0, 0.0), 6.0) / 6.0;
    }
    static double backward(double x, double dy) { return x > -3 && x < 3 ? dy / 6.0 : 0.0; }
    static std::vector<double> kinks() { return {-3.0, 3.0}; }
};

struct ref_hardswish : ref_defaults {
    static constexpr bool monotone = false;
    static double forward(double x) { return x <= -3 ? 0.0 : x >= 3 ? x : x * (x + 3.0) / 6.0; }
    static double backward(double x, double dy) {
        return x < -3 ? 0.0 : x <= 3 ? dy * (2.0 * x + 3.0) / 6.0 : dy;
    }
    static std::vector<double> kinks() { return {-3.0, 3.0}; }
};

struct ref_softsign : ref_defaults {
    static double forward(double x) {
        return std::isinf(x) ? std::copysign(1.0, x) : x / (1.0 + std::fabs(x));
    }
    static double backward(double x, double dy) {
        return dy / ((1.0 + std::fabs(x)) * (1.0 + std::fabs(x)));
    }
};

struct ref_exp : ref_defaults {
    static double forward(double x) { return std::exp(x); }
    static double backward(double x, double dy) { return dy * std::exp(x); }
};

struct ref_elu : ref_defaults {
    static constexpr float a = 0.75f;
    static double forward(double x) { return x > 0 ? x : a * std::expm1(x); }
    static double backward(double x, double dy) { return x > 0 ? dy : dy * a * std::exp(x); }
    static std::vector<double> kinks() { return {0.0}; }
};

struct ref_celu : ref_defaults {
    static constexpr float a = 1.5f;
    static double forward(double x) { return x > 0 ? x : a * std::expm1(x / a); }
    static double backward(double x, double dy) { return x > 0 ? dy : dy * std::exp(x / a); }
};

struct ref_selu : ref_defaults {
    static constexpr double scale_factor = 1.0507009873554804934193349852946;
    static constexpr double alpha = 1.6732632423543772848170429916717;
    static double forward(double x) { return x > 0 ? scale_factor * x : scale_factor * alpha * std::expm1(x); }
    static double backward(double x, double dy) {
        return x > 0 ? dy * scale_factor : dy * scale_factor * alpha * std::exp(x);
    }
    static std::vector<double> kinks() { return {0.0}; }
};

struct ref_softplus : ref_defaults {
    static constexpr float b = 2.0f, threshold = 20.0f;
    static double forward(double x) {
        const double z = b * x;
        return z > threshold ? x : softplus_of(z) / b;
    }
    static double backward(double x, double dy) {
        const double z = b * x;
        return z > threshold ? dy : dy * sigmoid_of(z);
    }
};

struct ref_logsigmoid : ref_defaults {
    static double forward(double x) { return -softplus_of(-x); }
    static double backward(double x, double dy) { return dy * sigmoid_of(-x); }
};

struct ref_silu : ref_defaults {
    static constexpr bool monotone = false;
    static double forward(double x) { return std::isinf(x) && x < 0 ? -0.0 : x * sigmoid_of(x); }
    // d/dx silu = s (1 + x (1 - s)), with 1 - s = sigmoid(-x).
    static double backward(double x, double dy) {
        if (std::isinf(x)) return x < 0 ? 0.0 * dy : dy;
        return dy * (sigmoid_of(x) * (1.0 + x * sigmoid_of(-x)));
    }
    static double scale(double x, double dy) {
        const double s = sigmoid_of(x);
        return std::isinf(x) ? 0.0 : std::fabs(dy) * (s + std::fabs(x) * s * sigmoid_of(-x));
    }
};

struct ref_gelu_tanh : ref_defaults {
    static constexpr bool monotone = false;
    static constexpr double k1 = 1.5957691216057307117597842397375;  // 2 sqrt(2/pi)
    static constexpr double k3 = k1 * 0.044715;
    static double w(double x) { return k1 * x + k3 * x * x * x; }
    static double forward(double x) {
        if (std::isinf(x)) return x < 0 ? -0.0 : x;
        return x * sigmoid_of(w(x));
    }
    static double backward(double x, double dy) {
        if (std::isinf(x)) return x < 0 ? 0.0 * dy : dy;
        return dy * (sigmoid_of(w(x)) * (1.0 + x * (k1 + 3 * k3 * x * x) * sigmoid_of(-w(x))));
    }
    static double scale(double x, double dy) {
        if (std::isinf(x)) return 0.0;
        return std::fabs(dy) * sigmoid_of(w(x)) *
               (1.0 + std::fabs(x * (k1 + 3 * k3 * x * x)) * sigmoid_of(-w(x)));
    }
};

struct ref_gelu : ref_defaults {
    static constexpr bool monotone = false;
    static constexpr double inv_sqrt_2pi = 0.39894228040143267793994605993438;
    static double cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }
    static double forward(double x) {
        if (std::isinf(x)) return x < 0 ? -0.0 : x;
        return x * cdf(x);
    }
    static double backward(double x, double dy) {
        if (std::isinf(x)) return x < 0 ? 0.0 * dy : dy;
        return dy * (cdf(x) + x * inv_sqrt_2pi * std::exp(-0.5 * x * x));
    }
    static double scale(double x, double dy) {
        if (std::isinf(x)) return 0.0;
        return std::fabs(dy) * (cdf(x) + std::fabs(x) * inv_sqrt_2pi * std::exp(-0.5 * x * x));
    }
};

// mish = x t, t = tanh(softplus(x)); mish' = t + c, c = x sech^2 sigmoid(x).
struct ref_mish : ref_defaults {
    static constexpr bool monotone = false;
    static double t(double x) { return std::tanh(softplus_of(x)); }
    static double c(double x) {
        return std::isinf(x) ? 0.0 : x * sigmoid_of(x) * (1.0 - t(x)) * (1.0 + t(x));
    }
    static double forward(double x) { return std::isinf(x) && x < 0 ? -0.0 : x * t(x); }
    static double backward(double x, double dy) { return dy * (t(x) + c(x)); }
    static double scale(double x, double dy) {
        return std::fabs(dy) * (std::fabs(t(x)) + std::fabs(c(x)));
    }
};

}  // namespace nonlin_test
