// Double-precision references for the row functions and the losses,
// evaluated on the float inputs.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace nonlin_test {

// A view of row r of an outer x axis x inner tensor: element a of the row
// is at base + a * stride.
struct row_index {
    std::size_t base, stride;
};

inline std::vector<row_index> rows_of(std::size_t outer, std::size_t axis, std::size_t inner) {
    std::vector<row_index> rows;
    for (std::size_t o = 0; o < outer; ++o)
        for (std::size_t i = 0; i < inner; ++i) rows.push_back({o * axis * inner + i, inner});
    return rows;
}

struct row_reference {
    double max, sum;  // sum of exp(x - max)
    bool nan;         // the row holds a NaN
};

inline row_reference reference_stats(const float* x, row_index r, std::size_t axis) {
    double m = -HUGE_VAL;
    bool nan = false;
    for (std::size_t a = 0; a < axis; ++a) {
        const double v = x[r.base + a * r.stride];
        nan = nan || std::isnan(v);
        m = std::max(m, v);
    }
    double s = 0.0;
    for (std::size_t a = 0; a < axis; ++a) s += std::exp(x[r.base + a * r.stride] - m);
    if (nan) s = NAN;
    return {m, s, nan};
}

inline std::vector<double> reference_softmax(const std::vector<float>& x, std::size_t outer,
                                             std::size_t axis, std::size_t inner, bool log) {
    std::vector<double> y(x.size());
    for (const row_index r : rows_of(outer, axis, inner)) {
        const row_reference st = reference_stats(x.data(), r, axis);
        for (std::size_t a = 0; a < axis; ++a) {
            const std::size_t k = r.base + a * r.stride;
            const double d = x[k] - st.max;
            y[k] = log ? d - std::log(st.sum) : std::exp(d) / st.sum;
        }
    }
    return y;
}

// The masked, scaled softmax (log_softmax with log) of the same floats, as
// nonlin_masked_softmax_f32 documents it: mask NULL keeps every entry, outer
// slice o reads mask slice o % mask_outer; a row with a kept NaN or +inf is
// NaN, an empty row NaN or (zero_empty) zeros.
inline std::vector<double> reference_masked_softmax(const std::vector<float>& x,
                                                    const uint8_t* mask, std::size_t mask_outer,
                                                    std::size_t outer, std::size_t axis,
                                                    std::size_t inner, double scale, bool log,
                                                    bool zero_empty) {
    std::vector<double> y(x.size());
    const std::size_t slice = axis * inner;
    for (const row_index r : rows_of(outer, axis, inner)) {
        const std::size_t o = r.base / slice, i = r.base % slice;
        auto kept = [&](std::size_t a) {
            return mask == nullptr || mask[(o % mask_outer) * slice + a * inner + i] != 0;
        };
        double m = -HUGE_VAL;
        bool nan = false;
        for (std::size_t a = 0; a < axis; ++a) {
            if (!kept(a)) continue;
            const double v = x[r.base + a * r.stride];
            nan = nan || std::isnan(v) || v == HUGE_VAL;
            m = std::max(m, v);
        }
        const bool empty = !nan && m == -HUGE_VAL;
        double s = 0.0;
        for (std::size_t a = 0; a < axis; ++a)
            if (kept(a)) s += std::exp(scale * (x[r.base + a * r.stride] - m));
        for (std::size_t a = 0; a < axis; ++a) {
            const std::size_t k = r.base + a * r.stride;
            const double d = scale * (x[k] - m);
            if (nan || (empty && !zero_empty))
                y[k] = NAN;
            else if (empty)
                y[k] = 0.0;
            else if (!kept(a))
                y[k] = log ? -HUGE_VAL : 0.0;
            else
                y[k] = log ? d - std::log(s) : std::exp(d) / s;
        }
    }
    return y;
}

// log(sum(exp(x))) of each row (outer x inner values), with PyTorch's
// special rows: NaN anywhere NaN, else +inf anywhere +inf, all -inf -inf.
inline std::vector<double> reference_logsumexp(const std::vector<float>& x, std::size_t outer,
                                               std::size_t axis, std::size_t inner) {
    std::vector<double> y;
    for (const row_index r : rows_of(outer, axis, inner)) {
        const row_reference st = reference_stats(x.data(), r, axis);
        y.push_back(st.nan ? NAN : std::isinf(st.max) ? st.max : st.max + std::log(st.sum));
    }
    return y;
}

}  // namespace nonlin_test
