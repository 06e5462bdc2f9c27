// The softmax family's part of a kernel table for element type T in one
// accuracy tier, with the fused cross-entropy: the same templates for float
// (table.inc) and the 16-bit types (typed_table.inc). softmax and
// log_softmax, forward (with their long rows' statistics and output
// passes) and backward, take the tier's exponentials; the rest of the
// family has one kernel for both tiers.
#pragma once

#include <type_traits>

#include "kernel_table.hpp"
#include "../ops/logsumexp.hpp"
#include "../ops/loss.hpp"
#include "../ops/masked_softmax.hpp"
#include "../ops/softmax.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {

template <tier Tier>
using softmax_exps = std::conditional_t<Tier == tier::fast, ops::fast_exps, ops::strict_exps>;

template <class T, tier Tier>
softmax_kernels<T> softmax_rows() {
    using E = softmax_exps<Tier>;
    return {
        &ops::softmax<T, E>,
        &ops::log_softmax<T, E>,
        &ops::softmax_backward<T, E>,
        &ops::log_softmax_backward<T, E>,
        &ops::contiguous_stats<T, E>,
        &ops::softmax_apply<T, E>,
        &ops::log_softmax_apply<T, E>,
        E::keeps_rest ? &ops::contiguous_rest<T> : nullptr,
        &ops::softmax_backward_sums<T>,
        &ops::softmax_backward_apply<T, E>,
        &ops::log_softmax_backward_sums<T>,
        &ops::log_softmax_backward_apply<T, E>,
        &ops::cross_entropy<T>,
        &ops::masked_rows<false, T>,
        &ops::masked_rows<true, T>,
        &ops::logsumexp<T>,
        &ops::logsumexp_backward<T>,
    };
}

}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
