// XNNPACK (Debian's 2022 snapshot) operators: softmax_nc_f32 and the
// unary operators of the registry ops it defines as nonlin does, created
// and set up outside the timed loop, run without a threadpool (one thread).
// It has no f32 tanh, no backward and no softmax over a non-last axis.
#include <cmath>
#include <memory>

#include <xnnpack.h>

#include "bench.hpp"

namespace bench {

namespace {

bool initialized() {
    static const bool ok = xnn_initialize(nullptr) == xnn_status_success;
    return ok;
}

// An operator on rows of `channels` floats, made from an op's parameters;
// all are set up alike.
struct Unary {
    const char* op;
    xnn_status (*create)(std::size_t channels, const Params& p, xnn_operator_t* out);
    xnn_status (*setup)(xnn_operator_t, std::size_t batch, const float* x, float* y,
                        pthreadpool_t);
};

// A captureless `create` around one call of c (channels), p and o.
#define XNN_CREATE(call)                                                            \
    [](std::size_t c, [[maybe_unused]] const Params& p, xnn_operator_t* o) { return call; }

// The registry ops XNNPACK defines as nonlin (PyTorch) does, by name;
// relu, relu6 and hardtanh are clamps.
const Unary kUnary[] = {
    {"sigmoid", XNN_CREATE(xnn_create_sigmoid_nc_f32(c, c, c, 0, o)), xnn_setup_sigmoid_nc_f32},
    {"relu", XNN_CREATE(xnn_create_clamp_nc_f32(c, c, c, 0.0f, INFINITY, 0, o)),
     xnn_setup_clamp_nc_f32},
    {"relu6", XNN_CREATE(xnn_create_clamp_nc_f32(c, c, c, 0.0f, 6.0f, 0, o)),
     xnn_setup_clamp_nc_f32},
    {"hardtanh", XNN_CREATE(xnn_create_clamp_nc_f32(c, c, c, p[0], p[1], 0, o)),
     xnn_setup_clamp_nc_f32},
    {"leaky_relu", XNN_CREATE(xnn_create_leaky_relu_nc_f32(c, c, c, p[0], 0, o)),
     xnn_setup_leaky_relu_nc_f32},
    {"elu", XNN_CREATE(xnn_create_elu_nc_f32(c, c, c, p[0], 0, o)), xnn_setup_elu_nc_f32},
    {"hardswish", XNN_CREATE(xnn_create_hardswish_nc_f32(c, c, c, 0, o)),
     xnn_setup_hardswish_nc_f32},
};

// Softmax along rows (inner == 1): rows of cols channels.
const Unary kSoftmax = {"softmax", XNN_CREATE(xnn_create_softmax_nc_f32(c, c, c, 0, o)),
                        xnn_setup_softmax_nc_f32};
#undef XNN_CREATE

const Unary* find(Op op, const Shape& s) {
    if (op == Op::softmax) return s.inner == 1 ? &kSoftmax : nullptr;
    bool backward = false;
    const Unary* u = find_elementwise(kUnary, op, &backward);
    return backward ? nullptr : u;
}

bool supports(Op op, const Shape& s) { return initialized() && find(op, s); }

Run make(Op op, const Args& a) {
    const Unary* u = find(op, a.shape);
    if (!u) return {};
    // Elementwise: one row of n channels; softmax: rows of cols channels.
    const std::size_t channels = a.shape.axis, batch = a.shape.outer;
    xnn_operator_t raw = nullptr;
    if (u->create(channels, a.params, &raw) != xnn_status_success) return {};
    std::shared_ptr<xnn_operator> op_ptr(raw, xnn_delete_operator);
    if (u->setup(raw, batch, a.a, a.out, nullptr) != xnn_status_success) return {};
    return [op_ptr] { return xnn_run_operator(op_ptr.get(), nullptr) == xnn_status_success; };
}

}  // namespace

Peer xnnpack_peer() { return {"xnnpack", supports, make}; }

}  // namespace bench
