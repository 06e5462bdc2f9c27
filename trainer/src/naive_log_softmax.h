// The tutorial's hand-written log_softmax, x - log(sum(exp(x))), kept on
// purpose without the max subtraction: it is the experiment's example of
// how an unstable activation fails (exp overflows to inf for x > 88.7 in
// float32, and the run turns to NaN). The only activation math the trainer
// does itself.
#pragma once

#include <cstddef>

namespace trainer {

void naive_log_softmax_forward(std::size_t rows, std::size_t cols, const float* x, float* y);

// The gradient automatic differentiation gives for that formula:
// dx = dy - exp(x) / sum(exp(x)) * sum(dy), with the same overflow.
void naive_log_softmax_backward(std::size_t rows, std::size_t cols, const float* x, const float* y,
                                const float* dy, float* dx);

}  // namespace trainer
