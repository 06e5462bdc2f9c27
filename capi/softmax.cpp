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

// The statistics of a long row, each part's in parallel, merged in order.
template <class T>
row_stats long_row_stats(const call_settings& settings, const long_row_parts& parts,
                         const T* x) {
    row_stats stats[long_row_parts::kMaxParts];
    const auto stats_of = rows_of(settings.kernels, x).stats;
    parallel_for(settings, parts.count, 1, 1, [&](std::size_t b, std::size_t e) {
        for (std::size_t p = b; p < e; ++p)
            stats[p] = stats_of(x + p * parts.size, parts.length(p));
    });
    return merged(stats, parts.count);
}

// The elements [b, e) of a long row's output pass, in parallel chunks of
// whole cache lines of T.
template <class T, class Chunk>
void for_output_chunks(const call_settings& settings, std::size_t n, Chunk chunk) {
    parallel_for(settings, n, kElementwiseGrain, 64 / sizeof(T), chunk);
}

// An output pass over a long row.
template <class T, class Apply>
void long_row_output(const call_settings& settings, std::size_t n, const T* x, T* y,
                     row_stats st, Apply apply) {
    for_output_chunks<T>(settings, n,
                         [&](std::size_t b, std::size_t e) { apply(e - b, x + b, y + b, st); });
}

// float softmax: each part's exp terms go to y with the part's maximum;
// the factor exp(part max - row max) / sum then scales them (one exp per
// element). A 16-bit y would round those terms twice: there the statistics
// come first and the output pass computes each exp term again.
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

template <class T>
void long_softmax_row(const call_settings& settings, std::size_t n, const T* x, T* y) {
    const long_row_parts parts(n);
    long_row_output(settings, n, x, y, long_row_stats(settings, parts, x),
                    rows_of(settings.kernels, x).softmax_apply);
}

template <class T>
void long_log_softmax_row(const call_settings& settings, std::size_t n, const T* x, T* y) {
    const long_row_parts parts(n);
    const softmax_kernels<T>& kernels = rows_of(settings.kernels, x);
    row_stats st = long_row_stats(settings, parts, x);
    if (kernels.rest != nullptr && confident(st.sum)) {  // see log_of_sum
        double rest[long_row_parts::kMaxParts];
        parallel_for(settings, parts.count, 1, 1, [&](std::size_t b, std::size_t e) {
            for (std::size_t p = b; p < e; ++p)
                rest[p] = kernels.rest(x + p * parts.size, parts.length(p), st.max);
        });
        st.rest = 0.0;
        for (std::size_t p = 0; p < parts.count; ++p) st.rest += rest[p];
    }
    long_row_output(settings, n, x, y, st, kernels.log_softmax_apply);
}

// A long row's backward: the sums of every part in parallel, merged in
// order, then the output pass.
template <class T>
void long_backward_row(const call_settings& settings, bool log_form, std::size_t n,
                       const T* y, const T* dy, T* dx) {
    const long_row_parts parts(n);
    const softmax_kernels<T>& kernels = rows_of(settings.kernels, y);
    const auto sums_of = log_form ? kernels.log_softmax_backward_sums
                                  : kernels.softmax_backward_sums;
    const auto apply = log_form ? kernels.log_softmax_backward_apply
                                : kernels.softmax_backward_apply;
    backward_sums sums[long_row_parts::kMaxParts];
    parallel_for(settings, parts.count, 1, 1, [&](std::size_t b, std::size_t e) {
        for (std::size_t p = b; p < e; ++p) {
            const std::size_t off = p * parts.size;
            sums[p] = sums_of(parts.length(p), y + off, dy + off);
        }
    });
    backward_sums row = sums[0];
    for (std::size_t p = 1; p < parts.count; ++p) merge_backward_sums(row, sums[p]);
    for_output_chunks<T>(settings, n, [&](std::size_t b, std::size_t e) {
        apply(e - b, y + b, dy + b, dx + b, row);
    });
}

template <class T>
nonlin_status run_forward(bool log_form, std::size_t outer, std::size_t axis, std::size_t inner,
                          const T* x, T* y) {
    std::size_t total;
    NONLIN_CHECK(check_rows(outer, axis, inner, &total, sizeof(T)));
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
    const softmax_kernels<T>& kernels = rows_of(settings.kernels, x);
    const auto kernel = log_form ? kernels.log_softmax : kernels.softmax;
    split_rows(settings, outer, axis, inner, [&](std::size_t n, std::size_t off, std::size_t ib,
                                       std::size_t ie) {
        kernel(n, axis, inner, ib, ie, x + off, y + off);
    });
    return NONLIN_OK;
}

template <class T>
nonlin_status run_backward(bool log_form, std::size_t outer, std::size_t axis,
                           std::size_t inner, const T* y, const T* dy, T* dx) {
    std::size_t total;
    NONLIN_CHECK(check_rows(outer, axis, inner, &total, sizeof(T)));
    if (total == 0) return NONLIN_OK;
    NONLIN_CHECK(require_non_null({y, dy, dx}));
    NONLIN_CHECK(check_overlap({region_of(dx, total)},
                               {region_of(y, total), region_of(dy, total)}));
    const call_settings settings = settings_for_call();
    if (inner == 1 && axis > kLongRow) {
        for (std::size_t o = 0; o < outer; ++o)
            long_backward_row(settings, log_form, axis, y + o * axis, dy + o * axis,
                              dx + o * axis);
        return NONLIN_OK;
    }
    const softmax_kernels<T>& kernels = rows_of(settings.kernels, y);
    const auto kernel = log_form ? kernels.log_softmax_backward : kernels.softmax_backward;
    split_rows(settings, outer, axis, inner, [&](std::size_t n, std::size_t off, std::size_t ib,
                                       std::size_t ie) {
        kernel(n, axis, inner, ib, ie, y + off, dy + off, dx + off);
    });
    return NONLIN_OK;
}

}  // namespace
}  // namespace nonlin

// The four functions in each element type.
#define NONLIN_SOFTMAX_ENTRY_POINTS(T, suffix)                                                  \
    nonlin_status nonlin_softmax_##suffix(size_t outer, size_t axis, size_t inner, const T* x,  \
                                          T* y) {                                               \
        return nonlin::run_forward(false, outer, axis, inner, x, y);                            \
    }                                                                                           \
    nonlin_status nonlin_log_softmax_##suffix(size_t outer, size_t axis, size_t inner,          \
                                              const T* x, T* y) {                               \
        return nonlin::run_forward(true, outer, axis, inner, x, y);                             \
    }                                                                                           \
    nonlin_status nonlin_softmax_backward_##suffix(size_t outer, size_t axis, size_t inner,     \
                                                   const T* y, const T* dy, T* dx) {            \
        return nonlin::run_backward(false, outer, axis, inner, y, dy, dx);                      \
    }                                                                                           \
    nonlin_status nonlin_log_softmax_backward_##suffix(size_t outer, size_t axis, size_t inner, \
                                                       const T* y, const T* dy, T* dx) {        \
        return nonlin::run_backward(true, outer, axis, inner, y, dy, dx);                       \
    }

extern "C" {
NONLIN_SOFTMAX_ENTRY_POINTS(float, f32)
NONLIN_SOFTMAX_ENTRY_POINTS(nonlin_bf16, bf16)
NONLIN_SOFTMAX_ENTRY_POINTS(nonlin_f16, f16)
}  // extern "C"
