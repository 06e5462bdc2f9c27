// oneDNN 2.6's bf16 eltwise and softmax as the 16-bit peer: bf16 memory in
// and out, the primitive created outside the timed loop. Where the CPU (or
// the build of oneDNN) has no bf16 implementation the run is skipped with
// that reason, and bench/report shows no figure.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "half_bench.hpp"
#include "nonlin/nonlin.h"

namespace bench {
namespace {

using dnnl::algorithm;
using dnnl::memory;

struct bf16_op {
    const char* name;
    bool softmax;
    algorithm alg;
};

const bf16_op kOps[] = {
    {"sigmoid", false, algorithm::eltwise_logistic},
    {"tanh", false, algorithm::eltwise_tanh},
    {"relu", false, algorithm::eltwise_relu},
    {"hardswish", false, algorithm::eltwise_hardswish},
    {"gelu", false, algorithm::eltwise_gelu_erf},
    {"exp", false, algorithm::eltwise_exp},
    {"softmax", true, algorithm::softmax_accurate},
    {"log_softmax", true, algorithm::softmax_log},
};

void run(benchmark::State& state, bf16_op op, std::size_t rows, std::size_t cols) try {
    static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    const std::size_t n = rows * cols;
    const auto d = [](std::size_t v) { return static_cast<memory::dim>(v); };
    const memory::desc md = op.softmax
        ? memory::desc({d(rows), d(cols)}, memory::data_type::bf16, memory::format_tag::ab)
        : memory::desc({d(n)}, memory::data_type::bf16, memory::format_tag::a);
    std::vector<float> xf(n);
    std::mt19937 gen(1);
    std::uniform_real_distribution<float> uniform(-10.0f, 10.0f);
    for (float& v : xf) v = uniform(gen);
    std::vector<nonlin_bf16> x(n), y(n);
    nonlin_f32_to_bf16(n, xf.data(), x.data());
    memory src(md, engine, x.data()), dst(md, engine, y.data());
    dnnl::primitive prim;
    if (op.softmax)
        prim = dnnl::softmax_v2_forward(dnnl::softmax_v2_forward::primitive_desc(
            {dnnl::prop_kind::forward_inference, op.alg, md, md, 1}, engine));
    else
        prim = dnnl::eltwise_forward(dnnl::eltwise_forward::primitive_desc(
            {dnnl::prop_kind::forward_inference, op.alg, md, 0.0f, 0.0f}, engine));
    dnnl::stream stream(engine);
    for (auto _ : state) {
        prim.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
        stream.wait();
        benchmark::ClobberMemory();
    }
    record_elements(state, n);
} catch (const dnnl::error& e) {
    state.SkipWithError((std::string("oneDNN has no bf16 ") + op.name + " here: " + e.what()).c_str());
}

}  // namespace

void register_half_peers(const char* op, std::size_t rows, std::size_t cols,
                         const std::string& prefix) {
    for (const bf16_op& o : kOps)
        if (std::string(o.name) == op)
            benchmark::RegisterBenchmark((prefix + "/onednn_bf16").c_str(),
                                         [o, rows, cols](benchmark::State& s) { run(s, o, rows, cols); });
}

}  // namespace bench
