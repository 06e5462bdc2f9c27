// The statistics of one softmax row, max and sum of exp(x - max), how the
// statistics of consecutive parts of a row merge, and the row length above
// which the C layer works part by part. Shared by the kernels (blocks of a
// row) and the C layer (a long row split over threads).
//
// The functions are static: every translation unit, whatever ISA flags it
// is compiled with, gets its own copy, so none can be merged with another.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>

namespace nonlin {

// Contiguous softmax rows longer than this are not passed to the row
// kernels whole: the C layer computes their statistics part by part
// (row_stats), merges them in order, and applies them part by part.
constexpr std::size_t kLongRow = std::size_t{1} << 16;

struct row_stats {
    float max;
    double sum;  // of exp(x - max), in double
    // The sum without the terms at the maximum (each exactly 1), computed
    // only for a confident row, else negative: see log_of_sum.
    double rest = -1.0;
};

// A row whose maximum is unique and holds all but 2^-10 of the sum. Its
// log(sum) = log1p(rest) is tiny, and 1 + rest rounded to double loses
// rest entirely below 2^-53: the log forms then need rest on its own.
static inline bool confident(double sum) { return sum < 1.0 + 0x1p-10; }

// log(sum), relatively accurate even where sum is near 1.
static inline double log_of_sum(const row_stats& s) {
    return s.rest >= 0.0 ? std::log1p(s.rest) : std::log(s.sum);
}

// A softmax backward row's (or part's) sums: of y dy for softmax, of dy for
// log_softmax, in double; and softmax's largest |dy|. Parts merge in order.
struct backward_sums {
    double sum;
    float dy_max;
};

static inline void merge_backward_sums(backward_sums& a, const backward_sums& b) {
    a.sum += b.sum;
    a.dy_max = b.dy_max > a.dy_max ? b.dy_max : a.dy_max;
}

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
