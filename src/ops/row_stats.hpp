// The statistics of one softmax row, max and sum of exp(x - max), and how
// the statistics of consecutive parts of a row merge. Shared by the kernels
// (blocks of a row) and the C layer (a long row split over threads).
//
// The functions are static: every translation unit, whatever ISA flags it
// is compiled with, gets its own copy, so none can be merged with another.
#pragma once

#include <cmath>
#include <limits>

namespace nonlin {

struct row_stats {
    float max;
    double sum;  // of exp(x - max), in double
};

static inline row_stats empty_row_stats() {
    return {-std::numeric_limits<float>::infinity(), 0.0};
}

// The statistics of a row holding a NaN: every output computed from them is
// NaN, and merging them into others makes those NaN.
static inline row_stats nan_row_stats() {
    return {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
}

// Folds the statistics of the next part of a row into those of the parts
// before it. A part of all -inf adds exactly nothing; a NaN maximum (or a
// NaN sum) makes the sum NaN.
static inline void merge_row_stats(row_stats& into, row_stats part) {
    if (part.max == -std::numeric_limits<float>::infinity()) return;
    if (part.max > into.max) {
        into.sum = into.sum * std::exp(static_cast<double>(into.max) - part.max) + part.sum;
        into.max = part.max;
    } else {
        into.sum += part.sum * std::exp(static_cast<double>(part.max) - into.max);
    }
}

// A row of all -inf has no softmax: its sum becomes NaN, and so does every
// output computed from it.
static inline row_stats finish_row_stats(row_stats s) {
    if (s.max == -std::numeric_limits<float>::infinity())
        s.sum = std::numeric_limits<double>::quiet_NaN();
    return s;
}

}  // namespace nonlin
