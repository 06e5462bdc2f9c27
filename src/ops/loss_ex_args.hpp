// The arguments of the cross-entropy and binary cross-entropy kernels
// (loss_ex.hpp) that stay the same over a call, checked by the C layer.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nonlin {

// Cross-entropy against q_c = keep * target_c + spread (keep = 1 - eps,
// spread = eps / classes), the target one-hot or a row of probabilities.
struct soft_ce_args {
    std::size_t classes;
    std::size_t stride;      // between classes of a row (inner), also positions per outer slice
    const float* weight;     // one per class; null: all 1
    double keep, spread;
    int64_t ignore_index;
    double grad_scale;       // what each gradient is multiplied by
};

struct bce_args {
    std::size_t classes;
    const float* weight;      // one per class; null: all 1
    const float* pos_weight;  // one per class; null: all 1
    double grad_scale;
};

}  // namespace nonlin
