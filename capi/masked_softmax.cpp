// C entry points of the masked, scaled softmax and log_softmax and of
// logsumexp.
#include <cmath>

#include "rows.hpp"

namespace nonlin {
namespace {

nonlin_status run_masked(kernel_table::masked_row_fn kernel_table::*which,
                         nonlin_status (*plain)(size_t, size_t, size_t, const float*, float*),
                         std::size_t outer, std::size_t axis, std::size_t inner,
                         std::size_t mask_outer, const float* x, const uint8_t* mask, float* y,
                         float scale, nonlin_empty_row empty_row) {
    const int mode = enum_value(empty_row);
    if (mode != NONLIN_EMPTY_ROW_NAN && mode != NONLIN_EMPTY_ROW_ZERO) return NONLIN_ERR_BAD_ARGUMENT;
    // A negative scale would turn the row maximum into its minimum.
    if (!std::isfinite(scale) || !(scale > 0.0f)) return NONLIN_ERR_BAD_ARGUMENT;
    // The plain function's own path, so the two agree bit for bit.
    if (mask == nullptr && scale == 1.0f && mode == NONLIN_EMPTY_ROW_NAN)
        return plain(outer, axis, inner, x, y);
    std::size_t total;
    NONLIN_CHECK(check_rows(outer, axis, inner, &total));
    if (total == 0) return NONLIN_OK;
    if (mask != nullptr && (mask_outer == 0 || outer % mask_outer != 0))
        return NONLIN_ERR_BAD_SHAPE;
    NONLIN_CHECK(require_non_null({x, y}));
    const std::size_t slice = axis * inner;
    NONLIN_CHECK(check_overlap({region_of(y, total)},
                               {region_of(x, total),
                                region_of(mask, mask != nullptr ? mask_outer * slice : 0)}));
    const call_settings settings = settings_for_call();
    const auto kernel = settings.kernels.*which;
    split_rows(settings, outer, axis, inner,
               [&](std::size_t n, std::size_t off, std::size_t ib, std::size_t ie) {
                   const masked_args args{mask, mask_outer, off / slice, scale,
                                          mode == NONLIN_EMPTY_ROW_ZERO};
                   kernel(n, axis, inner, ib, ie, x + off, y + off, args);
               });
    return NONLIN_OK;
}

}  // namespace
}  // namespace nonlin

using nonlin::kernel_table;

extern "C" {

nonlin_status nonlin_masked_softmax_f32(size_t outer, size_t axis, size_t inner,
                                        size_t mask_outer, const float* x, const uint8_t* mask,
                                        float* y, float scale, nonlin_empty_row empty_row) {
    return nonlin::run_masked(&kernel_table::masked_softmax, nonlin_softmax_f32, outer, axis,
                              inner, mask_outer, x, mask, y, scale, empty_row);
}

nonlin_status nonlin_masked_log_softmax_f32(size_t outer, size_t axis, size_t inner,
                                            size_t mask_outer, const float* x,
                                            const uint8_t* mask, float* y, float scale,
                                            nonlin_empty_row empty_row) {
    return nonlin::run_masked(&kernel_table::masked_log_softmax, nonlin_log_softmax_f32, outer,
                              axis, inner, mask_outer, x, mask, y, scale, empty_row);
}

nonlin_status nonlin_logsumexp_f32(size_t outer, size_t axis, size_t inner, const float* x,
                                   float* y) {
    using namespace nonlin;
    std::size_t total;
    NONLIN_CHECK(check_rows(outer, axis, inner, &total));
    if (total == 0) return NONLIN_OK;
    NONLIN_CHECK(require_non_null({x, y}));
    const std::size_t rows = outer * inner;
    NONLIN_CHECK(check_overlap({region_of(y, rows)}, {region_of(x, total)}));
    const call_settings settings = settings_for_call();
    const auto kernel = settings.kernels.logsumexp;
    const std::size_t slice = axis * inner;
    split_rows(settings, outer, axis, inner,
               [&](std::size_t n, std::size_t off, std::size_t ib, std::size_t ie) {
                   kernel(n, axis, inner, ib, ie, x + off, y + off / slice * inner);
               });
    return NONLIN_OK;
}

nonlin_status nonlin_logsumexp_backward_f32(size_t outer, size_t axis, size_t inner,
                                            const float* x, const float* y, const float* dy,
                                            float* dx) {
    using namespace nonlin;
    std::size_t total;
    NONLIN_CHECK(check_rows(outer, axis, inner, &total));
    if (total == 0) return NONLIN_OK;
    NONLIN_CHECK(require_non_null({x, y, dy, dx}));
    const std::size_t rows = outer * inner;
    NONLIN_CHECK(check_overlap({region_of(dx, total)}, {region_of(x, total), region_of(y, rows),
                                                        region_of(dy, rows)}));
    const call_settings settings = settings_for_call();
    const auto kernel = settings.kernels.logsumexp_backward;
    const std::size_t slice = axis * inner;
    split_rows(settings, outer, axis, inner,
               [&](std::size_t n, std::size_t off, std::size_t ib, std::size_t ie) {
                   const std::size_t at = off / slice * inner;
                   kernel(n, axis, inner, ib, ie, x + off, y + at, dy + at, dx + off);
               });
    return NONLIN_OK;
}

}  // extern "C"
