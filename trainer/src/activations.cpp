#include "activations.h"

#include "error.h"
#include "naive_log_softmax.h"
#include "nonlin/nonlin.h"

namespace trainer {
namespace {

void sigmoid_fwd(std::size_t r, std::size_t c, const float* x, float* y) {
    check(nonlin_sigmoid_f32(r * c, x, y), "nonlin_sigmoid_f32");
}
void sigmoid_bwd(std::size_t r, std::size_t c, const float*, const float* y, const float* dy, float* dx) {
    check(nonlin_sigmoid_backward_f32(r * c, y, dy, dx), "nonlin_sigmoid_backward_f32");
}
void tanh_fwd(std::size_t r, std::size_t c, const float* x, float* y) {
    check(nonlin_tanh_f32(r * c, x, y), "nonlin_tanh_f32");
}
void tanh_bwd(std::size_t r, std::size_t c, const float*, const float* y, const float* dy, float* dx) {
    check(nonlin_tanh_backward_f32(r * c, y, dy, dx), "nonlin_tanh_backward_f32");
}
// Row functions: rows x cols is outer = rows, axis = cols, inner = 1.
void softmax_fwd(std::size_t r, std::size_t c, const float* x, float* y) {
    check(nonlin_softmax_f32(r, c, 1, x, y), "nonlin_softmax_f32");
}
void softmax_bwd(std::size_t r, std::size_t c, const float*, const float* y, const float* dy, float* dx) {
    check(nonlin_softmax_backward_f32(r, c, 1, y, dy, dx), "nonlin_softmax_backward_f32");
}
void log_softmax_fwd(std::size_t r, std::size_t c, const float* x, float* y) {
    check(nonlin_log_softmax_f32(r, c, 1, x, y), "nonlin_log_softmax_f32");
}
void log_softmax_bwd(std::size_t r, std::size_t c, const float*, const float* y, const float* dy,
                     float* dx) {
    check(nonlin_log_softmax_backward_f32(r, c, 1, y, dy, dx), "nonlin_log_softmax_backward_f32");
}

// The activations whose backward takes the forward input x, at PyTorch's
// default parameters: one adapter pair per line.
#define FROM_INPUT(op, ...)                                                                    \
    void op##_fwd(std::size_t r, std::size_t c, const float* x, float* y) {                    \
        check(nonlin_##op##_f32(r * c, x, y __VA_ARGS__), "nonlin_" #op "_f32");               \
    }                                                                                          \
    void op##_bwd(std::size_t r, std::size_t c, const float* x, const float*, const float* dy, \
                  float* dx) {                                                                 \
        check(nonlin_##op##_backward_f32(r * c, x, dy, dx __VA_ARGS__),                        \
              "nonlin_" #op "_backward_f32");                                                  \
    }
FROM_INPUT(relu, )
FROM_INPUT(relu6, )
FROM_INPUT(leaky_relu, , 0.01f)
FROM_INPUT(hardtanh, , -1.0f, 1.0f)
FROM_INPUT(hardsigmoid, )
FROM_INPUT(hardswish, )
FROM_INPUT(softsign, )
FROM_INPUT(exp, )
FROM_INPUT(elu, , 1.0f)
FROM_INPUT(celu, , 1.0f)
FROM_INPUT(selu, )
FROM_INPUT(softplus, , 1.0f, 20.0f)
FROM_INPUT(logsigmoid, )
FROM_INPUT(silu, )
FROM_INPUT(mish, )
FROM_INPUT(gelu_tanh, )
FROM_INPUT(gelu, )
#undef FROM_INPUT

// The library's ops, in the order --help lists them.
#define LIBRARY_ACTIVATIONS                                \
    Activation{"log_softmax", log_softmax_fwd, log_softmax_bwd}, \
    Activation{"softmax", softmax_fwd, softmax_bwd},             \
    Activation{"sigmoid", sigmoid_fwd, sigmoid_bwd},             \
    Activation{"tanh", tanh_fwd, tanh_bwd}

// Hidden-layer only: elementwise activations (an output layer needs rows
// of probabilities).
#define ELEMENTWISE_ACTIVATIONS                                                                \
    Activation{"relu", relu_fwd, relu_bwd}, Activation{"relu6", relu6_fwd, relu6_bwd},         \
    Activation{"leaky_relu", leaky_relu_fwd, leaky_relu_bwd},                                  \
    Activation{"hardtanh", hardtanh_fwd, hardtanh_bwd},                                        \
    Activation{"hardsigmoid", hardsigmoid_fwd, hardsigmoid_bwd},                               \
    Activation{"hardswish", hardswish_fwd, hardswish_bwd},                                     \
    Activation{"softsign", softsign_fwd, softsign_bwd}, Activation{"exp", exp_fwd, exp_bwd},   \
    Activation{"elu", elu_fwd, elu_bwd}, Activation{"celu", celu_fwd, celu_bwd},               \
    Activation{"selu", selu_fwd, selu_bwd},                                                    \
    Activation{"softplus", softplus_fwd, softplus_bwd},                                        \
    Activation{"logsigmoid", logsigmoid_fwd, logsigmoid_bwd},                                  \
    Activation{"silu", silu_fwd, silu_bwd}, Activation{"mish", mish_fwd, mish_bwd},             \
    Activation{"gelu_tanh", gelu_tanh_fwd, gelu_tanh_bwd}, Activation{"gelu", gelu_fwd, gelu_bwd}

}  // namespace

const std::vector<Activation>& hidden_activations() {
    static const std::vector<Activation> list{LIBRARY_ACTIVATIONS, ELEMENTWISE_ACTIVATIONS};
    return list;
}

const std::vector<Activation>& output_activations() {
    static const std::vector<Activation> list{
        LIBRARY_ACTIVATIONS,
        Activation{"naive_log_softmax", naive_log_softmax_forward, naive_log_softmax_backward}};
    return list;
}

const Activation& find_activation(const std::vector<Activation>& list, const std::string& name,
                                  const char* flag) {
    for (const Activation& a : list) {
        if (name == a.name) return a;
    }
    throw Error(std::string(flag) + ": unknown activation '" + name + "' (choose from " +
                activation_names(list) + ")");
}

std::string activation_names(const std::vector<Activation>& list) {
    std::string s;
    for (const Activation& a : list) {
        if (!s.empty()) s += ", ";
        s += a.name;
    }
    return s;
}

}  // namespace trainer
