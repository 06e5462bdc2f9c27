// logsumexp along one axis and its gradient: the softmax family's row
// statistics (softmax_passes.hpp, softmax_parts.hpp), finished as
// max + log(sum) in double with one rounding.
#pragma once

#include <cmath>
#include <limits>

#include "softmax.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace ops {

// One row's logsumexp from its statistics (rest < 0 when the row is not
// confident, see row_stats), with PyTorch's special rows: NaN anywhere is
// NaN, else a +inf maximum is +inf and a row of all -inf is -inf.
inline float logsumexp_of(float max, double sum, double rest, bool has_nan) {
    if (has_nan) return std::numeric_limits<float>::quiet_NaN();
    if (std::isinf(max)) return max;
    return static_cast<float>(static_cast<double>(max) + log_of_sum({max, sum, rest}));
}

// A contiguous row of any length, block by block (contiguous_stats).
template <class T>
void logsumexp_one(const contiguous_row& t, const T* x, T* y) {
    const row_stats st = with_rest(x, t.n, contiguous_stats(x, t.n));
    // Only rows with an infinite maximum or a NaN sum can hold a NaN.
    const bool odd = !std::isfinite(st.max) || std::isnan(st.sum);
    set_element(y, 0, logsumexp_of(st.max, st.sum, st.rest, odd && has_nan(t, x)));
}

// t.lanes rows along a strided axis, one per lane.
template <class T>
void logsumexp_one(const strided_columns& t, const T* x, T* y) {
    const vfloat m = max_pass(t, x);
    const lane_sum s = exp_sum_pass<false>(t, x, m, nullptr);
    alignas(64) float maxes[kWidth], nans[kWidth] = {};
    alignas(64) double sums[kWidth], rests[kWidth] = {};
    store(maxes, m);
    s.lanes(sums);
    bool odd = false;
    for (std::size_t i = 0; i < t.lanes; ++i)
        odd = odd || !std::isfinite(maxes[i]) || std::isnan(sums[i]);
    if (odd) store(nans, nan_flags(t, x));
    if (t.any_lane(s, confident)) {
        rest_pass(t, x, m).lanes(rests);
    }
    for (std::size_t i = 0; i < t.lanes; ++i)
        set_element(y, i, logsumexp_of(maxes[i], sums[i], confident(sums[i]) ? rests[i] : -1.0,
                                       nans[i] != 0.0f));
}

// The row's y (or dy): one value for a contiguous row, one per lane for
// strided columns.
template <class T>
vfloat row_value(const contiguous_row&, const T* p) {
    return splat(element_at(p, 0));
}
template <class T>
vfloat row_value(const strided_columns& t, const T* p) {
    return load_n(p, t.lanes, 0.0f);
}

// Entry points: the kernel table's signatures (src/isa/kernel_table.hpp).
// y (dy) holds the outputs (gradients) of the same outer slices as x; each
// for float and the 16-bit types.
template <class T>
void logsumexp(std::size_t outer, std::size_t axis, std::size_t inner, std::size_t ib,
               std::size_t ie, const T* x, T* y) {
    const std::size_t slice = axis * inner;
    for_each_row(outer, axis, inner, ib, ie, [&](const auto& t, std::size_t off) {
        logsumexp_one(t, x + off, y + off / slice * inner + off % slice);
    });
}

template <class T>
void logsumexp_backward(std::size_t outer, std::size_t axis, std::size_t inner, std::size_t ib,
                        std::size_t ie, const T* x, const T* y, const T* dy, T* dx) {
    const std::size_t slice = axis * inner;
    for_each_row(outer, axis, inner, ib, ie, [&](const auto& t, std::size_t off) {
        const std::size_t at = off / slice * inner + off % slice;
        const vfloat yv = row_value(t, y + at), dyv = row_value(t, dy + at);
        t.for_each([&](std::size_t i, std::size_t k) {
            // x - y exactly (d + err), and dy * exp(d + err) rounded once.
            vfloat err;
            const vfloat d = two_diff(load_n(x + off + i, k, 0.0f), yv, err);
            store_n(dx + off + i, k, math::times_exp(dyv, splat(0.0f), d, err));
        });
    });
}

}  // namespace ops
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
