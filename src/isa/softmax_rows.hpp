// The softmax family's part of a kernel table for element type T, with the
// fused cross-entropy: the same templates for float (table.inc) and the
// 16-bit types (typed_table.inc).
#pragma once

#include "kernel_table.hpp"
#include "../ops/logsumexp.hpp"
#include "../ops/loss.hpp"
#include "../ops/masked_softmax.hpp"
#include "../ops/softmax.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {

template <class T>
softmax_kernels<T> softmax_rows() {
    return {
        &ops::softmax<T>,
        &ops::log_softmax<T>,
        &ops::softmax_backward<T>,
        &ops::log_softmax_backward<T>,
        &ops::contiguous_stats<T>,
        &ops::softmax_apply<T>,
        &ops::log_softmax_apply<T>,
        &ops::contiguous_rest<T>,
        &ops::cross_entropy<T>,
        &ops::masked_rows<false, T>,
        &ops::masked_rows<true, T>,
        &ops::logsumexp<T>,
        &ops::logsumexp_backward<T>,
    };
}

}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
