// Fused cross-entropy over rows of logits: log-sum-exp, NLL and the
// gradient in one pass per row (two reads of the row, one write).
#pragma once

#include "softmax.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace ops {

// x_t's term in the sum of contiguous_stats(x, n), computed the same way
// (strict_exps::sum_parts, hi + lo), so that the sum minus it is the sum of
// the other terms to double precision (and the low sum's float rounding,
// 2^-40 of the sum at most).
inline double sum_term_of(float x, float m) {
    alignas(64) float hi[kWidth], lo[kWidth];
    vfloat lo_v;
    store(hi, strict_exps::sum_parts(splat(x), splat(m), &lo_v));
    store(lo, lo_v);
    return static_cast<double>(hi[0]) + lo[0];
}

template <class T>
double row_term(const T* x, std::size_t n, std::size_t t, float row_max) {
    if (n <= kBlock) return sum_term_of(element_at(x, t), row_max);
    const std::size_t b = t / kBlock * kBlock;
    const contiguous_row block{n - b < kBlock ? n - b : kBlock};
    const float block_max = reduce_max(max_pass(block, x + b));
    if (block_max == kNegInf) return 0.0;  // the block was left out of the sum
    return sum_term_of(element_at(x, t), block_max) *
           std::exp(static_cast<double>(block_max) - row_max);
}

// What one row contributes: its loss, and where its gradient goes; T is
// the logits' and the gradient's type (float or 16-bit).
template <class T>
struct ce_row {
    const T* x;
    T* g;            // null: no gradient
    std::size_t t;   // the target class
};

// The loss of a row from its statistics and the target's term in their sum;
// writes the gradient when asked. x is read before g is written (g may be x).
// st.rest is filled in for a confident row: then log_of_sum is accurate
// where the loss is tiny, and so is 1 - p_t at a target at the maximum.
// terms, when not null, holds the row's exp terms exp_shifted(x, max) as
// the gradient pass would compute them (vector by vector), which it then
// reads instead.
template <class T>
double finish_ce_row(const ce_row<T>& row, std::size_t classes, row_stats st,
                     double target_term, double grad_scale, const float* terms = nullptr) {
    const float x_t = element_at(row.x, row.t);
    const double loss = log_of_sum(st) - (static_cast<double>(x_t) - st.max);
    if (row.g) {
        const vfloat m = splat(st.max);
        const vfloat scale = splat(static_cast<float>(grad_scale / st.sum));
        contiguous_row{classes}.for_each([&](std::size_t off, std::size_t k) {
            const vfloat e = terms ? load(terms + off)
                                   : exp_shifted(load_n(row.x + off, k, kNegInf), m);
            store_n(row.g + off, k, e * scale);
        });
        // p_t - 1 = -(sum of the other terms) / sum: the float p_t would
        // cancel when it is near 1, and so would sum - 1 in double.
        const double others = st.rest >= 0.0 && x_t == st.max ? st.rest : st.sum - target_term;
        set_element(row.g, row.t, static_cast<float>(-grad_scale * (others / st.sum)));
    }
    return loss;
}

// G rows of V vectors each at most, interleaved so that their latency
// chains overlap; the statistics are those of contiguous_stats but that
// each term is the 1-ulp exp_shifted, computed once for the sum, the
// target's term and the gradient.
template <std::size_t G, std::size_t V, class T>
void short_ce_rows(std::size_t classes, const ce_row<T>* rows, double grad_scale, double* loss) {
    vfloat v[G][V];
    row_stats st[G];
    for (std::size_t i = 0; i < G; ++i) {
        vfloat top = splat(kNegInf);
        for (std::size_t j = 0; j < V; ++j) {
            v[i][j] = load_n(rows[i].x + j * kWidth, lanes_of_vector(classes, j), kNegInf);
            top = max(top, v[i][j]);
        }
        st[i].max = reduce_max(top);
    }
    alignas(64) float terms[G][V * kWidth];
    for (std::size_t i = 0; i < G; ++i) {
        const vfloat m = splat(st[i].max);
        lane_sum sum;
        for (std::size_t j = 0; j < V; ++j) {
            const vfloat e = exp_shifted(v[i][j], m);
            store(terms[i] + j * kWidth, e);
            sum.add(e);
        }
        st[i].sum = sum.total();
        if (confident(st[i].sum)) {  // the terms below the maximum alone
            lane_sum rest;
            for (std::size_t j = 0; j < V; ++j)
                rest.add(select(v[i][j] == m, splat(0.0f), load(terms[i] + j * kWidth)));
            st[i].rest = rest.total();
        }
    }
    for (std::size_t i = 0; i < G; ++i)
        loss[i] = finish_ce_row(rows[i], classes, st[i], terms[i][rows[i].t], grad_scale, terms[i]);
}

template <std::size_t G, class T>
void short_ce_rows(std::size_t classes, const ce_row<T>* rows, double grad_scale, double* loss) {
    if (classes <= kWidth)
        short_ce_rows<G, 1>(classes, rows, grad_scale, loss);
    else
        short_ce_rows<G, 2>(classes, rows, grad_scale, loss);
}

// Rows [0, rows) of a rows x classes block. Targets have been validated:
// each is in [0, classes) or equals ignore_index. Writes the per-row loss to
// row_loss when it is not null, the gradient (times grad_scale) to dlogits
// when it is not null, and returns the sum of the losses of the rows that
// are not ignored, in row order. The losses are float for every T.
template <class T>
double cross_entropy(std::size_t rows, std::size_t classes, const T* logits,
                     const int64_t* target, float* row_loss, T* dlogits, int64_t ignore_index,
                     double grad_scale) {
    constexpr std::size_t kGroup = 4;
    double total = 0.0;
    ce_row<T> group[kGroup];
    std::size_t group_rows[kGroup];
    std::size_t grouped = 0;
    auto record = [&](std::size_t r, double loss) {
        total += loss;
        if (row_loss) write_at(row_loss, r, static_cast<float>(loss));
    };
    for (std::size_t r = 0; r < rows; ++r) {
        const int64_t t = read_at(target, r);
        const ce_row<T> row{logits + r * classes, dlogits ? dlogits + r * classes : nullptr,
                            static_cast<std::size_t>(t)};
        if (t == ignore_index) {
            if (row_loss) write_at(row_loss, r, 0.0f);
            if (row.g) std::memset(row.g, 0, classes * sizeof(T));  // +0 in every type
        } else if (classes <= 2 * kWidth) {
            group[grouped] = row;
            group_rows[grouped++] = r;
            if (grouped == kGroup) {
                double loss[kGroup];
                short_ce_rows<kGroup>(classes, group, grad_scale, loss);
                for (std::size_t i = 0; i < kGroup; ++i) record(group_rows[i], loss[i]);
                grouped = 0;
            }
        } else {
            const row_stats st = with_rest(row.x, classes, contiguous_stats(row.x, classes));
            record(r, finish_ce_row(row, classes, st, row_term(row.x, classes, row.t, st.max),
                                    grad_scale));
        }
    }
    for (std::size_t i = 0; i < grouped; ++i) {  // the last short rows, in order
        double loss;
        short_ce_rows<1>(classes, &group[i], grad_scale, &loss);
        record(group_rows[i], loss);
    }
    return total;
}

}  // namespace ops
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
