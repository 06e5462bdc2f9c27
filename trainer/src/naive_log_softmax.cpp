#include "naive_log_softmax.h"

#include <cmath>

namespace trainer {

void naive_log_softmax_forward(std::size_t rows, std::size_t cols, const float* x, float* y) {
    for (std::size_t r = 0; r < rows; ++r) {
        const float* xr = x + r * cols;
        float* yr = y + r * cols;
        float sum = 0.0f;
        for (std::size_t c = 0; c < cols; ++c) sum += std::exp(xr[c]);
        const float log_sum = std::log(sum);
        for (std::size_t c = 0; c < cols; ++c) yr[c] = xr[c] - log_sum;
    }
}

void naive_log_softmax_backward(std::size_t rows, std::size_t cols, const float* x, const float*,
                                const float* dy, float* dx) {
    for (std::size_t r = 0; r < rows; ++r) {
        const float* xr = x + r * cols;
        const float* dyr = dy + r * cols;
        float* dxr = dx + r * cols;
        float sum = 0.0f, dy_sum = 0.0f;
        for (std::size_t c = 0; c < cols; ++c) {
            sum += std::exp(xr[c]);
            dy_sum += dyr[c];
        }
        for (std::size_t c = 0; c < cols; ++c) dxr[c] = dyr[c] - std::exp(xr[c]) / sum * dy_sum;
    }
}

}  // namespace trainer
