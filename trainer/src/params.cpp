#include "params.h"

#include <algorithm>
#include <cmath>

#include "dataset.h"
#include "rng.h"

namespace trainer {

std::size_t Params::count() const {
    std::size_t n = 0;
    for (const Tensor& t : tensors) n += t.v.size();
    return n;
}

std::string Params::shape_string() const {
    std::string s;
    for (const Tensor& t : tensors) {
        if (!s.empty()) s += ", ";
        s += t.name + " " + (t.rows > 1 ? std::to_string(t.rows) + "x" : "") + std::to_string(t.cols);
    }
    return s;
}

Params make_params(std::size_t hidden) {
    auto tensor = [](const char* name, std::size_t rows, std::size_t cols) {
        return Tensor{name, rows, cols, std::vector<float>(rows * cols, 0.0f)};
    };
    Params p;
    if (hidden == 0) {
        p.tensors = {tensor("W", kPixels, kClasses), tensor("b", 1, kClasses)};
    } else {
        p.tensors = {tensor("W1", kPixels, hidden), tensor("b1", 1, hidden),
                     tensor("W2", hidden, kClasses), tensor("b2", 1, kClasses)};
    }
    return p;
}

void init_params(Params& p, std::uint64_t seed) {
    SplitMix64 rng(seed);
    for (Tensor& t : p.tensors) {
        if (t.rows == 1) {
            std::fill(t.v.begin(), t.v.end(), 0.0f);  // a bias
            continue;
        }
        // As the tutorial: a float32 normal draw, divided (not multiplied by
        // a rounded reciprocal) by sqrt(fan_in).
        const float divisor = std::sqrt(static_cast<float>(t.rows));
        for (float& w : t.v) w = static_cast<float>(rng.normal()) / divisor;
    }
}

}  // namespace trainer
