// C entry points of the elementwise ops, one pair per line of the registry.
#include "checks.hpp"
#include "parallel.hpp"

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

nonlin_status run_forward(elementwise_op op, std::size_t n, const float* x, float* y) {
    NONLIN_CHECK(check_elements(n, {x, y}, {region_of(y, n)}, {region_of(x, n)}));
    const auto kernel = active_kernels().forward[static_cast<std::size_t>(op)];
    parallel_for(n, kElementwiseGrain, kChunkAlign,
                 [&](std::size_t b, std::size_t e) { kernel(e - b, x + b, y + b); });
    return NONLIN_OK;
}

nonlin_status run_backward(elementwise_op op, std::size_t n, const float* a, const float* dy,
                           float* dx) {
    NONLIN_CHECK(check_elements(n, {a, dy, dx}, {region_of(dx, n)},
                                {region_of(a, n), region_of(dy, n)}));
    const auto kernel = active_kernels().backward[static_cast<std::size_t>(op)];
    parallel_for(n, kElementwiseGrain, kChunkAlign,
                 [&](std::size_t b, std::size_t e) { kernel(e - b, a + b, dy + b, dx + b); });
    return NONLIN_OK;
}

}  // namespace
}  // namespace nonlin

extern "C" {

#define NONLIN_ELEMENTWISE(name, fwd, bwd, from)                                                \
    nonlin_status nonlin_##name##_f32(size_t n, const float* x, float* y) {                     \
        return nonlin::run_forward(nonlin::elementwise_op::name, n, x, y);                     \
    }                                                                                           \
    nonlin_status nonlin_##name##_backward_f32(size_t n, const float* from, const float* dy,    \
                                               float* dx) {                                     \
        return nonlin::run_backward(nonlin::elementwise_op::name, n, from, dy, dx);            \
    }
#include "../src/ops/registry.def"
#undef NONLIN_ELEMENTWISE

}  // extern "C"
