// oneDNN 2.6 primitives on the CPU engine: eltwise forward and backward
// for the registry ops it defines as nonlin does, softmax_v2 (accurate and
// log) forward and backward. Primitives and memory objects are created
// here, outside the timed loop. oneDNN threads with OpenMP: the
// benchmark's main() sets one OpenMP thread.
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

// oneDNN's alpha and beta for an op's parameters p; false where oneDNN's
// algorithm cannot take them.
using AlphaBeta = bool (*)(const Params& p, Params* alpha_beta);

bool zero(const Params&, Params* ab) { *ab = {}; return true; }
bool same(const Params& p, Params* ab) { *ab = p; return true; }

// A registry op oneDNN defines as nonlin (PyTorch) does, by name. The
// backward takes what nonlin's takes: y with the *_use_dst_for_bwd
// algorithms (sigmoid, tanh), else x.
struct Eltwise {
    const char* op;
    algorithm forward, backward;
    AlphaBeta alpha_beta;
};

using A = algorithm;
const Eltwise kEltwise[] = {
    {"sigmoid", A::eltwise_logistic, A::eltwise_logistic_use_dst_for_bwd, zero},
    {"tanh", A::eltwise_tanh, A::eltwise_tanh_use_dst_for_bwd, zero},
    {"relu", A::eltwise_relu, A::eltwise_relu, zero},
    {"leaky_relu", A::eltwise_relu, A::eltwise_relu, same},  // alpha: the slope
    // clip_v2, not clip: dy passes for lo < x < hi only, as in PyTorch
    // (clip passes it at hi too).
    {"relu6", A::eltwise_clip_v2, A::eltwise_clip_v2,
     [](const Params&, Params* ab) { *ab = {0.0f, 6.0f}; return true; }},
    {"hardtanh", A::eltwise_clip_v2, A::eltwise_clip_v2, same},
    // Its backward differs at exactly x = -3 and 3 (0 and dy, PyTorch's
    // -dy/2 and 3dy/2): two kinks, no matter for timing.
    {"hardswish", A::eltwise_hardswish, A::eltwise_hardswish, zero},
    {"exp", A::eltwise_exp, A::eltwise_exp, zero},
    {"elu", A::eltwise_elu, A::eltwise_elu, same},
    // soft_relu is log(1 + e^x), with no beta: softplus at beta = 1 only.
    // Its missing threshold changes no float from 18 up (e^-x is below half
    // an ulp of x and of 1 there).
    {"softplus", A::eltwise_soft_relu, A::eltwise_soft_relu,
     [](const Params& p, Params* ab) { *ab = {}; return p[0] == 1.0f && p[1] >= 18.0f; }},
    {"logsigmoid", A::eltwise_logsigmoid, A::eltwise_logsigmoid, zero},
    {"silu", A::eltwise_swish, A::eltwise_swish,  // x * sigmoid(alpha x)
     [](const Params&, Params* ab) { *ab = {1.0f, 0.0f}; return true; }},
    {"gelu_tanh", A::eltwise_gelu_tanh, A::eltwise_gelu_tanh, zero},
    {"gelu", A::eltwise_gelu_erf, A::eltwise_gelu_erf, zero},
    {"mish", A::eltwise_mish, A::eltwise_mish, zero},
};
// Not here: hardsigmoid (oneDNN 3.0 has it), softsign and selu (no
// algorithm), celu (elu is celu at alpha = 1 only, another definition).

Run eltwise(const Args& a, const Eltwise& e, bool backward) {
    Params ab;
    if (!e.alpha_beta(a.params, &ab)) return {};
    const memory::desc md = desc(a.shape, true);
    if (!backward) {
        dnnl::eltwise_forward::primitive_desc pd(
            {prop_kind::forward_inference, e.forward, md, ab[0], ab[1]}, engine());
        return execute(dnnl::eltwise_forward(pd),
                       {{DNNL_ARG_SRC, wrap(md, a.a)}, {DNNL_ARG_DST, wrap(md, a.out)}});
    }
    dnnl::eltwise_forward::primitive_desc fwd(
        {prop_kind::forward_training, e.backward, md, ab[0], ab[1]}, engine());
    dnnl::eltwise_backward::primitive_desc pd({e.backward, md, md, ab[0], ab[1]}, engine(), fwd);
    const int from = e.backward != e.forward ? DNNL_ARG_DST : DNNL_ARG_SRC;  // use_dst_for_bwd
    return execute(dnnl::eltwise_backward(pd), {{from, wrap(md, a.a)},
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

struct Softmax {
    Op op;
    algorithm alg;
    bool backward;
};

const Softmax kSoftmax[] = {
    {Op::softmax, A::softmax_accurate, false},
    {Op::softmax_backward, A::softmax_accurate, true},
    {Op::log_softmax, A::softmax_log, false},
    {Op::log_softmax_backward, A::softmax_log, true},
};

const Softmax* find_softmax(Op op) {
    for (const Softmax& s : kSoftmax)
        if (s.op == op) return &s;
    return nullptr;
}

bool supports(Op op, const Shape&) {
    bool backward;
    return find_elementwise(kEltwise, op, &backward) || find_softmax(op);
}

Run make(Op op, const Args& a) try {
    bool backward = false;
    if (const Eltwise* e = find_elementwise(kEltwise, op, &backward))
        return eltwise(a, *e, backward);
    if (const Softmax* s = find_softmax(op)) return softmax(a, s->alg, s->backward);
    return {};
} catch (const dnnl::error&) {
    return {};
}

}  // namespace

Peer onednn_peer() { return {"onednn", supports, make}; }

}  // namespace bench
