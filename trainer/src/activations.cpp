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

// The library's ops, in the order --help lists them.
#define LIBRARY_ACTIVATIONS                                \
    Activation{"log_softmax", log_softmax_fwd, log_softmax_bwd}, \
    Activation{"softmax", softmax_fwd, softmax_bwd},             \
    Activation{"sigmoid", sigmoid_fwd, sigmoid_bwd},             \
    Activation{"tanh", tanh_fwd, tanh_bwd}

}  // namespace

const std::vector<Activation>& hidden_activations() {
    static const std::vector<Activation> list{LIBRARY_ACTIVATIONS};
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
