// A model's parameters: named row-major float32 tensors in a fixed order.
// The same type holds gradients, so an update is a walk over two lists.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace trainer {

struct Tensor {
    std::string name;
    std::size_t rows = 0, cols = 0;
    std::vector<float> v;
};

struct Params {
    std::vector<Tensor> tensors;
    std::size_t count() const;            // total number of floats
    std::string shape_string() const;     // "W 784x10, b 10", for messages
};

// Zero tensors in file order: W (784 x 10), b (10) without a hidden layer;
// W1 (784 x hidden), b1, W2 (hidden x 10), b2 with one.
Params make_params(std::size_t hidden);

// The tutorial's init: each weight matrix randn(fan_in, fan_out) /
// sqrt(fan_in), biases zero. Draws come from SplitMix64(seed) in file order.
void init_params(Params& p, std::uint64_t seed);

}  // namespace trainer
