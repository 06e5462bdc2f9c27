// The shapes the row-function tests run on, and the error measure of a
// softmax or log_softmax output.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "support.hpp"

namespace nonlin_test {

struct shape {
    std::size_t outer, axis, inner;
};

// Row lengths around the vector widths (one and two vectors of every ISA
// take the short-row path), the 2048-element block and the 32000-class
// vocabulary; strided shapes with inner below, at and above a vector.
inline const shape kShapes[] = {
    {7, 1, 1},     {5, 2, 1},    {9, 6, 1},    {9, 10, 1},   {3, 15, 1},   {3, 16, 1},
    {3, 17, 1},    {4, 100, 1},  {2, 1000, 1}, {2, 2047, 1}, {2, 2048, 1}, {2, 2049, 1},
    {2, 5000, 1},  {2, 32000, 1}, {3, 7, 3},   {2, 33, 16},  {2, 10, 17},  {1, 128, 40},
    {2, 1, 5},
};

inline std::size_t total(const shape& s) { return s.outer * s.axis * s.inner; }

// Largest error of y against the double reference: in ulps of each element
// for softmax, in ulps of max(|y|, 1) for log_softmax.
// In the fast tier a softmax output below FLT_MIN may be flushed to 0.
inline double max_error(const std::vector<float>& y, const std::vector<double>& ref, bool log,
                        bool fast = false) {
    double worst = 0.0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        const double e = log ? scaled_error(y[i], ref[i], std::max(std::fabs(ref[i]), 1.0))
                             : tier_ulp_error(y[i], ref[i], fast);
        worst = std::max(worst, e);
    }
    return worst;
}

}  // namespace nonlin_test
