// Google Benchmark suite: nonlin on every ISA this CPU has, next to a naive
// scalar loop of the same formula and the memory limit (memcpy of the same
// bytes). Compare within one run only: the machine is noisy.
//
//   build/bench/nonlin_bench --benchmark_repetitions=5 \
//       --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "nonlin/nonlin.h"

namespace {

std::vector<float> uniform(std::size_t n, float lo, float hi) {
    std::mt19937 gen(42);
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(n);
    for (float& x : v) x = d(gen);
    return v;
}

std::vector<float> normal(std::size_t n, float sigma) {
    std::mt19937 gen(43);
    std::normal_distribution<float> d(0.0f, sigma);
    std::vector<float> v(n);
    for (float& x : v) x = d(gen);
    return v;
}

// bytes read + written once, items, and ns per element.
void set_counters(benchmark::State& state, std::size_t elements, std::size_t streams) {
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * elements));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * elements * streams * 4));
    state.counters["ns_per_element"] = benchmark::Counter(
        static_cast<double>(state.iterations() * elements),
        benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

struct isa_guard {
    explicit isa_guard(benchmark::State& state, const char* isa) {
        if (nonlin_set_isa(isa) != NONLIN_OK) state.SkipWithError("ISA not available");
        nonlin_set_num_threads(1);
    }
    ~isa_guard() {
        nonlin_set_isa(nullptr);
        nonlin_set_num_threads(0);
    }
};

void bm_sigmoid(benchmark::State& state, const char* isa) {
    const std::size_t n = static_cast<std::size_t>(state.range(0));
    isa_guard g(state, isa);
    const std::vector<float> x = uniform(n, -10.0f, 10.0f);
    std::vector<float> y(n);
    for (auto _ : state) {
        nonlin_sigmoid_f32(n, x.data(), y.data());
        benchmark::DoNotOptimize(y.data());
    }
    set_counters(state, n, 2);
}

void bm_tanh(benchmark::State& state, const char* isa) {
    const std::size_t n = static_cast<std::size_t>(state.range(0));
    isa_guard g(state, isa);
    const std::vector<float> x = uniform(n, -10.0f, 10.0f);
    std::vector<float> y(n);
    for (auto _ : state) {
        nonlin_tanh_f32(n, x.data(), y.data());
        benchmark::DoNotOptimize(y.data());
    }
    set_counters(state, n, 2);
}

void bm_naive_sigmoid(benchmark::State& state) {
    const std::size_t n = static_cast<std::size_t>(state.range(0));
    const std::vector<float> x = uniform(n, -10.0f, 10.0f);
    std::vector<float> y(n);
    for (auto _ : state) {
        for (std::size_t i = 0; i < n; ++i) y[i] = 1.0f / (1.0f + std::exp(-x[i]));
        benchmark::DoNotOptimize(y.data());
    }
    set_counters(state, n, 2);
}

void bm_memcpy(benchmark::State& state) {
    const std::size_t n = static_cast<std::size_t>(state.range(0));
    const std::vector<float> x = uniform(n, -10.0f, 10.0f);
    std::vector<float> y(n);
    for (auto _ : state) {
        std::memcpy(y.data(), x.data(), n * sizeof(float));
        benchmark::DoNotOptimize(y.data());
    }
    set_counters(state, n, 2);
}

void bm_log_softmax(benchmark::State& state, const char* isa) {
    const std::size_t rows = static_cast<std::size_t>(state.range(0));
    const std::size_t cols = static_cast<std::size_t>(state.range(1));
    isa_guard g(state, isa);
    const std::vector<float> x = normal(rows * cols, 3.0f);
    std::vector<float> y(rows * cols);
    for (auto _ : state) {
        nonlin_log_softmax_f32(rows, cols, 1, x.data(), y.data());
        benchmark::DoNotOptimize(y.data());
    }
    set_counters(state, rows * cols, 2);
}

void bm_softmax(benchmark::State& state, const char* isa) {
    const std::size_t rows = static_cast<std::size_t>(state.range(0));
    const std::size_t cols = static_cast<std::size_t>(state.range(1));
    isa_guard g(state, isa);
    const std::vector<float> x = normal(rows * cols, 3.0f);
    std::vector<float> y(rows * cols);
    for (auto _ : state) {
        nonlin_softmax_f32(rows, cols, 1, x.data(), y.data());
        benchmark::DoNotOptimize(y.data());
    }
    set_counters(state, rows * cols, 2);
}

// The stable three-pass formula in plain scalar code.
void bm_naive_log_softmax(benchmark::State& state) {
    const std::size_t rows = static_cast<std::size_t>(state.range(0));
    const std::size_t cols = static_cast<std::size_t>(state.range(1));
    const std::vector<float> x = normal(rows * cols, 3.0f);
    std::vector<float> y(rows * cols);
    for (auto _ : state) {
        for (std::size_t r = 0; r < rows; ++r) {
            const float* in = &x[r * cols];
            float* out = &y[r * cols];
            float m = in[0];
            for (std::size_t c = 1; c < cols; ++c) m = std::max(m, in[c]);
            float s = 0.0f;
            for (std::size_t c = 0; c < cols; ++c) s += std::exp(in[c] - m);
            const float l = std::log(s);
            for (std::size_t c = 0; c < cols; ++c) out[c] = (in[c] - m) - l;
        }
        benchmark::DoNotOptimize(y.data());
    }
    set_counters(state, rows * cols, 2);
}

void bm_cross_entropy(benchmark::State& state, const char* isa) {
    const std::size_t rows = static_cast<std::size_t>(state.range(0));
    const std::size_t cols = static_cast<std::size_t>(state.range(1));
    isa_guard g(state, isa);
    const std::vector<float> x = normal(rows * cols, 3.0f);
    std::vector<int64_t> t(rows);
    for (std::size_t r = 0; r < rows; ++r) t[r] = static_cast<int64_t>(r % cols);
    std::vector<float> grad(rows * cols);
    float loss;
    for (auto _ : state) {
        nonlin_cross_entropy_f32(rows, cols, x.data(), t.data(), &loss, grad.data(), -100,
                                 NONLIN_REDUCTION_MEAN);
        benchmark::DoNotOptimize(grad.data());
    }
    set_counters(state, rows * cols, 2);
}

const char* const kIsas[] = {"avx512", "avx2", "sse2", "scalar"};

void elementwise_sizes(benchmark::internal::Benchmark* b) {
    for (int64_t n : {4096, 262144, 16777216}) b->Arg(n);
}

void row_shapes(benchmark::internal::Benchmark* b) {
    for (auto s : {std::pair<int64_t, int64_t>{64, 10}, {128, 1000}, {32, 32000}, {4096, 128},
                   {1, 1048576}})
        b->Args({s.first, s.second});
}

int register_all() {
    for (const char* isa : kIsas) {
        const std::string suffix = std::string("/") + isa;
        benchmark::RegisterBenchmark(("sigmoid" + suffix).c_str(), bm_sigmoid, isa)
            ->Apply(elementwise_sizes);
        benchmark::RegisterBenchmark(("tanh" + suffix).c_str(), bm_tanh, isa)->Apply(elementwise_sizes);
        benchmark::RegisterBenchmark(("softmax" + suffix).c_str(), bm_softmax, isa)->Apply(row_shapes);
        benchmark::RegisterBenchmark(("log_softmax" + suffix).c_str(), bm_log_softmax, isa)
            ->Apply(row_shapes);
        benchmark::RegisterBenchmark(("cross_entropy" + suffix).c_str(), bm_cross_entropy, isa)
            ->Apply(row_shapes);
    }
    benchmark::RegisterBenchmark("naive_sigmoid", bm_naive_sigmoid)->Apply(elementwise_sizes);
    benchmark::RegisterBenchmark("memcpy", bm_memcpy)->Apply(elementwise_sizes);
    benchmark::RegisterBenchmark("naive_log_softmax", bm_naive_log_softmax)->Apply(row_shapes);
    return 0;
}

const int registered = register_all();

}  // namespace

BENCHMARK_MAIN();
