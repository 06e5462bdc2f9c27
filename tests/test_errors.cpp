// Bad input: each invalid call returns its documented status and writes
// nothing. Table-driven: each case is a call and the status it must return.
#include <functional>

#include "support.hpp"

using namespace nonlin_test;

namespace {

constexpr float kSentinel = 12345.0f;
constexpr std::size_t kBig = std::numeric_limits<std::size_t>::max() / 2;

struct buffers {
    std::vector<float> a = std::vector<float>(64, 0.5f);
    std::vector<float> b = std::vector<float>(64, 0.25f);
    std::vector<float> out = std::vector<float>(64, kSentinel);
    std::vector<float> out2 = std::vector<float>(64, kSentinel);
    std::vector<int64_t> target = std::vector<int64_t>(8, 1);
};

struct bad_call {
    const char* what;
    nonlin_status expected;
    std::function<nonlin_status(buffers&)> call;
};

const bad_call kBadCalls[] = {
    // NULL with a nonzero size.
    {"sigmoid null x", NONLIN_ERR_NULL_POINTER,
     [](buffers& m) { return nonlin_sigmoid_f32(4, nullptr, m.out.data()); }},
    {"tanh null y", NONLIN_ERR_NULL_POINTER,
     [](buffers& m) { return nonlin_tanh_f32(4, m.a.data(), nullptr); }},
    {"sigmoid backward null dy", NONLIN_ERR_NULL_POINTER,
     [](buffers& m) { return nonlin_sigmoid_backward_f32(4, m.a.data(), nullptr, m.out.data()); }},
    {"sigmoid backward from input null x", NONLIN_ERR_NULL_POINTER,
     [](buffers& m) {
         return nonlin_sigmoid_backward_from_input_f32(4, nullptr, m.b.data(), m.out.data());
     }},
    {"tanh backward from input null dx", NONLIN_ERR_NULL_POINTER,
     [](buffers& m) {
         return nonlin_tanh_backward_from_input_f32(4, m.a.data(), m.b.data(), nullptr);
     }},
    {"softmax null x", NONLIN_ERR_NULL_POINTER,
     [](buffers& m) { return nonlin_softmax_f32(2, 4, 1, nullptr, m.out.data()); }},
    {"log_softmax backward null y", NONLIN_ERR_NULL_POINTER,
     [](buffers& m) {
         return nonlin_log_softmax_backward_f32(2, 4, 1, nullptr, m.b.data(), m.out.data());
     }},
    {"cross_entropy null loss", NONLIN_ERR_NULL_POINTER,
     [](buffers& m) {
         return nonlin_cross_entropy_f32(2, 4, m.a.data(), m.target.data(), nullptr, m.out.data(),
                                         -100, NONLIN_REDUCTION_MEAN);
     }},
    {"cross_entropy null target", NONLIN_ERR_NULL_POINTER,
     [](buffers& m) {
         return nonlin_cross_entropy_f32(2, 4, m.a.data(), nullptr, m.out2.data(), m.out.data(),
                                         -100, NONLIN_REDUCTION_MEAN);
     }},
    {"nll backward null dloss", NONLIN_ERR_NULL_POINTER,
     [](buffers& m) {
         return nonlin_nll_loss_backward_f32(2, 4, m.target.data(), nullptr, m.out.data(), -100,
                                             NONLIN_REDUCTION_SUM);
     }},
    // Shapes.
    {"elementwise size overflows bytes", NONLIN_ERR_BAD_SHAPE,
     [](buffers& m) { return nonlin_sigmoid_f32(kBig, m.a.data(), m.out.data()); }},
    {"backward from input size overflows bytes", NONLIN_ERR_BAD_SHAPE,
     [](buffers& m) {
         return nonlin_tanh_backward_from_input_f32(kBig, m.a.data(), m.b.data(), m.out.data());
     }},
    {"softmax size product overflows", NONLIN_ERR_BAD_SHAPE,
     [](buffers& m) { return nonlin_softmax_f32(kBig, 4, 3, m.a.data(), m.out.data()); }},
    {"cross_entropy zero classes", NONLIN_ERR_BAD_SHAPE,
     [](buffers& m) {
         return nonlin_cross_entropy_f32(2, 0, m.a.data(), m.target.data(), m.out2.data(),
                                         m.out.data(), -100, NONLIN_REDUCTION_SUM);
     }},
    {"nll rows overflow", NONLIN_ERR_BAD_SHAPE,
     [](buffers& m) {
         return nonlin_nll_loss_f32(kBig, 3, m.a.data(), m.target.data(), m.out.data(), -100,
                                    NONLIN_REDUCTION_SUM);
     }},
    // Overlap: partial overlap of an output with an input, or of two outputs.
    {"sigmoid y shifted over x", NONLIN_ERR_OVERLAP,
     [](buffers& m) { return nonlin_sigmoid_f32(8, m.out.data(), m.out.data() + 1); }},
    {"tanh backward dx shifted over dy", NONLIN_ERR_OVERLAP,
     [](buffers& m) {
         return nonlin_tanh_backward_f32(8, m.a.data(), m.out.data() + 2, m.out.data());
     }},
    {"sigmoid backward from input dx shifted over x", NONLIN_ERR_OVERLAP,
     [](buffers& m) {
         return nonlin_sigmoid_backward_from_input_f32(8, m.out.data() + 1, m.b.data(),
                                                       m.out.data());
     }},
    {"softmax y inside x", NONLIN_ERR_OVERLAP,
     [](buffers& m) { return nonlin_softmax_f32(2, 8, 1, m.out.data(), m.out.data() + 8); }},
    {"cross_entropy loss inside logits", NONLIN_ERR_OVERLAP,
     [](buffers& m) {
         return nonlin_cross_entropy_f32(2, 4, m.out.data(), m.target.data(), m.out.data() + 3,
                                         nullptr, -100, NONLIN_REDUCTION_SUM);
     }},
    {"cross_entropy loss inside dlogits", NONLIN_ERR_OVERLAP,
     [](buffers& m) {
         return nonlin_cross_entropy_f32(2, 4, m.a.data(), m.target.data(), m.out.data() + 1,
                                         m.out.data(), -100, NONLIN_REDUCTION_SUM);
     }},
    // An int64 array and a float array of the same byte size at the same
    // address are not "the same array": the call would read targets it has
    // overwritten.
    {"nll backward dinput exactly over target", NONLIN_ERR_OVERLAP,
     [](buffers& m) {
         return nonlin_nll_loss_backward_f32(2, 2, reinterpret_cast<int64_t*>(m.out.data()),
                                             m.b.data(), m.out.data(), -100,
                                             NONLIN_REDUCTION_SUM);
     }},
    {"nll loss exactly over target", NONLIN_ERR_OVERLAP,
     [](buffers& m) {
         return nonlin_nll_loss_f32(4, 1, m.a.data(), reinterpret_cast<int64_t*>(m.out.data()),
                                    m.out.data(), -100, NONLIN_REDUCTION_NONE);
     }},
    {"cross_entropy dlogits exactly over target", NONLIN_ERR_OVERLAP,
     [](buffers& m) {
         return nonlin_cross_entropy_f32(2, 2, m.a.data(),
                                         reinterpret_cast<int64_t*>(m.out.data()), m.out2.data(),
                                         m.out.data(), -100, NONLIN_REDUCTION_SUM);
     }},
    {"cross_entropy per-row loss exactly over target", NONLIN_ERR_OVERLAP,
     [](buffers& m) {
         return nonlin_cross_entropy_f32(4, 3, m.a.data(),
                                         reinterpret_cast<int64_t*>(m.out.data()), m.out.data(),
                                         nullptr, -100, NONLIN_REDUCTION_NONE);
     }},
    {"nll backward dinput over target", NONLIN_ERR_OVERLAP,
     [](buffers& m) {
         return nonlin_nll_loss_backward_f32(2, 4, reinterpret_cast<int64_t*>(m.out.data()),
                                             m.b.data(), m.out.data(), -100,
                                             NONLIN_REDUCTION_SUM);
     }},
    // Targets.
    {"target equal to classes", NONLIN_ERR_BAD_TARGET,
     [](buffers& m) {
         m.target[1] = 4;
         return nonlin_cross_entropy_f32(2, 4, m.a.data(), m.target.data(), m.out2.data(),
                                         m.out.data(), -100, NONLIN_REDUCTION_MEAN);
     }},
    {"negative target", NONLIN_ERR_BAD_TARGET,
     [](buffers& m) {
         m.target[0] = -1;
         return nonlin_nll_loss_f32(2, 4, m.a.data(), m.target.data(), m.out.data(), -100,
                                    NONLIN_REDUCTION_NONE);
     }},
    {"target out of range in backward", NONLIN_ERR_BAD_TARGET,
     [](buffers& m) {
         m.target[1] = 1000;
         return nonlin_nll_loss_backward_f32(2, 4, m.target.data(), m.b.data(), m.out.data(),
                                             -100, NONLIN_REDUCTION_NONE);
     }},
    // Arguments.
    {"unknown reduction", NONLIN_ERR_BAD_ARGUMENT,
     [](buffers& m) {
         return nonlin_cross_entropy_f32(2, 4, m.a.data(), m.target.data(), m.out2.data(),
                                         m.out.data(), -100, static_cast<nonlin_reduction>(7));
     }},
    // Parameters: checked before everything else, NaN and infinities refused.
    {"leaky_relu NaN slope", NONLIN_ERR_BAD_ARGUMENT,
     [](buffers& m) { return nonlin_leaky_relu_f32(4, m.a.data(), m.out.data(), kNaN); }},
    {"leaky_relu backward infinite slope", NONLIN_ERR_BAD_ARGUMENT,
     [](buffers& m) {
         return nonlin_leaky_relu_backward_f32(4, m.a.data(), m.b.data(), m.out.data(), kInf);
     }},
    {"hardtanh lo == hi", NONLIN_ERR_BAD_ARGUMENT,
     [](buffers& m) { return nonlin_hardtanh_f32(4, m.a.data(), m.out.data(), 1.0f, 1.0f); }},
    {"hardtanh lo > hi", NONLIN_ERR_BAD_ARGUMENT,
     [](buffers& m) { return nonlin_hardtanh_f32(4, m.a.data(), m.out.data(), 2.0f, -2.0f); }},
    {"hardtanh NaN hi, before the null pointer", NONLIN_ERR_BAD_ARGUMENT,
     [](buffers&) { return nonlin_hardtanh_f32(4, nullptr, nullptr, -1.0f, kNaN); }},
    {"hardtanh backward lo > hi", NONLIN_ERR_BAD_ARGUMENT,
     [](buffers& m) {
         return nonlin_hardtanh_backward_f32(4, m.a.data(), m.b.data(), m.out.data(), 0.5f, 0.0f);
     }},
    {"celu alpha 0", NONLIN_ERR_BAD_ARGUMENT,
     [](buffers& m) { return nonlin_celu_f32(4, m.a.data(), m.out.data(), 0.0f); }},
    {"celu backward negative alpha", NONLIN_ERR_BAD_ARGUMENT,
     [](buffers& m) {
         return nonlin_celu_backward_f32(4, m.a.data(), m.b.data(), m.out.data(), -1.0f);
     }},
    {"elu NaN alpha", NONLIN_ERR_BAD_ARGUMENT,
     [](buffers& m) { return nonlin_elu_f32(4, m.a.data(), m.out.data(), kNaN); }},
    {"softplus beta 0", NONLIN_ERR_BAD_ARGUMENT,
     [](buffers& m) { return nonlin_softplus_f32(4, m.a.data(), m.out.data(), 0.0f, 20.0f); }},
    {"softplus NaN threshold", NONLIN_ERR_BAD_ARGUMENT,
     [](buffers& m) { return nonlin_softplus_f32(4, m.a.data(), m.out.data(), 1.0f, kNaN); }},
    {"softplus backward negative beta", NONLIN_ERR_BAD_ARGUMENT,
     [](buffers& m) {
         return nonlin_softplus_backward_f32(4, m.a.data(), m.b.data(), m.out.data(), -2.0f,
                                             20.0f);
     }},
    {"unknown reduction in nll", NONLIN_ERR_BAD_ARGUMENT,
     [](buffers& m) {
         return nonlin_nll_loss_f32(2, 4, m.a.data(), m.target.data(), m.out.data(), -100,
                                    static_cast<nonlin_reduction>(-1));
     }},
};

}  // namespace

TEST_CASE("bad calls return their status and leave outputs untouched", "[errors]") {
    FOR_EACH_ISA();
    for (const bad_call& c : kBadCalls) {
        INFO(c.what);
        buffers m;
        const std::vector<float> before = m.out, before2 = m.out2;
        CHECK(c.call(m) == c.expected);
        CHECK(m.out == before);
        CHECK(m.out2 == before2);
    }
}

TEST_CASE("empty calls are no-ops, even with NULL pointers", "[errors]") {
    CHECK(nonlin_sigmoid_f32(0, nullptr, nullptr) == NONLIN_OK);
    CHECK(nonlin_tanh_backward_f32(0, nullptr, nullptr, nullptr) == NONLIN_OK);
    CHECK(nonlin_sigmoid_backward_from_input_f32(0, nullptr, nullptr, nullptr) == NONLIN_OK);
    CHECK(nonlin_tanh_backward_from_input_f32(0, nullptr, nullptr, nullptr) == NONLIN_OK);
    CHECK(nonlin_softmax_f32(0, 5, 3, nullptr, nullptr) == NONLIN_OK);
    CHECK(nonlin_softmax_f32(4, 5, 0, nullptr, nullptr) == NONLIN_OK);
    CHECK(nonlin_log_softmax_f32(0, 0, 0, nullptr, nullptr) == NONLIN_OK);
    // An empty axis is an empty tensor too, as in numpy and PyTorch.
    CHECK(nonlin_softmax_f32(2, 0, 1, nullptr, nullptr) == NONLIN_OK);
    CHECK(nonlin_softmax_backward_f32(1, 0, 3, nullptr, nullptr, nullptr) == NONLIN_OK);
    // A zero factor is checked before the product of the others overflows.
    const std::size_t huge = std::size_t{1} << 40;
    CHECK(nonlin_softmax_f32(huge, huge, 0, nullptr, nullptr) == NONLIN_OK);
    CHECK(nonlin_log_softmax_backward_f32(0, huge, huge, nullptr, nullptr, nullptr) ==
          NONLIN_OK);
    CHECK(nonlin_nll_loss_backward_f32(0, huge * huge / 2, nullptr, nullptr, nullptr, -100,
                                       NONLIN_REDUCTION_NONE) == NONLIN_OK);
    CHECK(nonlin_nll_loss_f32(0, 3, nullptr, nullptr, nullptr, -100, NONLIN_REDUCTION_NONE) ==
          NONLIN_OK);
    CHECK(nonlin_nll_loss_backward_f32(0, 3, nullptr, nullptr, nullptr, -100,
                                       NONLIN_REDUCTION_MEAN) == NONLIN_OK);
}

TEST_CASE("exact aliasing of same-size arrays is allowed", "[errors]") {
    std::vector<float> v(16, 0.5f);
    CHECK(nonlin_sigmoid_backward_f32(16, v.data(), v.data(), v.data()) == NONLIN_OK);
    CHECK(nonlin_tanh_backward_from_input_f32(16, v.data(), v.data(), v.data()) == NONLIN_OK);
    CHECK(nonlin_softmax_backward_f32(4, 4, 1, v.data(), v.data(), v.data()) == NONLIN_OK);
    // Same start but a different length is a partial overlap.
    std::vector<int64_t> t(4, 0);
    CHECK(nonlin_cross_entropy_f32(4, 4, v.data(), t.data(), v.data(), nullptr, -100,
                                   NONLIN_REDUCTION_NONE) == NONLIN_ERR_OVERLAP);
}

TEST_CASE("status strings name every status", "[runtime]") {
    for (int s = 0; s <= 6; ++s) {
        const std::string name = nonlin_status_string(static_cast<nonlin_status>(s));
        CHECK(!name.empty());
        CHECK(name != "unknown status");
    }
    CHECK(std::string(nonlin_status_string(static_cast<nonlin_status>(99))) == "unknown status");
}
