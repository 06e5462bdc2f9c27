// The 16-bit functions against their f32 twins, and oneDNN's bf16 where it
// has them: the same op on the same values (uniform in [-10, 10]) at an
// L1-sized and a memory-sized length, one thread, the default ISA, in the
// strict and the fast tier. Named half/<op>/<size>/<impl>, impl one of
// f32, bf16, f16, their -fast twins and onednn_bf16; bench/report prints
// them as its 16-bit table.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "half_bench.hpp"
#include "nonlin/nonlin.h"

namespace bench {
namespace {

// One call of an op on n elements of T (rows x cols for the row functions).
template <class T>
using call_fn = std::function<nonlin_status(std::size_t rows, std::size_t cols, const T*, T*)>;

template <class T>
call_fn<T> elementwise(nonlin_status (*f)(size_t, const T*, T*)) {
    return [f](std::size_t rows, std::size_t cols, const T* x, T* y) { return f(rows * cols, x, y); };
}
template <class T>
call_fn<T> rows(nonlin_status (*f)(size_t, size_t, size_t, const T*, T*)) {
    return [f](std::size_t r, std::size_t c, const T* x, T* y) { return f(r, c, 1, x, y); };
}

struct half_op {
    const char* name;
    bool row_function;
    call_fn<float> f32;
    call_fn<nonlin_bf16> bf16;
    call_fn<nonlin_f16> f16;
};

#define NONLIN_HALF_ELEMENTWISE(op) \
    {#op, false, elementwise(nonlin_##op##_f32), elementwise(nonlin_##op##_bf16), \
     elementwise(nonlin_##op##_f16)}
#define NONLIN_HALF_ROWS(op) \
    {#op, true, rows(nonlin_##op##_f32), rows(nonlin_##op##_bf16), rows(nonlin_##op##_f16)}

const half_op kHalfOps[] = {
    NONLIN_HALF_ELEMENTWISE(sigmoid), NONLIN_HALF_ELEMENTWISE(tanh),
    NONLIN_HALF_ELEMENTWISE(relu),    NONLIN_HALF_ELEMENTWISE(hardswish),
    NONLIN_HALF_ELEMENTWISE(gelu),    NONLIN_HALF_ELEMENTWISE(exp),
    NONLIN_HALF_ROWS(softmax),        NONLIN_HALF_ROWS(log_softmax),
};

// The two sizes: rows x cols (rows 1 for the elementwise ops).
struct half_size {
    std::size_t rows, cols;
    std::string name(bool row_function) const {
        return row_function ? std::to_string(rows) + "x" + std::to_string(cols)
                            : std::to_string(rows * cols);
    }
};
const half_size kElementwiseSizes[] = {{1, 4096}, {1, std::size_t{1} << 24}};
const half_size kRowSizes[] = {{64, 64}, {4096, 4096}};

std::vector<float> inputs(std::size_t n) {
    std::vector<float> x(n);
    std::mt19937 gen(1);
    std::uniform_real_distribution<float> uniform(-10.0f, 10.0f);
    for (float& v : x) v = uniform(gen);
    return x;
}

template <class T, class Narrow>
void add(const std::string& name, call_fn<T> f, half_size s, nonlin_accuracy tier,
         Narrow narrow) {
    benchmark::RegisterBenchmark(name.c_str(), [f, s, tier, narrow](benchmark::State& state) {
        const std::size_t n = s.rows * s.cols;
        const std::vector<float> xf = inputs(n);
        std::vector<T> x(n), y(n);
        narrow(n, xf.data(), x.data());
        if (nonlin_set_accuracy(tier) != NONLIN_OK || f(s.rows, s.cols, x.data(), y.data())) {
            state.SkipWithError("the call failed");
            nonlin_set_accuracy(NONLIN_ACCURACY_STRICT);
            return;
        }
        for (auto _ : state) {
            f(s.rows, s.cols, x.data(), y.data());
            benchmark::ClobberMemory();
        }
        nonlin_set_accuracy(NONLIN_ACCURACY_STRICT);
        record_elements(state, n);
    });
}

nonlin_status copy_floats(size_t n, const float* a, float* b) {
    std::copy(a, a + n, b);
    return NONLIN_OK;
}

}  // namespace

void record_elements(benchmark::State& state, std::size_t n) {
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(n));
    state.counters["ns_per_element"] = benchmark::Counter(
        static_cast<double>(state.iterations()) * static_cast<double>(n) * 1e-9,
        benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.counters["elements"] = static_cast<double>(n);  // per call, for bench/report
}

void register_half() {
    for (const half_op& op : kHalfOps) {
        for (const half_size& s : op.row_function ? kRowSizes : kElementwiseSizes) {
            const std::string prefix = std::string("half/") + op.name + "/" + s.name(op.row_function);
            for (const nonlin_accuracy tier : {NONLIN_ACCURACY_STRICT, NONLIN_ACCURACY_FAST}) {
                const std::string suffix = tier == NONLIN_ACCURACY_FAST ? "-fast" : "";
                add<float>(prefix + "/f32" + suffix, op.f32, s, tier, copy_floats);
                add<nonlin_bf16>(prefix + "/bf16" + suffix, op.bf16, s, tier, nonlin_f32_to_bf16);
                add<nonlin_f16>(prefix + "/f16" + suffix, op.f16, s, tier, nonlin_f32_to_f16);
            }
            register_half_peers(op.name, s.rows, s.cols, prefix);
        }
    }
}

}  // namespace bench
