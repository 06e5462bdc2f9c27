#include "model.h"

#include "blas.h"
#include "dataset.h"
#include "error.h"
#include "nonlin/nonlin.h"

namespace trainer {
namespace {

// Labels are 0..9, so no row is ever ignored; -100 is PyTorch's default.
constexpr std::int64_t kIgnoreIndex = -100;

void add_bias(std::size_t rows, std::size_t cols, const float* b, float* z) {
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) z[r * cols + c] += b[c];
    }
}

// The bias gradient: column sums of dz, summed in row order.
void column_sums(std::size_t rows, std::size_t cols, const float* dz, float* db) {
    for (std::size_t c = 0; c < cols; ++c) db[c] = 0.0f;
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) db[c] += dz[r * cols + c];
    }
}

}  // namespace

Model::Model(const ModelSpec& spec)
    : spec_(spec),
      out_act_(&find_activation(output_activations(), spec.activation, "--activation")),
      hidden_act_(spec.hidden ? &find_activation(hidden_activations(), spec.hidden_activation,
                                                 "--hidden-activation")
                              : nullptr),
      fused_(spec.fused && spec.activation == "log_softmax"),
      params_(make_params(spec.hidden)) {}

void Model::ensure_rows(std::size_t rows) {
    if (rows <= capacity_) return;
    const std::size_t width = spec_.hidden ? spec_.hidden : kClasses;
    z1_.resize(rows * width);
    dz1_.resize(rows * width);
    if (spec_.hidden) {
        h_.resize(rows * width);
        dh_.resize(rows * width);
        z2_.resize(rows * kClasses);
        dz2_.resize(rows * kClasses);
    }
    out_.resize(rows * kClasses);
    dout_.resize(rows * kClasses);
    capacity_ = rows;
}

const float* Model::logits(std::size_t rows, const float* x, Timings* t) {
    ensure_rows(rows);
    const Tensor& w1 = params_.tensors[0];
    const Tensor& b1 = params_.tensors[1];
    {
        Section s(t ? &t->linear : nullptr);
        matmul(rows, w1.cols, kPixels, x, w1.v.data(), z1_.data());
        add_bias(rows, w1.cols, b1.v.data(), z1_.data());
    }
    if (!spec_.hidden) return z1_.data();
    {
        Section s(t ? &t->activation : nullptr);
        hidden_act_->forward(rows, spec_.hidden, z1_.data(), h_.data());
    }
    const Tensor& w2 = params_.tensors[2];
    const Tensor& b2 = params_.tensors[3];
    Section s(t ? &t->linear : nullptr);
    matmul(rows, kClasses, spec_.hidden, h_.data(), w2.v.data(), z2_.data());
    add_bias(rows, kClasses, b2.v.data(), z2_.data());
    return z2_.data();
}

const float* Model::forward(std::size_t rows, const float* x) {
    const float* z = logits(rows, x, nullptr);
    out_act_->forward(rows, kClasses, z, out_.data());
    return out_.data();
}

float Model::loss(std::size_t rows, const float* x, const std::int64_t* y) {
    const float* out = forward(rows, x);
    float value = 0.0f;
    check(nonlin_nll_loss_f32(rows, kClasses, out, y, &value, kIgnoreIndex, NONLIN_REDUCTION_MEAN),
          "nonlin_nll_loss_f32");
    return value;
}

float Model::loss_and_gradient(std::size_t rows, const float* x, const std::int64_t* y, Params& grad,
                               Timings* t) {
    const float* z = logits(rows, x, t);
    float* dz = spec_.hidden ? dz2_.data() : dz1_.data();
    float value = 0.0f;
    if (fused_) {
        Section s(t ? &t->loss : nullptr);
        check(nonlin_cross_entropy_f32(rows, kClasses, z, y, &value, dz, kIgnoreIndex,
                                       NONLIN_REDUCTION_MEAN),
              "nonlin_cross_entropy_f32");
    } else {
        {
            Section s(t ? &t->activation : nullptr);
            out_act_->forward(rows, kClasses, z, out_.data());
        }
        {
            Section s(t ? &t->loss : nullptr);
            const float one = 1.0f;
            check(nonlin_nll_loss_f32(rows, kClasses, out_.data(), y, &value, kIgnoreIndex,
                                      NONLIN_REDUCTION_MEAN),
                  "nonlin_nll_loss_f32");
            check(nonlin_nll_loss_backward_f32(rows, kClasses, y, &one, dout_.data(), kIgnoreIndex,
                                               NONLIN_REDUCTION_MEAN),
                  "nonlin_nll_loss_backward_f32");
        }
        Section s(t ? &t->activation : nullptr);
        out_act_->backward(rows, kClasses, z, out_.data(), dout_.data(), dz);
    }

    // The last layer's input is x, or the hidden activations.
    const float* last_in = spec_.hidden ? h_.data() : x;
    const std::size_t last_width = spec_.hidden ? spec_.hidden : kPixels;
    Tensor& dw_last = grad.tensors[spec_.hidden ? 2 : 0];
    Tensor& db_last = grad.tensors[spec_.hidden ? 3 : 1];
    {
        Section s(t ? &t->linear : nullptr);
        matmul_at_b(last_width, kClasses, rows, last_in, dz, dw_last.v.data());
        column_sums(rows, kClasses, dz, db_last.v.data());
        if (spec_.hidden) {
            matmul_a_bt(rows, spec_.hidden, kClasses, dz, params_.tensors[2].v.data(), dh_.data());
        }
    }
    if (!spec_.hidden) return value;
    {
        Section s(t ? &t->activation : nullptr);
        hidden_act_->backward(rows, spec_.hidden, z1_.data(), h_.data(), dh_.data(), dz1_.data());
    }
    Section s(t ? &t->linear : nullptr);
    matmul_at_b(kPixels, spec_.hidden, rows, x, dz1_.data(), grad.tensors[0].v.data());
    column_sums(rows, spec_.hidden, dz1_.data(), grad.tensors[1].v.data());
    return value;
}

void Model::sgd_step(const Params& grad, float lr, Timings* t) {
    Section s(t ? &t->update : nullptr);
    for (std::size_t i = 0; i < params_.tensors.size(); ++i) {
        float* p = params_.tensors[i].v.data();
        const float* g = grad.tensors[i].v.data();
        const std::size_t n = params_.tensors[i].v.size();
        // Written as the tutorial's p -= lr * g: lr * g rounded, then subtracted.
        for (std::size_t j = 0; j < n; ++j) p[j] -= lr * g[j];
    }
}

}  // namespace trainer
