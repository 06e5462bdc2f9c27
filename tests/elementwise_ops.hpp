// The test side of the elementwise registry: one row per line of
// src/ops/registry.def, with the op's C entry points (called with the
// parameters of its reference), its bounds from the registry and its exact
// reference from tests/elementwise_references.hpp. Every elementwise test
// iterates this table, so a registry line is tested with no edit here.
#pragma once

#include <vector>

#include "elementwise_references.hpp"
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
    double forward_ulp;   // the registry's bounds
    double backward_ulp;
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

// The reference's parameters (`ref` is the op's reference struct), as
// trailing arguments of the C call.
#define NONLIN_TEST_ARGS_0()
#define NONLIN_TEST_ARGS_1(a, ka, da) , ref::a
#define NONLIN_TEST_ARGS_2(a, ka, da, b, kb, db) , ref::a, ref::b
#define NONLIN_TEST_SCALE_result(ref) nullptr
#define NONLIN_TEST_SCALE_terms(ref) &ref::scale
#define NONLIN_TEST_FROM_output true
#define NONLIN_TEST_FROM_input false

inline const elementwise_case kElementwiseCases[] = {
#define NONLIN_ELEMENTWISE(name, functor, from, arity, params, valid, fwd_ulp, bwd_ulp, scale) \
    {#name,                                                                                    \
     [](size_t n, const float* x, float* y) {                                                  \
         using ref = ref_##name;                                                               \
         return nonlin_##name##_f32(n, x, y NONLIN_TEST_ARGS_##arity params);                  \
     },                                                                                        \
     [](size_t n, const float* x, const float* dy, float* dx) {                                \
         using ref = ref_##name;                                                               \
         return nonlin_##name##_backward_f32(n, x, dy, dx NONLIN_TEST_ARGS_##arity params);     \
     },                                                                                        \
     &ref_##name::forward,                                                                     \
     &ref_##name::backward,                                                                    \
     fwd_ulp,                                                                                  \
     bwd_ulp,                                                                                  \
     NONLIN_TEST_FROM_##from,                                                                  \
     ref_##name::range_lo,                                                                     \
     ref_##name::range_hi,                                                                     \
     ref_##name::monotone,                                                                     \
     NONLIN_TEST_SCALE_##scale(ref_##name),                                                    \
     ref_##name::kinks()},
#include "../src/ops/registry.def"
#undef NONLIN_ELEMENTWISE
};

#undef NONLIN_TEST_ARGS_0
#undef NONLIN_TEST_ARGS_1
#undef NONLIN_TEST_ARGS_2
#undef NONLIN_TEST_SCALE_result
#undef NONLIN_TEST_SCALE_terms
#undef NONLIN_TEST_FROM_output
#undef NONLIN_TEST_FROM_input

}  // namespace nonlin_test
