// The activations a model can use, by name. Every entry but the tutorial's
// naive log_softmax is a thin adapter over a nonlin.h call, so adding an op
// to the library is one line in activations.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace trainer {

// Both functions see a row-major rows x cols matrix. backward receives the
// forward input x and output y so that ops whose gradient needs the input
// (gelu, silu) fit as well as those computed from the output.
struct Activation {
    const char* name;
    void (*forward)(std::size_t rows, std::size_t cols, const float* x, float* y);
    void (*backward)(std::size_t rows, std::size_t cols, const float* x, const float* y,
                     const float* dy, float* dx);
};

// Activations for the hidden layer: exactly the library's ops.
const std::vector<Activation>& hidden_activations();
// Activations for the output layer: the library's plus naive_log_softmax.
const std::vector<Activation>& output_activations();

// Looks a name up in one of the lists above; throws Error listing the valid
// names when it is unknown.
const Activation& find_activation(const std::vector<Activation>& list, const std::string& name,
                                  const char* flag);

// "a, b, c" for messages and --help.
std::string activation_names(const std::vector<Activation>& list);

}  // namespace trainer
