// The table of kernels one ISA provides. The C API layer picks one table at
// run time and calls through it; nothing else crosses the ISA boundary.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "nonlin/nonlin.h"
#include "../ops/op_params.hpp"
#include "../ops/loss_ex_args.hpp"
#include "../ops/row_stats.hpp"

namespace nonlin {

enum class elementwise_op {
#define NONLIN_ELEMENTWISE(name, functor, from, arity, params, valid, fwd_ulp, bwd_ulp, scale, fast, fast_fwd_ulp, fast_bwd_ulp) name,
#define NONLIN_GRADIENT(name, functor, of, bwd_ulp, scale, fast, fast_bwd_ulp)
#include "../ops/registry.def"
#undef NONLIN_GRADIENT
#undef NONLIN_ELEMENTWISE
    count
};

constexpr std::size_t kElementwiseOpCount = static_cast<std::size_t>(elementwise_op::count);

// The backward-only lines of the registry (NONLIN_GRADIENT).
enum class gradient_op {
#define NONLIN_ELEMENTWISE(name, functor, from, arity, params, valid, fwd_ulp, bwd_ulp, scale, fast, fast_fwd_ulp, fast_bwd_ulp)
#define NONLIN_GRADIENT(name, functor, of, bwd_ulp, scale, fast, fast_bwd_ulp) name,
#include "../ops/registry.def"
#undef NONLIN_GRADIENT
#undef NONLIN_ELEMENTWISE
    count
};

constexpr std::size_t kGradientOpCount = static_cast<std::size_t>(gradient_op::count);

// What a masked softmax call adds to a row function's arguments: the mask
// (NULL: keep all) repeating every mask_outer slices, the outer index of the
// call's first slice, the scale and the empty-row mode.
struct masked_args {
    const uint8_t* mask;
    std::size_t mask_outer;
    std::size_t first;
    float scale;
    bool zero_empty;
};

// The softmax family's kernels (with the masked softmax and logsumexp), and
// the fused cross-entropy built from them, for element type T (float,
// nonlin_bf16 or nonlin_f16).
template <class T>
struct softmax_kernels {
    // Rows of `outer` slices of axis x inner starting at x, restricted to the
    // inner columns [ib, ie) (ib = 0, ie = inner for all of them); rows with
    // inner == 1 no longer than kLongRow.
    using row_fn = void (*)(std::size_t outer, std::size_t axis, std::size_t inner,
                            std::size_t ib, std::size_t ie, const T* x, T* y);
    using row_backward_fn = void (*)(std::size_t outer, std::size_t axis, std::size_t inner,
                                     std::size_t ib, std::size_t ie, const T* y, const T* dy,
                                     T* dx);
    using stats_fn = row_stats (*)(const T* x, std::size_t n);
    // The output of n contiguous elements of a row from the row's statistics.
    using apply_fn = void (*)(std::size_t n, const T* x, T* y, row_stats st);
    // Sum of exp(x - max) over the entries below max (row_stats::rest);
    // null in the fast tier, whose log_softmax takes log(sum) (strict_exps).
    using rest_fn = double (*)(const T* x, std::size_t n, float max);
    // A long row's backward, part by part: a part's sums, then the output of
    // n elements from the whole row's merged sums.
    using backward_sums_fn = backward_sums (*)(std::size_t n, const T* y, const T* dy);
    using backward_apply_fn = void (*)(std::size_t n, const T* y, const T* dy, T* dx,
                                       backward_sums s);
    // The fused cross-entropy of rows x classes logits (ops/loss.hpp): the
    // losses in float, the gradient in T.
    using cross_entropy_fn = double (*)(std::size_t rows, std::size_t classes, const T* logits,
                                        const int64_t* target, float* row_loss, T* dlogits,
                                        int64_t ignore_index, double grad_scale);
    using masked_row_fn = void (*)(std::size_t outer, std::size_t axis, std::size_t inner,
                                   std::size_t ib, std::size_t ie, const T* x, T* y,
                                   const masked_args& args);
    // y (dy) holds one value per row: outer x inner.
    using reduce_fn = void (*)(std::size_t outer, std::size_t axis, std::size_t inner,
                               std::size_t ib, std::size_t ie, const T* x, T* y);
    using reduce_backward_fn = void (*)(std::size_t outer, std::size_t axis, std::size_t inner,
                                        std::size_t ib, std::size_t ie, const T* x, const T* y,
                                        const T* dy, T* dx);

    row_fn softmax;
    row_fn log_softmax;
    row_backward_fn softmax_backward;
    row_backward_fn log_softmax_backward;
    stats_fn stats;
    apply_fn softmax_apply;
    apply_fn log_softmax_apply;
    rest_fn rest;
    backward_sums_fn softmax_backward_sums;
    backward_apply_fn softmax_backward_apply;
    backward_sums_fn log_softmax_backward_sums;
    backward_apply_fn log_softmax_backward_apply;
    cross_entropy_fn cross_entropy;
    masked_row_fn masked_softmax;
    masked_row_fn masked_log_softmax;
    reduce_fn logsumexp;
    reduce_backward_fn logsumexp_backward;
};

// The kernels of one 16-bit storage type T (nonlin_bf16 or nonlin_f16),
// the elementwise ones indexed as the float ones: the same algorithms on
// widened elements, each result rounded to T once.
template <class T>
struct typed_kernels {
    using unary_fn = void (*)(std::size_t n, const T* x, T* y, op_params p);
    using binary_fn = void (*)(std::size_t n, const T* a, const T* b, T* out, op_params p);
    unary_fn forward[kElementwiseOpCount];
    binary_fn backward[kElementwiseOpCount];
    binary_fn gradient[kGradientOpCount];
    softmax_kernels<T> rows;
    // The conversions, which round as the kernels do.
    void (*from_float)(std::size_t n, const float* x, T* y);
    void (*to_float)(std::size_t n, const T* x, float* y);
};

struct kernel_table {
    using unary_fn = void (*)(std::size_t n, const float* x, float* y, op_params p);
    using binary_fn = void (*)(std::size_t n, const float* a, const float* b, float* out,
                               op_params p);
    // y = exp(x - the part's max) and the part's statistics; then y *= factor.
    using exp_part_fn = row_stats (*)(const float* x, std::size_t n, float* y);
    using scale_fn = void (*)(std::size_t n, float* y, float factor);
    // Positions [pb, pe) against index targets (probs null) or probabilities.
    using soft_cross_entropy_fn = double (*)(const soft_ce_args& a, std::size_t pb,
                                             std::size_t pe, const float* logits,
                                             const int64_t* target, const float* probs,
                                             float* row_loss, float* dlogits);
    // rows x classes elements; loss (per element) and dlogits may be null.
    using bce_with_logits_fn = double (*)(const bce_args& a, std::size_t rows, const float* x,
                                          const float* target, float* loss, float* dlogits);

    const char* name;
    unary_fn forward[kElementwiseOpCount];
    binary_fn backward[kElementwiseOpCount];
    binary_fn gradient[kGradientOpCount];
    softmax_kernels<float> rows;
    exp_part_fn softmax_exp_part;
    scale_fn scale_part;
    soft_cross_entropy_fn soft_cross_entropy;
    bce_with_logits_fn bce_with_logits;
    const typed_kernels<nonlin_bf16>* bf16;
    const typed_kernels<nonlin_f16>* f16;
};

// A table's kernels of a 16-bit type, by the type of a pointer.
inline const typed_kernels<nonlin_bf16>& typed_of(const kernel_table& t, const nonlin_bf16*) {
    return *t.bf16;
}
inline const typed_kernels<nonlin_f16>& typed_of(const kernel_table& t, const nonlin_f16*) {
    return *t.f16;
}

// The accuracy tiers of nonlin_set_accuracy, in the order of its enum.
enum class tier { strict, fast };

// The functor a tier uses of a registry line's two.
template <tier Tier, class Strict, class Fast>
using tier_functor = std::conditional_t<Tier == tier::fast, Fast, Strict>;

// Whether a tier's elementwise kernel in one direction may flush its 16-bit
// results below FLT_MIN (src/simd/half.hpp): in the fast tier, where the
// registry gives that direction a looser bound than the strict one (a
// kernel of its own). Where the bounds are equal the fast tier keeps the
// strict tier's bits.
constexpr bool may_flush_in(tier t, double fast_ulp, double strict_ulp) {
    return t == tier::fast && fast_ulp > strict_ulp;
}

// One table per ISA and tier of src/isa/isa_list.def, each defined in its own
// translation unit, generated from src/isa/isa.cpp.in; its 16-bit kernels in
// one more unit per type (typed_table), so that a build compiles an ISA's
// three element types in parallel. Only the ISAs of the build's
// architecture are defined (src/isa/isa_list.hpp).
#define NONLIN_ISA(name, ...)                                              \
    namespace isa_##name {                                                 \
    const kernel_table* table(tier t);                                     \
    const typed_kernels<nonlin_bf16>* typed_table(tier t, const nonlin_bf16*); \
    const typed_kernels<nonlin_f16>* typed_table(tier t, const nonlin_f16*);   \
    }
#include "isa_list.def"
#undef NONLIN_ISA

}  // namespace nonlin
