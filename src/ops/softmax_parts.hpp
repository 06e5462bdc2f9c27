// A contiguous softmax row, or a part of one, through its statistics: the
// max and sum of exp(x - max), computed block by block, and the output
// passes that apply them (for softmax, the exp terms of a part and the
// factor that scales them). The C layer runs rows longer than kLongRow
// (row_stats.hpp) through these part by part, over threads; log_softmax and
// cross_entropy use them for whole rows.
//
// Rows longer than kBlock are summed in L1-sized blocks, each with its own
// maximum, and the blocks are merged in double (the online softmax of
// Milakov and Gimelshein, 2018, at block granularity): two reads of the
// row instead of three.
#pragma once

#include <cmath>

#include "softmax_passes.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace ops {

constexpr std::size_t kBlock = 2048;  // floats per block of a long row (8 KiB)

// The statistics of a contiguous row with `rest` filled in when the row
// is confident (one more pass over such rows only).
template <class Exps = strict_exps, class T>
row_stats with_rest(const T* x, std::size_t n, row_stats st) {
    if (Exps::keeps_rest && confident(st.sum)) st.rest = rest_pass(contiguous_row{n}, x, splat(st.max)).total();
    return st;
}

template <class T>
double contiguous_rest(const T* x, std::size_t n, float max) {
    return rest_pass(contiguous_row{n}, x, splat(max)).total();
}

// Max and sum of exp(x - max) of at most kBlock contiguous elements. The
// maximum drops NaNs, so elements of only -inf and NaN look empty: they
// are searched for a NaN before being given a sum of 0.
template <class Exps, class T>
row_stats block_stats(const T* x, std::size_t n) {
    const contiguous_row block{n};
    const vfloat m = max_pass(block, x);
    const float block_max = reduce_max(m);
    if (block_max == kNegInf)  // exp would see -inf - -inf
        return has_nan(block, x) ? nan_row_stats() : row_stats{kNegInf, 0.0};
    return {block_max, exp_sum_pass<false>(block, x, m, nullptr, plain_terms<Exps>{}).total()};
}

// Max and sum of exp(x - max) of a contiguous row (or part of one) of any
// length: in one pass for short rows, block by block (each block read twice
// from L1) for longer ones. The sum's terms are Exps::sum_term.
template <class T, class Exps = strict_exps>
row_stats contiguous_stats(const T* x, std::size_t n) {
    if (n <= kBlock) return finish_row_stats(block_stats<Exps>(x, n));
    row_stats st = empty_row_stats();
    for (std::size_t b = 0; b < n; b += kBlock)
        merge_row_stats(st, block_stats<Exps>(x + b, n - b < kBlock ? n - b : kBlock));
    return finish_row_stats(st);
}

// A part of a long softmax row, in one exp per element: y = exp(x - the
// part's maximum), and the part's statistics. scale_part later multiplies
// y by exp(part max - row max) / sum, rounded once to float: the output is
// then e * factor with one rounding each, as e * (1 / sum) is for a short
// row (exp_difference's bound analysis), and where the factor is subnormal
// its absolute error (at most 2^-150, times e <= 1) is half an ulp of the
// subnormal output. y may be x.
template <class Exps>
row_stats softmax_exp_part(const float* x, std::size_t n, float* y) {
    const contiguous_row part{n};
    const vfloat m = max_pass(part, x);
    const float part_max = reduce_max(m);
    if (part_max == kNegInf) {  // exp would see -inf - -inf
        const row_stats st = has_nan(part, x) ? nan_row_stats() : row_stats{kNegInf, 0.0};
        part.for_each([&](std::size_t off, std::size_t k) { store_n(y + off, k, splat(0.0f)); });
        return st;
    }
    return {part_max, exp_sum_pass<true>(part, x, m, y, softmax_output_terms<Exps>{}).total()};
}

inline void scale_part(std::size_t n, float* y, float factor) {
    const vfloat f = splat(factor);
    contiguous_row{n}.for_each([&](std::size_t off, std::size_t k) {
        store_n(y + off, k, load_n(y + off, k, 0.0f) * f);
    });
}

// The output pass of a contiguous softmax row (or a part of one) from the
// whole row's statistics, for the 16-bit types: y = exp(x - max) * (1 /
// sum), each output one exp and one product as in softmax_one, rounded
// once to T (the float path's softmax_exp_part stores its exp terms in y,
// which a 16-bit y would round twice). A row without a softmax (NaN
// statistics, or a +inf maximum) gives NaN throughout.
template <class T, class Exps>
void softmax_apply(std::size_t n, const T* x, T* y, row_stats st) {
    const bool defined = std::isfinite(st.max) && std::isfinite(st.sum);
    const vfloat m = splat(st.max), r = splat(defined ? reciprocal(st.sum) : std::numeric_limits<float>::quiet_NaN());
    contiguous_row{n}.for_each([&](std::size_t off, std::size_t k) {
        store_n(y + off, k, Exps::output_term(load_n(x + off, k, kNegInf), m) * r);
    });
}

// The output pass of a contiguous log_softmax row (or a part of one) from
// its statistics; st.rest is filled in for a confident row (with_rest).
template <class T, class Exps = strict_exps>
void log_softmax_apply(std::size_t n, const T* x, T* y, row_stats st) {
    const vfloat m = splat(st.max), log_sum = splat(static_cast<float>(log_of_sum(st)));
    contiguous_row{n}.for_each([&](std::size_t off, std::size_t k) {
        store_n(y + off, k, log_output(load_n(x + off, k, 0.0f), m, log_sum));
    });
}

}  // namespace ops
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
