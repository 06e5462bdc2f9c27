// C entry points of the softmax family.
#include <cmath>

#include "rows.hpp"

namespace nonlin {
namespace {

// A contiguous row longer than kLongRow, in fixed parts (they depend on the
// length only, so the result does not depend on the thread count): the
// statistics of every part in parallel, merged in order, then the output
// of every part in parallel.
struct long_row_parts {
    static constexpr std::size_t kMaxParts = 256;
    std::size_t n, size, count;
    explicit long_row_parts(std::size_t length) : n(length) {
        size = (n + kMaxParts - 1) / kMaxParts;
        if (size < kLongRow) size = kLongRow;
        count = (n + size - 1) / size;
    }
    std::size_t length(std::size_t p) const { return p + 1 < count ? size : n - p * size; }
};

row_stats merged(const row_stats* stats, std::size_t count) {
    row_stats st = empty_row_stats();
    for (std::size_t p = 0; p < count; ++p) merge_row_stats(st, stats[p]);
    return finish_row_stats(st);
}

// softmax: each part's exp terms go to y with the part's maximum; the
// factor exp(part max - row max) / sum then scales them (one exp per
// element).
void long_softmax_row(const call_settings& settings, std::size_t n, const float* x, float* y) {
    const long_row_parts parts(n);
    row_stats stats[long_row_parts::kMaxParts];
    parallel_for(settings, parts.count, 1, 1, [&](std::size_t b, std::size_t e) {
        for (std::size_t p = b; p < e; ++p)
            stats[p] = settings.kernels.softmax_exp_part(x + p * parts.size, parts.length(p),
                                                        y + p * parts.size);
    });
    const row_stats st = merged(stats, parts.count);
    parallel_for(settings, parts.count, 1, 1, [&](std::size_t b, std::size_t e) {
        for (std::size_t p = b; p < e; ++p) {
            const double factor = std::exp(static_cast<double>(stats[p].max) - st.max) / st.sum;
            settings.kernels.scale_part(parts.length(p), y + p * parts.size,
                                        static_cast<float>(factor));
        }
    });
}

void long_log_softmax_row(const call_settings& settings, std::size_t n, const float* x,
                          float* y) {
    const long_row_parts parts(n);
    row_stats stats[long_row_parts::kMaxParts];
    parallel_for(settings, parts.count, 1, 1, [&](std::size_t b, std::size_t e) {
        for (std::size_t p = b; p < e; ++p)
            stats[p] = settings.kernels.stats(x + p * parts.size, parts.length(p));
    });
    row_stats st = merged(stats, parts.count);
    if (confident(st.sum)) {  // see log_of_sum
        double rest[long_row_parts::kMaxParts];
        parallel_for(settings, parts.count, 1, 1, [&](std::size_t b, std::size_t e) {
            for (std::size_t p = b; p < e; ++p)
                rest[p] = settings.kernels.rest(x + p * parts.size, parts.length(p), st.max);
        });
        st.rest = 0.0;
        for (std::size_t p = 0; p < parts.count; ++p) st.rest += rest[p];
    }
    parallel_for(settings, n, kElementwiseGrain, 64 / sizeof(float),
                 [&](std::size_t b, std::size_t e) {
                     settings.kernels.log_softmax_apply(e - b, x + b, y + b, st);
                 });
}

nonlin_status run_forward(kernel_table::row_fn kernel_table::*which, bool log_form,
                          std::size_t outer, std::size_t axis, std::size_t inner, const float* x,
                          float* y) {
    std::size_t total;
    NONLIN_CHECK(check_rows(outer, axis, inner, &total));
    if (total == 0) return NONLIN_OK;
    NONLIN_CHECK(require_non_null({x, y}));
    NONLIN_CHECK(check_overlap({region_of(y, total)}, {region_of(x, total)}));
    const call_settings settings = settings_for_call();
    if (inner == 1 && axis > kLongRow) {
        for (std::size_t o = 0; o < outer; ++o) {
            if (log_form)
                long_log_softmax_row(settings, axis, x + o * axis, y + o * axis);
            else
                long_softmax_row(settings, axis, x + o * axis, y + o * axis);
        }
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
    return nonlin::run_forward(&kernel_table::softmax, false, outer, axis, inner, x, y);
}

nonlin_status nonlin_log_softmax_f32(size_t outer, size_t axis, size_t inner, const float* x,
                                     float* y) {
    return nonlin::run_forward(&kernel_table::log_softmax, true, outer, axis, inner, x, y);
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
