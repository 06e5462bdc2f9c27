// C entry points of the softmax family.
#include "rows.hpp"

namespace nonlin {
namespace {

// A contiguous row longer than kLongRow: statistics of fixed parts in
// parallel, merged in order (the parts depend on the length only, so the
// result does not depend on the thread count), then the output in parallel.
void long_row(const call_settings& settings, kernel_table::apply_fn apply, std::size_t n,
              const float* x, float* y) {
    const bool log_form = apply == settings.kernels.log_softmax_apply;
    constexpr std::size_t kMaxParts = 256;
    std::size_t part = (n + kMaxParts - 1) / kMaxParts;
    if (part < kLongRow) part = kLongRow;
    const std::size_t parts = (n + part - 1) / part;
    row_stats stats[kMaxParts];
    parallel_for(settings, parts, 1, 1, [&](std::size_t b, std::size_t e) {
        for (std::size_t p = b; p < e; ++p)
            stats[p] = settings.kernels.stats(x + p * part, p + 1 < parts ? part : n - p * part);
    });
    row_stats st = empty_row_stats();
    for (std::size_t p = 0; p < parts; ++p) merge_row_stats(st, stats[p]);
    st = finish_row_stats(st);
    if (log_form && confident(st.sum)) {  // see log_of_sum
        double rest[kMaxParts];
        parallel_for(settings, parts, 1, 1, [&](std::size_t b, std::size_t e) {
            for (std::size_t p = b; p < e; ++p)
                rest[p] = settings.kernels.rest(x + p * part, p + 1 < parts ? part : n - p * part,
                                                st.max);
        });
        st.rest = 0.0;
        for (std::size_t p = 0; p < parts; ++p) st.rest += rest[p];
    }
    parallel_for(settings, n, kElementwiseGrain, 64 / sizeof(float),
                 [&](std::size_t b, std::size_t e) { apply(e - b, x + b, y + b, st); });
}

nonlin_status run_forward(kernel_table::row_fn kernel_table::*which,
                          kernel_table::apply_fn kernel_table::*apply, std::size_t outer,
                          std::size_t axis, std::size_t inner, const float* x, float* y) {
    std::size_t total;
    NONLIN_CHECK(check_rows(outer, axis, inner, &total));
    if (total == 0) return NONLIN_OK;
    NONLIN_CHECK(require_non_null({x, y}));
    NONLIN_CHECK(check_overlap({region_of(y, total)}, {region_of(x, total)}));
    const call_settings settings = settings_for_call();
    if (inner == 1 && axis > kLongRow) {
        for (std::size_t o = 0; o < outer; ++o)
            long_row(settings, settings.kernels.*apply, axis, x + o * axis, y + o * axis);
        return NONLIN_OK;
    }
    const auto kernel = settings.kernels.*which;
    split_rows(settings, outer, axis, inner, [&](std::size_t n, std::size_t off, std::size_t ib,
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
    const call_settings settings = settings_for_call();
    const auto kernel = settings.kernels.*which;
    split_rows(settings, outer, axis, inner, [&](std::size_t n, std::size_t off, std::size_t ib,
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
    return nonlin::run_forward(&kernel_table::softmax, &kernel_table::softmax_apply, outer, axis,
                               inner, x, y);
}

nonlin_status nonlin_log_softmax_f32(size_t outer, size_t axis, size_t inner, const float* x,
                                     float* y) {
    return nonlin::run_forward(&kernel_table::log_softmax, &kernel_table::log_softmax_apply, outer,
                               axis, inner, x, y);
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
