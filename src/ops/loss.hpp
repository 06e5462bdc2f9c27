// Fused cross-entropy over rows of logits: log-sum-exp, NLL and the
// gradient in one pass per row (two reads of the row, one write).
#pragma once

#include "softmax.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace ops {

// x_t's term in the sum of contiguous_stats(x, n), computed the same way, so
// that the sum minus it is the sum of the other terms to double precision.
inline double row_term(const float* x, std::size_t n, std::size_t t, float row_max) {
    alignas(64) float term[kWidth];
    if (n <= kBlock) {
        store(term, exp_shifted(splat(x[t]), splat(row_max)));
        return term[0];
    }
    const std::size_t b = t / kBlock * kBlock;
    const contiguous_row block{n - b < kBlock ? n - b : kBlock};
    const float block_max = reduce_max(max_pass(block, x + b));
    if (block_max == kNegInf) return 0.0;  // the block was left out of the sum
    store(term, exp_shifted(splat(x[t]), splat(block_max)));
    return term[0] * std::exp(static_cast<double>(block_max) - row_max);
}

// Rows [0, rows) of a rows x classes block. Targets have been validated:
// each is in [0, classes) or equals ignore_index. Writes the per-row loss to
// row_loss when it is not null, the gradient (times grad_scale) to dlogits
// when it is not null, and returns the sum of the losses of the rows that
// are not ignored, in row order.
inline double cross_entropy(std::size_t rows, std::size_t classes, const float* logits,
                            const int64_t* target, float* row_loss, float* dlogits,
                            int64_t ignore_index, double grad_scale) {
    double total = 0.0;
    for (std::size_t r = 0; r < rows; ++r) {
        const float* x = logits + r * classes;
        float* g = dlogits ? dlogits + r * classes : nullptr;
        if (target[r] == ignore_index) {
            if (row_loss) row_loss[r] = 0.0f;
            if (g) std::memset(g, 0, classes * sizeof(float));
            continue;
        }
        const std::size_t t = static_cast<std::size_t>(target[r]);
        const row_stats st = contiguous_stats(x, classes);
        // Read before the gradient pass, which may overwrite x (g == x).
        const double x_t = x[t];
        const double target_term = row_term(x, classes, t, st.max);
        const double shifted_t = x_t - st.max;  // exact in double
        const double loss = std::log(st.sum) - shifted_t;
        total += loss;
        if (row_loss) row_loss[r] = static_cast<float>(loss);
        if (!g) continue;
        const vfloat m = splat(st.max);
        const vfloat scale = splat(static_cast<float>(grad_scale / st.sum));
        contiguous_row{classes}.for_each([&](std::size_t off, std::size_t k) {
            store_n(g + off, k, exp_shifted(load_n(x + off, k, kNegInf), m) * scale);
        });
        // p_t - 1 = -(sum of the other terms) / sum: the float p_t would
        // cancel when it is near 1.
        g[t] = static_cast<float>(-grad_scale * ((st.sum - target_term) / st.sum));
    }
    return total;
}

}  // namespace ops
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
