// The network: the tutorial's logistic regression out = act(x @ W + b), or
// with a hidden layer out = act(hact(x @ W1 + b1) @ W2 + b2); its loss is
// NLL on the output activation, nll = -mean(out[i, y_i]).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "activations.h"
#include "params.h"
#include "timings.h"

namespace trainer {

struct ModelSpec {
    std::string activation = "log_softmax";
    std::size_t hidden = 0;
    std::string hidden_activation = "sigmoid";
    // For log_softmax, train through the fused nonlin_cross_entropy_f32
    // (one pass, no intermediate) instead of log_softmax + NLL.
    bool fused = true;
};

class Model {
public:
    explicit Model(const ModelSpec& spec);

    const ModelSpec& spec() const { return spec_; }
    Params& params() { return params_; }
    const Params& params() const { return params_; }

    // Mean loss of the batch and, into grad (shaped like params()), its
    // gradient with respect to every parameter.
    float loss_and_gradient(std::size_t rows, const float* x, const std::int64_t* y, Params& grad,
                            Timings* t = nullptr);

    // Output activations (rows x 10), valid until the next call.
    const float* forward(std::size_t rows, const float* x);

    // Mean NLL of the batch on the output activations, without gradients.
    float loss(std::size_t rows, const float* x, const std::int64_t* y);

    // params -= lr * grad.
    void sgd_step(const Params& grad, float lr, Timings* t = nullptr);

    bool uses_fused_loss() const { return fused_; }

private:
    void ensure_rows(std::size_t rows);
    // Logits of the output layer (and the hidden activations) into scratch.
    const float* logits(std::size_t rows, const float* x, Timings* t);

    ModelSpec spec_;
    const Activation* out_act_;
    const Activation* hidden_act_;
    bool fused_;
    Params params_;
    std::size_t capacity_ = 0;
    // Per-row scratch, sized for the largest batch seen.
    std::vector<float> z1_, h_, z2_, out_, dout_, dz2_, dh_, dz1_;
};

}  // namespace trainer
