// The test side of the elementwise registry: one row per line of
// src/ops/registry.def, with the op's C entry points (called with the
// parameters of its reference), its bounds from the registry and its exact
// reference from tests/elementwise_references.hpp. Every elementwise test
// iterates this table, so a registry line is tested with no edit here.
// A backward-only line (NONLIN_GRADIENT) is a row with the forward of the
// op it differentiates, for the tests that need f (finite differences, y
// for in-place calls), marked gradient_only: the forward's own tests skip it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "elementwise_references.hpp"
#include "nonlin/nonlin.h"

namespace nonlin_test {

struct elementwise_case {
    const char* name;
    const char* backward_name;  // as the header's Bound sentence names it
    bool gradient_only;
    nonlin_status (*forward)(size_t, const float*, float*);
    nonlin_status (*backward)(size_t, const float*, const float*, float*);
    double (*reference)(double x);
    // The backward reference as a function of what the backward takes
    // (the forward output y, or the input x) and dy.
    double (*backward_reference)(double from, double dy);
    double forward_ulp;   // the registry's bounds (gradient_only: the forward's is not tested)
    double backward_ulp;
    double fast_forward_ulp;  // the same in the fast tier
    double fast_backward_ulp;
    // Whether the fast tier has a kernel of its own (else it runs the strict one).
    bool fast_kernel;
    bool backward_from_output;
    double range_lo, range_hi;  // the forward's output range, for backward inputs
    bool monotone;
    // Backward bounds near the zeros of f' are absolute: ulp of this
    // magnitude (the size of the terms that cancel there); nullptr: ulp of
    // the result.
    double (*backward_scale)(double x, double dy);
    // Points where f' jumps: finite differences skip them.
    std::vector<double> kinks;

    double forward_bound(bool fast) const { return fast ? fast_forward_ulp : forward_ulp; }
    double backward_bound(bool fast) const { return fast ? fast_backward_ulp : backward_ulp; }
    // Whether a bfloat16 result may be flushed on an ISA that flushes
    // (tests/flush_rule.hpp): in the fast tier, in a direction whose fast
    // bound is looser than its strict one (the library's may_flush_in,
    // src/isa/kernel_table.hpp).
    bool forward_may_flush(bool fast) const { return fast && fast_forward_ulp > forward_ulp; }
    bool backward_may_flush(bool fast) const { return fast && fast_backward_ulp > backward_ulp; }
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
#define NONLIN_ELEMENTWISE(name, functor, from, arity, params, valid, fwd_ulp, bwd_ulp, scale, fast, fast_fwd_ulp, fast_bwd_ulp) \
    {#name,                                                                                    \
     #name "_backward",                                                                        \
     false,                                                                                    \
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
     fast_fwd_ulp,                                                                             \
     fast_bwd_ulp,                                                                             \
     std::string_view(#fast) != #functor,                                                      \
     NONLIN_TEST_FROM_##from,                                                                  \
     ref_##name::range_lo,                                                                     \
     ref_##name::range_hi,                                                                     \
     ref_##name::monotone,                                                                     \
     NONLIN_TEST_SCALE_##scale(ref_##name),                                                    \
     ref_##name::kinks()},
#define NONLIN_GRADIENT(name, functor, of, bwd_ulp, scale, fast, fast_bwd_ulp)                                      \
    {#name,                                                                                    \
     #name,                                                                                    \
     true,                                                                                     \
     &nonlin_##of##_f32,                                                                       \
     &nonlin_##name##_f32,                                                                     \
     &ref_##of::forward,                                                                       \
     &ref_##name::backward,                                                                    \
     0,                                                                                        \
     bwd_ulp,                                                                                  \
     0,                                                                                        \
     fast_bwd_ulp,                                                                             \
     std::string_view(#fast) != #functor,                                                      \
     false,                                                                                    \
     ref_##of::range_lo,                                                                       \
     ref_##of::range_hi,                                                                       \
     ref_##of::monotone,                                                                       \
     NONLIN_TEST_SCALE_##scale(ref_##name),                                                    \
     ref_##of::kinks()},
#include "../src/ops/registry.def"
#undef NONLIN_GRADIENT
#undef NONLIN_ELEMENTWISE
};

// The 16-bit entry points of one row of kElementwiseCases, for element
// type T (nonlin_bf16 or nonlin_f16); a gradient_only row's forward is the
// forward of the op it differentiates, as above.
template <class T>
struct typed_entry_points {
    nonlin_status (*forward)(size_t, const T*, T*);
    nonlin_status (*backward)(size_t, const T*, const T*, T*);
};

struct half_case {
    typed_entry_points<nonlin_bf16> bf16;
    typed_entry_points<nonlin_f16> f16;
};

#define NONLIN_TEST_TYPED(name, arity, params, T, suffix)                                      \
    typed_entry_points<T> {                                                                    \
        [](size_t n, const T* x, T* y) {                                                       \
            using ref = ref_##name;                                                            \
            return nonlin_##name##_##suffix(n, x, y NONLIN_TEST_ARGS_##arity params);          \
        },                                                                                     \
            [](size_t n, const T* x, const T* dy, T* dx) {                                     \
                using ref = ref_##name;                                                        \
                return nonlin_##name##_backward_##suffix(n, x, dy,                             \
                                                         dx NONLIN_TEST_ARGS_##arity params);  \
            }                                                                                  \
    }

// Row for row the 16-bit twins of kElementwiseCases.
inline const half_case kHalfCases[] = {
#define NONLIN_ELEMENTWISE(name, functor, from, arity, params, valid, fwd_ulp, bwd_ulp, scale, \
                           fast, fast_fwd_ulp, fast_bwd_ulp)                              \
    {NONLIN_TEST_TYPED(name, arity, params, nonlin_bf16, bf16),                                \
     NONLIN_TEST_TYPED(name, arity, params, nonlin_f16, f16)},
#define NONLIN_GRADIENT(name, functor, of, bwd_ulp, scale, fast, fast_bwd_ulp)                \
    {{&nonlin_##of##_bf16, &nonlin_##name##_bf16}, {&nonlin_##of##_f16, &nonlin_##name##_f16}},
#include "../src/ops/registry.def"
#undef NONLIN_GRADIENT
#undef NONLIN_ELEMENTWISE
};
#undef NONLIN_TEST_TYPED

static_assert(sizeof(kHalfCases) / sizeof(kHalfCases[0]) ==
                  sizeof(kElementwiseCases) / sizeof(kElementwiseCases[0]),
              "one 16-bit row per row of kElementwiseCases");

// The registry's bound of the backward the header names `backward_name`.
inline double backward_bound(const std::string& backward_name) {
    for (const elementwise_case& c : kElementwiseCases)
        if (backward_name == c.backward_name) return c.backward_ulp;
    return -1.0;  // fails every check against it
}

#undef NONLIN_TEST_ARGS_0
#undef NONLIN_TEST_ARGS_1
#undef NONLIN_TEST_ARGS_2
#undef NONLIN_TEST_SCALE_result
#undef NONLIN_TEST_SCALE_terms
#undef NONLIN_TEST_FROM_output
#undef NONLIN_TEST_FROM_input

}  // namespace nonlin_test
