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
#include <string>
#include <vector>

#include "../src/isa/isa_list.hpp"
#include "half_bench.hpp"
#include "nonlin_calls.hpp"
#include "nonlin/nonlin.h"

namespace bench {
namespace {

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

// ------------------------------------------------------------- the bench

// One benchmark: an op at a size, by one implementation.
struct Entry {
    const OpInfo* info;
    Shape shape;
    std::function<Run(const Args&)> make;
    const char* isa = nullptr;  // nonlin only
    int threads = 1;            // nonlin only; peers and limits run on one thread
    nonlin_accuracy accuracy = NONLIN_ACCURACY_STRICT;  // nonlin only
};

// The ISA chosen at load (NONLIN_ISA, else the best): every benchmark that
// names none runs on it (the 16-bit table's, half_bench.cpp).
const std::string& default_isa() {
    static const std::string isa = nonlin_isa();
    return isa;
}

void run(benchmark::State& state, const Entry& e) {
    const Args args = make_args(*e.info, e.shape);
    if (e.isa &&
        (nonlin_set_isa(e.isa) != NONLIN_OK || nonlin_set_num_threads(e.threads) != NONLIN_OK ||
         nonlin_set_accuracy(e.accuracy) != NONLIN_OK)) {
        state.SkipWithError("cannot select the ISA, thread count or accuracy tier");
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
    nonlin_set_isa(default_isa().c_str());
    nonlin_set_num_threads(1);
    nonlin_set_accuracy(NONLIN_ACCURACY_STRICT);
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
    // The ISAs of src/isa/isa_list.def this CPU has, best first, but the
    // variants: their float kernels are their base's.
    std::vector<const char*> isas;
    for (auto isa = std::rbegin(nonlin::kIsaNames); isa != std::rend(nonlin::kIsaNames); ++isa)
        if (!nonlin::is_isa_variant(*isa) && nonlin_set_isa(*isa) == NONLIN_OK)
            isas.push_back(*isa);
    nonlin_set_isa(default_isa().c_str());
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
            for (int t : thread_counts) {
                for (const char* isa : isas)
                    add(prefix + "nonlin/" + isa + "/t" + std::to_string(t),
                        {&info, s, nonlin, isa, t});
                // The fast tier on the best ISA only.
                add(prefix + "nonlin-fast/" + isas.front() + "/t" + std::to_string(t),
                    {&info, s, nonlin, isas.front(), t, NONLIN_ACCURACY_FAST});
            }
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
    benchmark::AddCustomContext("nonlin_default_isa", bench::default_isa());
    benchmark::AddCustomContext("nonlin_all_threads", std::to_string(all_threads));
    bench::register_all(all_threads);
    bench::register_half();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
