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
    return {m, s};
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

}  // namespace nonlin_test
