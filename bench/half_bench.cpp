// The 16-bit elementwise functions against their f32 twins: the same op on
// the same values (uniform in [-10, 10]) at an L1-sized and a memory-sized
// length, one thread, the default ISA. Named half/<op>/<n>/<type>; compare
// the types within one run (bench/report does not read these).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "nonlin/nonlin.h"

namespace bench {
namespace {

template <class T>
using forward_fn = nonlin_status (*)(size_t, const T*, T*);

struct half_op {
    const char* name;
    forward_fn<float> f32;
    forward_fn<nonlin_bf16> bf16;
    forward_fn<nonlin_f16> f16;
};

const half_op kHalfOps[] = {
    {"sigmoid", nonlin_sigmoid_f32, nonlin_sigmoid_bf16, nonlin_sigmoid_f16},
    {"relu", nonlin_relu_f32, nonlin_relu_bf16, nonlin_relu_f16},
    {"hardswish", nonlin_hardswish_f32, nonlin_hardswish_bf16, nonlin_hardswish_f16},
    {"gelu", nonlin_gelu_f32, nonlin_gelu_bf16, nonlin_gelu_f16},
};

std::vector<float> inputs(std::size_t n) {
    std::vector<float> x(n);
    std::mt19937 gen(1);
    std::uniform_real_distribution<float> uniform(-10.0f, 10.0f);
    for (float& v : x) v = uniform(gen);
    return x;
}

template <class T, class Narrow>
void add(const std::string& name, forward_fn<T> f, std::size_t n, Narrow narrow) {
    benchmark::RegisterBenchmark(name.c_str(), [f, n, narrow](benchmark::State& state) {
        const std::vector<float> xf = inputs(n);
        std::vector<T> x(n), y(n);
        narrow(n, xf.data(), x.data());
        for (auto _ : state) {
            f(n, x.data(), y.data());
            benchmark::ClobberMemory();
        }
        state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                                static_cast<int64_t>(n));
        state.counters["ns_per_element"] = benchmark::Counter(
            static_cast<double>(state.iterations()) * static_cast<double>(n) * 1e-9,
            benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    });
}

}  // namespace

void register_half() {
    for (const half_op& op : kHalfOps)
        for (std::size_t n : {std::size_t{4096}, std::size_t{1} << 24}) {
            const std::string prefix = std::string("half/") + op.name + "/" + std::to_string(n);
            add<float>(prefix + "/f32", op.f32, n, [](size_t k, const float* a, float* b) {
                std::copy(a, a + k, b);
                return NONLIN_OK;
            });
            add<nonlin_bf16>(prefix + "/bf16", op.bf16, n, nonlin_f32_to_bf16);
            add<nonlin_f16>(prefix + "/f16", op.f16, n, nonlin_f32_to_f16);
        }
}

}  // namespace bench
