// The test side of the elementwise registry: for each op, its C entry
// points, its exact reference in double, and its documented bounds. Every
// elementwise test is driven by this table.
#pragma once

#include <cmath>

#include "nonlin/nonlin.h"

namespace nonlin_test {

struct elementwise_case {
    const char* name;
    nonlin_status (*forward)(size_t, const float*, float*);
    nonlin_status (*backward)(size_t, const float*, const float*, float*);
    double (*reference)(double x);
    // The backward reference as a function of what the backward takes
    // (the forward output y here) and dy.
    double (*backward_reference)(double from, double dy);
    double forward_ulp;   // docs/ACCURACY.md
    double backward_ulp;  // docs/ACCURACY.md
    bool backward_from_output;
    double range_lo, range_hi;  // the forward's output range, for backward inputs
};

inline double sigmoid_ref(double x) {
    return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x));
}

inline const elementwise_case kElementwiseCases[] = {
    {"sigmoid", nonlin_sigmoid_f32, nonlin_sigmoid_backward_f32, sigmoid_ref,
     [](double y, double dy) { return dy * y * (1.0 - y); }, 1.0, 1.0, true, 0.0, 1.0},
    {"tanh", nonlin_tanh_f32, nonlin_tanh_backward_f32, [](double x) { return std::tanh(x); },
     [](double y, double dy) { return dy * (1.0 - y * y); }, 1.0, 1.0, true, -1.0, 1.0},
};

}  // namespace nonlin_test
