#include "nonlin_calls.hpp"

#include <map>
#include <random>
#include <tuple>
#include <vector>

#include "nonlin/nonlin.h"

namespace bench {
namespace {

enum class Dist { uniform10, normal3, normal1 };  // U[-10, 10], N(0, 3), N(0, 1)

const std::vector<float>& random(std::size_t n, Dist dist) {
    static std::map<std::pair<std::size_t, Dist>, std::vector<float>> cache;
    std::vector<float>& v = cache[{n, dist}];
    if (v.empty()) {
        v.resize(n);
        std::mt19937 gen(static_cast<unsigned>(dist) + 1);
        std::uniform_real_distribution<float> uniform(-10.0f, 10.0f);
        std::normal_distribution<float> normal(0.0f, dist == Dist::normal3 ? 3.0f : 1.0f);
        for (float& x : v) x = dist == Dist::uniform10 ? uniform(gen) : normal(gen);
    }
    return v;
}

// Scratch output of n floats, one per size (benchmarks run one at a time).
float* scratch(std::size_t n) {
    static std::map<std::size_t, std::vector<float>> cache;
    std::vector<float>& v = cache[n];
    if (v.empty()) v.assign(n, 0.0f);
    return v.data();
}

}  // namespace

// x: uniform in [-10, 10] for elementwise ops and limits, normal(0, 3) for
// rows; `forward`'s output on x when the op reads one; dy normal(0, 1).
Args make_args(const OpInfo& info, const Shape& s) {
    const bool rows = info.family == Family::rows || info.family == Family::loss;
    const std::size_t n = s.size();
    Args a{s, random(n, rows ? Dist::normal3 : Dist::uniform10).data(), nullptr, nullptr,
           scratch(n), nullptr, info.params};
    if (info.dy) a.b = random(n, Dist::normal1).data();
    if (info.forward != Op::copy) {
        using Key = std::tuple<Op, std::size_t, std::size_t, std::size_t>;
        static std::map<Key, std::vector<float>> cache;
        std::vector<float>& y = cache[{info.forward, s.outer, s.axis, s.inner}];
        if (y.empty()) {
            y.resize(n);
            Args f = a;
            f.out = y.data();
            call_nonlin(info.forward, f);
        }
        a.a = y.data();
    }
    if (info.family == Family::loss) {
        static std::map<std::pair<std::size_t, std::size_t>, std::vector<std::int64_t>> targets;
        std::vector<std::int64_t>& t = targets[{s.outer, s.axis}];
        if (t.empty()) {
            std::mt19937 gen(3);
            const auto classes = static_cast<std::int64_t>(s.axis);
            std::uniform_int_distribution<std::int64_t> cls(0, classes - 1);
            for (std::size_t r = 0; r < s.outer; ++r) t.push_back(cls(gen));
        }
        static std::vector<float> losses(1 << 12), dloss(1, 1.0f);
        a.target = t.data();
        a.loss = losses.data();
        if (info.op == Op::nll_loss_backward) a.b = dloss.data();
    }
    return a;
}

bool call_nonlin(Op op, const Args& a) {
    const auto [o, ax, in] = a.shape;
    const std::size_t n = a.shape.size();
    constexpr nonlin_reduction mean = NONLIN_REDUCTION_MEAN;
    nonlin_status s = NONLIN_ERR_BAD_ARGUMENT;
    switch (op) {
#define BENCH_PARAMS_0
#define BENCH_PARAMS_1 , a.params[0]
#define BENCH_PARAMS_2 , a.params[0], a.params[1]
#define NONLIN_ELEMENTWISE(name, functor, from, arity, names, valid, fwd_ulp, bwd_ulp, scale, fast, fast_fwd_ulp, fast_bwd_ulp)                           \
    case Op::name: s = nonlin_##name##_f32(n, a.a, a.out BENCH_PARAMS_##arity); break;         \
    case Op::name##_backward:                                                                  \
        s = nonlin_##name##_backward_f32(n, a.a, a.b, a.out BENCH_PARAMS_##arity);              \
        break;
#define NONLIN_GRADIENT(name, functor, of, bwd_ulp, scale, fast, fast_bwd_ulp) \
    case Op::name: s = nonlin_##name##_f32(n, a.a, a.b, a.out); break;
#include "../src/ops/registry.def"
#undef NONLIN_GRADIENT
#undef NONLIN_ELEMENTWISE
#undef BENCH_PARAMS_0
#undef BENCH_PARAMS_1
#undef BENCH_PARAMS_2
    case Op::softmax: s = nonlin_softmax_f32(o, ax, in, a.a, a.out); break;
    case Op::softmax_backward: s = nonlin_softmax_backward_f32(o, ax, in, a.a, a.b, a.out); break;
    case Op::log_softmax: s = nonlin_log_softmax_f32(o, ax, in, a.a, a.out); break;
    case Op::log_softmax_backward:
        s = nonlin_log_softmax_backward_f32(o, ax, in, a.a, a.b, a.out);
        break;
    case Op::nll_loss:
        s = nonlin_nll_loss_f32(o, ax, a.a, a.target, a.loss, kIgnoreIndex, mean);
        break;
    case Op::nll_loss_backward:
        s = nonlin_nll_loss_backward_f32(o, ax, a.target, a.b, a.out, kIgnoreIndex, mean);
        break;
    case Op::cross_entropy:
        s = nonlin_cross_entropy_f32(o, ax, a.a, a.target, a.loss, a.out, kIgnoreIndex, mean);
        break;
    case Op::cross_entropy_loss:
        s = nonlin_cross_entropy_f32(o, ax, a.a, a.target, a.loss, nullptr, kIgnoreIndex, mean);
        break;
    default: break;
    }
    return s == NONLIN_OK;
}

}  // namespace bench
