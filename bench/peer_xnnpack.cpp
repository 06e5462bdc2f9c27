// XNNPACK (Debian's 2022 snapshot) operators: sigmoid_nc_f32 and
// softmax_nc_f32, created and set up outside the timed loop, run without a
// threadpool (one thread). It has no f32 tanh, no backward and no softmax
// over a non-last axis.
#include <memory>

#include <xnnpack.h>

#include "bench.hpp"

namespace bench {

namespace {

bool initialized() {
    static const bool ok = xnn_initialize(nullptr) == xnn_status_success;
    return ok;
}

bool supports(Op op, const Shape& s) {
    return initialized() && (op == Op::sigmoid || (op == Op::softmax && s.inner == 1));
}

Run make(Op op, const Args& a) {
    // Elementwise: one row of n channels; softmax: rows of cols channels.
    const std::size_t channels = a.shape.axis, batch = a.shape.outer;
    xnn_operator_t raw = nullptr;
    const xnn_status created =
        op == Op::sigmoid ? xnn_create_sigmoid_nc_f32(channels, channels, channels, 0, &raw)
                          : xnn_create_softmax_nc_f32(channels, channels, channels, 0, &raw);
    if (created != xnn_status_success) return {};
    std::shared_ptr<xnn_operator> op_ptr(raw, xnn_delete_operator);
    const xnn_status setup =
        op == Op::sigmoid ? xnn_setup_sigmoid_nc_f32(raw, batch, a.a, a.out, nullptr)
                          : xnn_setup_softmax_nc_f32(raw, batch, a.a, a.out, nullptr);
    if (setup != xnn_status_success) return {};
    return [op_ptr] { return xnn_run_operator(op_ptr.get(), nullptr) == xnn_status_success; };
}

}  // namespace

Peer xnnpack_peer() { return {"xnnpack", supports, make}; }

}  // namespace bench
