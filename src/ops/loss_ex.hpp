// Cross-entropy against a weighted, smoothed target distribution (class
// indices or probabilities, class axis strided or not) and binary
// cross-entropy on logits: the kernels of capi/loss_ex.cpp.
#pragma once

#include <cmath>

#include "../math/sigmoid.hpp"
#include "../math/softplus.hpp"
#include "loss_ex_args.hpp"
#include "softmax_parts.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace ops {

// The statistics of a row read with a stride, as contiguous_stats gives
// them (with `rest` for a confident row), its terms by exp_shifted (1 ulp),
// where contiguous_stats sums hi + lo (within 0.8 u).
inline row_stats strided_stats(const float* x, std::size_t n, std::size_t stride) {
    float m = kNegInf;
    bool nan = false;
    for (std::size_t c = 0; c < n; ++c) {
        const float v = read_at(x, c * stride);
        nan = nan || v != v;
        m = v > m ? v : m;
    }
    if (nan) return nan_row_stats();
    if (m == kNegInf) return finish_row_stats(row_stats{kNegInf, 0.0});
    alignas(64) float terms[kWidth];
    double sum = 0.0, rest = 0.0;
    for (std::size_t c = 0; c < n; ++c) {
        const float v = read_at(x, c * stride);
        store(terms, exp_shifted(splat(v), splat(m)));
        sum += terms[0];
        if (v != m) rest += terms[0];
    }
    row_stats st{m, sum};
    if (confident(sum)) st.rest = rest;
    return st;
}

// One row of classes logits x (stride apart) against the target q:
// loss = -sum_c w_c q_c log p_c = S log(sum) + sum_c w_c q_c (max - x_c),
// S = sum_c w_c q_c, both parts non-negative for non-negative w and q. The
// gradient, times grad_scale, is p_j S - w_j q_j, written as
// w_j q_j (p_j - 1) + p_j (S - w_j q_j) so that p_j - 1 at the maximum comes
// from the other terms and does not cancel. Terms with w_c q_c = 0 are left
// out (0 log 0 = 0: a -inf logit with no target mass adds nothing).
inline double soft_ce_row(const soft_ce_args& a, const float* x, const float* probs,
                          std::size_t index, float* g) {
    const std::size_t n = a.classes, stride = a.stride;
    const row_stats st =
        stride == 1 ? with_rest(x, n, contiguous_stats(x, n)) : strided_stats(x, n, stride);
    auto wq = [&](std::size_t c) {
        const double t = probs ? read_at(probs, c * stride) : (c == index ? 1.0 : 0.0);
        const double w = a.weight ? read_at(a.weight, c) : 1.0;
        return w * (a.keep * t + a.spread);
    };
    // One-hot targets without smoothing: only the target's term.
    const bool sparse = !probs && a.spread == 0.0;
    double s = 0.0, shifted = 0.0;
    for (std::size_t c = sparse ? index : 0; c < (sparse ? index + 1 : n); ++c) {
        const double k = wq(c);
        if (k == 0.0) continue;
        s += k;
        shifted += k * (static_cast<double>(st.max) - read_at(x, c * stride));
    }
    const double loss = s * log_of_sum(st) + shifted;
    if (!g) return loss;
    const double others_at_max = st.rest >= 0.0 ? st.rest : st.sum - 1.0;
    alignas(64) float xs[kWidth], es[kWidth];
    for (std::size_t c0 = 0; c0 < n; c0 += kWidth) {
        const std::size_t k = n - c0 < kWidth ? n - c0 : kWidth;
        for (std::size_t i = 0; i < k; ++i) xs[i] = read_at(x, (c0 + i) * stride);
        store(es, exp_shifted(load_n(xs, k, kNegInf), splat(st.max)));
        for (std::size_t i = 0; i < k; ++i) {
            const std::size_t c = c0 + i;
            const double p = es[i] / st.sum;
            const double kc = (sparse && c != index) ? 0.0 : wq(c);
            double d = p * s;
            if (kc != 0.0) {
                const double p_minus_1 = xs[i] == st.max ? -others_at_max / st.sum : p - 1.0;
                d = kc * p_minus_1 + p * (s - kc);
            }
            write_at(g, c * stride, static_cast<float>(a.grad_scale * d));
        }
    }
    return loss;
}

// Positions [pb, pe) of outer x inner (position o * inner + i has its row at
// o * classes * inner + i). Index targets have been validated; an ignored
// one gives loss 0 and gradient 0. Writes per-position losses to row_loss
// and gradients to dlogits when they are not null; returns the sum of the
// losses of the positions that are not ignored, in order.
inline double cross_entropy_soft(const soft_ce_args& a, std::size_t pb, std::size_t pe,
                                 const float* logits, const int64_t* target, const float* probs,
                                 float* row_loss, float* dlogits) {
    double total = 0.0;
    for (std::size_t p = pb; p < pe; ++p) {
        const std::size_t o = p / a.stride, i = p % a.stride;
        const std::size_t base = o * a.classes * a.stride + i;
        float* g = dlogits ? dlogits + base : nullptr;
        std::size_t index = 0;
        if (target) {
            const int64_t t = read_at(target, p);
            if (t == a.ignore_index) {
                if (row_loss) write_at(row_loss, p, 0.0f);
                if (g)
                    for (std::size_t c = 0; c < a.classes; ++c) write_at(g, c * a.stride, 0.0f);
                continue;
            }
            index = static_cast<std::size_t>(t);
        }
        const double loss = soft_ce_row(a, logits + base, probs ? probs + base : nullptr, index, g);
        total += loss;
        if (row_loss) write_at(row_loss, p, static_cast<float>(loss));
    }
    return total;
}

// Elements [0, n) of a rows x classes block starting at class c0 of a row.
// With l = log1p(exp(-|x|)) and lw = 1 + (pw - 1) t:
//   loss = w (max(x, 0) (1 - t) - min(x, 0) pw t + lw l),
//   dloss/dx = w ((x >= 0) (1 - t) - (x < 0) pw t + sign lw sigmoid(-|x|)),
// sign = -1 for x >= 0 and +1 below: softplus(-x) split at 0 so that
// neither part overflows or cancels for t in [0, 1] and pw >= 0. l and
// sigmoid(-|x|) come from math/ in float (with l's low part); the rest is
// carried in double and rounded once. Returns the sum of the losses.
inline double bce_with_logits(const bce_args& a, std::size_t rows, const float* x, const float* t,
                              float* loss, float* g) {
    const std::size_t n = a.classes;
    lane_sum total;
    alignas(64) float ws[kWidth], pws[kWidth];
    for (std::size_t r = 0; r < rows; ++r) {
        contiguous_row{n}.for_each([&](std::size_t off, std::size_t k) {
            const std::size_t at = r * n + off;
            for (std::size_t i = 0; i < k; ++i) {
                ws[i] = a.weight ? read_at(a.weight, off + i) : 1.0f;
                pws[i] = a.pos_weight ? read_at(a.pos_weight, off + i) : 1.0f;
            }
            const vfloat v = load_n(x + at, k, 0.0f), tv = load_n(t + at, k, 0.0f);
            const vfloat w = load_n(ws, k, 0.0f), pw = load_n(pws, k, 1.0f);
            const vfloat z = -abs(v);
            vfloat l_lo;
            const vfloat l = math::softplus_parts(z, splat(0.0f), &l_lo);
            const vfloat sg = math::sigmoid(z);
            const vmask neg = v < splat(0.0f);
            const vfloat pos_part = select(neg, splat(0.0f), v),
                         neg_part = select(neg, v, splat(0.0f));
            const vfloat on_pos = select(neg, splat(0.0f), splat(1.0f));
            const vfloat sign = select(neg, splat(1.0f), splat(-1.0f));
            auto half = [&](auto wd, auto td, auto pwd, auto xp, auto xn, auto ld, auto lld,
                            auto sgd, auto op, auto sd, auto& lout, auto& gout) {
                const auto pwt = pwd * td;
                const auto lw = pwt - td + 1.0;
                lout = wd * (xp * (1.0 - td) - xn * pwt + lw * (ld + lld));
                gout = wd * (op * (1.0 - td) - (1.0 - op) * pwt + sd * lw * sgd) * a.grad_scale;
            };
            vdouble lo_loss, hi_loss = vdouble(0.0), lo_g, hi_g = vdouble(0.0);
            half(widen_lo(w), widen_lo(tv), widen_lo(pw), widen_lo(pos_part), widen_lo(neg_part),
                 widen_lo(l), widen_lo(l_lo), widen_lo(sg), widen_lo(on_pos), widen_lo(sign),
                 lo_loss, lo_g);
            if (kWidth > 1)
                half(widen_hi(w), widen_hi(tv), widen_hi(pw), widen_hi(pos_part),
                     widen_hi(neg_part), widen_hi(l), widen_hi(l_lo), widen_hi(sg),
                     widen_hi(on_pos), widen_hi(sign), hi_loss, hi_g);
            const vfloat lf = narrow(lo_loss, hi_loss);
            // The double losses are summed, not the rounded floats (padding
            // lanes have w = 0 and add nothing).
            total.lo = total.lo + lo_loss;
            if (kWidth > 1) total.hi = total.hi + hi_loss;
            if (loss) store_n(loss + at, k, lf);
            if (g) store_n(g + at, k, narrow(lo_g, hi_g));
        });
    }
    return total.total();
}

}  // namespace ops
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
