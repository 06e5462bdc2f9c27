// Every row function (softmax, log_softmax and their backward, the masked
// softmax, logsumexp and its backward, cross_entropy, nll_loss and its
// backward) in float32, bfloat16 and float16, with every array at odd
// byte offsets: the bits of the call on fresh allocations (nonlin.h: "any
// byte address works, on every path"). Short rows, longer rows, strided
// columns and a contiguous row long enough to be split in parts; every ISA
// and both accuracy tiers.
#include <cstring>
#include <vector>

#include "../src/ops/row_stats.hpp"
#include "row_shapes.hpp"

namespace {

using namespace nonlin_test;

// `count` elements of T starting `offset` bytes into a fresh allocation.
template <class T>
struct at_offset {
    std::vector<unsigned char> raw;
    T* p;
    at_offset(std::size_t count, std::size_t offset)
        : raw(count * sizeof(T) + 64), p(reinterpret_cast<T*>(raw.data() + offset)) {}
    std::vector<unsigned char> bytes() const {
        const auto* b = reinterpret_cast<const unsigned char*>(p);
        return {b, b + (raw.size() - 64)};
    }
};

// The C functions of one element type.
template <class T>
struct row_api;

#define NONLIN_ROW_API(T, sfx)                                                            \
    template <>                                                                           \
    struct row_api<T> {                                                                   \
        static constexpr auto softmax = nonlin_softmax_##sfx;                             \
        static constexpr auto log_softmax = nonlin_log_softmax_##sfx;                     \
        static constexpr auto softmax_backward = nonlin_softmax_backward_##sfx;           \
        static constexpr auto log_softmax_backward = nonlin_log_softmax_backward_##sfx;   \
        static constexpr auto masked_softmax = nonlin_masked_softmax_##sfx;               \
        static constexpr auto masked_log_softmax = nonlin_masked_log_softmax_##sfx;       \
        static constexpr auto logsumexp = nonlin_logsumexp_##sfx;                         \
        static constexpr auto logsumexp_backward = nonlin_logsumexp_backward_##sfx;       \
        static constexpr auto cross_entropy = nonlin_cross_entropy_##sfx;                 \
        static constexpr auto nll_loss = nonlin_nll_loss_##sfx;                           \
        static constexpr auto nll_loss_backward = nonlin_nll_loss_backward_##sfx;         \
    }
NONLIN_ROW_API(float, f32);
NONLIN_ROW_API(nonlin_bf16, bf16);
NONLIN_ROW_API(nonlin_f16, f16);
#undef NONLIN_ROW_API

void narrow(const std::vector<float>& v, float* out) {
    std::memcpy(out, v.data(), v.size() * sizeof(float));
}
void narrow(const std::vector<float>& v, nonlin_bf16* out) {
    REQUIRE(nonlin_f32_to_bf16(v.size(), v.data(), out) == NONLIN_OK);
}
void narrow(const std::vector<float>& v, nonlin_f16* out) {
    REQUIRE(nonlin_f32_to_f16(v.size(), v.data(), out) == NONLIN_OK);
}

// One call's arrays: all at the start of their allocations (offset 0),
// or the j-th of them at byte offset `offset + j`. A row function reads x
// (and y, dy) and writes out; the losses see rows = outer, classes = axis,
// and write (or, for nll_loss_backward, read) one float per row in loss.
template <class T>
struct call_arrays {
    at_offset<T> x, y, dy, out;
    at_offset<float> loss;
    at_offset<int64_t> target;
    at_offset<uint8_t> mask;

    static std::size_t place(std::size_t offset, std::size_t j) { return offset ? offset + j : 0; }
    call_arrays(const shape& s, std::size_t offset)
        : x(total(s), place(offset, 0)),
          y(total(s), place(offset, 1)),
          dy(total(s), place(offset, 2)),
          out(total(s), place(offset, 3)),
          loss(s.outer * s.inner, place(offset, 4)),
          target(s.outer, place(offset, 5)),
          mask(s.axis * s.inner, place(offset, 6)) {
        narrow(normal_values(total(s), 3.0, 31), x.p);
        narrow(normal_values(total(s), 0.2, 32), y.p);
        narrow(normal_values(total(s), 1.0, 33), dy.p);
        std::memset(out.p, 0x5a, total(s) * sizeof(T));
        // Written byte-wise: the arrays are misaligned on purpose.
        std::vector<float> dloss(s.outer * s.inner);
        for (std::size_t r = 0; r < dloss.size(); ++r) dloss[r] = 0.5f + static_cast<float>(r % 3);
        std::memcpy(loss.p, dloss.data(), dloss.size() * sizeof(float));
        std::vector<int64_t> t(s.outer);
        for (std::size_t r = 0; r < s.outer; ++r)
            t[r] = r % 5 == 3 ? -100 : static_cast<int64_t>(r * 7 % s.axis);
        std::memcpy(target.p, t.data(), t.size() * sizeof(int64_t));
        for (std::size_t i = 0; i < s.axis * s.inner; ++i) mask.p[i] = i % 3 != 1;
    }
};

template <class T>
struct row_call {
    const char* name;
    bool rows_only;  // the losses: contiguous rows (inner == 1)
    nonlin_status (*run)(const shape& s, call_arrays<T>& a);
};

template <class T>
const std::vector<row_call<T>>& row_calls() {
    using A = row_api<T>;
    using C = call_arrays<T>;
    static const std::vector<row_call<T>> calls = {
        {"softmax", false,
         [](const shape& s, C& a) { return A::softmax(s.outer, s.axis, s.inner, a.x.p, a.out.p); }},
        {"log_softmax", false,
         [](const shape& s, C& a) {
             return A::log_softmax(s.outer, s.axis, s.inner, a.x.p, a.out.p);
         }},
        {"softmax_backward", false,
         [](const shape& s, C& a) {
             return A::softmax_backward(s.outer, s.axis, s.inner, a.y.p, a.dy.p, a.out.p);
         }},
        {"log_softmax_backward", false,
         [](const shape& s, C& a) {
             return A::log_softmax_backward(s.outer, s.axis, s.inner, a.y.p, a.dy.p, a.out.p);
         }},
        {"masked_softmax", false,
         [](const shape& s, C& a) {
             return A::masked_softmax(s.outer, s.axis, s.inner, 1, a.x.p, a.mask.p, a.out.p,
                                      0.5f, NONLIN_EMPTY_ROW_ZERO);
         }},
        {"masked_log_softmax", false,
         [](const shape& s, C& a) {
             return A::masked_log_softmax(s.outer, s.axis, s.inner, 1, a.x.p, a.mask.p, a.out.p,
                                          1.0f, NONLIN_EMPTY_ROW_NAN);
         }},
        {"logsumexp", false,
         [](const shape& s, C& a) { return A::logsumexp(s.outer, s.axis, s.inner, a.x.p, a.out.p); }},
        {"logsumexp_backward", false,
         [](const shape& s, C& a) {
             return A::logsumexp_backward(s.outer, s.axis, s.inner, a.x.p, a.y.p, a.dy.p, a.out.p);
         }},
        {"cross_entropy", true,
         [](const shape& s, C& a) {
             return A::cross_entropy(s.outer, s.axis, a.x.p, a.target.p, a.loss.p, a.out.p, -100,
                                     NONLIN_REDUCTION_NONE);
         }},
        {"nll_loss", true,
         [](const shape& s, C& a) {
             return A::nll_loss(s.outer, s.axis, a.x.p, a.target.p, a.loss.p, -100,
                                NONLIN_REDUCTION_NONE);
         }},
        {"nll_loss_backward", true,
         [](const shape& s, C& a) {
             return A::nll_loss_backward(s.outer, s.axis, a.target.p, a.loss.p, a.out.p, -100,
                                         NONLIN_REDUCTION_NONE);
         }},
    };
    return calls;
}

// Two vectors of every ISA take the short-row path; 37 the general one;
// strided columns; a row of kLongRow and more is worked in parts.
const shape kOffsetShapes[] = {
    {6, 10, 1}, {9, 6, 1}, {5, 37, 1}, {3, 9, 5}, {2, 2100, 1}, {1, nonlin::kLongRow + 1000, 1},
};

template <class T>
void check_offsets(const char* type) {
    for (const row_call<T>& c : row_calls<T>()) {
        for (const shape& s : kOffsetShapes) {
            if (c.rows_only && s.inner != 1) continue;
            INFO(type << " " << c.name << " " << s.outer << "x" << s.axis << "x" << s.inner);
            call_arrays<T> aligned(s, 0);
            REQUIRE(c.run(s, aligned) == NONLIN_OK);
            for (std::size_t offset : {1u, 2u, 3u, 9u}) {
                INFO("byte offset " << offset);
                call_arrays<T> moved(s, offset);
                REQUIRE(c.run(s, moved) == NONLIN_OK);
                CHECK(moved.out.bytes() == aligned.out.bytes());
                CHECK(moved.loss.bytes() == aligned.loss.bytes());
            }
        }
    }
}

}  // namespace

TEST_CASE("row functions with arrays at odd byte offsets give the aligned bits",
          "[contract][softmax][loss][half]") {
    FOR_EACH_ISA_AND_TIER();
    check_offsets<float>("f32");
    check_offsets<nonlin_bf16>("bf16");
    check_offsets<nonlin_f16>("f16");
}
