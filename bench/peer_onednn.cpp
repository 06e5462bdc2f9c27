// oneDNN 2.6 primitives on the CPU engine: eltwise logistic / tanh forward
// and backward (backward from the output, the *_use_dst_for_bwd algorithms,
// as nonlin), softmax_v2 (accurate and log) forward and backward. Primitives
// and memory objects are created here, outside the timed loop. oneDNN
// threads with OpenMP: the benchmark's main() sets one OpenMP thread.
#include <unordered_map>

#include <oneapi/dnnl/dnnl.hpp>

#include "bench.hpp"

namespace bench {

namespace {

using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;
using Map = std::unordered_map<int, memory>;

dnnl::engine& engine() {
    static dnnl::engine e(dnnl::engine::kind::cpu, 0);
    return e;
}

// 1-D for elementwise, 2-D for rows x cols, 3-D for a non-last axis.
memory::desc desc(const Shape& s, bool elementwise) {
    const auto d = [](std::size_t v) { return static_cast<memory::dim>(v); };
    constexpr auto f32 = memory::data_type::f32;
    if (elementwise) return {{d(s.size())}, f32, memory::format_tag::a};
    if (s.inner == 1) return {{d(s.outer), d(s.axis)}, f32, memory::format_tag::ab};
    return {{d(s.outer), d(s.axis), d(s.inner)}, f32, memory::format_tag::abc};
}

memory wrap(const memory::desc& md, const float* p) {
    return memory(md, engine(), const_cast<float*>(p));
}

Run execute(dnnl::primitive prim, Map args) {
    dnnl::stream stream(engine());
    return [prim, args, stream]() mutable {
        prim.execute(stream, args);
        stream.wait();
        return true;
    };
}

Run eltwise(const Args& a, algorithm alg, bool backward) {
    const memory::desc md = desc(a.shape, true);
    if (!backward) {
        dnnl::eltwise_forward::primitive_desc pd({prop_kind::forward_inference, alg, md}, engine());
        return execute(dnnl::eltwise_forward(pd),
                       {{DNNL_ARG_SRC, wrap(md, a.a)}, {DNNL_ARG_DST, wrap(md, a.out)}});
    }
    dnnl::eltwise_forward::primitive_desc fwd({prop_kind::forward_training, alg, md}, engine());
    dnnl::eltwise_backward::primitive_desc pd({alg, md, md}, engine(), fwd);
    return execute(dnnl::eltwise_backward(pd), {{DNNL_ARG_DST, wrap(md, a.a)},
                                                {DNNL_ARG_DIFF_DST, wrap(md, a.b)},
                                                {DNNL_ARG_DIFF_SRC, wrap(md, a.out)}});
}

Run softmax(const Args& a, algorithm alg, bool backward) {
    const memory::desc md = desc(a.shape, false);
    if (!backward) {
        dnnl::softmax_v2_forward::primitive_desc pd(
            {prop_kind::forward_inference, alg, md, md, 1}, engine());
        return execute(dnnl::softmax_v2_forward(pd),
                       {{DNNL_ARG_SRC, wrap(md, a.a)}, {DNNL_ARG_DST, wrap(md, a.out)}});
    }
    dnnl::softmax_v2_forward::primitive_desc fwd({prop_kind::forward_training, alg, md, md, 1},
                                                 engine());
    dnnl::softmax_v2_backward::primitive_desc pd({alg, md, md, md, 1}, engine(), fwd);
    return execute(dnnl::softmax_v2_backward(pd), {{DNNL_ARG_DST, wrap(md, a.a)},
                                                   {DNNL_ARG_DIFF_DST, wrap(md, a.b)},
                                                   {DNNL_ARG_DIFF_SRC, wrap(md, a.out)}});
}

bool supports(Op op, const Shape&) { return op <= Op::log_softmax_backward; }

Run make(Op op, const Args& a) try {
    constexpr algorithm logistic = algorithm::eltwise_logistic_use_dst_for_bwd;
    constexpr algorithm tanh = algorithm::eltwise_tanh_use_dst_for_bwd;
    switch (op) {
    case Op::sigmoid: return eltwise(a, algorithm::eltwise_logistic, false);
    case Op::sigmoid_backward: return eltwise(a, logistic, true);
    case Op::tanh: return eltwise(a, algorithm::eltwise_tanh, false);
    case Op::tanh_backward: return eltwise(a, tanh, true);
    case Op::softmax: return softmax(a, algorithm::softmax_accurate, false);
    case Op::softmax_backward: return softmax(a, algorithm::softmax_accurate, true);
    case Op::log_softmax: return softmax(a, algorithm::softmax_log, false);
    case Op::log_softmax_backward: return softmax(a, algorithm::softmax_log, true);
    default: return {};
    }
} catch (const dnnl::error&) {
    return {};
}

}  // namespace

Peer onednn_peer() { return {"onednn", supports, make}; }

}  // namespace bench
