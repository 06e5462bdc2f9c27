// C entry points of the masked, scaled softmax and log_softmax and of
// logsumexp.
#include <cmath>

#include "rows.hpp"

namespace nonlin {
namespace {

template <class T>
nonlin_status run_masked(bool log_form,
                         nonlin_status (*plain)(size_t, size_t, size_t, const T*, T*),
                         std::size_t outer, std::size_t axis, std::size_t inner,
                         std::size_t mask_outer, const T* x, const uint8_t* mask, T* y,
                         float scale, nonlin_empty_row empty_row) {
    if (empty_row != NONLIN_EMPTY_ROW_NAN && empty_row != NONLIN_EMPTY_ROW_ZERO) return NONLIN_ERR_BAD_ARGUMENT;
    // A negative scale would turn the row maximum into its minimum.
    if (!std::isfinite(scale) || !(scale > 0.0f)) return NONLIN_ERR_BAD_ARGUMENT;
    // The plain function's own path, so the two agree bit for bit.
    if (mask == nullptr && scale == 1.0f && empty_row == NONLIN_EMPTY_ROW_NAN)
        return plain(outer, axis, inner, x, y);
    std::size_t total;
    NONLIN_CHECK(check_rows(outer, axis, inner, &total, sizeof(T)));
    if (total == 0) return NONLIN_OK;
    if (mask != nullptr && (mask_outer == 0 || outer % mask_outer != 0))
        return NONLIN_ERR_BAD_SHAPE;
    NONLIN_CHECK(require_non_null({x, y}));
    const std::size_t slice = axis * inner;
    NONLIN_CHECK(check_overlap({region_of(y, total)},
                               {region_of(x, total),
                                region_of(mask, mask != nullptr ? mask_outer * slice : 0)}));
    const call_settings settings = settings_for_call();
    const softmax_kernels<T>& kernels = rows_of(settings.kernels, x);
    const auto kernel = log_form ? kernels.masked_log_softmax : kernels.masked_softmax;
    split_rows(settings, outer, axis, inner,
               [&](std::size_t n, std::size_t off, std::size_t ib, std::size_t ie) {
                   const masked_args args{mask, mask_outer, off / slice, scale,
                                          empty_row == NONLIN_EMPTY_ROW_ZERO};
                   kernel(n, axis, inner, ib, ie, x + off, y + off, args);
               });
    return NONLIN_OK;
}

template <class T>
nonlin_status run_logsumexp(std::size_t outer, std::size_t axis, std::size_t inner, const T* x,
                            T* y) {
    std::size_t total;
    NONLIN_CHECK(check_rows(outer, axis, inner, &total, sizeof(T)));
    if (total == 0) return NONLIN_OK;
    NONLIN_CHECK(require_non_null({x, y}));
    const std::size_t rows = outer * inner;
    NONLIN_CHECK(check_overlap({region_of(y, rows)}, {region_of(x, total)}));
    const call_settings settings = settings_for_call();
    const auto kernel = rows_of(settings.kernels, x).logsumexp;
    const std::size_t slice = axis * inner;
    split_rows(settings, outer, axis, inner,
               [&](std::size_t n, std::size_t off, std::size_t ib, std::size_t ie) {
                   kernel(n, axis, inner, ib, ie, x + off, y + off / slice * inner);
               });
    return NONLIN_OK;
}

template <class T>
nonlin_status run_logsumexp_backward(std::size_t outer, std::size_t axis, std::size_t inner,
                                     const T* x, const T* y, const T* dy, T* dx) {
    std::size_t total;
    NONLIN_CHECK(check_rows(outer, axis, inner, &total, sizeof(T)));
    if (total == 0) return NONLIN_OK;
    NONLIN_CHECK(require_non_null({x, y, dy, dx}));
    const std::size_t rows = outer * inner;
    NONLIN_CHECK(check_overlap({region_of(dx, total)}, {region_of(x, total), region_of(y, rows),
                                                        region_of(dy, rows)}));
    const call_settings settings = settings_for_call();
    const auto kernel = rows_of(settings.kernels, x).logsumexp_backward;
    const std::size_t slice = axis * inner;
    split_rows(settings, outer, axis, inner,
               [&](std::size_t n, std::size_t off, std::size_t ib, std::size_t ie) {
                   const std::size_t at = off / slice * inner;
                   kernel(n, axis, inner, ib, ie, x + off, y + at, dy + at, dx + off);
               });
    return NONLIN_OK;
}

}  // namespace
}  // namespace nonlin

// The four functions in each element type.
#define NONLIN_MASKED_ENTRY_POINTS(T, suffix)                                                    \
    nonlin_status nonlin_masked_softmax_##suffix(size_t outer, size_t axis, size_t inner,        \
                                                 size_t mask_outer, const T* x,                 \
                                                 const uint8_t* mask, T* y, float scale,        \
                                                 nonlin_empty_row empty_row) {                  \
        return nonlin::run_masked(false, nonlin_softmax_##suffix, outer, axis, inner,            \
                                  mask_outer, x, mask, y, scale, empty_row);                     \
    }                                                                                            \
    nonlin_status nonlin_masked_log_softmax_##suffix(size_t outer, size_t axis, size_t inner,    \
                                                     size_t mask_outer, const T* x,             \
                                                     const uint8_t* mask, T* y, float scale,    \
                                                     nonlin_empty_row empty_row) {              \
        return nonlin::run_masked(true, nonlin_log_softmax_##suffix, outer, axis, inner,         \
                                  mask_outer, x, mask, y, scale, empty_row);                     \
    }                                                                                            \
    nonlin_status nonlin_logsumexp_##suffix(size_t outer, size_t axis, size_t inner, const T* x, \
                                            T* y) {                                              \
        return nonlin::run_logsumexp(outer, axis, inner, x, y);                                  \
    }                                                                                            \
    nonlin_status nonlin_logsumexp_backward_##suffix(size_t outer, size_t axis, size_t inner,    \
                                                     const T* x, const T* y, const T* dy,       \
                                                     T* dx) {                                   \
        return nonlin::run_logsumexp_backward(outer, axis, inner, x, y, dy, dx);                 \
    }

extern "C" {
NONLIN_MASKED_ENTRY_POINTS(float, f32)
NONLIN_MASKED_ENTRY_POINTS(nonlin_bf16, bf16)
NONLIN_MASKED_ENTRY_POINTS(nonlin_f16, f16)
}  // extern "C"
