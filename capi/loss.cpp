// C entry points of the losses: NLL (forward and backward) and the fused
// cross-entropy.
#include <cmath>
#include <cstring>
#include <limits>

#include "loss_common.hpp"
#include "../src/util/unaligned.hpp"

namespace nonlin {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::size_t reduced_count(std::size_t rows, nonlin_reduction r) {
    return r == NONLIN_REDUCTION_NONE ? rows : 1;
}

// The sizes of a loss call's arrays: `total` for the rows x classes input
// or gradient, `reduced` for the loss-shaped array (rows values for
// NONLIN_REDUCTION_NONE, else 1); the targets hold rows values.
struct loss_shape {
    std::size_t total = 0;      // rows * classes
    std::size_t reduced = 0;    // values in the loss-shaped array
};

// The argument and shape checks common to the three losses: the reduction,
// the sizes of the rows x classes floats and the rows targets, and
// classes == 0 with rows; fills `shape`. The null and overlap checks are
// each entry point's own (which arrays may be NULL differs).
nonlin_status check_loss_shape(std::size_t rows, std::size_t classes, nonlin_reduction reduction,
                               loss_shape* shape) {
    if (!known_reduction(reduction)) return NONLIN_ERR_BAD_ARGUMENT;
    std::size_t target_count;
    NONLIN_CHECK(element_count(rows, classes, 1, sizeof(float), &shape->total));
    NONLIN_CHECK(element_count(rows, 1, 1, sizeof(int64_t), &target_count));
    if (classes == 0 && rows != 0) return NONLIN_ERR_BAD_SHAPE;
    shape->reduced = reduced_count(rows, reduction);
    return NONLIN_OK;
}

// Every target is a class index or the ignore index; counts the others.
nonlin_status check_targets(std::size_t rows, std::size_t classes, const int64_t* target,
                            int64_t ignore_index, std::size_t* counted) {
    std::size_t n = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        const int64_t t = read_at(target, r);
        if (t == ignore_index) continue;
        if (t < 0 || static_cast<uint64_t>(t) >= classes) return NONLIN_ERR_BAD_TARGET;
        ++n;
    }
    *counted = n;
    return NONLIN_OK;
}

// MEAN divides by the count of rows that are not ignored; 0/0 is NaN.
double reduce(double sum, std::size_t counted, nonlin_reduction reduction) {
    if (reduction == NONLIN_REDUCTION_SUM) return sum;
    return counted == 0 ? kNaN : sum / static_cast<double>(counted);
}

// What each counted row's gradient is multiplied by.
double mean_scale(std::size_t counted, nonlin_reduction reduction) {
    if (reduction != NONLIN_REDUCTION_MEAN || counted == 0) return 1.0;
    return 1.0 / static_cast<double>(counted);
}

}  // namespace
}  // namespace nonlin

using namespace nonlin;

extern "C" {

nonlin_status nonlin_nll_loss_f32(size_t rows, size_t classes, const float* input,
                                  const int64_t* target, float* loss, int64_t ignore_index,
                                  nonlin_reduction reduction) {
    loss_shape shape;
    NONLIN_CHECK(check_loss_shape(rows, classes, reduction, &shape));
    if (shape.reduced == 0) return NONLIN_OK;
    NONLIN_CHECK(require_non_null({loss}));
    if (rows != 0) NONLIN_CHECK(require_non_null({input, target}));
    NONLIN_CHECK(check_overlap({region_of(loss, shape.reduced)},
                               {region_of(input, shape.total), region_of(target, rows)}));
    std::size_t counted;
    NONLIN_CHECK(check_targets(rows, classes, target, ignore_index, &counted));

    double sum = 0.0;
    for (std::size_t r = 0; r < rows; ++r) {
        const int64_t t = read_at(target, r);
        const bool ignored = t == ignore_index;
        const float v =
            ignored ? 0.0f : -read_at(input, r * classes + static_cast<std::size_t>(t));
        if (reduction == NONLIN_REDUCTION_NONE)
            write_at(loss, r, v);
        else if (!ignored)
            sum += v;
    }
    if (reduction != NONLIN_REDUCTION_NONE)
        write_at(loss, 0, static_cast<float>(reduce(sum, counted, reduction)));
    return NONLIN_OK;
}

nonlin_status nonlin_nll_loss_backward_f32(size_t rows, size_t classes, const int64_t* target,
                                           const float* dloss, float* dinput,
                                           int64_t ignore_index, nonlin_reduction reduction) {
    loss_shape shape;
    NONLIN_CHECK(check_loss_shape(rows, classes, reduction, &shape));
    if (shape.total == 0) return NONLIN_OK;
    NONLIN_CHECK(require_non_null({target, dloss, dinput}));
    NONLIN_CHECK(check_overlap({region_of(dinput, shape.total)},
                               {region_of(dloss, shape.reduced), region_of(target, rows)}));
    std::size_t counted;
    NONLIN_CHECK(check_targets(rows, classes, target, ignore_index, &counted));

    // Read before any write: dinput may be dloss itself.
    const double scale = mean_scale(counted, reduction);
    const float shared = reduction == NONLIN_REDUCTION_NONE
                             ? 0.0f
                             : static_cast<float>(-static_cast<double>(read_at(dloss, 0)) * scale);
    for (std::size_t r = 0; r < rows; ++r) {
        // dloss[r] is read before row r is written: dinput may be dloss
        // itself (one class).
        const float g = reduction == NONLIN_REDUCTION_NONE ? -read_at(dloss, r) : shared;
        const int64_t t = read_at(target, r);
        float* row = dinput + r * classes;
        std::memset(row, 0, classes * sizeof(float));
        if (t != ignore_index) write_at(row, static_cast<std::size_t>(t), g);
    }
    return NONLIN_OK;
}

nonlin_status nonlin_cross_entropy_f32(size_t rows, size_t classes, const float* logits,
                                       const int64_t* target, float* loss, float* dlogits,
                                       int64_t ignore_index, nonlin_reduction reduction) {
    loss_shape shape;
    NONLIN_CHECK(check_loss_shape(rows, classes, reduction, &shape));
    if (shape.reduced != 0) NONLIN_CHECK(require_non_null({loss}));
    if (rows != 0) NONLIN_CHECK(require_non_null({logits, target}));
    const std::size_t grad_count = dlogits ? shape.total : 0;
    NONLIN_CHECK(check_overlap({region_of(loss, shape.reduced), region_of(dlogits, grad_count)},
                               {region_of(logits, shape.total), region_of(target, rows)}));
    std::size_t counted = 0;
    NONLIN_CHECK(check_targets(rows, classes, target, ignore_index, &counted));

    const double grad_scale = mean_scale(counted, reduction);
    float* row_loss = reduction == NONLIN_REDUCTION_NONE ? loss : nullptr;
    const call_settings settings = settings_for_call();
    const auto kernel = settings.kernels.cross_entropy;

    const double sum = fixed_split_sum(settings, rows, classes, [&](std::size_t b, std::size_t e) {
        return kernel(e - b, classes, logits + b * classes, target + b,
                      row_loss ? row_loss + b : nullptr, dlogits ? dlogits + b * classes : nullptr,
                      ignore_index, grad_scale);
    });
    if (reduction != NONLIN_REDUCTION_NONE)
        write_at(loss, 0, static_cast<float>(reduce(sum, counted, reduction)));
    return NONLIN_OK;
}

}  // extern "C"
