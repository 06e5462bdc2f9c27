// Whole-model gradients against central finite differences of the model's
// own loss, for every output activation, with and without a hidden layer.
#include <catch2/catch.hpp>

#include <cmath>

#include "activations.h"
#include "dataset.h"
#include "model.h"
#include "rng.h"

using namespace trainer;

namespace {

// Step for the central differences. The loss is computed in float32, so its
// rounding (~1e-7 relative, loss ~2) contributes ~1e-5 to a difference
// quotient with this step, and the O(eps^2) truncation term a few 1e-5.
constexpr float kEps = 1e-2f;
// Tolerance per checked entry: |fd - analytic| <= kAbs + kRel * |analytic|.
// Typical gradient entries are 1e-3..1e-1, so an error in the gradient
// formula (a missing term, a wrong sign or scale) exceeds it by far.
constexpr double kAbs = 2e-4;
constexpr double kRel = 2e-2;

struct Batch {
    std::vector<float> x;
    std::vector<std::int64_t> y;
};

// A few examples with every pixel in (0, 1), so no weight row is inert.
Batch random_batch(std::size_t rows, std::uint64_t seed) {
    SplitMix64 rng(seed);
    Batch b;
    b.x.resize(rows * kPixels);
    for (float& v : b.x) v = static_cast<float>(rng.uniform());
    for (std::size_t r = 0; r < rows; ++r) b.y.push_back(static_cast<std::int64_t>(rng.below(kClasses)));
    return b;
}

void check_gradient(const ModelSpec& spec) {
    INFO("activation " << spec.activation << (spec.fused ? "" : " (unfused)") << ", hidden " << spec.hidden
                       << " " << (spec.hidden ? spec.hidden_activation : ""));
    Model model(spec);
    init_params(model.params(), 7);
    const Batch b = random_batch(4, 11);
    Params grad = make_params(spec.hidden);
    model.loss_and_gradient(b.y.size(), b.x.data(), b.y.data(), grad);

    SplitMix64 pick(3);
    double largest = 0;
    for (std::size_t t = 0; t < model.params().tensors.size(); ++t) {
        Tensor& p = model.params().tensors[t];
        const Tensor& g = grad.tensors[t];
        // Every bias entry, and 40 weights picked at random.
        const std::size_t checks = p.rows == 1 ? p.v.size() : 40;
        for (std::size_t c = 0; c < checks; ++c) {
            const std::size_t i = p.rows == 1 ? c : pick.below(p.v.size());
            const float saved = p.v[i];
            p.v[i] = saved + kEps;
            const double up = model.loss(b.y.size(), b.x.data(), b.y.data());
            p.v[i] = saved - kEps;
            const double down = model.loss(b.y.size(), b.x.data(), b.y.data());
            p.v[i] = saved;
            // The actual step is (saved + eps) - (saved - eps) as rounded.
            const double step = static_cast<double>(saved + kEps) - static_cast<double>(saved - kEps);
            const double fd = (up - down) / step;
            const double an = g.v[i];
            INFO(p.name << "[" << i << "]: analytic " << an << ", finite difference " << fd);
            REQUIRE(std::isfinite(an));
            CHECK(std::abs(fd - an) <= kAbs + kRel * std::abs(an));
            largest = std::max(largest, std::abs(an));
        }
    }
    // Guard against a vacuous pass: the gradient must not be all zeros.
    CHECK(largest > 1e-2);
}

}  // namespace

TEST_CASE("gradient of the tutorial model matches finite differences", "[gradcheck]") {
    for (const Activation& a : output_activations()) {
        ModelSpec spec;
        spec.activation = a.name;
        check_gradient(spec);
    }
    ModelSpec unfused;
    unfused.fused = false;
    check_gradient(unfused);
}

TEST_CASE("gradient with a hidden layer matches finite differences", "[gradcheck]") {
    for (const Activation& a : output_activations()) {
        ModelSpec spec;
        spec.activation = a.name;
        spec.hidden = 6;
        spec.hidden_activation = "tanh";
        check_gradient(spec);
    }
    for (const Activation& h : hidden_activations()) {
        ModelSpec spec;
        spec.hidden = 5;
        spec.hidden_activation = h.name;
        check_gradient(spec);
    }
}
