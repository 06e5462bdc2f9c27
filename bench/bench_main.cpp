// Google Benchmark suite: every public function of nonlin.h on each ISA
// this CPU has, on one thread and on all, next to the peers found at
// configure time and the memory limit streaming the same bytes. The
// elementwise ops, forward and backward, come from src/ops/registry.def.
//
// Names: <op>/<size>/<impl>[/<isa>/t<threads>], e.g.
//   sigmoid/4096/nonlin/avx2/t1, softmax/128x1000/onednn, copy/640/memcpy
// Sizes: n for elementwise ops and limits, rows x cols, outer x axis x inner.
// Counters: bytes_per_second (bytes read + written once), items_per_second,
// ns_per_element, elements (per call: n, rows x cols, or rows for nll_loss).
// bench/report runs it and writes the tables; compare only within one run.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "../src/isa/isa_list.hpp"
#include "bench.hpp"
#include "nonlin/nonlin.h"

namespace bench {
namespace {

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
constexpr OpInfo kOps[] = {
#define NONLIN_ELEMENTWISE(name, functor, from, arity, names, valid, fwd_ulp, bwd_ulp, scale)                  \
    {Op::name, #name, Family::elementwise, Op::copy, false, 2, 0, "copy",              \
     Params BENCH_DEFAULTS_##arity names},                                             \
    {Op::name##_backward, #name "_backward", Family::elementwise,                      \
     BENCH_BACKWARD_FROM_##from(name), true, 3, 0, "mul3", Params BENCH_DEFAULTS_##arity names},
#include "../src/ops/registry.def"
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

// The benchmarked sizes. Elementwise: 16 KiB, 1 MiB and 64 MiB of floats
// (the last large enough for streaming stores). Rows of 10 to 2^20 columns,
// among them one row longer than 2^16 (summarized part by part) and a
// strided axis (inner 256). Losses take rows x classes only: the row shapes
// without the strided one.
const std::vector<Shape> kElementwise = {{1, 4096, 1}, {1, 262144, 1}, {1, 16777216, 1}};
const std::vector<Shape> kRows = {{64, 10, 1},    {128, 1000, 1}, {32, 32000, 1},
                                  {4096, 128, 1}, {1, 1048576, 1}, {32, 128, 256}};
const std::vector<Shape> kLossRows(kRows.begin(), kRows.end() - 1);

const std::map<Op, std::vector<const char*>> kLimitImpls = {
    {Op::copy, {"memcpy", "loop", "stream"}}, {Op::mul3, {"loop", "stream"}},
    {Op::sum, {"loop"}}, {Op::fill, {"memset"}}};

std::string size_name(const OpInfo& info, const Shape& s) {
    if (info.family == Family::elementwise || info.family == Family::limit)
        return std::to_string(s.size());
    std::string name = std::to_string(s.outer) + "x" + std::to_string(s.axis);
    return s.inner == 1 ? name : name + "x" + std::to_string(s.inner);
}

// ------------------------------------------------------------------ data
// Inputs are made once per process and shared by every benchmark of the
// same size: Google Benchmark calls a benchmark function several times.

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

bool call_nonlin(Op op, const Args& a);

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

// ---------------------------------------------------------------- nonlin

bool call_nonlin(Op op, const Args& a) {
    const auto [o, ax, in] = a.shape;
    const std::size_t n = a.shape.size();
    constexpr nonlin_reduction mean = NONLIN_REDUCTION_MEAN;
    nonlin_status s = NONLIN_ERR_BAD_ARGUMENT;
    switch (op) {
#define BENCH_PARAMS_0
#define BENCH_PARAMS_1 , a.params[0]
#define BENCH_PARAMS_2 , a.params[0], a.params[1]
#define NONLIN_ELEMENTWISE(name, functor, from, arity, names, valid, fwd_ulp, bwd_ulp, scale)                           \
    case Op::name: s = nonlin_##name##_f32(n, a.a, a.out BENCH_PARAMS_##arity); break;         \
    case Op::name##_backward:                                                                  \
        s = nonlin_##name##_backward_f32(n, a.a, a.b, a.out BENCH_PARAMS_##arity);              \
        break;
#include "../src/ops/registry.def"
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

// ------------------------------------------------------------- the bench

// One benchmark: an op at a size, by one implementation.
struct Entry {
    const OpInfo* info;
    Shape shape;
    std::function<Run(const Args&)> make;
    const char* isa = nullptr;  // nonlin only
    int threads = 1;            // nonlin only; peers and limits run on one thread
};

void run(benchmark::State& state, const Entry& e) {
    const Args args = make_args(*e.info, e.shape);
    if (e.isa &&
        (nonlin_set_isa(e.isa) != NONLIN_OK || nonlin_set_num_threads(e.threads) != NONLIN_OK)) {
        state.SkipWithError("cannot select the ISA or thread count");
        return;
    }
    const Run call = e.make(args);
    if (!call || !call()) {  // the first call is also the warm-up
        state.SkipWithError("the call failed");
    } else {
        for (auto _ : state) {
            call();
            benchmark::ClobberMemory();
        }
        const double calls = static_cast<double>(state.iterations());
        const double rows = static_cast<double>(e.shape.outer);
        const double n = e.info->streams ? static_cast<double>(e.shape.size()) : rows;
        const double bytes = 4.0 * e.info->streams * n + e.info->row_bytes * rows;
        state.SetItemsProcessed(static_cast<int64_t>(calls * n));
        state.SetBytesProcessed(static_cast<int64_t>(calls * bytes));
        state.counters["ns_per_element"] = benchmark::Counter(
            calls * n * 1e-9, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
        state.counters["elements"] = n;  // per call
        if (*e.info->limit) state.SetLabel(std::string("limit=") + e.info->limit);
    }
    nonlin_set_isa(nullptr);
    nonlin_set_num_threads(1);
}

// One thread: the thread's CPU time, which a busy machine disturbs least.
// More threads: wall time (the OpenMP team's work is not the caller's CPU).
void add(const std::string& name, Entry e) {
    const bool wall = e.threads > 1;
    auto* b = benchmark::RegisterBenchmark(name.c_str(), run, std::move(e));
    if (wall) b->UseRealTime();
}

std::vector<Peer> peers() {
    return {naive_peer(),
#ifdef NONLIN_BENCH_HAVE_EIGEN
            eigen_peer(),
#endif
#ifdef NONLIN_BENCH_HAVE_ONEDNN
            onednn_peer(),
#endif
#ifdef NONLIN_BENCH_HAVE_XNNPACK
            xnnpack_peer(),
#endif
    };
}

void register_all(int all_threads) {
    std::vector<const char*> isas;  // those of src/isa/isa_list.def this CPU has, best first
    for (auto isa = std::rbegin(nonlin::kIsaNames); isa != std::rend(nonlin::kIsaNames); ++isa)
        if (nonlin_set_isa(*isa) == NONLIN_OK) isas.push_back(*isa);
    nonlin_set_isa(nullptr);
    std::vector<int> thread_counts = {1};
    if (all_threads > 1) thread_counts.push_back(all_threads);
    const std::vector<Peer> others = peers();

    std::map<std::size_t, Shape> limit_sizes;
    for (const OpInfo& info : kOps) {
        if (info.family == Family::limit) continue;
        const std::vector<Shape>& shapes = info.family == Family::elementwise ? kElementwise
                                           : info.family == Family::rows      ? kRows
                                                                              : kLossRows;
        for (const Shape& s : shapes) {
            limit_sizes.emplace(s.size(), Shape{1, s.size(), 1});
            const std::string prefix = std::string(info.name) + "/" + size_name(info, s) + "/";
            const Op op = info.op;
            const auto nonlin = [op](const Args& a) -> Run {
                return [op, a] { return call_nonlin(op, a); };
            };
            for (int t : thread_counts)
                for (const char* isa : isas)
                    add(prefix + "nonlin/" + isa + "/t" + std::to_string(t),
                        {&info, s, nonlin, isa, t});
            for (const Peer& p : others)
                if (p.supports(op, s))
                    add(prefix + p.name,
                        {&info, s, [p, op](const Args& a) { return p.make(op, a); }});
        }
    }
    for (const OpInfo& info : kOps) {
        if (info.family != Family::limit) continue;
        const Op op = info.op;
        for (const auto& [n, s] : limit_sizes)
            for (const char* impl : kLimitImpls.at(op))
                add(std::string(info.name) + "/" + std::to_string(n) + "/" + impl,
                    {&info, s, [op, impl](const Args& a) { return make_limit(op, impl, a); }});
    }
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    // nonlin is given its thread count explicitly; OpenMP's own default is
    // set to one thread for the peers that use it (oneDNN).
    const int all_threads = omp_get_max_threads();
    omp_set_num_threads(1);
    nonlin_set_num_threads(1);
    benchmark::AddCustomContext("nonlin_version", nonlin_version_string());
    benchmark::AddCustomContext("nonlin_default_isa", nonlin_isa());
    benchmark::AddCustomContext("nonlin_all_threads", std::to_string(all_threads));
    bench::register_all(all_threads);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
