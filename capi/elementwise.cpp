// C entry points of the elementwise ops, one pair per line of the registry.
#include "checks.hpp"
#include "parallel.hpp"

#include <cmath>

namespace nonlin {
namespace {

nonlin_status check_elements(std::size_t n, std::initializer_list<const void*> arrays,
                             std::initializer_list<region> outputs,
                             std::initializer_list<region> inputs) {
    std::size_t count;
    NONLIN_CHECK(element_count(n, 1, 1, sizeof(float), &count));
    if (n == 0) return NONLIN_OK;
    NONLIN_CHECK(require_non_null(arrays));
    return check_overlap(outputs, inputs);
}

// Chunks are whole cache lines, so two threads never write the same line.
constexpr std::size_t kChunkAlign = 64 / sizeof(float);

// Parameters come first among the checks (see nonlin.h): every one must be
// finite, and the op's own condition must hold.
nonlin_status check_params(op_params p, bool valid) {
    return std::isfinite(p.a) && std::isfinite(p.b) && valid ? NONLIN_OK
                                                             : NONLIN_ERR_BAD_ARGUMENT;
}

nonlin_status run_forward(elementwise_op op, std::size_t n, const float* x, float* y,
                          op_params p) {
    NONLIN_CHECK(check_elements(n, {x, y}, {region_of(y, n)}, {region_of(x, n)}));
    const call_settings settings = settings_for_call();
    const auto kernel = settings.kernels.forward[static_cast<std::size_t>(op)];
    parallel_for(settings, n, kElementwiseGrain, kChunkAlign,
                 [&](std::size_t b, std::size_t e) { kernel(e - b, x + b, y + b, p); });
    return NONLIN_OK;
}

// kernel_of picks the backward kernel from the call's table.
template <class KernelOf>
nonlin_status run_backward(KernelOf kernel_of, std::size_t n, const float* a, const float* dy,
                           float* dx, op_params p) {
    NONLIN_CHECK(check_elements(n, {a, dy, dx}, {region_of(dx, n)},
                                {region_of(a, n), region_of(dy, n)}));
    const call_settings settings = settings_for_call();
    const auto kernel = kernel_of(settings.kernels);
    parallel_for(settings, n, kElementwiseGrain, kChunkAlign,
                 [&](std::size_t b, std::size_t e) { kernel(e - b, a + b, dy + b, dx + b, p); });
    return NONLIN_OK;
}

}  // namespace
}  // namespace nonlin

extern "C" {

// The parameter list of an op of each arity, and its packing (the
// registry gives each parameter as its C name, keyword and default).
#define NONLIN_PARAMS_0()
#define NONLIN_PARAMS_1(a, ka, da) , float a
#define NONLIN_PARAMS_2(a, ka, da, b, kb, db) , float a, float b
#define NONLIN_PACK_0() nonlin::op_params{0.0f, 0.0f}
#define NONLIN_PACK_1(a, ka, da) nonlin::op_params{a, 0.0f}
#define NONLIN_PACK_2(a, ka, da, b, kb, db) nonlin::op_params{a, b}

#define NONLIN_ELEMENTWISE(name, functor, from, arity, params, valid, fwd_ulp, bwd_ulp, scale, fast, fast_fwd_ulp, fast_bwd_ulp) \
    nonlin_status nonlin_##name##_f32(size_t n, const float* x,                                 \
                                      float* y NONLIN_PARAMS_##arity params) {                  \
        const nonlin::op_params p = NONLIN_PACK_##arity params;                                \
        NONLIN_CHECK(nonlin::check_params(p, valid));                                           \
        return nonlin::run_forward(nonlin::elementwise_op::name, n, x, y, p);                  \
    }                                                                                           \
    nonlin_status nonlin_##name##_backward_f32(size_t n, const float* from, const float* dy,    \
                                               float* dx NONLIN_PARAMS_##arity params) {        \
        const nonlin::op_params p = NONLIN_PACK_##arity params;                                \
        NONLIN_CHECK(nonlin::check_params(p, valid));                                           \
        return nonlin::run_backward(                                                            \
            [](const nonlin::kernel_table& t) {                                                 \
                return t.backward[static_cast<std::size_t>(nonlin::elementwise_op::name)];      \
            },                                                                                  \
            n, from, dy, dx, p);                                                                \
    }
#define NONLIN_GRADIENT(name, functor, of, bwd_ulp, scale, fast, fast_bwd_ulp)                                      \
    nonlin_status nonlin_##name##_f32(size_t n, const float* x, const float* dy, float* dx) {   \
        return nonlin::run_backward(                                                            \
            [](const nonlin::kernel_table& t) {                                                 \
                return t.gradient[static_cast<std::size_t>(nonlin::gradient_op::name)];         \
            },                                                                                  \
            n, x, dy, dx, nonlin::op_params{0.0f, 0.0f});                                       \
    }
#include "../src/ops/registry.def"
#undef NONLIN_GRADIENT
#undef NONLIN_ELEMENTWISE
#undef NONLIN_PARAMS_0
#undef NONLIN_PARAMS_1
#undef NONLIN_PARAMS_2
#undef NONLIN_PACK_0
#undef NONLIN_PACK_1
#undef NONLIN_PACK_2

}  // extern "C"
