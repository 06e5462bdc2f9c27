// C entry points of the losses: NLL (forward and backward) and the fused
// cross-entropy.
#include <cmath>
#include <cstring>
#include <limits>

#include "loss_common.hpp"
#include "rows.hpp"
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
                               loss_shape* shape, std::size_t element_size = sizeof(float)) {
    if (!known_reduction(reduction)) return NONLIN_ERR_BAD_ARGUMENT;
    std::size_t target_count;
    NONLIN_CHECK(element_count(rows, classes, 1, element_size, &shape->total));
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

// Single elements of a loss's input, widened to float, and of a gradient,
// rounded once to its type (the table's conversions for the 16-bit types).
inline float widen_one(const kernel_table&, const float* p) { return read_at(p, 0); }
template <class T>
inline float widen_one(const kernel_table& t, const T* p) {
    float v;
    typed_of(t, p).to_float(1, p, &v);
    return v;
}
inline void narrow_one(const kernel_table&, float v, float* p) { write_at(p, 0, v); }
template <class T>
inline void narrow_one(const kernel_table& t, float v, T* p) {
    typed_of(t, p).from_float(1, &v, p);
}

// The three losses for input (and gradient) type T; losses are float.
template <class T>
nonlin_status nll_loss(std::size_t rows, std::size_t classes, const T* input,
                       const int64_t* target, float* loss, int64_t ignore_index,
                       nonlin_reduction reduction) {
    loss_shape shape;
    NONLIN_CHECK(check_loss_shape(rows, classes, reduction, &shape, sizeof(T)));
    if (shape.reduced == 0) return NONLIN_OK;
    NONLIN_CHECK(require_non_null({loss}));
    if (rows != 0) NONLIN_CHECK(require_non_null({input, target}));
    NONLIN_CHECK(check_overlap({region_of(loss, shape.reduced)},
                               {region_of(input, shape.total), region_of(target, rows)}));
    std::size_t counted;
    NONLIN_CHECK(check_targets(rows, classes, target, ignore_index, &counted));

    const kernel_table& kernels = settings_for_call().kernels;
    double sum = 0.0;
    for (std::size_t r = 0; r < rows; ++r) {
        const int64_t t = read_at(target, r);
        const bool ignored = t == ignore_index;
        const float v =
            ignored ? 0.0f : -widen_one(kernels, input + r * classes + static_cast<std::size_t>(t));
        if (reduction == NONLIN_REDUCTION_NONE)
            write_at(loss, r, v);
        else if (!ignored)
            sum += v;
    }
    if (reduction != NONLIN_REDUCTION_NONE)
        write_at(loss, 0, static_cast<float>(reduce(sum, counted, reduction)));
    return NONLIN_OK;
}

template <class T>
nonlin_status nll_loss_backward(std::size_t rows, std::size_t classes, const int64_t* target,
                                const float* dloss, T* dinput, int64_t ignore_index,
                                nonlin_reduction reduction) {
    loss_shape shape;
    NONLIN_CHECK(check_loss_shape(rows, classes, reduction, &shape, sizeof(T)));
    if (shape.total == 0) return NONLIN_OK;
    NONLIN_CHECK(require_non_null({target, dloss, dinput}));
    NONLIN_CHECK(check_overlap({region_of(dinput, shape.total)},
                               {region_of(dloss, shape.reduced), region_of(target, rows)}));
    std::size_t counted;
    NONLIN_CHECK(check_targets(rows, classes, target, ignore_index, &counted));

    const kernel_table& kernels = settings_for_call().kernels;
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
        T* row = dinput + r * classes;
        std::memset(row, 0, classes * sizeof(T));  // +0 in every type
        if (t != ignore_index) narrow_one(kernels, g, row + static_cast<std::size_t>(t));
    }
    return NONLIN_OK;
}

template <class T>
nonlin_status cross_entropy(std::size_t rows, std::size_t classes, const T* logits,
                            const int64_t* target, float* loss, T* dlogits, int64_t ignore_index,
                            nonlin_reduction reduction) {
    loss_shape shape;
    NONLIN_CHECK(check_loss_shape(rows, classes, reduction, &shape, sizeof(T)));
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
    const auto kernel = rows_of(settings.kernels, logits).cross_entropy;

    const double sum = fixed_split_sum(settings, rows, classes, [&](std::size_t b, std::size_t e) {
        return kernel(e - b, classes, logits + b * classes, target + b,
                      row_loss ? row_loss + b : nullptr, dlogits ? dlogits + b * classes : nullptr,
                      ignore_index, grad_scale);
    });
    if (reduction != NONLIN_REDUCTION_NONE)
        write_at(loss, 0, static_cast<float>(reduce(sum, counted, reduction)));
    return NONLIN_OK;
}

}  // namespace
}  // namespace nonlin

// The three losses in each element type.
#define NONLIN_LOSS_ENTRY_POINTS(T, suffix)                                                      \
    nonlin_status nonlin_nll_loss_##suffix(size_t rows, size_t classes, const T* input,          \
                                           const int64_t* target, float* loss,                   \
                                           int64_t ignore_index, nonlin_reduction reduction) {   \
        return nonlin::nll_loss(rows, classes, input, target, loss, ignore_index, reduction);    \
    }                                                                                            \
    nonlin_status nonlin_nll_loss_backward_##suffix(size_t rows, size_t classes,                 \
                                                    const int64_t* target, const float* dloss,   \
                                                    T* dinput, int64_t ignore_index,             \
                                                    nonlin_reduction reduction) {                \
        return nonlin::nll_loss_backward(rows, classes, target, dloss, dinput, ignore_index,     \
                                         reduction);                                             \
    }                                                                                            \
    nonlin_status nonlin_cross_entropy_##suffix(size_t rows, size_t classes, const T* logits,    \
                                                const int64_t* target, float* loss, T* dlogits,  \
                                                int64_t ignore_index,                            \
                                                nonlin_reduction reduction) {                    \
        return nonlin::cross_entropy(rows, classes, logits, target, loss, dlogits, ignore_index, \
                                     reduction);                                                 \
    }

extern "C" {
NONLIN_LOSS_ENTRY_POINTS(float, f32)
NONLIN_LOSS_ENTRY_POINTS(nonlin_bf16, bf16)
NONLIN_LOSS_ENTRY_POINTS(nonlin_f16, f16)
}  // extern "C"
