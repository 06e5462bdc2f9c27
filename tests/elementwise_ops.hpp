// The test side of the elementwise registry: for each op, its C entry
// points (at fixed parameters), its exact reference in double, and its
// documented bounds. Every elementwise test is driven by this table; adding
// an op is one row.
#pragma once

#include <cmath>
#include <vector>

#include "nonlin/nonlin.h"

namespace nonlin_test {

struct elementwise_case {
    const char* name;
    nonlin_status (*forward)(size_t, const float*, float*);
    nonlin_status (*backward)(size_t, const float*, const float*, float*);
    double (*reference)(double x);
    // The backward reference as a function of what the backward takes
    // (the forward output y, or the input x) and dy.
    double (*backward_reference)(double from, double dy);
    double forward_ulp;   // docs/ACCURACY.md
    double backward_ulp;  // docs/ACCURACY.md
    bool backward_from_output;
    double range_lo, range_hi;  // the forward's output range, for backward inputs
    bool monotone;
    // Backward bounds near the zeros of f' are absolute: ulp of this
    // magnitude (the size of the terms that cancel there); nullptr: ulp of
    // the result.
    double (*backward_scale)(double x, double dy);
    // Points where f' jumps: finite differences skip them.
    std::vector<double> kinks;
};

inline double sigmoid_ref(double x) {
    return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x));
}

// Parameters the table calls the parametric ops with (not PyTorch's
// defaults where those would hide a mistake, like alpha = 1).
constexpr float kLeakySlope = 0.2f;
constexpr float kHardtanhLo = -0.75f, kHardtanhHi = 2.5f;
constexpr float kEluAlpha = 0.75f, kCeluAlpha = 1.5f;
constexpr float kSoftplusBeta = 2.0f, kSoftplusThreshold = 20.0f;
constexpr double kSeluScale = 1.0507009873554804934193349852946;
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;

constexpr double kGeluK1 = 1.5957691216057307117597842397375;  // 2 sqrt(2/pi)
constexpr double kGeluK3 = kGeluK1 * 0.044715;
inline double gelu_tanh_w(double x) { return kGeluK1 * x + kGeluK3 * x * x * x; }
inline double gelu_tanh_ref(double x) {
    if (std::isinf(x)) return x < 0 ? -0.0 : x;
    return x * sigmoid_ref(gelu_tanh_w(x));
}
inline double gelu_tanh_grad(double x) {
    if (std::isinf(x)) return x < 0 ? 0.0 : 1.0;
    const double w = gelu_tanh_w(x);
    return sigmoid_ref(w) * (1.0 + x * (kGeluK1 + 3 * kGeluK3 * x * x) * sigmoid_ref(-w));
}

constexpr double kInvSqrt2Pi = 0.39894228040143267793994605993438;
inline double gelu_ref(double x) {
    if (std::isinf(x)) return x < 0 ? -0.0 : x;
    return 0.5 * x * std::erfc(-x / std::sqrt(2.0));
}
inline double gelu_grad(double x) {
    if (std::isinf(x)) return x < 0 ? 0.0 : 1.0;
    return 0.5 * std::erfc(-x / std::sqrt(2.0)) + x * kInvSqrt2Pi * std::exp(-0.5 * x * x);
}

inline double softplus_ref(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }
inline double silu_ref(double x) { return std::isinf(x) && x < 0 ? -0.0 : x * sigmoid_ref(x); }
// d/dx silu = s (1 + x (1 - s)), with 1 - s = sigmoid(-x).
inline double silu_grad(double x) {
    if (std::isinf(x)) return x < 0 ? 0.0 : 1.0;
    return sigmoid_ref(x) * (1.0 + x * sigmoid_ref(-x));
}

// mish = x t, t = tanh(softplus(x)); mish' = t + c, c = x sech^2 sigmoid(x).
inline double mish_t(double x) { return std::tanh(softplus_ref(x)); }
inline double mish_c(double x) {
    const double t = mish_t(x);
    return std::isinf(x) ? 0.0 : x * sigmoid_ref(x) * (1.0 - t) * (1.0 + t);
}
inline double mish_ref(double x) { return std::isinf(x) && x < 0 ? -0.0 : x * mish_t(x); }

#define NONLIN_TEST_FWD(call) [](size_t n, const float* x, float* y) { return call; }
#define NONLIN_TEST_BWD(call) \
    [](size_t n, const float* x, const float* dy, float* dx) { return call; }

// New ops go at the end: the fuzzer's regression inputs (tests/hardening/
// fuzz/known/) name an op by its position.
inline const elementwise_case kElementwiseCases[] = {
    {"sigmoid", nonlin_sigmoid_f32, nonlin_sigmoid_backward_f32, sigmoid_ref,
     [](double y, double dy) { return dy * y * (1.0 - y); }, 1.0, 1.0, true, 0.0, 1.0, true,
     nullptr, {}},
    {"tanh", nonlin_tanh_f32, nonlin_tanh_backward_f32, [](double x) { return std::tanh(x); },
     [](double y, double dy) { return dy * (1.0 - y * y); }, 1.0, 1.0, true, -1.0, 1.0, true,
     nullptr, {}},
    {"relu", nonlin_relu_f32, nonlin_relu_backward_f32,
     [](double x) { return x > 0 ? x : 0.0; }, [](double x, double dy) { return x > 0 ? dy : 0.0; },
     0.0, 0.0, false, -20.0, 20.0, true, nullptr, {0.0}},
    {"relu6", nonlin_relu6_f32, nonlin_relu6_backward_f32,
     [](double x) { return std::isnan(x) ? x : std::fmin(std::fmax(x, 0.0), 6.0); },
     [](double x, double dy) { return x > 0 && x < 6 ? dy : 0.0; }, 0.0, 0.0, false, -20.0, 20.0,
     true, nullptr, {0.0, 6.0}},
    {"leaky_relu", NONLIN_TEST_FWD(nonlin_leaky_relu_f32(n, x, y, kLeakySlope)),
     NONLIN_TEST_BWD(nonlin_leaky_relu_backward_f32(n, x, dy, dx, kLeakySlope)),
     [](double x) { return x > 0 ? x : double{kLeakySlope} * x; },
     [](double x, double dy) { return x > 0 ? dy : double{kLeakySlope} * dy; }, 0.5, 0.5, false,
     -20.0, 20.0, true, nullptr, {0.0}},
    {"hardtanh", NONLIN_TEST_FWD(nonlin_hardtanh_f32(n, x, y, kHardtanhLo, kHardtanhHi)),
     NONLIN_TEST_BWD(nonlin_hardtanh_backward_f32(n, x, dy, dx, kHardtanhLo, kHardtanhHi)),
     [](double x) { return std::isnan(x) ? x : std::fmin(std::fmax(x, kHardtanhLo), kHardtanhHi); },
     [](double x, double dy) { return x > kHardtanhLo && x < kHardtanhHi ? dy : 0.0; }, 0.0, 0.0,
     false, -20.0, 20.0, true, nullptr, {kHardtanhLo, kHardtanhHi}},
    {"hardsigmoid", nonlin_hardsigmoid_f32, nonlin_hardsigmoid_backward_f32,
     [](double x) { return std::isnan(x) ? x : std::fmin(std::fmax(x + 3.0, 0.0), 6.0) / 6.0; },
     [](double x, double dy) { return x > -3 && x < 3 ? dy / 6.0 : 0.0; }, 0.5, 0.5, false,
     -20.0, 20.0, true, nullptr, {-3.0, 3.0}},
    {"hardswish", nonlin_hardswish_f32, nonlin_hardswish_backward_f32,
     [](double x) { return x <= -3 ? 0.0 : x >= 3 ? x : x * (x + 3.0) / 6.0; },
     [](double x, double dy) { return x < -3 ? 0.0 : x <= 3 ? dy * (2.0 * x + 3.0) / 6.0 : dy; },
     1.0, 1.0, false, -20.0, 20.0, false, nullptr, {-3.0, 3.0}},
    {"softsign", nonlin_softsign_f32, nonlin_softsign_backward_f32,
     [](double x) { return std::isinf(x) ? std::copysign(1.0, x) : x / (1.0 + std::fabs(x)); },
     [](double x, double dy) { return dy / ((1.0 + std::fabs(x)) * (1.0 + std::fabs(x))); }, 1.0,
     1.0, false, -20.0, 20.0, true, nullptr, {}},
    {"exp", nonlin_exp_f32, nonlin_exp_backward_f32, [](double x) { return std::exp(x); },
     [](double x, double dy) { return dy * std::exp(x); }, 1.0, 2.0, false, -20.0, 20.0, true,
     nullptr, {}},
    {"elu", NONLIN_TEST_FWD(nonlin_elu_f32(n, x, y, kEluAlpha)),
     NONLIN_TEST_BWD(nonlin_elu_backward_f32(n, x, dy, dx, kEluAlpha)),
     [](double x) { return x > 0 ? x : kEluAlpha * std::expm1(x); },
     [](double x, double dy) { return x > 0 ? dy : dy * kEluAlpha * std::exp(x); }, 2.0, 2.0,
     false, -20.0, 20.0, true, nullptr, {0.0}},
    {"celu", NONLIN_TEST_FWD(nonlin_celu_f32(n, x, y, kCeluAlpha)),
     NONLIN_TEST_BWD(nonlin_celu_backward_f32(n, x, dy, dx, kCeluAlpha)),
     [](double x) { return x > 0 ? x : kCeluAlpha * std::expm1(x / kCeluAlpha); },
     [](double x, double dy) { return x > 0 ? dy : dy * std::exp(x / kCeluAlpha); }, 2.0, 2.0,
     false, -20.0, 20.0, true, nullptr, {}},
    {"selu", nonlin_selu_f32, nonlin_selu_backward_f32,
     [](double x) { return x > 0 ? kSeluScale * x : kSeluScale * kSeluAlpha * std::expm1(x); },
     [](double x, double dy) {
         return x > 0 ? dy * kSeluScale : dy * kSeluScale * kSeluAlpha * std::exp(x);
     },
     2.0, 2.0, false, -20.0, 20.0, true, nullptr, {0.0}},
    {"softplus", NONLIN_TEST_FWD(nonlin_softplus_f32(n, x, y, kSoftplusBeta, kSoftplusThreshold)),
     NONLIN_TEST_BWD(
         nonlin_softplus_backward_f32(n, x, dy, dx, kSoftplusBeta, kSoftplusThreshold)),
     [](double x) {
         const double z = kSoftplusBeta * x;
         return z > kSoftplusThreshold ? x : softplus_ref(z) / kSoftplusBeta;
     },
     [](double x, double dy) {
         const double z = kSoftplusBeta * x;
         return z > kSoftplusThreshold ? dy : dy * sigmoid_ref(z);
     },
     2.0, 2.0, false, -20.0, 20.0, false, nullptr, {}},
    {"logsigmoid", nonlin_logsigmoid_f32, nonlin_logsigmoid_backward_f32,
     [](double x) { return -softplus_ref(-x); },
     [](double x, double dy) { return dy * sigmoid_ref(-x); }, 2.0, 2.0, false, -20.0, 20.0,
     false, nullptr, {}},
    {"silu", nonlin_silu_f32, nonlin_silu_backward_f32, silu_ref,
     [](double x, double dy) { return dy * silu_grad(x); }, 2.0, 2.0, false, -20.0, 20.0, false,
     [](double x, double dy) {
         const double s = sigmoid_ref(x);
         return std::isinf(x) ? 0.0 : std::fabs(dy) * (s + std::fabs(x) * s * sigmoid_ref(-x));
     },
     {}},
    {"gelu_tanh", nonlin_gelu_tanh_f32, nonlin_gelu_tanh_backward_f32, gelu_tanh_ref,
     [](double x, double dy) { return dy * gelu_tanh_grad(x); }, 2.0, 2.0, false, -20.0, 20.0,
     false,
     [](double x, double dy) {
         if (std::isinf(x)) return 0.0;
         const double w = gelu_tanh_w(x);
         return std::fabs(dy) * sigmoid_ref(w) *
                (1.0 + std::fabs(x * (kGeluK1 + 3 * kGeluK3 * x * x)) * sigmoid_ref(-w));
     },
     {}},
    {"gelu", nonlin_gelu_f32, nonlin_gelu_backward_f32, gelu_ref,
     [](double x, double dy) { return dy * gelu_grad(x); }, 2.0, 2.0, false, -20.0, 20.0, false,
     [](double x, double dy) {
         if (std::isinf(x)) return 0.0;
         return std::fabs(dy) * (0.5 * std::erfc(-x / std::sqrt(2.0)) +
                                 std::fabs(x) * kInvSqrt2Pi * std::exp(-0.5 * x * x));
     },
     {}},
    {"mish", nonlin_mish_f32, nonlin_mish_backward_f32, mish_ref,
     [](double x, double dy) { return dy * (mish_t(x) + mish_c(x)); }, 2.0, 2.0, false, -20.0,
     20.0, false,
     [](double x, double dy) { return std::fabs(dy) * (std::fabs(mish_t(x)) + std::fabs(mish_c(x))); },
     {}},
};

#undef NONLIN_TEST_FWD
#undef NONLIN_TEST_BWD

}  // namespace nonlin_test
