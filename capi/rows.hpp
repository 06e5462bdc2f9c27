// The row functions' shape check and their split over threads, shared by
// the softmax family (softmax.cpp) and the masked softmax and logsumexp
// (masked_softmax.cpp).
#pragma once

#include "checks.hpp"
#include "parallel.hpp"

namespace nonlin {

// Any zero size is an empty tensor, a no-op (an empty axis as well: numpy
// and PyTorch return an empty result for it).
inline nonlin_status check_rows(std::size_t outer, std::size_t axis, std::size_t inner,
                               std::size_t* total, std::size_t element_size = sizeof(float)) {
    return element_count(outer, axis, inner, element_size, total);
}

// The softmax family's (and cross-entropy's) kernels of element type T in
// a table.
inline const softmax_kernels<float>& rows_of(const kernel_table& t, const float*) {
    return t.rows;
}
template <class T>
inline const softmax_kernels<T>& rows_of(const kernel_table& t, const T* p) {
    return typed_of(t, p).rows;
}

// Splits the rows over threads: by outer slices when there are enough of
// them, otherwise by inner columns (whole vectors of them).
template <class Run>
void split_rows(const call_settings& settings, std::size_t outer, std::size_t axis,
                std::size_t inner, Run&& run) {
    const std::size_t slice = axis * inner;
    const std::size_t slices_per_grain = kRowGrain / slice + 1;
    if (inner == 1 || outer >= settings.threads) {
        parallel_for(settings, outer, slices_per_grain, 1, [&](std::size_t b, std::size_t e) {
            run(e - b, b * slice, std::size_t{0}, inner);
        });
        return;
    }
    for (std::size_t o = 0; o < outer; ++o)
        parallel_for(settings, inner, kRowGrain / axis + 1, 16, [&](std::size_t b, std::size_t e) {
            run(std::size_t{1}, o * slice, b, e);
        });
}

}  // namespace nonlin
