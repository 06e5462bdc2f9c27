// Steps a fused-loss log_softmax model through a data set and, at every
// step, computes the same step with the unfused path (log_softmax, NLL and
// their backward calls) from the same parameters. Returns the largest
// relative difference seen in the loss and in the gradient (relative to
// the largest gradient entry of the tensor).
#pragma once

#include <algorithm>
#include <cmath>

#include "model.h"
#include "params.h"
#include "train.h"

namespace testutil {

struct FusedAgreement {
    double loss_rel = 0, grad_rel = 0;
    std::size_t steps = 0;
};

inline FusedAgreement fused_vs_unfused(const trainer::Dataset& data, std::size_t batch, float lr) {
    using namespace trainer;
    ModelSpec fused_spec;
    ModelSpec unfused_spec;
    unfused_spec.fused = false;
    Model fused(fused_spec), unfused(unfused_spec);
    init_params(fused.params(), 0);
    Params g_fused = make_params(0), g_unfused = make_params(0);
    FusedAgreement a;
    for (std::size_t begin = 0; begin < data.train.count; begin += batch) {
        const std::size_t rows = std::min(batch, data.train.count - begin);
        const float* x = data.train.x.data() + begin * kPixels;
        const std::int64_t* y = data.train.y.data() + begin;
        unfused.params() = fused.params();
        const double lf = fused.loss_and_gradient(rows, x, y, g_fused);
        const double lu = unfused.loss_and_gradient(rows, x, y, g_unfused);
        a.loss_rel = std::max(a.loss_rel, std::abs(lf - lu) / std::abs(lu));
        for (std::size_t t = 0; t < g_fused.tensors.size(); ++t) {
            const auto& gf = g_fused.tensors[t].v;
            const auto& gu = g_unfused.tensors[t].v;
            double scale = 0, diff = 0;
            for (std::size_t i = 0; i < gf.size(); ++i) {
                scale = std::max(scale, std::abs(static_cast<double>(gu[i])));
                diff = std::max(diff, std::abs(static_cast<double>(gf[i]) - gu[i]));
            }
            a.grad_rel = std::max(a.grad_rel, diff / scale);
        }
        fused.sgd_step(g_fused, lr);
        ++a.steps;
    }
    return a;
}

}  // namespace testutil
