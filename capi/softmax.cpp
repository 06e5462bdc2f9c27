// C entry points of the softmax family.
#include "checks.hpp"
#include "parallel.hpp"

namespace nonlin {
namespace {

nonlin_status check_rows(std::size_t outer, std::size_t axis, std::size_t inner,
                         std::size_t* total) {
    NONLIN_CHECK(element_count(outer, axis, inner, sizeof(float), total));
    std::size_t rows;
    NONLIN_CHECK(element_count(outer, inner, 1, 1, &rows));
    if (axis == 0 && rows != 0) return NONLIN_ERR_BAD_SHAPE;
    return NONLIN_OK;
}

// Splits the rows over threads: by outer slices when there are enough of
// them, otherwise by inner columns (whole vectors of them).
template <class Run>
void split_rows(std::size_t outer, std::size_t axis, std::size_t inner, Run&& run) {
    const std::size_t slice = axis * inner;
    const std::size_t slices_per_grain = kRowGrain / slice + 1;
    if (inner == 1 || outer >= static_cast<std::size_t>(max_threads())) {
        parallel_for(outer, slices_per_grain, 1, [&](std::size_t b, std::size_t e) {
            run(e - b, b * slice, std::size_t{0}, inner);
        });
        return;
    }
    for (std::size_t o = 0; o < outer; ++o)
        parallel_for(inner, kRowGrain / axis + 1, 16, [&](std::size_t b, std::size_t e) {
            run(std::size_t{1}, o * slice, b, e);
        });
}

nonlin_status run_forward(kernel_table::row_fn kernel_table::*which, std::size_t outer,
                          std::size_t axis, std::size_t inner, const float* x, float* y) {
    std::size_t total;
    NONLIN_CHECK(check_rows(outer, axis, inner, &total));
    if (total == 0) return NONLIN_OK;
    NONLIN_CHECK(require_non_null({x, y}));
    NONLIN_CHECK(check_overlap({region_of(y, total)}, {region_of(x, total)}));
    const auto kernel = active_kernels().*which;
    split_rows(outer, axis, inner, [&](std::size_t n, std::size_t off, std::size_t ib,
                                       std::size_t ie) {
        kernel(n, axis, inner, ib, ie, x + off, y + off);
    });
    return NONLIN_OK;
}

nonlin_status run_backward(kernel_table::row_backward_fn kernel_table::*which,
                           std::size_t outer, std::size_t axis, std::size_t inner,
                           const float* y, const float* dy, float* dx) {
    std::size_t total;
    NONLIN_CHECK(check_rows(outer, axis, inner, &total));
    if (total == 0) return NONLIN_OK;
    NONLIN_CHECK(require_non_null({y, dy, dx}));
    NONLIN_CHECK(check_overlap({region_of(dx, total)},
                               {region_of(y, total), region_of(dy, total)}));
    const auto kernel = active_kernels().*which;
    split_rows(outer, axis, inner, [&](std::size_t n, std::size_t off, std::size_t ib,
                                       std::size_t ie) {
        kernel(n, axis, inner, ib, ie, y + off, dy + off, dx + off);
    });
    return NONLIN_OK;
}

}  // namespace
}  // namespace nonlin

using nonlin::kernel_table;

extern "C" {

nonlin_status nonlin_softmax_f32(size_t outer, size_t axis, size_t inner, const float* x,
                                 float* y) {
    return nonlin::run_forward(&kernel_table::softmax, outer, axis, inner, x, y);
}

nonlin_status nonlin_log_softmax_f32(size_t outer, size_t axis, size_t inner, const float* x,
                                     float* y) {
    return nonlin::run_forward(&kernel_table::log_softmax, outer, axis, inner, x, y);
}

nonlin_status nonlin_softmax_backward_f32(size_t outer, size_t axis, size_t inner,
                                          const float* y, const float* dy, float* dx) {
    return nonlin::run_backward(&kernel_table::softmax_backward, outer, axis, inner, y, dy, dx);
}

nonlin_status nonlin_log_softmax_backward_f32(size_t outer, size_t axis, size_t inner,
                                              const float* y, const float* dy, float* dx) {
    return nonlin::run_backward(&kernel_table::log_softmax_backward, outer, axis, inner, y, dy,
                                dx);
}

}  // extern "C"
