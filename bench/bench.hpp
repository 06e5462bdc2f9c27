// Shared by the benchmark's translation units: the ops, one call's
// arguments, and how an implementation (nonlin, a peer, a memory limit)
// turns them into a callable that the timed loop runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

namespace bench {

// Every public computing function of nonlin.h, plus the memory limits.
// cross_entropy_loss is nonlin_cross_entropy_f32 without a gradient
// (dlogits == NULL): a read-only pass over the logits.
enum class Op {
    sigmoid, sigmoid_backward, tanh, tanh_backward,
    softmax, softmax_backward, log_softmax, log_softmax_backward,
    nll_loss, nll_loss_backward, cross_entropy, cross_entropy_loss,
    copy, mul3, sum, fill,  // limits: y = x, z = x * y, s += x, y = 0
};

// A tensor seen as outer x axis x inner; elementwise ops and limits use
// {1, n, 1}, rows x cols is {rows, cols, 1}, losses have rows = outer.
struct Shape {
    std::size_t outer, axis, inner;
    std::size_t size() const { return outer * axis * inner; }
};

// One call's arrays, all allocated and filled before timing.
// Losses use the mean reduction and ignore index -100 (never hit).
struct Args {
    Shape shape;
    const float* a;          // x; y for a backward; log-probabilities for nll_loss
    const float* b;          // dy for a backward; the one dloss for nll_loss_backward
    const std::int64_t* target;
    float* out;              // y, dx, dinput or dlogits
    float* loss;
};

constexpr std::int64_t kIgnoreIndex = -100;

// Runs the op once; false on failure. Built outside the timed loop, so
// that a peer's set-up (primitive creation, operator setup) is not timed.
using Run = std::function<bool()>;

// A peer: whether it has an op at a shape, and how to build the callable.
struct Peer {
    const char* name;
    bool (*supports)(Op, const Shape&);
    Run (*make)(Op, const Args&);
};

Peer naive_peer();
#ifdef NONLIN_BENCH_HAVE_EIGEN
Peer eigen_peer();
#endif
#ifdef NONLIN_BENCH_HAVE_ONEDNN
Peer onednn_peer();
#endif
#ifdef NONLIN_BENCH_HAVE_XNNPACK
Peer xnnpack_peer();
#endif

// The memory limits (copy, mul3, sum, fill), in limits.cpp.
// impl: "memcpy", "loop" or "stream" (non-temporal stores) for copy, "loop"
// or "stream" for mul3, "loop" for sum, "memset" for fill. Empty if absent.
Run make_limit(Op op, const char* impl, const Args& args);

}  // namespace bench
