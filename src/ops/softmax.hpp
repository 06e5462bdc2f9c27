// The softmax family along one axis of an outer x axis x inner tensor.
//
// Each algorithm is written once over a traversal:
// - contiguous_row (inner == 1): the lanes of a vector hold consecutive
//   elements of one row, so per-row statistics are reduced across lanes;
// - strided_columns (inner > 1): the lanes hold kWidth neighbouring rows
//   (columns of the inner dimension), each row read with stride inner, so
//   every statistic stays per lane.
//
// Accuracy choices, shared by all kernels here:
// - x - max is computed together with its rounding error (two_diff,
//   src/math/eft.hpp), and the error is fed into exp's reduced argument:
//   for |x - max| in [8, 16) the rounding alone would cost up to 8 ulp of
//   the result;
// - sums of exp terms and dot products are accumulated in double (float to
//   double is exact, and so is a product of two floats in double), so the
//   bound does not grow with the row length;
// - rows longer than kBlock are summed in L1-sized blocks, each with its own
//   maximum, and the blocks are merged in double (the online softmax of
//   Milakov and Gimelshein, 2018, at block granularity): two reads of the
//   row instead of three.
#pragma once

#include <cmath>
#include <limits>

#include "../math/exp.hpp"
#include "row_stats.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace ops {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();
constexpr std::size_t kBlock = 2048;  // floats per block of a long row (8 KiB)
// Contiguous rows up to kLongRow (row_stats.hpp; 256 KiB, within L2) run
// softmax in three passes with one exp per element; the C layer splits
// longer ones over threads through contiguous_stats and the *_apply passes.
// Rows of at most one vector are processed this many at a time, so that
// their latency chains (reduce, exp, reduce, divide) overlap.
constexpr std::size_t kShortRowGroup = 4;

// exp(x - m), with the subtraction's rounding error folded into exp.
inline vfloat exp_shifted(vfloat x, vfloat m) {
    vfloat err;
    const vfloat d = two_diff(x, m, err);
    return math::exp_with_tail(d, err);
}

// (x - m) - c with the subtraction's rounding error kept: log_softmax output.
inline vfloat log_shifted(vfloat x, vfloat m, vfloat c) {
    vfloat err;
    const vfloat d = two_diff(x, m, err);
    return d + (err - c);
}

// Per-lane double accumulator for kWidth float lanes.
struct lane_sum {
    vdouble lo = vdouble(0.0), hi = vdouble(0.0);
    void add(vfloat v) { accumulate(lo, hi, v); }
    void add_product(vfloat a, vfloat b) {
        lo = fmadd(widen_lo(a), widen_lo(b), lo);
        if (kWidth > 1) hi = fmadd(widen_hi(a), widen_hi(b), hi);
    }
    double total() const { return reduce_add(lo) + (kWidth > 1 ? reduce_add(hi) : 0.0); }
    // The per-lane sums, lane i of the float vector it was fed.
    void lanes(double* out) const {
        store(out, lo);
        if (kWidth > 1) store(out + kDoubleWidth, hi);
    }
};

// One row of n contiguous elements.
struct contiguous_row {
    std::size_t n;

    // Two full vectors per iteration: one basic block holds two independent
    // chains for the compiler's scheduler to interleave.
    template <class F>
    void for_each(F&& f) const {
        std::size_t i = 0;
        for (; i + 2 * kWidth <= n; i += 2 * kWidth) {
            f(i, kWidth);
            f(i + kWidth, kWidth);
        }
        for (; i < n; i += kWidth) f(i, n - i < kWidth ? n - i : kWidth);
    }
    vfloat finish_max(vfloat m) const { return splat(reduce_max(m)); }
    // The row's sum, in every lane.
    lane_sum finish_exact(const lane_sum& s) const {
        lane_sum all;
        all.lo = all.hi = vdouble(s.total());
        return all;
    }
    // Applies f (double -> float) to the row's sum, for every lane.
    template <class F>
    vfloat finish_sum(const lane_sum& s, F&& f) const {
        return splat(f(s.total()));
    }
    // The same for two sums of the row: f(a, b).
    template <class F>
    vfloat finish_sums(const lane_sum& a, const lane_sum& b, F&& f) const {
        return splat(f(a.total(), b.total()));
    }
    template <class P>
    bool any_lane(const lane_sum& s, P&& p) const {
        return p(s.total());
    }
};

// kWidth (or fewer, `lanes`) rows of `axis` elements with stride `inner`.
struct strided_columns {
    std::size_t axis, inner, lanes;

    template <class F>
    void for_each(F&& f) const {
        for (std::size_t a = 0; a < axis; ++a) f(a * inner, lanes);
    }
    vfloat finish_max(vfloat m) const { return m; }
    lane_sum finish_exact(const lane_sum& s) const { return s; }
    template <class F>
    vfloat finish_sum(const lane_sum& s, F&& f) const {
        return finish_sums(s, s, [&f](double a, double) { return f(a); });
    }
    template <class F>
    vfloat finish_sums(const lane_sum& a, const lane_sum& b, F&& f) const {
        alignas(64) double as[kWidth], bs[kWidth];
        alignas(64) float out[kWidth];
        a.lanes(as);
        b.lanes(bs);
        for (std::size_t i = 0; i < kWidth; ++i) out[i] = f(as[i], bs[i]);
        return load(out);
    }
    template <class P>
    bool any_lane(const lane_sum& s, P&& p) const {
        alignas(64) double sums[kWidth];
        s.lanes(sums);
        for (std::size_t i = 0; i < lanes; ++i)
            if (p(sums[i])) return true;
        return false;
    }
};

template <class Traversal>
vfloat max_pass(const Traversal& t, const float* x) {
    vfloat m = splat(kNegInf);
    // A NaN may be dropped here: it reaches the sum, which makes the row NaN.
    t.for_each([&](std::size_t off, std::size_t k) { m = max(m, load_n(x + off, k, kNegInf)); });
    return t.finish_max(m);
}

// Whether the elements hold a NaN.
template <class Traversal>
bool has_nan(const Traversal& t, const float* x) {
    vmask found = is_nan(splat(0.0f));
    t.for_each([&](std::size_t off, std::size_t k) { found = found | is_nan(load_n(x + off, k, 0.0f)); });
    return any(found);
}

// Sum of exp(x - m); with Store, each term is written to y (y may be x).
template <bool Store, class Traversal>
lane_sum exp_sum_pass(const Traversal& t, const float* x, vfloat m, float* y) {
    lane_sum s;
    t.for_each([&](std::size_t off, std::size_t k) {
        // Padding lanes hold -inf: their term is exactly 0.
        const vfloat e = exp_shifted(load_n(x + off, k, kNegInf), m);
        if (Store) store_n(y + off, k, e);
        s.add(e);
    });
    return s;
}

inline float reciprocal(double s) { return static_cast<float>(1.0 / s); }
inline float logarithm(double s) { return static_cast<float>(std::log(s)); }

// Sum of exp(x - m) over the entries below m: the sum without its terms
// that are exactly 1 (row_stats::rest).
template <class Traversal>
lane_sum rest_pass(const Traversal& t, const float* x, vfloat m) {
    lane_sum s;
    t.for_each([&](std::size_t off, std::size_t k) {
        const vfloat v = load_n(x + off, k, kNegInf);
        s.add(select(v == m, splat(0.0f), exp_shifted(v, m)));
    });
    return s;
}

// The statistics of a contiguous row with `rest` filled in when the row
// is confident (one more pass over such rows only).
inline row_stats with_rest(const float* x, std::size_t n, row_stats st) {
    if (confident(st.sum)) st.rest = rest_pass(contiguous_row{n}, x, splat(st.max)).total();
    return st;
}

inline double contiguous_rest(const float* x, std::size_t n, float max) {
    return rest_pass(contiguous_row{n}, x, splat(max)).total();
}

// log(sum) per lane from its exp sum s, relatively accurate for confident
// rows (row_stats.hpp): their rest is summed in one more pass.
template <class Traversal>
vfloat log_sum_of(const Traversal& t, const float* x, vfloat m, const lane_sum& s) {
    if (!t.any_lane(s, confident)) return t.finish_sum(s, logarithm);
    const lane_sum rest = rest_pass(t, x, m);
    return t.finish_sums(s, rest, [](double sum, double r) {
        return static_cast<float>(log_of_sum({0.0f, sum, confident(sum) ? r : -1.0}));
    });
}

// Max and sum of exp(x - max) of at most kBlock contiguous elements. The
// maximum drops NaNs, so elements of only -inf and NaN look empty: they
// are searched for a NaN before being given a sum of 0.
inline row_stats block_stats(const float* x, std::size_t n) {
    const contiguous_row block{n};
    const vfloat m = max_pass(block, x);
    const float block_max = reduce_max(m);
    if (block_max == kNegInf)  // exp would see -inf - -inf
        return has_nan(block, x) ? nan_row_stats() : row_stats{kNegInf, 0.0};
    return {block_max, exp_sum_pass<false>(block, x, m, nullptr).total()};
}

// Max and sum of exp(x - max) of a contiguous row (or part of one) of any
// length: in one pass for short rows, block by block (each block read twice
// from L1) for longer ones.
inline row_stats contiguous_stats(const float* x, std::size_t n) {
    if (n <= kBlock) return finish_row_stats(block_stats(x, n));
    row_stats st = empty_row_stats();
    for (std::size_t b = 0; b < n; b += kBlock)
        merge_row_stats(st, block_stats(x + b, n - b < kBlock ? n - b : kBlock));
    return finish_row_stats(st);
}

// The output passes of a contiguous row (or a part of one) from its
// statistics: softmax recomputes exp, log_softmax subtracts.
inline void softmax_apply(std::size_t n, const float* x, float* y, row_stats st) {
    const vfloat m = splat(st.max), r = splat(reciprocal(st.sum));
    contiguous_row{n}.for_each([&](std::size_t off, std::size_t k) {
        store_n(y + off, k, exp_shifted(load_n(x + off, k, kNegInf), m) * r);
    });
}

// st.rest is filled in for a confident row (with_rest).
inline void log_softmax_apply(std::size_t n, const float* x, float* y, row_stats st) {
    const vfloat m = splat(st.max), log_sum = splat(static_cast<float>(log_of_sum(st)));
    contiguous_row{n}.for_each([&](std::size_t off, std::size_t k) {
        store_n(y + off, k, log_shifted(load_n(x + off, k, 0.0f), m, log_sum));
    });
}

template <class Traversal>
void softmax_one(const Traversal& t, const float* x, float* y) {
    const vfloat m = max_pass(t, x);
    const lane_sum s = exp_sum_pass<true>(t, x, m, y);
    const vfloat r = t.finish_sum(s, reciprocal);
    t.for_each([&](std::size_t off, std::size_t k) {
        store_n(y + off, k, load_n(y + off, k, 0.0f) * r);
    });
}

template <class Traversal>
void log_softmax_output(const Traversal& t, const float* x, float* y, vfloat m, vfloat log_sum) {
    t.for_each([&](std::size_t off, std::size_t k) {
        store_n(y + off, k, log_shifted(load_n(x + off, k, 0.0f), m, log_sum));
    });
}

template <class Traversal>
void softmax_backward_one(const Traversal& t, const float* y, const float* dy, float* dx) {
    lane_sum dot;
    t.for_each([&](std::size_t off, std::size_t k) {
        dot.add_product(load_n(y + off, k, 0.0f), load_n(dy + off, k, 0.0f));
    });
    // In double: dy - dot neither cancels nor overflows (dy near FLT_MAX),
    // and a zero y gives exactly zero.
    const lane_sum d = t.finish_exact(dot);
    t.for_each([&](std::size_t off, std::size_t k) {
        store_n(dx + off, k,
                in_double(load_n(y + off, k, 0.0f), load_n(dy + off, k, 0.0f), d.lo, d.hi,
                          [](vdouble yv, vdouble dyv, vdouble dv) { return yv * (dyv - dv); }));
    });
}

template <class Traversal>
void log_softmax_backward_one(const Traversal& t, const float* y, const float* dy, float* dx) {
    lane_sum total;
    t.for_each([&](std::size_t off, std::size_t k) { total.add(load_n(dy + off, k, 0.0f)); });
    // In double: the sum of dy may exceed the float range, and exp(y) = 0
    // must give exactly dy.
    const lane_sum s = t.finish_exact(total);
    t.for_each([&](std::size_t off, std::size_t k) {
        store_n(dx + off, k,
                in_double(math::exp(load_n(y + off, k, 0.0f)), load_n(dy + off, k, 0.0f), s.lo,
                          s.hi, [](vdouble e, vdouble dyv, vdouble sv) { return dyv - e * sv; }));
    });
}

// G rows of axis <= kWidth elements each, one vector per row.
template <bool Log, std::size_t G>
void short_row_group(std::size_t axis, const float* x, float* y) {
    vfloat v[G], m[G], e[G];
    double s[G];
    for (std::size_t g = 0; g < G; ++g) {
        v[g] = load_n(x + g * axis, axis, kNegInf);
        m[g] = splat(reduce_max(v[g]));
    }
    for (std::size_t g = 0; g < G; ++g) {
        e[g] = exp_shifted(v[g], m[g]);
        s[g] = reduce_add(widen_lo(e[g]) + (kWidth > 1 ? widen_hi(e[g]) : vdouble(0.0)));
    }
    for (std::size_t g = 0; g < G; ++g) {
        if (Log && confident(s[g])) {  // the terms below the maximum alone
            const vfloat rest = select(v[g] == m[g], splat(0.0f), e[g]);
            s[g] = std::log1p(reduce_add(widen_lo(rest) + (kWidth > 1 ? widen_hi(rest) : vdouble(0.0))));
        } else if (Log) {
            s[g] = std::log(s[g]);
        }
        const vfloat out = Log ? log_shifted(v[g], m[g], splat(static_cast<float>(s[g])))
                               : e[g] * splat(reciprocal(s[g]));
        store_n(y + g * axis, axis, out);
    }
}

template <bool Log>
void short_rows(std::size_t rows, std::size_t axis, const float* x, float* y) {
    std::size_t r = 0;
    for (; r + kShortRowGroup <= rows; r += kShortRowGroup)
        short_row_group<Log, kShortRowGroup>(axis, x + r * axis, y + r * axis);
    for (; r < rows; ++r) short_row_group<Log, 1>(axis, x + r * axis, y + r * axis);
}

// Runs `one_row(traversal, offset)` for every row of `outer` slices of
// axis x inner, restricted to inner columns [ib, ie).
template <class F>
void for_each_row(std::size_t outer, std::size_t axis, std::size_t inner, std::size_t ib,
                  std::size_t ie, F&& one) {
    const std::size_t slice = axis * inner;
    for (std::size_t o = 0; o < outer; ++o) {
        if (inner == 1) {
            one(contiguous_row{axis}, o * slice);
            continue;
        }
        for (std::size_t i = ib; i < ie; i += kWidth) {
            const std::size_t lanes = ie - i < kWidth ? ie - i : kWidth;
            one(strided_columns{axis, inner, lanes}, o * slice + i);
        }
    }
}

// Entry points: the kernel table's signature (see src/isa/kernel_table.hpp).
inline void softmax(std::size_t outer, std::size_t axis, std::size_t inner, std::size_t ib,
                    std::size_t ie, const float* x, float* y) {
    if (inner == 1 && axis <= kWidth) return short_rows<false>(outer, axis, x, y);
    for_each_row(outer, axis, inner, ib, ie, [&](const auto& t, std::size_t off) {
        softmax_one(t, x + off, y + off);
    });
}

inline void log_softmax(std::size_t outer, std::size_t axis, std::size_t inner, std::size_t ib,
                        std::size_t ie, const float* x, float* y) {
    if (inner == 1 && axis <= kWidth) return short_rows<true>(outer, axis, x, y);
    if (inner == 1) {
        for (std::size_t o = 0; o < outer; ++o) {
            const float* row = x + o * axis;
            log_softmax_apply(axis, row, y + o * axis, with_rest(row, axis, contiguous_stats(row, axis)));
        }
        return;
    }
    for_each_row(outer, axis, inner, ib, ie, [&](const auto& t, std::size_t off) {
        const vfloat m = max_pass(t, x + off);
        const vfloat log_sum = log_sum_of(t, x + off, m, exp_sum_pass<false>(t, x + off, m, nullptr));
        log_softmax_output(t, x + off, y + off, m, log_sum);
    });
}

inline void softmax_backward(std::size_t outer, std::size_t axis, std::size_t inner,
                             std::size_t ib, std::size_t ie, const float* y, const float* dy,
                             float* dx) {
    for_each_row(outer, axis, inner, ib, ie, [&](const auto& t, std::size_t off) {
        softmax_backward_one(t, y + off, dy + off, dx + off);
    });
}

inline void log_softmax_backward(std::size_t outer, std::size_t axis, std::size_t inner,
                                 std::size_t ib, std::size_t ie, const float* y,
                                 const float* dy, float* dx) {
    for_each_row(outer, axis, inner, ib, ie, [&](const auto& t, std::size_t off) {
        log_softmax_backward_one(t, y + off, dy + off, dx + off);
    });
}

}  // namespace ops
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
