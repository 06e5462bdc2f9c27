// C entry points of the losses with PyTorch's options: cross-entropy with
// class weights, ignored targets and label smoothing over (N, C, d1, ...)
// logits, against class indices or probabilities, and binary cross-entropy
// on logits.
#include <cmath>
#include <cstring>
#include <limits>

#include "../src/util/unaligned.hpp"
#include "loss_common.hpp"

namespace nonlin {
namespace {

bool valid_smoothing(float eps) { return eps >= 0.0f && eps <= 1.0f; }  // false for NaN

// The sizes of a cross-entropy call over outer x classes x inner logits.
struct ce_shape {
    std::size_t total = 0;      // logits
    std::size_t positions = 0;  // outer * inner: targets, per-position losses
    std::size_t reduced = 0;    // values in the loss array
};

nonlin_status check_ce_shape(std::size_t outer, std::size_t classes, std::size_t inner,
                             float label_smoothing, nonlin_reduction reduction, ce_shape* shape) {
    if (!known_reduction(reduction) || !valid_smoothing(label_smoothing))
        return NONLIN_ERR_BAD_ARGUMENT;
    NONLIN_CHECK(element_count(outer, classes, inner, sizeof(float), &shape->total));
    NONLIN_CHECK(element_count(outer, inner, 1, sizeof(int64_t), &shape->positions));
    if (classes == 0 && shape->positions != 0) return NONLIN_ERR_BAD_SHAPE;
    shape->reduced = reduction == NONLIN_REDUCTION_NONE ? shape->positions : 1;
    return NONLIN_OK;
}

// The null and overlap checks of both cross-entropy forms; `targets` is
// the class indices or the probabilities.
nonlin_status check_ce_arrays(const ce_shape& shape, std::size_t classes, const float* logits,
                              const void* targets, region target_region, const float* weight,
                              float* loss, float* dlogits) {
    if (shape.reduced != 0) NONLIN_CHECK(require_non_null({loss}));
    if (shape.positions != 0) NONLIN_CHECK(require_non_null({logits, targets}));
    const region outputs[] = {region_of(loss, shape.reduced),
                              region_of(dlogits, dlogits ? shape.total : 0)};
    NONLIN_CHECK(
        check_overlap({outputs[0], outputs[1]}, {region_of(logits, shape.total), target_region}));
    return check_apart({outputs[0], outputs[1]}, {region_of(weight, weight ? classes : 0)});
}

// Every target is a class index or the ignore index; the mean's divisor is
// the sum of the weights of the others (their count without weights).
nonlin_status check_weighted_targets(std::size_t positions, std::size_t classes,
                                     const int64_t* target, const float* weight,
                                     int64_t ignore_index, std::size_t* counted, double* divisor) {
    std::size_t n = 0;
    double d = 0.0;
    for (std::size_t p = 0; p < positions; ++p) {
        const int64_t t = read_at(target, p);
        if (t == ignore_index) continue;
        if (t < 0 || static_cast<uint64_t>(t) >= classes) return NONLIN_ERR_BAD_TARGET;
        ++n;
        d += weight ? read_at(weight, static_cast<std::size_t>(t)) : 1.0;
    }
    *counted = n;
    *divisor = d;
    return NONLIN_OK;
}

// Runs the soft cross-entropy kernel over every position and writes the
// reduced loss (sum / divisor for MEAN).
void run_soft_ce(const soft_ce_args& a, std::size_t positions, const float* logits,
                 const int64_t* target, const float* probs, float* loss, float* dlogits,
                 nonlin_reduction reduction, double divisor) {
    const call_settings settings = settings_for_call();
    const auto kernel = settings.kernels.soft_cross_entropy;
    float* row_loss = reduction == NONLIN_REDUCTION_NONE ? loss : nullptr;
    const double sum =
        fixed_split_sum(settings, positions, a.classes, [&](std::size_t b, std::size_t e) {
            return kernel(a, b, e, logits, target, probs, row_loss, dlogits);
        });
    if (reduction == NONLIN_REDUCTION_SUM) write_at(loss, 0, static_cast<float>(sum));
    if (reduction == NONLIN_REDUCTION_MEAN)
        write_at(loss, 0, static_cast<float>(sum / divisor));  // 0 / 0: NaN
}

soft_ce_args soft_args(std::size_t classes, std::size_t inner, const float* weight,
                       float label_smoothing, int64_t ignore_index, double grad_scale) {
    const double eps = label_smoothing;
    return {classes,
            inner,
            weight,
            1.0 - eps,
            eps / static_cast<double>(classes ? classes : 1),
            ignore_index,
            grad_scale};
}

}  // namespace
}  // namespace nonlin

using namespace nonlin;

extern "C" {

nonlin_status nonlin_cross_entropy_ex_f32(size_t outer, size_t classes, size_t inner,
                                          const float* logits, const int64_t* target,
                                          const float* weight, float* loss, float* dlogits,
                                          int64_t ignore_index, float label_smoothing,
                                          nonlin_reduction reduction) {
    ce_shape shape;
    NONLIN_CHECK(check_ce_shape(outer, classes, inner, label_smoothing, reduction, &shape));
    NONLIN_CHECK(check_ce_arrays(shape, classes, logits, target, region_of(target, shape.positions),
                                 weight, loss, dlogits));
    std::size_t counted = 0;
    double divisor = 0.0;
    NONLIN_CHECK(check_weighted_targets(shape.positions, classes, target, weight, ignore_index,
                                        &counted, &divisor));
    // Without weights and smoothing over (N, C) this is the plain fused
    // cross-entropy, to the bit.
    if (!weight && label_smoothing == 0.0f && inner == 1)
        return nonlin_cross_entropy_f32(outer, classes, logits, target, loss, dlogits, ignore_index,
                                        reduction);
    if (shape.positions == 0) {
        if (shape.reduced != 0) write_at(loss, 0, reduction == NONLIN_REDUCTION_SUM ? 0.0f : NAN);
        return NONLIN_OK;
    }
    // All ignored: every gradient is 0 whatever the scale.
    const double grad_scale =
        reduction == NONLIN_REDUCTION_MEAN && counted != 0 ? 1.0 / divisor : 1.0;
    run_soft_ce(soft_args(classes, inner, weight, label_smoothing, ignore_index, grad_scale),
                shape.positions, logits, target, nullptr, loss, dlogits, reduction, divisor);
    return NONLIN_OK;
}

nonlin_status nonlin_cross_entropy_probs_f32(size_t outer, size_t classes, size_t inner,
                                             const float* logits, const float* probs,
                                             const float* weight, float* loss, float* dlogits,
                                             float label_smoothing, nonlin_reduction reduction) {
    ce_shape shape;
    NONLIN_CHECK(check_ce_shape(outer, classes, inner, label_smoothing, reduction, &shape));
    NONLIN_CHECK(check_ce_arrays(shape, classes, logits, probs, region_of(probs, shape.total),
                                 weight, loss, dlogits));
    if (shape.positions == 0) {
        if (shape.reduced != 0) write_at(loss, 0, reduction == NONLIN_REDUCTION_SUM ? 0.0f : NAN);
        return NONLIN_OK;
    }
    const double divisor = static_cast<double>(shape.positions);
    const double grad_scale = reduction == NONLIN_REDUCTION_MEAN ? 1.0 / divisor : 1.0;
    run_soft_ce(soft_args(classes, inner, weight, label_smoothing, 0, grad_scale), shape.positions,
                logits, nullptr, probs, loss, dlogits, reduction, divisor);
    return NONLIN_OK;
}

nonlin_status nonlin_binary_cross_entropy_with_logits_f32(
    size_t rows, size_t classes, const float* logits, const float* target, const float* weight,
    const float* pos_weight, float* loss, float* dlogits, nonlin_reduction reduction) {
    if (!known_reduction(reduction)) return NONLIN_ERR_BAD_ARGUMENT;
    std::size_t total;
    NONLIN_CHECK(element_count(rows, classes, 1, sizeof(float), &total));
    if (classes == 0 && rows != 0) return NONLIN_ERR_BAD_SHAPE;
    const std::size_t reduced = reduction == NONLIN_REDUCTION_NONE ? total : 1;
    if (reduced != 0) NONLIN_CHECK(require_non_null({loss}));
    if (total != 0) NONLIN_CHECK(require_non_null({logits, target}));
    const std::size_t grad_count = dlogits ? total : 0;
    const region outputs[] = {region_of(loss, reduced), region_of(dlogits, grad_count)};
    NONLIN_CHECK(check_overlap({outputs[0], outputs[1]},
                               {region_of(logits, total), region_of(target, total)}));
    NONLIN_CHECK(
        check_apart({outputs[0], outputs[1]}, {region_of(weight, weight ? classes : 0),
                                               region_of(pos_weight, pos_weight ? classes : 0)}));
    if (total == 0) {
        if (reduced != 0) write_at(loss, 0, reduction == NONLIN_REDUCTION_SUM ? 0.0f : NAN);
        return NONLIN_OK;
    }
    const double count = static_cast<double>(total);
    const bce_args a{classes, weight, pos_weight,
                     reduction == NONLIN_REDUCTION_MEAN ? 1.0 / count : 1.0};
    const call_settings settings = settings_for_call();
    const auto kernel = settings.kernels.bce_with_logits;
    float* element_loss = reduction == NONLIN_REDUCTION_NONE ? loss : nullptr;
    const double sum = fixed_split_sum(settings, rows, classes, [&](std::size_t b, std::size_t e) {
        return kernel(a, e - b, logits + b * classes, target + b * classes,
                      element_loss ? element_loss + b * classes : nullptr,
                      dlogits ? dlogits + b * classes : nullptr);
    });
    if (reduction == NONLIN_REDUCTION_SUM) write_at(loss, 0, static_cast<float>(sum));
    if (reduction == NONLIN_REDUCTION_MEAN) write_at(loss, 0, static_cast<float>(sum / count));
    return NONLIN_OK;
}

}  // extern "C"
