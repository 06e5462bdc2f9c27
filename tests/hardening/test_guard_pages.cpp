// Every public function, on every ISA, for every length 0..130 and a set of
// row shapes, with each input and output placed flush against a PROT_NONE
// page (ending at it, or starting right after it), in place and not. A read
// or write of even one float past either end of a buffer faults the test.
// Each guarded call must also give bitwise the same status and outputs as
// the same call on ordinary heap buffers (results do not depend on where a
// buffer sits or how it is aligned).
#include <functional>

#include "../elementwise_ops.hpp"
#include "../support.hpp"
#include "guard_alloc.hpp"

using namespace nonlin_test;

namespace {

constexpr int64_t kIgnore = -100;
constexpr float kSentinel = -7777.0f;

// A call's arrays: float buffers (some of which a variant may alias), the
// class targets, and the call itself over pointers to them.
struct call_plan {
    std::string what;
    std::vector<std::size_t> sizes;   // float buffers, inputs first
    std::vector<bool> is_output;      // per buffer
    std::vector<int> alias;           // alias[k] = j: buffer k is buffer j (same address)
    std::size_t targets = 0;          // int64 targets (losses only)
    std::size_t classes = 0;          // for filling targets
    std::function<nonlin_status(std::vector<float*>&, const int64_t*)> call;
};

// Deterministic inputs in a range that suits the buffer's role.
float input_value(std::size_t buffer, std::size_t i) {
    const uint32_t h = static_cast<uint32_t>((i + 1) * 2654435761u ^ (buffer + 1) * 40503u);
    const float u = static_cast<float>(h >> 8) * 0x1p-24f;  // [0, 1)
    return buffer == 0 ? 12.0f * u - 6.0f : u;
}

int64_t target_value(std::size_t r, std::size_t classes) {
    if (r % 3 == 2) return kIgnore;
    return static_cast<int64_t>((r * 7 + 1) % classes);
}

// The buffers of one run of a plan, and the status it returned.
struct outcome {
    nonlin_status status;
    std::vector<std::vector<float>> buffers;
};

template <class Alloc>
outcome run(const call_plan& p, Alloc&& alloc_float, std::function<int64_t*(std::size_t)> alloc_t) {
    std::vector<float*> ptr(p.sizes.size(), nullptr);
    for (std::size_t k = 0; k < p.sizes.size(); ++k) {
        if (p.alias[k] >= 0) {
            ptr[k] = ptr[static_cast<std::size_t>(p.alias[k])];
            continue;
        }
        ptr[k] = alloc_float(p.sizes[k]);
        for (std::size_t i = 0; i < p.sizes[k]; ++i)
            ptr[k][i] = p.is_output[k] ? kSentinel : input_value(k, i);
    }
    int64_t* t = p.targets ? alloc_t(p.targets) : nullptr;
    for (std::size_t r = 0; r < p.targets; ++r) t[r] = target_value(r, p.classes);
    outcome o;
    o.status = p.call(ptr, t);
    for (std::size_t k = 0; k < p.sizes.size(); ++k)
        o.buffers.emplace_back(ptr[k], ptr[k] + p.sizes[k]);
    return o;
}

bool same_bits(const outcome& a, const outcome& b) {
    if (a.status != b.status || a.buffers.size() != b.buffers.size()) return false;
    for (std::size_t k = 0; k < a.buffers.size(); ++k)
        // memcmp with an empty vector's null data() would be undefined.
        if (a.buffers[k].size() != b.buffers[k].size() ||
            (!a.buffers[k].empty() &&
             std::memcmp(a.buffers[k].data(), b.buffers[k].data(),
                         a.buffers[k].size() * sizeof(float)) != 0))
            return false;
    return true;
}

// Runs the plan on heap buffers, then with every buffer against a guard
// page on each side, and compares.
void check_plan(const call_plan& p) {
    std::vector<std::vector<float>> heap;
    std::vector<std::vector<int64_t>> heap_t;
    heap.reserve(p.sizes.size());
    const outcome want = run(
        p,
        [&](std::size_t n) {
            heap.emplace_back(n + 1);  // +1: a valid pointer for n == 0
            return heap.back().data();
        },
        [&](std::size_t n) {
            heap_t.emplace_back(n);
            return heap_t.back().data();
        });
    INFO(p.what);
    CHECK(want.status == NONLIN_OK);
    for (guard_side side : {guard_side::after, guard_side::before}) {
        INFO(guard_side_name(side));
        std::vector<guarded<float>> g;
        std::vector<guarded<int64_t>> gt;
        g.reserve(p.sizes.size());
        const outcome got = run(
            p,
            [&](std::size_t n) {
                g.emplace_back(n, side);
                return g.back().data();
            },
            [&](std::size_t n) {
                gt.emplace_back(n, side);
                return gt.back().data();
            });
        CHECK(same_bits(got, want));
    }
}

std::string describe(const char* fn, const std::string& shape, const char* variant) {
    return std::string(fn) + " " + shape + " " + variant;
}

// ------------------------------------------------------------- the plans

using unary_f = nonlin_status (*)(size_t, const float*, float*);
using binary_f = nonlin_status (*)(size_t, const float*, const float*, float*);
using row_f = nonlin_status (*)(size_t, size_t, size_t, const float*, float*);
using row_backward_f = nonlin_status (*)(size_t, size_t, size_t, const float*, const float*,
                                         float*);

// Forward: x -> y, apart or y == x.
void unary_plans(std::vector<call_plan>& out, const char* name, std::size_t total,
                 const std::string& shape, std::function<nonlin_status(const float*, float*)> f) {
    for (bool in_place : {false, true}) {
        call_plan p;
        p.what = describe(name, shape, in_place ? "y == x" : "apart");
        p.sizes = {total, total};
        p.is_output = {false, true};
        p.alias = {-1, in_place ? 0 : -1};
        p.call = [f](std::vector<float*>& b, const int64_t*) { return f(b[0], b[1]); };
        out.push_back(std::move(p));
    }
}

// Backward: (y, dy) -> dx, apart, dx == y or dx == dy.
void binary_plans(std::vector<call_plan>& out, const char* name, std::size_t total,
                  const std::string& shape,
                  std::function<nonlin_status(const float*, const float*, float*)> f) {
    const char* variants[] = {"apart", "dx == y", "dx == dy"};
    for (int v = 0; v < 3; ++v) {
        call_plan p;
        p.what = describe(name, shape, variants[v]);
        p.sizes = {total, total, total};
        p.is_output = {false, false, true};
        p.alias = {-1, -1, v == 0 ? -1 : v - 1};
        p.call = [f](std::vector<float*>& b, const int64_t*) { return f(b[0], b[1], b[2]); };
        out.push_back(std::move(p));
    }
}

const nonlin_reduction kReductions[] = {NONLIN_REDUCTION_NONE, NONLIN_REDUCTION_MEAN,
                                        NONLIN_REDUCTION_SUM};

void loss_plans(std::vector<call_plan>& out, std::size_t rows, std::size_t classes) {
    const std::string shape = std::to_string(rows) + "x" + std::to_string(classes);
    const std::size_t total = rows * classes;
    for (nonlin_reduction red : kReductions) {
        const std::size_t reduced = red == NONLIN_REDUCTION_NONE ? rows : 1;
        const std::string r = " reduction " + std::to_string(static_cast<int>(red));
        // The only exact alias the losses allow: a loss-shaped output over a
        // rows x 1 matrix.
        const bool can_alias = reduced == total && total > 0;
        for (bool in_place : {false, true}) {
            if (in_place && !can_alias) continue;
            call_plan p;
            p.what = describe("nll_loss", shape + r, in_place ? "loss == input" : "apart");
            p.sizes = {total, reduced};
            p.is_output = {false, true};
            p.alias = {-1, in_place ? 0 : -1};
            p.targets = rows;
            p.classes = classes;
            p.call = [=](std::vector<float*>& b, const int64_t* t) {
                return nonlin_nll_loss_f32(rows, classes, b[0], t, b[1], kIgnore, red);
            };
            out.push_back(p);

            p.what = describe("nll_loss_backward", shape + r, in_place ? "dinput == dloss" : "apart");
            p.sizes = {reduced, total};
            p.call = [=](std::vector<float*>& b, const int64_t* t) {
                return nonlin_nll_loss_backward_f32(rows, classes, t, b[0], b[1], kIgnore, red);
            };
            out.push_back(std::move(p));
        }
        // cross_entropy: loss only, loss and gradient apart, gradient in place.
        for (int v = 0; v < 3; ++v) {
            call_plan p;
            const char* variants[] = {"no gradient", "apart", "dlogits == logits"};
            p.what = describe("cross_entropy", shape + r, variants[v]);
            p.sizes = {total, reduced, total};
            p.is_output = {false, true, true};
            p.alias = {-1, -1, v == 2 ? 0 : -1};
            p.targets = rows;
            p.classes = classes;
            const bool grad = v > 0;
            p.call = [=](std::vector<float*>& b, const int64_t* t) {
                return nonlin_cross_entropy_f32(rows, classes, b[0], t, b[1], grad ? b[2] : nullptr,
                                                kIgnore, red);
            };
            out.push_back(std::move(p));
        }
    }
}

// cross_entropy_ex, cross_entropy_probs (outer x classes x inner, class
// weights, smoothing so that inner == 1 runs their own kernel too) and
// binary_cross_entropy_with_logits (rows = outer * inner, weight and
// pos_weight): without a gradient, apart, and the gradient over each input
// it may replace.
void loss_ex_plans(std::vector<call_plan>& out, std::size_t outer, std::size_t classes,
                   std::size_t inner) {
    const std::string shape =
        std::to_string(outer) + "x" + std::to_string(classes) + "x" + std::to_string(inner);
    const std::size_t total = outer * classes * inner, positions = outer * inner;
    for (nonlin_reduction red : kReductions) {
        const std::string r = " reduction " + std::to_string(static_cast<int>(red));
        const std::size_t reduced = red == NONLIN_REDUCTION_NONE ? positions : 1;
        const char* variants[] = {"no gradient", "apart", "dlogits == logits",
                                  "dlogits == the targets"};
        for (int v = 0; v < 4; ++v) {
            const bool grad = v > 0;
            if (v < 3) {  // logits, weight, loss, dlogits
                call_plan p;
                p.what = describe("cross_entropy_ex", shape + r, variants[v]);
                p.sizes = {total, classes, reduced, total};
                p.is_output = {false, false, true, true};
                p.alias = {-1, -1, -1, v == 2 ? 0 : -1};
                p.targets = positions;
                p.classes = classes;
                p.call = [=](std::vector<float*>& b, const int64_t* t) {
                    return nonlin_cross_entropy_ex_f32(outer, classes, inner, b[0], t, b[1], b[2],
                                                       grad ? b[3] : nullptr, kIgnore, 0.1f, red);
                };
                out.push_back(std::move(p));
            }
            call_plan p;  // logits, probs, weight, loss, dlogits
            p.what = describe("cross_entropy_probs", shape + r, variants[v]);
            p.sizes = {total, total, classes, reduced, total};
            p.is_output = {false, false, false, true, true};
            p.alias = {-1, -1, -1, -1, v >= 2 ? v - 2 : -1};
            p.call = [=](std::vector<float*>& b, const int64_t*) {
                return nonlin_cross_entropy_probs_f32(outer, classes, inner, b[0], b[1], b[2],
                                                      b[3], grad ? b[4] : nullptr, 0.1f, red);
            };
            out.push_back(p);
            if (classes * inner == 0 && outer != 0) continue;  // rows of no classes: refused
            // logits, target, weight, pos_weight, loss, dlogits: outer rows
            // of classes * inner
            const std::size_t bce_reduced = red == NONLIN_REDUCTION_NONE ? total : 1;
            p.what = describe("binary_cross_entropy_with_logits", shape + r, variants[v]);
            p.sizes = {total, total, classes * inner, classes * inner, bce_reduced, total};
            p.is_output = {false, false, false, false, true, true};
            p.alias = {-1, -1, -1, -1, -1, v >= 2 ? v - 2 : -1};
            p.call = [=](std::vector<float*>& b, const int64_t*) {
                return nonlin_binary_cross_entropy_with_logits_f32(
                    outer, classes * inner, b[0], b[1], b[2], b[3], b[4], grad ? b[5] : nullptr,
                    red);
            };
            out.push_back(std::move(p));
        }
    }
}

struct row_shape {
    std::size_t outer, axis, inner;
};

void row_plans(std::vector<call_plan>& out, row_shape s) {
    const std::string shape =
        std::to_string(s.outer) + "x" + std::to_string(s.axis) + "x" + std::to_string(s.inner);
    const std::size_t total = s.outer * s.axis * s.inner;
    const std::pair<const char*, row_f> fwd[] = {{"softmax", nonlin_softmax_f32},
                                                 {"log_softmax", nonlin_log_softmax_f32}};
    for (const auto& [name, f] : fwd)
        unary_plans(out, name, total, shape, [s, f = f](const float* x, float* y) {
            return f(s.outer, s.axis, s.inner, x, y);
        });
    const std::pair<const char*, row_backward_f> bwd[] = {
        {"softmax_backward", nonlin_softmax_backward_f32},
        {"log_softmax_backward", nonlin_log_softmax_backward_f32}};
    for (const auto& [name, f] : bwd)
        binary_plans(out, name, total, shape, [s, f = f](const float* y, const float* dy, float* dx) {
            return f(s.outer, s.axis, s.inner, y, dy, dx);
        });
}

// The masked softmax family, without a mask, with one mask slice and with
// one per slice (the mask against a guard page too), both empty-row modes;
// and logsumexp, whose y and dy hold one value per row.
void masked_row_plans(std::vector<call_plan>& out, row_shape s) {
    const std::string shape =
        std::to_string(s.outer) + "x" + std::to_string(s.axis) + "x" + std::to_string(s.inner);
    const std::size_t total = s.outer * s.axis * s.inner, rows = s.outer * s.inner;
    using masked_f = nonlin_status (*)(size_t, size_t, size_t, size_t, const float*,
                                       const uint8_t*, float*, float, nonlin_empty_row);
    const std::pair<const char*, masked_f> fwd[] = {
        {"masked_softmax", nonlin_masked_softmax_f32},
        {"masked_log_softmax", nonlin_masked_log_softmax_f32}};
    for (const auto& [name, f] : fwd) {
        for (const std::size_t mask_outer : {std::size_t{0}, std::size_t{1}, s.outer}) {
            for (const guard_side side : {guard_side::after, guard_side::before}) {
                const std::string what = std::string(name) + " mask_outer " +
                                         std::to_string(mask_outer) + " " +
                                         guard_side_name(side);
                unary_plans(out, what.c_str(), total, shape,
                            [s, f = f, mask_outer, side](const float* x, float* y) {
                    const std::size_t bytes = mask_outer * s.axis * s.inner;
                    guarded<uint8_t> mask(bytes, side);
                    for (std::size_t i = 0; i < bytes; ++i) mask.data()[i] = i % 3 != 1;
                    return f(s.outer, s.axis, s.inner, mask_outer, x,
                             mask_outer ? mask.data() : nullptr, y, 0.5f,
                             mask_outer == 1 ? NONLIN_EMPTY_ROW_ZERO : NONLIN_EMPTY_ROW_NAN);
                });
            }
        }
    }
    call_plan p;
    p.what = describe("logsumexp", shape, "apart");
    p.sizes = {total, rows};
    p.is_output = {false, true};
    p.alias = {-1, -1};
    p.call = [s](std::vector<float*>& b, const int64_t*) {
        return nonlin_logsumexp_f32(s.outer, s.axis, s.inner, b[0], b[1]);
    };
    out.push_back(p);
    for (const bool in_place : {false, true}) {
        p.what = describe("logsumexp_backward", shape, in_place ? "dx == x" : "apart");
        p.sizes = {total, rows, rows, total};
        p.is_output = {false, false, false, true};
        p.alias = {-1, -1, -1, in_place ? 0 : -1};
        p.call = [s](std::vector<float*>& b, const int64_t*) {
            return nonlin_logsumexp_backward_f32(s.outer, s.axis, s.inner, b[0], b[1], b[2],
                                                 b[3]);
        };
        out.push_back(p);
    }
}

// Every op of the elementwise registry (tests/elementwise_ops.hpp).
void elementwise_plans(std::vector<call_plan>& out, std::size_t n) {
    const std::string shape = "n=" + std::to_string(n);
    for (const elementwise_case& op : kElementwiseCases) {
        const auto fwd = op.forward;
        const auto bwd = op.backward;
        if (!op.gradient_only)
            unary_plans(out, op.name, n, shape,
                        [n, fwd](const float* x, float* y) { return fwd(n, x, y); });
        binary_plans(out, op.backward_name, n, shape,
                     [n, bwd](const float* a, const float* dy, float* dx) { return bwd(n, a, dy, dx); });
    }
}

}  // namespace

TEST_CASE("elementwise kernels stay inside buffers at guard pages, lengths 0..130",
          "[hardening][guard]") {
    FOR_EACH_ISA();
    std::vector<call_plan> plans;
    for (std::size_t n = 0; n <= 130; ++n) elementwise_plans(plans, n);
    for (const call_plan& p : plans) check_plan(p);
}

TEST_CASE("row kernels stay inside buffers at guard pages", "[hardening][guard]") {
    FOR_EACH_ISA();
    std::vector<call_plan> plans;
    // Every row length 1..130 as one contiguous row, and as strided columns
    // (empty shapes, an empty axis among them, are below).
    for (std::size_t axis = 1; axis <= 130; ++axis) {
        for (const row_shape s : {row_shape{1, axis, 1}, row_shape{1, axis, 3}}) {
            row_plans(plans, s);
            masked_row_plans(plans, s);
        }
    }
    // Rows x cols, strided axes with every inner width around the vector
    // widths, and the blocked path for rows longer than 2048.
    const row_shape shapes[] = {{3, 5, 1},  {7, 17, 1},  {2, 33, 1},  {2, 3, 2},   {3, 4, 5},
                                {2, 7, 15}, {2, 6, 16},  {1, 9, 17},  {2, 5, 31},  {1, 3, 33},
                                {2, 2, 65}, {1, 4, 130}, {0, 5, 3},   {4, 5, 0},   {0, 0, 1},   {3, 0, 2},   {1, 2049, 1},
                                {2, 4100, 1}, {1, 2051, 2}};
    for (const row_shape& s : shapes) {
        row_plans(plans, s);
        masked_row_plans(plans, s);
    }
    for (const call_plan& p : plans) check_plan(p);
}

TEST_CASE("losses stay inside buffers at guard pages", "[hardening][guard]") {
    FOR_EACH_ISA();
    std::vector<call_plan> plans;
    for (std::size_t classes = 1; classes <= 130; ++classes) loss_plans(plans, 1, classes);
    for (std::size_t rows = 0; rows <= 20; ++rows) loss_plans(plans, rows, 1);
    const std::pair<std::size_t, std::size_t> shapes[] = {{3, 5}, {4, 17}, {7, 33}, {5, 130},
                                                          {3, 2049}, {2, 4100}, {0, 3}};
    for (const auto& [rows, classes] : shapes) loss_plans(plans, rows, classes);
    for (const call_plan& p : plans) check_plan(p);
}

TEST_CASE("losses with PyTorch's options stay inside buffers at guard pages",
          "[hardening][guard]") {
    FOR_EACH_ISA();
    std::vector<call_plan> plans;
    for (std::size_t classes = 1; classes <= 40; ++classes) {
        loss_ex_plans(plans, 1, classes, 1);
        loss_ex_plans(plans, 2, classes, 3);
    }
    const row_shape shapes[] = {{5, 3, 1}, {3, 17, 4}, {2, 33, 1}, {2, 2049, 1},
                                {0, 3, 2}, {3, 4, 0}};
    for (const row_shape& s : shapes) loss_ex_plans(plans, s.outer, s.axis, s.inner);
    for (const call_plan& p : plans) check_plan(p);
}

TEST_CASE("chunk tails at guard pages when a call is split over threads", "[hardening][guard]") {
    FOR_EACH_ISA();
    REQUIRE(nonlin_set_num_threads(3) == NONLIN_OK);
    std::vector<call_plan> plans;
    // Above the elementwise and row grains, with lengths that leave tails.
    for (std::size_t n : {std::size_t{3} * 32768 + 5, std::size_t{100003}})
        elementwise_plans(plans, n);
    row_plans(plans, {40, 1031, 1});
    row_plans(plans, {1, 513, 97});  // fewer slices than threads: split by columns
    masked_row_plans(plans, {40, 1031, 1});
    masked_row_plans(plans, {1, 513, 97});
    loss_plans(plans, 67, 1031);
    loss_ex_plans(plans, 67, 1031, 1);
    loss_ex_plans(plans, 5, 301, 13);
    for (const call_plan& p : plans) check_plan(p);
    nonlin_set_num_threads(0);
}

namespace {

// 16-bit inputs: bit patterns of every kind (NaNs and infinities included).
template <class T>
std::vector<T> half_inputs(std::size_t n, std::size_t salt) {
    std::vector<T> v(n + 1);  // +1: a valid pointer for n == 0
    for (std::size_t i = 0; i < v.size(); ++i)
        v[i].bits = static_cast<uint16_t>((i + 1) * 40503u ^ salt * 2654435761u);
    return v;
}

template <class T>
bool same_halves(const T* a, const T* b, std::size_t n) {
    return n == 0 || std::memcmp(a, b, n * sizeof(T)) == 0;
}

// One op's 16-bit forward and backward (out of place and in place) with
// every array flush against a guard page, against the same calls on the heap.
template <class T>
void check_half_guarded(const typed_entry_points<T>& e, bool forward, std::size_t n) {
    const std::vector<T> x = half_inputs<T>(n, 1), dy = half_inputs<T>(n, 2);
    std::vector<T> want_y(n + 1), want_dx(n + 1);
    REQUIRE(e.forward(n, x.data(), want_y.data()) == NONLIN_OK);
    REQUIRE(e.backward(n, x.data(), dy.data(), want_dx.data()) == NONLIN_OK);
    for (guard_side side : {guard_side::after, guard_side::before}) {
        INFO(guard_side_name(side) << ", n=" << n);
        guarded<T> gx(n, side), gdy(n, side), gout(n, side);
        gx.fill_from(x);
        gdy.fill_from(dy);
        if (forward) {
            CHECK(e.forward(n, gx.data(), gout.data()) == NONLIN_OK);
            CHECK(same_halves(gout.data(), want_y.data(), n));
            CHECK(e.forward(n, gx.data(), gx.data()) == NONLIN_OK);
            CHECK(same_halves(gx.data(), want_y.data(), n));
            gx.fill_from(x);
        }
        CHECK(e.backward(n, gx.data(), gdy.data(), gout.data()) == NONLIN_OK);
        CHECK(same_halves(gout.data(), want_dx.data(), n));
        CHECK(e.backward(n, gx.data(), gdy.data(), gdy.data()) == NONLIN_OK);
        CHECK(same_halves(gdy.data(), want_dx.data(), n));
    }
}

template <class T>
void check_conversion_guarded(nonlin_status (*narrow)(size_t, const float*, T*),
                              nonlin_status (*widen)(size_t, const T*, float*), std::size_t n) {
    std::vector<float> f(n + 1);
    for (std::size_t i = 0; i < f.size(); ++i) f[i] = input_value(0, i) * 1e4f;
    std::vector<T> want_h(n + 1);
    std::vector<float> want_f(n + 1);
    REQUIRE(narrow(n, f.data(), want_h.data()) == NONLIN_OK);
    REQUIRE(widen(n, want_h.data(), want_f.data()) == NONLIN_OK);
    for (guard_side side : {guard_side::after, guard_side::before}) {
        INFO(guard_side_name(side) << ", n=" << n);
        guarded<float> gf(n, side);
        guarded<T> gh(n, side);
        gf.fill_from(f);
        CHECK(narrow(n, gf.data(), gh.data()) == NONLIN_OK);
        CHECK(same_halves(gh.data(), want_h.data(), n));
        CHECK(widen(n, gh.data(), gf.data()) == NONLIN_OK);
        CHECK(same_halves(gf.data(), want_f.data(), n));
    }
}

}  // namespace

TEST_CASE("16-bit kernels and conversions stay inside buffers at guard pages, lengths 0..130",
          "[hardening][guard][half]") {
    FOR_EACH_ISA();
    for (std::size_t n = 0; n <= 130; ++n) {
        for (std::size_t j = 0; j < std::size(kElementwiseCases); ++j) {
            INFO(kElementwiseCases[j].name);
            const bool forward = !kElementwiseCases[j].gradient_only;
            check_half_guarded(kHalfCases[j].bf16, forward, n);
            check_half_guarded(kHalfCases[j].f16, forward, n);
        }
        check_conversion_guarded(nonlin_f32_to_bf16, nonlin_bf16_to_f32, n);
        check_conversion_guarded(nonlin_f32_to_f16, nonlin_f16_to_f32, n);
    }
}
