// C entry points of the elementwise ops, one pair per line of the registry
// and element type (f32, bf16, f16), and the 16-bit conversions.
#include "checks.hpp"
#include "parallel.hpp"

#include <cmath>

namespace nonlin {
namespace {

nonlin_status check_elements(std::size_t n, std::size_t element_size,
                             std::initializer_list<const void*> arrays,
                             std::initializer_list<region> outputs,
                             std::initializer_list<region> inputs) {
    std::size_t count;
    NONLIN_CHECK(element_count(n, 1, 1, element_size, &count));
    if (n == 0) return NONLIN_OK;
    NONLIN_CHECK(require_non_null(arrays));
    return check_overlap(outputs, inputs);
}

// Chunks are whole cache lines, so two threads never write the same line.
template <class T>
constexpr std::size_t kChunkAlign = 64 / sizeof(T);

// The kernels of element type T in a table: the float ones, or those of a
// 16-bit type (typed_kernels).
struct float_kernels {
    const kernel_table& t;
    kernel_table::unary_fn forward(elementwise_op op) const {
        return t.forward[static_cast<std::size_t>(op)];
    }
    kernel_table::binary_fn backward(elementwise_op op) const {
        return t.backward[static_cast<std::size_t>(op)];
    }
    kernel_table::binary_fn backward(gradient_op op) const {
        return t.gradient[static_cast<std::size_t>(op)];
    }
};
template <class T>
struct half_kernels {
    const typed_kernels<T>& t;
    typename typed_kernels<T>::unary_fn forward(elementwise_op op) const {
        return t.forward[static_cast<std::size_t>(op)];
    }
    typename typed_kernels<T>::binary_fn backward(elementwise_op op) const {
        return t.backward[static_cast<std::size_t>(op)];
    }
    typename typed_kernels<T>::binary_fn backward(gradient_op op) const {
        return t.gradient[static_cast<std::size_t>(op)];
    }
};
inline float_kernels kernels_of(const kernel_table& t, const float*) { return {t}; }
template <class T>
inline half_kernels<T> kernels_of(const kernel_table& t, const T* p) {
    return {typed_of(t, p)};
}

// Parameters come first among the checks (see nonlin.h): every one must be
// finite, and the op's own condition must hold.
nonlin_status check_params(op_params p, bool valid) {
    return std::isfinite(p.a) && std::isfinite(p.b) && valid ? NONLIN_OK
                                                             : NONLIN_ERR_BAD_ARGUMENT;
}

template <class T>
nonlin_status run_forward(elementwise_op op, std::size_t n, const T* x, T* y, op_params p) {
    NONLIN_CHECK(check_elements(n, sizeof(T), {x, y}, {region_of(y, n)}, {region_of(x, n)}));
    const call_settings settings = settings_for_call();
    const auto kernel = kernels_of(settings.kernels, x).forward(op);
    parallel_for(settings, n, kElementwiseGrain, kChunkAlign<T>,
                 [&](std::size_t b, std::size_t e) { kernel(e - b, x + b, y + b, p); });
    return NONLIN_OK;
}

// Op: an elementwise_op (its backward) or a gradient_op.
template <class Op, class T>
nonlin_status run_backward(Op op, std::size_t n, const T* a, const T* dy, T* dx, op_params p) {
    NONLIN_CHECK(check_elements(n, sizeof(T), {a, dy, dx}, {region_of(dx, n)},
                                {region_of(a, n), region_of(dy, n)}));
    const call_settings settings = settings_for_call();
    const auto kernel = kernels_of(settings.kernels, a).backward(op);
    parallel_for(settings, n, kElementwiseGrain, kChunkAlign<T>,
                 [&](std::size_t b, std::size_t e) { kernel(e - b, a + b, dy + b, dx + b, p); });
    return NONLIN_OK;
}

// The conversion from float to a 16-bit type T, or back.
template <class T>
auto converter(const kernel_table& t, const float*, T* y) {
    return typed_of(t, y).from_float;
}
template <class T>
auto converter(const kernel_table& t, const T* x, float*) {
    return typed_of(t, x).to_float;
}

// Between float and a 16-bit type.
template <class From, class To>
nonlin_status run_convert(std::size_t n, const From* x, To* y) {
    std::size_t count;
    NONLIN_CHECK(element_count(n, 1, 1, sizeof(float), &count));
    if (n == 0) return NONLIN_OK;
    NONLIN_CHECK(require_non_null({x, y}));
    // Different element sizes: the output may not overlap the input at all.
    if (overlaps(region_of(y, n), region_of(x, n))) return NONLIN_ERR_OVERLAP;
    const call_settings settings = settings_for_call();
    const auto kernel = converter(settings.kernels, x, y);
    parallel_for(settings, n, kElementwiseGrain, kChunkAlign<nonlin_bf16>,
                 [&](std::size_t b, std::size_t e) { kernel(e - b, x + b, y + b); });
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

// One op's entry points for the element type T, named with suffix.
#define NONLIN_ENTRY_POINTS(name, from, arity, params, valid, T, suffix)                         \
    nonlin_status nonlin_##name##_##suffix(size_t n, const T* x,                                \
                                           T* y NONLIN_PARAMS_##arity params) {                 \
        const nonlin::op_params p = NONLIN_PACK_##arity params;                                \
        NONLIN_CHECK(nonlin::check_params(p, valid));                                           \
        return nonlin::run_forward(nonlin::elementwise_op::name, n, x, y, p);                  \
    }                                                                                           \
    nonlin_status nonlin_##name##_backward_##suffix(size_t n, const T* from, const T* dy,       \
                                                    T* dx NONLIN_PARAMS_##arity params) {       \
        const nonlin::op_params p = NONLIN_PACK_##arity params;                                \
        NONLIN_CHECK(nonlin::check_params(p, valid));                                           \
        return nonlin::run_backward(nonlin::elementwise_op::name, n, from, dy, dx, p);         \
    }
#define NONLIN_GRADIENT_ENTRY_POINT(name, T, suffix)                                            \
    nonlin_status nonlin_##name##_##suffix(size_t n, const T* x, const T* dy, T* dx) {          \
        return nonlin::run_backward(nonlin::gradient_op::name, n, x, dy, dx,                   \
                                    nonlin::op_params{0.0f, 0.0f});                            \
    }

#define NONLIN_ELEMENTWISE(name, functor, from, arity, params, valid, fwd_ulp, bwd_ulp, scale, \
                           fast, fast_fwd_ulp, fast_bwd_ulp)                              \
    NONLIN_ENTRY_POINTS(name, from, arity, params, valid, float, f32)                           \
    NONLIN_ENTRY_POINTS(name, from, arity, params, valid, nonlin_bf16, bf16)                    \
    NONLIN_ENTRY_POINTS(name, from, arity, params, valid, nonlin_f16, f16)
#define NONLIN_GRADIENT(name, functor, of, bwd_ulp, scale, fast, fast_bwd_ulp)                \
    NONLIN_GRADIENT_ENTRY_POINT(name, float, f32)                                               \
    NONLIN_GRADIENT_ENTRY_POINT(name, nonlin_bf16, bf16)                                        \
    NONLIN_GRADIENT_ENTRY_POINT(name, nonlin_f16, f16)
#include "../src/ops/registry.def"
#undef NONLIN_GRADIENT
#undef NONLIN_ELEMENTWISE
#undef NONLIN_PARAMS_0
#undef NONLIN_PARAMS_1
#undef NONLIN_PARAMS_2
#undef NONLIN_PACK_0
#undef NONLIN_PACK_1
#undef NONLIN_PACK_2
#undef NONLIN_ENTRY_POINTS
#undef NONLIN_GRADIENT_ENTRY_POINT

nonlin_status nonlin_f32_to_bf16(size_t n, const float* x, nonlin_bf16* y) {
    return nonlin::run_convert(n, x, y);
}
nonlin_status nonlin_bf16_to_f32(size_t n, const nonlin_bf16* x, float* y) {
    return nonlin::run_convert(n, x, y);
}
nonlin_status nonlin_f32_to_f16(size_t n, const float* x, nonlin_f16* y) {
    return nonlin::run_convert(n, x, y);
}
nonlin_status nonlin_f16_to_f32(size_t n, const nonlin_f16* x, float* y) {
    return nonlin::run_convert(n, x, y);
}

}  // extern "C"
