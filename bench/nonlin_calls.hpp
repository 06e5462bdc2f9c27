// The calls the benchmark times: every public computing function of
// nonlin.h as an Op with its arguments, shared by the benchmark
// (bench_main.cpp) and the instruction counter (insns_call.cpp) so that
// both run the same call on the same data.
#pragma once

#include "bench.hpp"

namespace bench {

enum class Family { elementwise, rows, loss, limit };

// The parameters the parametric elementwise ops are called with: PyTorch's
// defaults, from the registry.
#define BENCH_DEFAULTS_0() {}
#define BENCH_DEFAULTS_1(a, ka, da) {static_cast<float>(da)}
#define BENCH_DEFAULTS_2(a, ka, da, b, kb, db) {static_cast<float>(da), static_cast<float>(db)}

// The registration table: one line per op.
struct OpInfo {
    Op op;
    const char* name;
    Family family;
    Op forward;       // `a` holds this op's output on random x (Op::copy: x itself)
    bool dy;          // `b` holds a random dy
    int streams;      // float arrays of the full size read or written once; with
                      // none (nll_loss), an element is a row
    int row_bytes;    // other bytes per row: targets, gathered values
    const char* limit;  // the limit it is compared with (a label for bench/report)
    Params params = {};  // an elementwise op's parameters
};

// What an elementwise backward's `a` holds, from the registry's backward
// input: the forward's output y, or x itself.
#define BENCH_BACKWARD_FROM_output(name) Op::name
#define BENCH_BACKWARD_FROM_input(name) Op::copy

// Elementwise forwards stream two arrays (x -> y) like copy, backwards
// three (y or x, dy -> dx) like mul3.
inline constexpr OpInfo kOps[] = {
#define NONLIN_ELEMENTWISE(name, functor, from, arity, names, valid, fwd_ulp, bwd_ulp, scale, fast, fast_fwd_ulp, fast_bwd_ulp)                  \
    {Op::name, #name, Family::elementwise, Op::copy, false, 2, 0, "copy",              \
     Params BENCH_DEFAULTS_##arity names},                                             \
    {Op::name##_backward, #name "_backward", Family::elementwise,                      \
     BENCH_BACKWARD_FROM_##from(name), true, 3, 0, "mul3", Params BENCH_DEFAULTS_##arity names},
#define NONLIN_GRADIENT(name, functor, of, bwd_ulp, scale, fast, fast_bwd_ulp) \
    {Op::name, #name, Family::elementwise, Op::copy, true, 3, 0, "mul3"},
#include "../src/ops/registry.def"
#undef NONLIN_GRADIENT
#undef NONLIN_ELEMENTWISE
    {Op::softmax, "softmax", Family::rows, Op::copy, false, 2, 0, "copy"},
    {Op::softmax_backward, "softmax_backward", Family::rows, Op::softmax, true, 3, 0, "mul3"},
    {Op::log_softmax, "log_softmax", Family::rows, Op::copy, false, 2, 0, "copy"},
    {Op::log_softmax_backward, "log_softmax_backward", Family::rows, Op::log_softmax, true, 3, 0, "mul3"},
    {Op::nll_loss, "nll_loss", Family::loss, Op::log_softmax, false, 0, 12, ""},
    {Op::nll_loss_backward, "nll_loss_backward", Family::loss, Op::copy, false, 1, 8, "fill"},
    {Op::cross_entropy, "cross_entropy", Family::loss, Op::copy, false, 2, 8, "copy"},
    {Op::cross_entropy_loss, "cross_entropy_loss", Family::loss, Op::copy, false, 1, 8, "sum"},
    {Op::copy, "copy", Family::limit, Op::copy, false, 2, 0, ""},
    {Op::mul3, "mul3", Family::limit, Op::copy, true, 3, 0, ""},
    {Op::sum, "sum", Family::limit, Op::copy, false, 1, 0, ""},
    {Op::fill, "fill", Family::limit, Op::copy, false, 1, 0, ""},
};
#undef BENCH_BACKWARD_FROM_output
#undef BENCH_BACKWARD_FROM_input
#undef BENCH_DEFAULTS_0
#undef BENCH_DEFAULTS_1
#undef BENCH_DEFAULTS_2

// The arguments of one call of `info` at shape `s`: inputs drawn once per
// process, shared by calls of the same size (Google Benchmark calls a
// benchmark function several times), and a scratch output.
Args make_args(const OpInfo& info, const Shape& s);

// Runs nonlin's function for `op` once on `a`; false unless it returns NONLIN_OK.
bool call_nonlin(Op op, const Args& a);

}  // namespace bench
