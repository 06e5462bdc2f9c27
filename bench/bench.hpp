// Shared by the benchmark's translation units: the ops, one call's
// arguments, and how an implementation (nonlin, a peer, a memory limit)
// turns them into a callable that the timed loop runs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>

namespace bench {

// Every public computing function of nonlin.h, plus the memory limits.
// The elementwise ops come from the registry, each with its backward, so
// that a registry line is benchmarked with no edit here.
// cross_entropy_loss is nonlin_cross_entropy_f32 without a gradient
// (dlogits == NULL): a read-only pass over the logits.
enum class Op {
#define NONLIN_ELEMENTWISE(name, functor, from, arity, params, valid, fwd_ulp, bwd_ulp, scale, fast, fast_fwd_ulp, fast_bwd_ulp) name, name##_backward,
#define NONLIN_GRADIENT(name, functor, of, bwd_ulp, scale, fast, fast_bwd_ulp) name,
#include "../src/ops/registry.def"
#undef NONLIN_GRADIENT
#undef NONLIN_ELEMENTWISE
    softmax, softmax_backward, log_softmax, log_softmax_backward,
    nll_loss, nll_loss_backward, cross_entropy, cross_entropy_loss,
    copy, mul3, sum, fill,  // limits: y = x, z = x * y, s += x, y = 0
};

// The registry's elementwise ops by name. Peers key their formulas and
// algorithms by name, not by Op, so that a peer may list an op the
// registry does not have (yet) and a new registry op just has no peer.
struct Elementwise {
    const char* name;
    Op forward, backward;
};

inline constexpr Elementwise kElementwise[] = {
#define NONLIN_ELEMENTWISE(name, functor, from, arity, params, valid, fwd_ulp, bwd_ulp, scale, fast, fast_fwd_ulp, fast_bwd_ulp) \
    {#name, Op::name, Op::name##_backward},
// No peer computes them: they compare with nonlin's own backward from y.
#define NONLIN_GRADIENT(name, functor, of, bwd_ulp, scale, fast, fast_bwd_ulp)
#include "../src/ops/registry.def"
#undef NONLIN_GRADIENT
#undef NONLIN_ELEMENTWISE
};

// The row of `rows` (a peer's table, each row's `op` a registry name) for
// the elementwise op `op`, and whether `op` is that op's backward; null when
// `op` is not elementwise or the peer has no row for it.
template <class Row, std::size_t N>
const Row* find_elementwise(const Row (&rows)[N], Op op, bool* backward) {
    for (const Elementwise& e : kElementwise) {
        if (op != e.forward && op != e.backward) continue;
        *backward = op == e.backward;
        for (const Row& r : rows)
            if (std::strcmp(r.op, e.name) == 0) return &r;
        return nullptr;
    }
    return nullptr;
}

// An elementwise op's parameters, in the registry's order (unused: 0).
using Params = std::array<float, 2>;

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
    const float* a;          // x; for a backward, what it takes (y, or x for most
                             // elementwise ops); log-probabilities for nll_loss
    const float* b;          // dy for a backward; the one dloss for nll_loss_backward
    const std::int64_t* target;
    float* out;              // y, dx, dinput or dlogits
    float* loss;
    Params params;           // an elementwise op's parameters
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
