// libFuzzer target: decodes its input into one call of the public API
// (function, ISA, thread count, shape, in place or not, NULL or partially
// overlapping arrays, values including NaN, +-inf, subnormals, huge and tiny,
// class targets in and out of range, the ignore index, the reduction) and
// checks what needs no reference:
//
// - the status is exactly the one the header's rules give for those
//   arguments (the checks' order: argument, shape, null, overlap, target);
// - on an error, no buffer changed (bitwise);
// - on success:
//   sigmoid in [0, 1], tanh in [-1, 1] with the sign of x, both NaN exactly
//     for NaN x, and their documented values at +-inf;
//   softmax rows in [0, 1] summing to 1 within sum_tolerance, -inf entries
//     exactly 0, the largest entry at least 1/axis; log_softmax <= 0 with
//     its largest entry in [-log(axis), 0];
//   gradients from a forward output (y computed by the forward itself) are
//     not NaN for finite inputs; the elementwise ones are finite and bounded
//     as the formula bounds them (|sigmoid'| <= |dy|/4, |tanh'| <= |dy|);
//   nll_loss and its backward are exact negations; cross_entropy losses are
//     >= 0 and its gradient rows lie in [-scale, scale] and sum to 0;
//   ignored rows have loss 0 and gradient +0;
//   the masked softmax family and logsumexp (family byte 0xff) as
//     fuzz_masked says;
//   the losses with PyTorch's options (fuzz_losses_ex): losses >= 0 and
//     no NaN for finite logits and non-negative weights;
//   the 16-bit calls (family 7, bits 3..4 = 3; fuzz_half): elementwise,
//     the softmax family, the masked softmax, logsumexp and the losses,
//     each with the f32 status, and the f32 result on the widened inputs
//     rounded once (a float loss: the f32 loss), bit for bit (or, in the
//     fast tier's own elementwise kernels, a result below FLT_MIN flushed
//     to the zero of its sign);
//   no NaN anywhere except where an input NaN or a documented special case
//     gives it: a row with NaN, +inf or only -inf; a mean over no counted
//     rows; an infinite gradient input.
// Any violation prints what was called and aborts, which libFuzzer reports
// as a crash (with the input saved). Buffers are separate heap blocks of
// exactly their size, so ASan catches any access outside them.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <csignal>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "../../../src/isa/isa_list.hpp"
#include "../../elementwise_ops.hpp"
#include "../../flush_rule.hpp"
#include "nonlin/nonlin.h"

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kFltMax = std::numeric_limits<float>::max();
// What is being called, for the failure message.
std::string g_call;
// Whether the call runs in the fast accuracy tier.
bool g_fast = false;

// |sum of a softmax row - 1|: the documented k ulp per element (4, or 8 in
// the fast tier) sum to at most k * 2^-23 (k ulp of each p <= p k 2^-23);
// twice that, plus the absolute error of subnormal (or, in the fast tier,
// flushed) results.
double sum_tolerance(bool fast) { return (fast ? 16.0 : 8.0) * 0x1p-23; }

// The one way to report a violated invariant: prints the call and the
// printf-style message, then aborts.
void require(bool ok, const char* fmt, ...) {
    if (ok) return;
    std::fprintf(stderr, "\nINVARIANT VIOLATED in %s\n  ", g_call.c_str());
    va_list ap;
    va_start(ap, fmt);
    std::vfprintf(stderr, fmt, ap);
    va_end(ap);
    std::fprintf(stderr, "\n");
    std::abort();
}

// --------------------------------------------------------------- decoding

// An enum value the header does not name, as a C caller may pass any: the
// enums have unsigned int as their C++ base (nonlin.h), so each is a value
// of the type, which the library must refuse with a status.
template <class Enum>
Enum unnamed_value(uint8_t b) {
    const unsigned values[] = {3u, 7u, 0x7fffffffu, 0xffffffffu};
    return static_cast<Enum>(values[b % 4]);
}

struct reader {
    const uint8_t* p;
    std::size_t n;
    uint32_t state = 0x9e3779b9u;  // once the input runs out: a fixed stream

    uint8_t byte() {
        if (n > 0) {
            --n;
            return *p++;
        }
        state = state * 1664525u + 1013904223u;
        return static_cast<uint8_t>(state >> 24);
    }
    uint32_t u32() {
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v = v << 8 | byte();
        return v;
    }
    // A float, mostly ordinary, often special.
    float value() {
        const uint8_t tag = byte();
        switch (tag % 32) {
        case 0: return std::numeric_limits<float>::quiet_NaN();
        case 1: return -kInf;
        case 2: return kInf;
        case 3: return 0.0f;
        case 4: return -0.0f;
        case 5: return std::numeric_limits<float>::denorm_min();
        case 6: return -std::numeric_limits<float>::denorm_min();
        case 7: return kFltMax;
        case 8: return -kFltMax;
        case 9: return 1e30f;
        case 10: return -1e30f;
        case 11: return std::numeric_limits<float>::min();
        case 12: return 88.72f;
        case 13: return -103.9f;
        case 14: {  // any bit pattern, NaN payloads and signalling NaN included
            const uint32_t b = u32();
            float f;
            std::memcpy(&f, &b, sizeof f);
            return f;
        }
        case 15: return -kInf;
        default:  // small values around the interesting range
            return static_cast<float>(static_cast<int8_t>(byte())) / 4.0f + (tag % 7) * 0.125f;
        }
    }
};

// A heap block of exactly `count` floats (or int64s): ASan faults on any
// access outside it.
template <class T>
struct block {
    T* data = nullptr;
    std::size_t count = 0;
    explicit block(std::size_t c) : data(static_cast<T*>(std::malloc(c * sizeof(T) + (c == 0)))), count(c) {}
    ~block() { std::free(data); }
    block(const block&) = delete;
    block& operator=(const block&) = delete;
    std::vector<unsigned char> snapshot() const {
        const auto* b = reinterpret_cast<const unsigned char*>(data);
        return std::vector<unsigned char>(b, b + count * sizeof(T));
    }
    bool same_as(const std::vector<unsigned char>& s) const {
        return s.size() == count * sizeof(T) &&
               (s.empty() || std::memcmp(s.data(), data, s.size()) == 0);
    }
};

std::vector<std::string>& isas() {
    static std::vector<std::string> list = [] {
        std::vector<std::string> out;
        for (const char* name : nonlin::kIsaNames)
            if (nonlin_set_isa(name) == NONLIN_OK) out.emplace_back(name);
        return out;
    }();
    return list;
}

// A zero factor makes an empty array, whatever the others are (nonlin.h).
bool overflows(std::size_t a, std::size_t b, std::size_t c, std::size_t elem) {
    std::size_t r;
    if (a == 0 || b == 0 || c == 0) return false;
    return __builtin_mul_overflow(a, b, &r) || __builtin_mul_overflow(r, c, &r) ||
           __builtin_mul_overflow(r, elem, &r);
}

// What goes wrong on purpose in this call.
enum class fault { none, null_pointer, overlap, huge_shape };

struct call_setup {
    fault f = fault::none;
    int null_which = 0;      // which array is NULL
    std::size_t shift = 0;   // overlap: output = input + shift (elements)
    int variant = 0;         // in place: 0 apart, 1 and 2 the allowed aliases
};

// Makes one array NULL (when the call has data) or the output overlap the
// input by `shift`, as the call's fault says; returns the status the call
// must then give.
nonlin_status inject_fault(const call_setup& cs, bool backward, bool has_data, std::size_t shift,
                           float* input, const float*& x, float*& y, const float*& dy) {
    if (cs.f == fault::null_pointer && has_data) {
        const int which = cs.null_which % (backward ? 3 : 2);
        if (which == 0) x = nullptr;
        if (which == 1) y = nullptr;
        if (which == 2) dy = nullptr;
        return NONLIN_ERR_NULL_POINTER;
    }
    if (shift > 0) {
        y = input + shift;
        return NONLIN_ERR_OVERLAP;
    }
    return NONLIN_OK;
}

void expect_status(nonlin_status got, nonlin_status want) {
    require(got == want, "status %d (%s), expected %d (%s)", got, nonlin_status_string(got), want,
            nonlin_status_string(want));
}

bool finite(float v) { return std::isfinite(v); }

uint32_t bits(float v) {
    uint32_t b;
    std::memcpy(&b, &v, sizeof b);
    return b;
}

// Copies of a call's arrays at an odd byte offset (1 to 3): the library
// must give them the aligned call's results, bit for bit. The fuzzer itself
// reaches them only through memcpy.
struct shifted_floats {
    std::vector<unsigned char> raw;
    float* p;
    shifted_floats(const float* from, std::size_t n, std::size_t offset)
        : raw(n * sizeof(float) + 4), p(reinterpret_cast<float*>(raw.data() + offset)) {
        if (n) std::memcpy(raw.data() + offset, from, n * sizeof(float));
    }
};

// ------------------------------------------------------------ elementwise

void fuzz_elementwise(reader& in, const call_setup& cs) {
    // The op is at position pick % 64 (wrapped into the table), its backward
    // when bit 6 is set: a byte keeps naming the same op when ops are
    // appended to the table, so the inputs in known/ keep their meaning.
    const std::size_t ops = std::size(nonlin_test::kElementwiseCases);
    const uint8_t pick = in.byte();
    const std::size_t slot = pick % 64u;
    const nonlin_test::elementwise_case& op =
        nonlin_test::kElementwiseCases[slot < ops ? slot : slot % ops];
    const bool backward = (pick / 64u) % 2 == 1;
    const std::string name = op.gradient_only && !backward ? "forward of " + std::string(op.name)
                                                           : op.name;
    std::size_t n = in.byte();
    if (n >= 200) n = 32768 * 2 + in.byte() * 37;  // split over threads
    // Its byte count overflows size_t.
    if (cs.f == fault::huge_shape) n = std::numeric_limits<std::size_t>::max() / 4 + 1 + in.byte();
    g_call += " " + (backward ? std::string(op.backward_name) : name) + " n=" + std::to_string(n) +
              " variant=" + std::to_string(cs.variant);

    const std::size_t alloc = cs.f == fault::huge_shape ? 4 : n;
    const std::size_t shift = cs.f == fault::overlap && n >= 2 ? 1 + cs.shift % (n - 1) : 0;
    // buffers: a (x, or y for a backward from the output), b (dy), out; a
    // is n + shift long when the output overlaps it partially.
    block<float> a(alloc + shift), b(alloc), out(alloc);
    for (std::size_t i = 0; i < a.count; ++i) a.data[i] = in.value();
    for (std::size_t i = 0; i < b.count; ++i) b.data[i] = in.value();
    for (std::size_t i = 0; i < out.count; ++i) out.data[i] = -1234.5f;
    const bool from_output = backward && op.backward_from_output && cs.variant != 3;
    if (from_output && n == alloc)  // y from the forward itself: the documented input
        require(op.forward(n, a.data, a.data) == NONLIN_OK, "forward for y failed");
    const std::vector<float> a0(a.data, a.data + a.count), b0(b.data, b.data + b.count);

    const float* x = a.data;
    const float* dy = b.data;
    float* y = out.data;
    if (cs.variant == 1) y = a.data;                // y == x, dx == x (or y)
    if (cs.variant == 2 && backward) y = b.data;    // dx == dy
    nonlin_status want = NONLIN_OK;
    if (cs.f == fault::huge_shape) {
        want = NONLIN_ERR_BAD_SHAPE;
    } else {
        want = inject_fault(cs, backward, n > 0, shift, a.data, x, y, dy);
    }
    const auto sa = a.snapshot(), sb = b.snapshot(), so = out.snapshot();
    const nonlin_status got = backward ? op.backward(n, x, dy, y) : op.forward(n, x, y);
    expect_status(got, want);
    if (got != NONLIN_OK) {
        require(a.same_as(sa) && b.same_as(sb) && out.same_as(so), "a failing call wrote");
        return;
    }
    for (std::size_t i = 0; i < n; ++i) {
        const float xi = a0[i], r = y[i];
        if (!backward) {
            // NaN exactly for NaN input, and that NaN quieted (nonlin.h).
            require(std::isnan(r) == std::isnan(xi), "x=%a gave %a: NaN iff x is NaN", xi, r);
            if (std::isnan(xi)) {
                require(bits(r) == (bits(xi) | 0x400000u), "NaN x %08x gave %08x", bits(xi), bits(r));
                continue;
            }
            if (op.backward_from_output)  // the table holds the forward's range
                require(r >= op.range_lo && r <= op.range_hi, "%s(%a) = %a outside [%g, %g]",
                        op.name, xi, r, op.range_lo, op.range_hi);
            if (name == "sigmoid") {
                if (xi == kInf) require(r == 1.0f, "sigmoid(+inf) = %a", r);
                if (xi == -kInf) require(r == 0.0f, "sigmoid(-inf) = %a", r);
            } else if (name == "tanh") {
                require(std::signbit(r) == std::signbit(xi), "tanh(%a) = %a: sign", xi, r);
                if (std::isinf(xi)) require(r == (xi > 0 ? 1.0f : -1.0f), "tanh(%a) = %a", xi, r);
            }
            continue;
        }
        const float gi = b0[i];
        if (std::isnan(xi) || std::isnan(gi)) {  // the NaN rule: x's (or y's), then dy's
            const uint32_t want_nan = (std::isnan(xi) ? bits(xi) : bits(gi)) | 0x400000u;
            require(bits(r) == want_nan, "x=%08x dy=%08x gave %08x", bits(xi), bits(gi), bits(r));
            continue;
        }
        if (!from_output && op.backward_from_output) {
            // y outside the forward's range: only NaN in, NaN out is checked.
            if (std::isnan(xi) || std::isnan(gi)) require(std::isnan(r), "NaN input, %a out", r);
            continue;
        }
        // NaN only from a NaN or an infinite input (inf * 0).
        if (!finite(xi) || !finite(gi)) continue;
        require(!std::isnan(r), "x or y=%a dy=%a gave NaN", xi, gi);
        // sigmoid' <= 1/4 and tanh' <= 1, from y or from x.
        const bool tanh_like = name == "tanh" || name == "tanh_backward_from_input";
        if (tanh_like || name == "sigmoid" || name == "sigmoid_backward_from_input") {
            const double limit = tanh_like ? std::fabs(gi) : std::fabs(gi) / 4.0;
            require(std::fabs(r) <= limit * (1.0 + 0x1p-21) + 0x1p-149,
                    "x or y=%a dy=%a gave %a beyond |dy|%s", xi, gi, r, tanh_like ? "" : "/4");
        }
    }
    // Read last, so that the inputs above keep their meaning.
    const uint8_t extra = in.byte();
    if (extra % 4 == 0 && n > 0) {  // the same call at odd byte offsets
        const std::size_t offset = 1 + extra / 4 % 3;
        shifted_floats sx(a0.data(), n, offset), sg(b0.data(), n, 3 - offset % 3),
            so2(out.data, n, offset % 2 + 1);
        float* sy = cs.variant == 1 ? sx.p : cs.variant == 2 && backward ? sg.p : so2.p;
        expect_status(backward ? op.backward(n, sx.p, sg.p, sy) : op.forward(n, sx.p, sy),
                      NONLIN_OK);
        require(std::memcmp(sy, y, n * sizeof(float)) == 0, "results at byte offset %zu differ",
                offset);
    }
    if (extra % 4 == 1 && backward && from_output == op.backward_from_output) {
        // dy times a power of two far up or down: every backward is linear
        // in dy, so where both results are ordinary floats they agree to
        // within the bounds (an underflow to 0 or a NaN would not).
        const int k = (extra & 0x80 ? 1 : -1) * (60 + extra / 8 % 8 * 8);
        std::vector<float> g2(n), r2(n);
        for (std::size_t i = 0; i < n; ++i) g2[i] = std::ldexp(b0[i], k);
        expect_status(op.backward(n, a0.data(), g2.data(), r2.data()), NONLIN_OK);
        for (std::size_t i = 0; i < n; ++i) {
            const double want = std::ldexp(static_cast<double>(y[i]), k);
            // dy * 2^k must be exact (not rounded into the subnormals, not infinite).
            if (!finite(g2[i]) || std::ldexp(g2[i], -k) != b0[i] || !finite(a0[i]) ||
                std::isnan(y[i]))
                continue;
            if (std::fabs(y[i]) < 0x1p-100 || std::fabs(want) < 0x1p-100 || std::fabs(want) > 0x1p100)
                continue;
            require(std::fabs(r2[i] - want) <= std::fabs(want) * 0x1p-21,
                    "x=%a dy=%a gave %a, dy*2^%d gave %a", a0[i], b0[i], y[i], k, r2[i]);
        }
    }
}

// Parameter checks of the parametric ops: any non-finite parameter, and
// hardtanh's lo >= hi, is NONLIN_ERR_BAD_ARGUMENT before anything else.
void fuzz_parameters(reader& in) {
    const float p = in.value(), q = in.value();
    const std::size_t n = in.byte() % 20;
    block<float> x(n), y(n);
    for (std::size_t i = 0; i < n; ++i) x.data[i] = in.value();
    const bool which = in.byte() % 2;
    const bool backward = in.byte() % 2;
    g_call += std::string(which ? " hardtanh" : " leaky_relu") + (backward ? "_backward" : "");
    char params[96];
    std::snprintf(params, sizeof params, " n=%zu p=%a q=%a", n, p, q);
    g_call += params;
    const auto sy = y.snapshot();
    nonlin_status got, want;
    if (!which) {
        want = finite(p) ? NONLIN_OK : NONLIN_ERR_BAD_ARGUMENT;
        got = backward ? nonlin_leaky_relu_backward_f32(n, x.data, x.data, y.data, p)
                       : nonlin_leaky_relu_f32(n, x.data, y.data, p);
    } else {
        want = finite(p) && finite(q) && p < q ? NONLIN_OK : NONLIN_ERR_BAD_ARGUMENT;
        got = backward ? nonlin_hardtanh_backward_f32(n, x.data, x.data, y.data, p, q)
                       : nonlin_hardtanh_f32(n, x.data, y.data, p, q);
    }
    expect_status(got, want);
    if (got != NONLIN_OK) require(y.same_as(sy), "a failing call wrote");
}

// ---------------------------------------------------------- softmax family

struct row_view {
    std::size_t outer, axis, inner;
    std::size_t at(std::size_t o, std::size_t a, std::size_t i) const { return (o * axis + a) * inner + i; }
};

// The documented NaN rows: any NaN, any +inf, or every entry -inf.
bool nan_row(const row_view& v, const float* x, std::size_t o, std::size_t i) {
    bool all_neg_inf = true;
    for (std::size_t a = 0; a < v.axis; ++a) {
        const float e = x[v.at(o, a, i)];
        if (std::isnan(e) || e == kInf) return true;
        if (e != -kInf) all_neg_inf = false;
    }
    return all_neg_inf;
}

std::size_t dim(reader& in) {
    const uint8_t b = in.byte();
    if (b < 160) return b % 20;
    if (b < 250) return b - 150;      // up to 105
    return 2040 + (b - 250) * 3;      // around the 2048 blocking threshold
}

// Rows long enough to be blocked (over 2048) or split over threads (over
// 2^16), with a NaN where a maximum cannot see it: among -inf entries (the
// masked-attention pattern) or in a block of NaN. Every output of the row,
// the backward's with the row as dy, and the cross-entropy loss and
// gradient, must be NaN.
void fuzz_hidden_nan_row(reader& in) {
    const uint8_t shape = in.byte();
    const std::size_t n = shape % 2 ? 2049 + in.byte() * 40 : 65537 + in.byte() * 300;
    const std::size_t inner = shape & 2 ? 2 : 1;
    std::vector<float> x(n * inner);
    for (float& v : x) v = static_cast<float>(static_cast<int8_t>(in.byte())) / 8.0f;
    const std::size_t block_start = (in.byte() * 2048u) % n / 2048 * 2048;
    const std::size_t block_end = std::min(n, block_start + 2048);
    const bool all_nan = shape & 4;
    for (std::size_t a = block_start; a < block_end; ++a)
        for (std::size_t i = 0; i < inner; ++i) x[a * inner + i] = all_nan ? NAN : -kInf;
    const std::size_t at = block_start + in.byte() % (block_end - block_start);
    for (std::size_t i = 0; i < inner; ++i) x[at * inner + i] = NAN;
    g_call += " hidden NaN row n=" + std::to_string(n) + " inner=" + std::to_string(inner) +
              " block at " + std::to_string(block_start) + (all_nan ? " (all NaN)" : " (-inf)");
    std::vector<float> y(x.size());
    for (int log = 0; log < 2; ++log) {
        expect_status((log ? nonlin_log_softmax_f32 : nonlin_softmax_f32)(1, n, inner, x.data(), y.data()),
                      NONLIN_OK);
        for (std::size_t k = 0; k < y.size(); ++k)
            require(std::isnan(y[k]), "%s entry %zu = %a", log ? "log_softmax" : "softmax", k, y[k]);
    }
    // The backward of a NaN-free forward output against the row as dy: its
    // hidden NaN reaches the dot product (softmax) or sum (log_softmax)
    // that every dx of the row takes.
    std::vector<float> clean = x, y_clean(x.size()), dx(x.size());
    for (float& v : clean) v = std::isnan(v) ? 0.0f : v;
    for (int log = 0; log < 2; ++log) {
        expect_status((log ? nonlin_log_softmax_f32 : nonlin_softmax_f32)(1, n, inner, clean.data(),
                                                                       y_clean.data()),
                      NONLIN_OK);
        expect_status((log ? nonlin_log_softmax_backward_f32 : nonlin_softmax_backward_f32)(
                          1, n, inner, y_clean.data(), x.data(), dx.data()),
                      NONLIN_OK);
        for (std::size_t k = 0; k < dx.size(); ++k)
            require(std::isnan(dx[k]), "%s entry %zu = %a",
                    log ? "log_softmax_backward" : "softmax_backward", k, dx[k]);
    }
    if (inner != 1) return;
    const int64_t t = static_cast<int64_t>(in.byte() * 7919u % n);
    float loss = 0.0f;
    expect_status(nonlin_cross_entropy_f32(1, n, x.data(), &t, &loss, y.data(), -100,
                                           NONLIN_REDUCTION_SUM), NONLIN_OK);
    require(std::isnan(loss), "cross_entropy loss %a", loss);
    for (std::size_t k = 0; k < n; ++k) require(std::isnan(y[k]), "gradient %zu = %a", k, y[k]);
}

void fuzz_rows(reader& in, int fn, const call_setup& cs) {
    const bool backward = fn >= 2;
    const bool log = fn % 2 == 1;
    std::size_t outer = dim(in), axis = dim(in), inner = dim(in) % 40;
    if (in.byte() < 128) inner = 1;  // the common rows x cols case
    while (outer * axis * inner > 20000) outer /= 2;  // keep each run short
    const char* names[] = {"softmax", "log_softmax", "softmax_backward", "log_softmax_backward"};
    std::size_t total = outer * axis * inner;
    if (cs.f == fault::huge_shape) {
        outer = std::numeric_limits<std::size_t>::max() / 3;
        axis = 2 + in.byte() % 5;
        inner = 1;
        total = 8;
    }
    g_call += std::string(" ") + names[fn] + " " + std::to_string(outer) + "x" +
              std::to_string(axis) + "x" + std::to_string(inner) + " variant=" +
              std::to_string(cs.variant);
    const row_view v{outer, axis, inner};
    const std::size_t shift = cs.f == fault::overlap && total >= 2 ? 1 + cs.shift % (total - 1) : 0;
    block<float> a(total + shift), b(total), out(total);
    for (std::size_t i = 0; i < a.count; ++i) a.data[i] = in.value();
    for (std::size_t i = 0; i < b.count; ++i) b.data[i] = in.value();
    for (std::size_t i = 0; i < out.count; ++i) out.data[i] = -1234.5f;
    // The forward's input, kept to tell which rows are documented NaN rows.
    const std::vector<float> x_in(a.data, a.data + total);
    if (backward && cs.f != fault::huge_shape && total > 0 && axis > 0) {
        const auto fwd = log ? nonlin_log_softmax_f32 : nonlin_softmax_f32;
        require(fwd(outer, axis, inner, a.data, a.data) == NONLIN_OK, "forward for y failed");
    }
    const std::vector<float> a0(a.data, a.data + a.count), b0(b.data, b.data + b.count);

    const float* x = a.data;
    const float* dy = b.data;
    float* y = out.data;
    if (cs.variant == 1) y = a.data;
    if (cs.variant == 2 && backward) y = b.data;
    nonlin_status want = NONLIN_OK;
    if (overflows(outer, axis, inner, sizeof(float))) {
        want = NONLIN_ERR_BAD_SHAPE;
    } else {
        want = inject_fault(cs, backward, total > 0, shift, a.data, x, y, dy);
    }
    const auto sa = a.snapshot(), sb = b.snapshot(), so = out.snapshot();
    nonlin_status got;
    if (!backward)
        got = (log ? nonlin_log_softmax_f32 : nonlin_softmax_f32)(outer, axis, inner, x, y);
    else
        got = (log ? nonlin_log_softmax_backward_f32 : nonlin_softmax_backward_f32)(
            outer, axis, inner, x, dy, y);
    expect_status(got, want);
    if (got != NONLIN_OK) {
        require(a.same_as(sa) && b.same_as(sb) && out.same_as(so), "a failing call wrote");
        return;
    }
    // Read here, so that the inputs before keep their meaning.
    if (in.byte() % 4 == 0 && total > 0) {  // the same call at odd byte offsets
        shifted_floats sx(a0.data(), total, 1), sg(b0.data(), total, 2), so2(out.data, total, 3);
        float* sy = cs.variant == 1 ? sx.p : cs.variant == 2 && backward ? sg.p : so2.p;
        expect_status(!backward ? (log ? nonlin_log_softmax_f32 : nonlin_softmax_f32)(
                                      outer, axis, inner, sx.p, sy)
                                : (log ? nonlin_log_softmax_backward_f32
                                       : nonlin_softmax_backward_f32)(outer, axis, inner, sx.p,
                                                                      sg.p, sy),
                      NONLIN_OK);
        require(std::memcmp(sy, y, total * sizeof(float)) == 0, "results at odd offsets differ");
    }
    for (std::size_t o = 0; o < outer; ++o)
        for (std::size_t i = 0; i < inner; ++i) {
            const bool special = nan_row(v, x_in.data(), o, i);
            if (!backward) {
                double sum = 0.0;
                float top = -kInf;
                for (std::size_t k = 0; k < axis; ++k) {
                    const float r = y[v.at(o, k, i)], xi = x_in[v.at(o, k, i)];
                    if (special) {
                        require(std::isnan(r), "row %zu,%zu is a NaN row, entry %zu = %a", o, i, k, r);
                        continue;
                    }
                    require(!std::isnan(r), "row %zu,%zu entry %zu (x=%a) is NaN", o, i, k, xi);
                    if (!log) {
                        require(r >= 0.0f && r <= 1.0f, "entry %zu (x=%a) = %a", k, xi, r);
                        if (xi == -kInf) require(r == 0.0f, "-inf entry gave %a", r);
                    } else {
                        require(r <= 0.0f, "log_softmax entry %zu (x=%a) = %a > 0", k, xi, r);
                        if (xi == -kInf) require(r == -kInf, "-inf entry gave %a", r);
                    }
                    sum += r;
                    if (r > top) top = r;
                }
                if (special) continue;
                if (!log) {
                    require(std::fabs(sum - 1.0) <= sum_tolerance(g_fast) + axis * (g_fast ? 0x1p-126 : 0x1p-147),
                            "row %zu,%zu sums to %.9g", o, i, sum);
                    require(top >= (1.0 - 1e-6) / static_cast<double>(axis),
                            "largest entry %a < 1/axis", top);
                } else {
                    require(top >= -std::log(static_cast<double>(axis)) - 1e-6 * (1 + std::log(axis)),
                            "largest log_softmax entry %a < -log(axis)", top);
                }
                continue;
            }
            // Backward from a forward output y: NaN only from a NaN row of
            // the forward or a non-finite dy in the row.
            bool dy_special = false;
            for (std::size_t k = 0; k < axis; ++k) dy_special |= !finite(b0[v.at(o, k, i)]);
            if (special || dy_special) continue;
            // dy - sum(y dy) and sum(dy) may exceed FLT_MAX (dy near FLT_MAX):
            // the kernels carry them in double, so y = 0 (softmax) or
            // y = -inf (log_softmax) still gives a finite dx.
            for (std::size_t k = 0; k < axis; ++k) {
                const std::size_t e = v.at(o, k, i);
                if (!std::isnan(y[e])) continue;  // overflow to +-inf can be right
                for (std::size_t j = 0; j < axis; ++j) {
                    const std::size_t f = v.at(o, j, i);
                    std::fprintf(stderr, "  [%zu] x=%a y=%a dy=%a dx=%a\n", j, x_in[f], a0[f], b0[f], y[f]);
                }
                require(false, "row %zu,%zu entry %zu: y=%a dy=%a gave %a", o, i, k, a0[e], b0[e],
                        y[e]);
            }
        }
}

// ----------------------------------------------------------------- losses

int64_t pick_ignore(reader& in) {
    switch (in.byte() % 6) {
    case 0: return -100;
    case 1: return -1;
    case 2: return 0;
    case 3: return 3;
    case 4: return std::numeric_limits<int64_t>::min();
    default: return std::numeric_limits<int64_t>::max();
    }
}

int64_t pick_target(reader& in, std::size_t classes, int64_t ignore, bool allow_bad) {
    const uint8_t b = in.byte();
    if (b < 200 || !allow_bad) {
        if (b >= 170 && b < 200) return ignore;
        return classes ? static_cast<int64_t>(b % classes) : ignore;
    }
    switch (b % 5) {
    case 0: return -1;
    case 1: return static_cast<int64_t>(classes);
    case 2: return std::numeric_limits<int64_t>::max();
    case 3: return std::numeric_limits<int64_t>::min() + 1;
    default: return ignore == std::numeric_limits<int64_t>::max() ? -5 : ignore + 1;
    }
}

bool valid_target(int64_t t, std::size_t classes, int64_t ignore) {
    return t == ignore || (t >= 0 && static_cast<uint64_t>(t) < classes);
}

void fuzz_losses(reader& in, int fn, const call_setup& cs) {
    std::size_t rows = dim(in) % 40, classes = dim(in);
    while (rows * classes > 20000) rows /= 2;
    const uint8_t rb = in.byte();
    nonlin_reduction red = static_cast<nonlin_reduction>(rb % 3);
    const bool bad_reduction = rb >= 250;
    if (bad_reduction) red = unnamed_value<nonlin_reduction>(rb);
    const int64_t ignore = pick_ignore(in);
    const bool allow_bad_target = in.byte() < 40;
    const bool grad = in.byte() % 4 != 0;
    if (cs.f == fault::huge_shape) {
        rows = 3;
        classes = std::numeric_limits<std::size_t>::max() / 8 + in.byte();
    }
    const char* names[] = {"nll_loss", "nll_loss_backward", "cross_entropy"};
    g_call += std::string(" ") + names[fn] + " " + std::to_string(rows) + "x" +
              std::to_string(classes) + " reduction=" + std::to_string(static_cast<int>(red)) +
              " ignore=" + std::to_string(ignore) + " variant=" + std::to_string(cs.variant) +
              (grad ? " with gradient" : "");

    const bool huge = cs.f == fault::huge_shape;
    const std::size_t total = huge ? 4 : rows * classes;
    const std::size_t reduced = red == NONLIN_REDUCTION_NONE ? rows : 1;
    block<float> mat(total), lossv(reduced), grad_out(total), dl(reduced);
    block<int64_t> target(rows);
    for (std::size_t i = 0; i < total; ++i) mat.data[i] = in.value();
    for (std::size_t i = 0; i < reduced; ++i) dl.data[i] = in.value();
    for (std::size_t i = 0; i < total; ++i) grad_out.data[i] = -1234.5f;
    for (std::size_t i = 0; i < reduced; ++i) lossv.data[i] = -1234.5f;
    bool targets_ok = true;
    std::size_t counted = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        target.data[r] = pick_target(in, classes, ignore, allow_bad_target);
        if (!valid_target(target.data[r], classes, ignore)) targets_ok = false;
        else if (target.data[r] != ignore) ++counted;
    }
    const std::vector<float> m0(mat.data, mat.data + total), d0(dl.data, dl.data + reduced);

    // Arrays of the call, and which may be aliased in place.
    const float* input = mat.data;
    const int64_t* tgt = target.data;
    float* loss = lossv.data;
    float* dinput = grad_out.data;
    const float* dloss = dl.data;
    // The only exact aliases the losses accept: a loss-shaped array over a
    // rows x 1 matrix (NONE), and cross_entropy's dlogits == logits.
    if (cs.variant == 1 && fn == 2 && grad) dinput = mat.data;
    if (cs.variant == 2 && reduced == total && total > 0) {
        if (fn == 0) loss = mat.data;
        if (fn == 1) dinput = dl.data;
        if (fn == 2) loss = mat.data;  // the per-row losses over the logits
    }
    if (fn == 2 && !grad) dinput = nullptr;

    const bool shape_bad = overflows(rows, classes, 1, sizeof(float)) ||
                           overflows(rows, 1, 1, sizeof(int64_t)) || (classes == 0 && rows != 0);
    nonlin_status want = NONLIN_OK;
    bool skip_rest = false;
    if (bad_reduction) {
        want = NONLIN_ERR_BAD_ARGUMENT;
    } else if (shape_bad) {
        want = NONLIN_ERR_BAD_SHAPE;
    } else if ((fn == 0 && reduced == 0) || (fn == 1 && total == 0)) {
        skip_rest = true;  // nothing to do, pointers not looked at
    }
    if (want == NONLIN_OK && !skip_rest && cs.f == fault::null_pointer) {
        // NULL for an array that must be there.
        std::vector<int> needed;
        if (fn == 0) {
            needed.push_back(0);                   // loss
            if (rows) { needed.push_back(1); needed.push_back(2); }  // input, target
        } else if (fn == 1) {
            needed = {2, 3, 4};                    // target, dloss, dinput
        } else {
            if (reduced) needed.push_back(0);      // loss
            if (rows) { needed.push_back(1); needed.push_back(2); }  // logits, target
        }
        if (!needed.empty()) {
            const int w = needed[static_cast<std::size_t>(cs.null_which) % needed.size()];
            if (w == 0) loss = nullptr;
            if (w == 1) input = nullptr;
            if (w == 2) tgt = nullptr;
            if (w == 3) dloss = nullptr;
            if (w == 4) dinput = nullptr;
            want = NONLIN_ERR_NULL_POINTER;
        }
    }
    // A float output exactly over the int64 targets, of the same byte size
    // (2 classes): not an alias of the same array, an overlap.
    if (want == NONLIN_OK && !skip_rest && cs.f == fault::overlap && fn != 0 && classes == 2 &&
        rows > 0 && (fn == 1 || grad)) {
        dinput = reinterpret_cast<float*>(target.data);
        want = NONLIN_ERR_OVERLAP;
        g_call += " (gradient over the targets)";
    }
    if (want == NONLIN_OK && !skip_rest && cs.f == fault::overlap && fn == 2 && grad &&
        total >= 2) {
        // dlogits overlapping logits partially: the same block, shifted.
        dinput = mat.data + 1;  // total - 1 elements of it would be in bounds;
        want = NONLIN_ERR_OVERLAP;  // the check must refuse before any access
    }
    if (want == NONLIN_OK && !skip_rest && !targets_ok) want = NONLIN_ERR_BAD_TARGET;

    const auto s1 = mat.snapshot(), s2 = lossv.snapshot(), s3 = grad_out.snapshot(),
               s4 = dl.snapshot(), s5 = target.snapshot();
    nonlin_status got;
    if (fn == 0)
        got = nonlin_nll_loss_f32(rows, classes, input, tgt, loss, ignore, red);
    else if (fn == 1)
        got = nonlin_nll_loss_backward_f32(rows, classes, tgt, dloss, dinput, ignore, red);
    else
        got = nonlin_cross_entropy_f32(rows, classes, input, tgt, loss, dinput, ignore, red);
    expect_status(got, want);
    require(target.same_as(s5), "targets changed");
    if (got != NONLIN_OK) {
        require(mat.same_as(s1) && lossv.same_as(s2) && grad_out.same_as(s3) && dl.same_as(s4),
                "a failing call wrote");
        return;
    }
    if (skip_rest) return;

    if (fn == 0) {
        double sum = 0.0;
        bool nan_allowed = red == NONLIN_REDUCTION_MEAN && counted == 0;
        for (std::size_t r = 0; r < rows; ++r) {
            const int64_t t = target.data[r];
            const float want_v = t == ignore ? 0.0f : -m0[r * classes + static_cast<std::size_t>(t)];
            if (t != ignore) {
                sum += want_v;
                nan_allowed |= !finite(want_v);
            }
            if (red == NONLIN_REDUCTION_NONE)
                require(std::memcmp(&loss[r], &want_v, 4) == 0 ||
                            (std::isnan(want_v) && std::isnan(loss[r])),
                        "row %zu loss %a, want %a", r, loss[r], want_v);
        }
        if (red != NONLIN_REDUCTION_NONE) {
            require(!std::isnan(loss[0]) || nan_allowed, "reduced loss NaN");
            if (red == NONLIN_REDUCTION_SUM && counted == 0) require(loss[0] == 0.0f, "empty sum %a", loss[0]);
        }
        return;
    }
    if (fn == 1) {
        const double scale = red == NONLIN_REDUCTION_MEAN && counted ? 1.0 / counted : 1.0;
        for (std::size_t r = 0; r < rows; ++r) {
            const int64_t t = target.data[r];
            const float g = red == NONLIN_REDUCTION_NONE
                                ? -d0[r]
                                : static_cast<float>(-static_cast<double>(d0[0]) * scale);
            for (std::size_t c = 0; c < classes; ++c) {
                const float got_v = dinput[r * classes + c];
                const float want_v = (t != ignore && static_cast<std::size_t>(t) == c) ? g : 0.0f;
                require(std::memcmp(&got_v, &want_v, 4) == 0 ||
                            (std::isnan(want_v) && std::isnan(got_v)),
                        "dinput[%zu,%zu] = %a, want %a", r, c, got_v, want_v);
            }
        }
        return;
    }
    // cross_entropy
    const double scale = red == NONLIN_REDUCTION_MEAN && counted ? 1.0 / counted : 1.0;
    const row_view v{rows, classes, 1};
    bool any_nan_row = false;
    for (std::size_t r = 0; r < rows; ++r) {
        const int64_t t = target.data[r];
        const bool ignored = t == ignore;
        const bool special = !ignored && nan_row(v, m0.data(), r, 0);
        any_nan_row |= special;
        if (red == NONLIN_REDUCTION_NONE) {
            const float l = loss[r];
            if (ignored) require(l == 0.0f, "ignored row %zu loss %a", r, l);
            else if (special) require(std::isnan(l), "NaN row %zu loss %a", r, l);
            else require(l >= 0.0f, "row %zu loss %a (NaN or < 0)", r, l);
        }
        if (!grad) continue;
        const float* g = dinput + r * classes;
        double gsum = 0.0;
        for (std::size_t c = 0; c < classes; ++c) {
            if (ignored) {
                require(g[c] == 0.0f && !std::signbit(g[c]), "ignored row %zu gradient %a", r, g[c]);
                continue;
            }
            if (special) {
                require(std::isnan(g[c]), "NaN row %zu gradient[%zu] = %a", r, c, g[c]);
                continue;
            }
            const bool at_t = c == static_cast<std::size_t>(t);
            const double lo = at_t ? -scale * (1 + 1e-6) : 0.0, hi = at_t ? 0.0 : scale * (1 + 1e-6);
            require(g[c] >= lo && g[c] <= hi, "row %zu gradient[%zu] = %a (logit %a), outside [%g, %g]",
                    r, c, g[c], m0[r * classes + c], lo, hi);
            gsum += g[c];
        }
        if (!ignored && !special)
            // cross_entropy has one kernel for both tiers: the strict one.
            require(std::fabs(gsum) <= scale * (sum_tolerance(false) + 4 * 0x1p-24) + classes * 0x1p-146,
                    "row %zu gradient sums to %g", r, gsum);
    }
    if (red != NONLIN_REDUCTION_NONE) {
        const bool nan_allowed = any_nan_row || (red == NONLIN_REDUCTION_MEAN && counted == 0);
        require(!std::isnan(loss[0]) || nan_allowed, "reduced loss is NaN");
        if (nan_allowed && any_nan_row) require(std::isnan(loss[0]), "a NaN row, loss %a", loss[0]);
        if (!std::isnan(loss[0])) require(loss[0] >= 0.0f, "reduced loss %a < 0", loss[0]);
    }
}

// --------------------------------------------------------------- runtime

// A child forked after a threaded call: its calls (threaded ones asked for
// again) must finish, with the parent's results. A hang is an alarm.
// cross_entropy_ex (fn 0), cross_entropy_probs (1) and
// binary_cross_entropy_with_logits (2) over outer x classes x inner (BCE:
// outer rows of classes * inner), with or without weights (and
// pos_weight), every smoothing, valid or not. Checks the status and that a
// failing call writes nothing; on success, that ignored positions give loss
// 0 and gradient +0, and that with finite logits and non-negative finite
// weights (probabilities and BCE targets in [0, 1]) the losses are >= 0 and
// nothing is NaN but a mean over zero weight and its gradient.
void fuzz_losses_ex(reader& in, int fn, const call_setup& cs) {
    std::size_t outer = in.byte() % 6, classes = in.byte() % 10, inner = in.byte() % 5;
    const uint8_t rb = in.byte();
    nonlin_reduction red = static_cast<nonlin_reduction>(rb % 3);
    if (rb >= 250) red = unnamed_value<nonlin_reduction>(rb);
    const float smoothings[] = {0.0f, 0.1f, 1.0f, 0.5f, -0.1f, 1.5f, std::nanf("")};
    const float eps = smoothings[in.byte() % 7];
    const bool weighted = in.byte() % 2, pos_weighted = in.byte() % 2;
    const int64_t ignore = pick_ignore(in);
    const bool allow_bad_target = in.byte() < 40;
    const bool grad = in.byte() % 4 != 0;
    if (cs.f == fault::huge_shape) {
        outer = 3;
        inner = 1;
        classes = std::numeric_limits<std::size_t>::max() / 8 + in.byte();
    }
    const char* names[] = {"cross_entropy_ex", "cross_entropy_probs",
                           "binary_cross_entropy_with_logits"};
    g_call += std::string(" ") + names[fn] + " " + std::to_string(outer) + "x" +
              std::to_string(classes) + "x" + std::to_string(inner) +
              " reduction=" + std::to_string(static_cast<int>(red)) + " eps=" +
              std::to_string(eps) + (weighted ? " weight" : "") +
              (pos_weighted ? " pos_weight" : "") + (grad ? " with gradient" : "");

    const bool huge = cs.f == fault::huge_shape;
    // BCE: outer rows of classes * inner.
    const bool shape_bad = overflows(outer, classes, inner, sizeof(float)) ||
                           (fn == 2 ? classes * inner == 0 && outer != 0
                                    : overflows(outer, inner, 1, sizeof(int64_t)) ||
                                          (classes == 0 && outer * inner != 0));
    const std::size_t total = huge ? 4 : outer * classes * inner, positions = outer * inner;
    const std::size_t n_weights = huge ? 4 : classes * (fn == 2 ? inner : 1);
    const std::size_t reduced =
        red != NONLIN_REDUCTION_NONE ? 1 : fn == 2 ? total : positions;
    block<float> x(total), second(total), w(n_weights), pw(n_weights), lossv(reduced),
        g(total);
    block<int64_t> target(positions);
    bool nice = true;
    for (std::size_t i = 0; i < total; ++i) nice &= finite(x.data[i] = in.value());
    for (std::size_t i = 0; i < total; ++i) {
        second.data[i] = in.value();
        nice &= fn == 0 || (second.data[i] >= 0.0f && second.data[i] <= 1.0f);
    }
    for (std::size_t i = 0; i < n_weights; ++i) {
        w.data[i] = in.value();
        pw.data[i] = in.value();
        nice &= finite(w.data[i]) && w.data[i] >= 0.0f && finite(pw.data[i]) && pw.data[i] >= 0.0f;
    }
    for (std::size_t i = 0; i < reduced; ++i) lossv.data[i] = -1234.5f;
    for (std::size_t i = 0; i < total; ++i) g.data[i] = -1234.5f;
    bool targets_ok = true;
    double divisor = 0.0;
    for (std::size_t p = 0; p < positions; ++p) {
        target.data[p] = pick_target(in, classes, ignore, allow_bad_target);
        if (!valid_target(target.data[p], classes, ignore))
            targets_ok = false;
        else if (target.data[p] != ignore && !huge)
            divisor += weighted ? w.data[target.data[p]] : 1.0;
    }
    if (fn != 0) targets_ok = true;

    const float* logits = x.data;
    const float* targets_f = second.data;
    const int64_t* tgt = target.data;
    const float* weight = weighted ? w.data : nullptr;
    const float* pos_weight = pos_weighted ? pw.data : nullptr;
    float* loss = lossv.data;
    float* dlogits = grad ? g.data : nullptr;
    if (cs.variant == 1 && grad) dlogits = x.data;                 // in place over the logits
    if (cs.variant == 2 && grad && fn != 0) dlogits = second.data;  // over the targets

    nonlin_status want = NONLIN_OK;
    const bool bad_eps = fn != 2 && !(eps >= 0.0f && eps <= 1.0f);
    if (rb >= 250 || bad_eps)
        want = NONLIN_ERR_BAD_ARGUMENT;
    else if (shape_bad)
        want = NONLIN_ERR_BAD_SHAPE;
    const bool has_data = (fn == 2 ? total : positions) != 0;
    if (want == NONLIN_OK && cs.f == fault::null_pointer && (has_data || reduced)) {
        const int which = cs.null_which % 3;
        if (which == 0 && reduced) loss = nullptr;
        else if (which == 1 && has_data) logits = nullptr;
        else if (has_data && fn == 0) tgt = nullptr;
        else if (has_data) targets_f = nullptr;
        else loss = nullptr;
        want = NONLIN_ERR_NULL_POINTER;
    }
    if (want == NONLIN_OK && cs.f == fault::overlap && grad && total >= 2) {
        dlogits = x.data + 1;  // partially over the logits
        want = NONLIN_ERR_OVERLAP;
    } else if (want == NONLIN_OK && cs.f == fault::overlap && weighted && reduced &&
               n_weights >= reduced) {
        loss = w.data;  // weights are read for every row: no alias at all
        want = NONLIN_ERR_OVERLAP;
    }
    if (want == NONLIN_OK && !targets_ok) want = NONLIN_ERR_BAD_TARGET;

    const auto s1 = x.snapshot(), s2 = second.snapshot(), s3 = w.snapshot(), s4 = pw.snapshot(),
               s5 = lossv.snapshot(), s6 = g.snapshot(), s7 = target.snapshot();
    nonlin_status got;
    if (fn == 0)
        got = nonlin_cross_entropy_ex_f32(outer, classes, inner, logits, tgt, weight, loss,
                                          dlogits, ignore, eps, red);
    else if (fn == 1)
        got = nonlin_cross_entropy_probs_f32(outer, classes, inner, logits, targets_f, weight,
                                             loss, dlogits, eps, red);
    else
        got = nonlin_binary_cross_entropy_with_logits_f32(outer, classes * inner, logits,
                                                          targets_f, weight, pos_weight, loss,
                                                          dlogits, red);
    expect_status(got, want);
    require(target.same_as(s7) && w.same_as(s3) && pw.same_as(s4), "an input changed");
    if (got != NONLIN_OK) {
        require(x.same_as(s1) && second.same_as(s2) && lossv.same_as(s5) && g.same_as(s6),
                "a failing call wrote");
        return;
    }
    if (fn == 0 && dlogits)
        for (std::size_t p = 0; p < positions; ++p) {
            if (target.data[p] != ignore) continue;
            if (red == NONLIN_REDUCTION_NONE)
                require(loss[p] == 0.0f, "ignored position %zu loss %a", p, loss[p]);
            for (std::size_t c = 0; c < classes; ++c) {
                const float v = dlogits[(p / inner) * classes * inner + c * inner + p % inner];
                require(v == 0.0f && !std::signbit(v), "ignored position %zu gradient %a", p, v);
            }
        }
    if (!nice || cs.variant != 0) return;
    const bool zero_mean = red == NONLIN_REDUCTION_MEAN &&
                           (fn == 0 ? divisor == 0.0 : (fn == 2 ? total : positions) == 0);
    for (std::size_t i = 0; i < reduced; ++i)
        require((loss[i] >= 0.0f) || (zero_mean && std::isnan(loss[i])), "loss[%zu] = %a", i,
                loss[i]);
    if (dlogits && !(zero_mean && fn == 0))
        for (std::size_t i = 0; i < total; ++i)
            require(!std::isnan(dlogits[i]), "gradient[%zu] NaN", i);
}

void fuzz_fork() {
    g_call += " fork";
    static const std::vector<float> x = [] {
        std::vector<float> v(std::size_t{1} << 17);
        for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i % 97) / 9.0f - 5.0f;
        return v;
    }();
    std::vector<float> want(x.size()), got(x.size());
    nonlin_set_num_threads(2);
    require(nonlin_sigmoid_f32(x.size(), x.data(), want.data()) == NONLIN_OK, "sigmoid failed");
    std::fflush(nullptr);
    const pid_t child = fork();
    require(child >= 0, "fork failed");
    if (child == 0) {
        std::signal(SIGALRM, SIG_DFL);  // not libFuzzer's timeout handler
        alarm(20);
        nonlin_set_num_threads(2);
        const bool ok = nonlin_sigmoid_f32(x.size(), x.data(), got.data()) == NONLIN_OK &&
                        got == want && nonlin_get_num_threads() == 1;
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    pid_t waited;
    do {  // libFuzzer's timeout timer interrupts the wait with SIGALRM
        waited = waitpid(child, &status, 0);
    } while (waited < 0 && errno == EINTR);
    require(waited == child, "waitpid failed");
    require(WIFEXITED(status) && WEXITSTATUS(status) == 0, "forked child: status %d", status);
}

void fuzz_runtime(reader& in) {
    g_call += " runtime";
    const int k = static_cast<int8_t>(in.byte());
    expect_status(nonlin_set_num_threads(k), k < 0 ? NONLIN_ERR_BAD_ARGUMENT : NONLIN_OK);
    require(nonlin_get_num_threads() >= 1, "get_num_threads < 1");
    nonlin_set_num_threads(0);
    // The list's names, then names it must refuse.
    static const std::vector<const char*> kNames = [] {
        std::vector<const char*> v(std::begin(nonlin::kIsaNames), std::end(nonlin::kIsaNames));
        v.insert(v.end(), {"auto", "", "AVX2", "sse", "avx5120", "scalar "});
        return v;
    }();
    char name[8] = {0};
    const uint8_t pick = in.byte();
    if (pick < 200) {
        std::snprintf(name, sizeof name, "%s", kNames[pick % kNames.size()]);
    } else {
        for (std::size_t i = 0; i + 1 < sizeof name; ++i) name[i] = static_cast<char>(in.byte());
    }
    const std::string before = nonlin_isa();
    const nonlin_status s = nonlin_set_isa(name);
    bool known = false, available = false;
    for (const char* n : nonlin::kIsaNames) known |= std::strcmp(n, name) == 0;
    for (const auto& n : isas()) available |= n == name;
    expect_status(s, std::strcmp(name, "auto") == 0 || available
                         ? NONLIN_OK
                         : known ? NONLIN_ERR_UNSUPPORTED : NONLIN_ERR_BAD_ARGUMENT);
    if (s != NONLIN_OK) require(before == nonlin_isa(), "failed set_isa changed the ISA");
    // Values 0..7 are the range of nonlin_status in C++ (7 is no status).
    const auto st = static_cast<nonlin_status>(in.byte() % 8);
    require(nonlin_status_string(st) != nullptr, "status string NULL");
    if (st == 7) require(std::strcmp(nonlin_status_string(st), "unknown status") == 0, "status 7");
    if (in.byte() % 16 == 0) fuzz_fork();
}

// ------------------------------------------------ masked softmax, logsumexp

// The masked softmax family with any mask, mask_outer, scale and empty-row
// mode, and logsumexp with its gradient on the same values: the status the
// header's rules give (argument, then shape) and no write on error; on
// success, per row: a kept NaN or +inf makes it NaN; nothing kept above
// -inf makes it NaN or zeros as chosen; otherwise masked entries are
// exactly 0 (-inf), kept ones in [0, 1] summing to 1 (log: <= 0).
// logsumexp: NaN for a NaN, +inf for a +inf, -inf for all -inf, else
// within [max, max + log(axis)] up to rounding; its gradient exp(x - y) in
// [0, 1] up to rounding.
void fuzz_masked(reader& in) {
    std::size_t outer = dim(in), axis = dim(in), inner = dim(in) % 12;
    if (in.byte() < 128) inner = 1;
    while (outer * axis * inner > 20000) outer /= 2;
    const std::size_t total = outer * axis * inner, slice = axis * inner;
    const uint8_t pick = in.byte();
    const bool log = pick & 1, use_mask = pick & 2, in_place = pick & 4;
    std::size_t mask_outer = 0;
    if (use_mask) {
        const uint8_t m = in.byte();
        mask_outer = m % 4 == 0 ? 1 : m % 4 == 1 ? outer : m % 4 == 2 ? m / 4 % 5 : outer / 2;
    }
    const float scales[] = {1.0f, 0.125f, 3.0f, 1e-30f, 1e30f, kFltMax, 0.0f, -1.0f, NAN, kInf};
    const float scale = scales[in.byte() % 10];
    const uint8_t mb = in.byte();
    const nonlin_empty_row mode =
        mb >= 240 ? unnamed_value<nonlin_empty_row>(mb) : static_cast<nonlin_empty_row>(mb % 2);
    const unsigned mode_value = mode;
    g_call += std::string(log ? " masked_log_softmax " : " masked_softmax ") +
              std::to_string(outer) + "x" + std::to_string(axis) + "x" + std::to_string(inner) +
              " mask_outer=" + (use_mask ? std::to_string(mask_outer) : "none") +
              " scale=" + std::to_string(scale) + " mode=" + std::to_string(mode_value) +
              (in_place ? " in place" : "");
    block<float> x(total), out(total);
    block<uint8_t> mask(use_mask ? std::max<std::size_t>(mask_outer, 1) * slice : 0);
    for (std::size_t i = 0; i < total; ++i) x.data[i] = in.value();
    for (std::size_t i = 0; i < mask.count; ++i) mask.data[i] = in.byte() % 4 != 0;
    for (std::size_t i = 0; i < total; ++i) out.data[i] = -1234.5f;
    const std::vector<float> x_in(x.data, x.data + total);
    nonlin_status want = NONLIN_OK;
    if ((mode_value != 0 && mode_value != 1) || !(std::isfinite(scale) && scale > 0.0f))
        want = NONLIN_ERR_BAD_ARGUMENT;
    else if (total > 0 && use_mask && (mask_outer == 0 || outer % mask_outer != 0))
        want = NONLIN_ERR_BAD_SHAPE;
    float* y = in_place ? x.data : out.data;
    const auto sx = x.snapshot(), so = out.snapshot();
    expect_status((log ? nonlin_masked_log_softmax_f32 : nonlin_masked_softmax_f32)(
                      outer, axis, inner, mask_outer, x.data, use_mask ? mask.data : nullptr, y,
                      scale, mode),
                  want);
    if (want != NONLIN_OK) {
        require(x.same_as(sx) && out.same_as(so), "a failing call wrote");
    } else {
        const row_view v{outer, axis, inner};
        for (std::size_t o = 0; o < outer; ++o)
            for (std::size_t i = 0; i < inner; ++i) {
                auto kept = [&](std::size_t a) {
                    return !use_mask || mask.data[(o % mask_outer) * slice + a * inner + i] != 0;
                };
                bool nan = false, any = false;
                for (std::size_t a = 0; a < axis; ++a) {
                    if (!kept(a)) continue;
                    const float e = x_in[v.at(o, a, i)];
                    nan |= std::isnan(e) || e == kInf;
                    any |= e > -kInf;
                }
                const bool empty = !nan && !any;
                double sum = 0.0;
                for (std::size_t a = 0; a < axis; ++a) {
                    const float r = y[v.at(o, a, i)];
                    if (nan || (empty && mode_value == 0)) {
                        require(std::isnan(r), "row %zu,%zu entry %zu = %a, not NaN", o, i, a, r);
                    } else if (empty) {
                        require(r == 0.0f, "empty row %zu,%zu entry %zu = %a, not 0", o, i, a, r);
                    } else if (!kept(a)) {
                        require(r == (log ? -kInf : 0.0f), "masked entry %zu = %a", a, r);
                    } else {
                        require(!std::isnan(r) && (log ? r <= 0.0f : r >= 0.0f && r <= 1.0f),
                                "row %zu,%zu kept entry %zu (x=%a) = %a", o, i, a,
                                x_in[v.at(o, a, i)], r);
                        sum += r;
                    }
                }
                // The masked softmax has one kernel for both tiers: the strict one.
                if (!nan && !empty && !log)
                    require(std::fabs(sum - 1.0) <= sum_tolerance(false) + axis * 0x1p-147,
                            "row %zu,%zu sums to %.9g", o, i, sum);
            }
    }
    // logsumexp and its gradient (dy = 1) on the same values.
    block<float> lse(outer * inner), dx(total);
    const std::vector<float> dy(outer * inner, 1.0f);
    expect_status(nonlin_logsumexp_f32(outer, axis, inner, x_in.data(), lse.data), NONLIN_OK);
    expect_status(nonlin_logsumexp_backward_f32(outer, axis, inner, x_in.data(), lse.data,
                                                dy.data(), dx.data),
                  NONLIN_OK);
    const row_view v{outer, axis, inner};
    for (std::size_t o = 0; o < outer && axis > 0; ++o)
        for (std::size_t i = 0; i < inner; ++i) {
            bool nan = false, pos_inf = false;
            float m = -kInf;
            for (std::size_t a = 0; a < axis; ++a) {
                const float e = x_in[v.at(o, a, i)];
                nan |= std::isnan(e);
                pos_inf |= e == kInf;
                if (e > m) m = e;
            }
            const float r = lse.data[o * inner + i];
            if (nan) {
                require(std::isnan(r), "logsumexp of a NaN row = %a", r);
                continue;
            }
            if (pos_inf || m == -kInf) {
                require(r == m, "logsumexp of a row with max %a = %a", m, r);
                continue;
            }
            const double slack = (std::fabs(m) + std::log(double(axis))) * 0x1p-22 + 0x1p-22;
            require(r >= m - slack && r <= m + std::log(double(axis)) + slack,
                    "logsumexp %a outside [max %a, max + log(axis)]", r, m);
            for (std::size_t a = 0; a < axis; ++a) {
                const float g = dx.data[v.at(o, a, i)];
                require(g >= 0.0f && g <= 1.0f + 0x1p-20f, "logsumexp gradient %a", g);
            }
        }
}

// ----------------------------------------------------------------- 16 bits

// The library's conversions of one 16-bit type (tested exhaustively
// elsewhere), and its softmax family.
template <class T>
struct half_api;
// One specialization per type, its functions named by the C suffix.
#define NONLIN_FUZZ_HALF_API(T, suffix)                                                        \
    template <>                                                                                \
    struct half_api<T> {                                                                       \
        static constexpr const char* name = #suffix;                                           \
        static constexpr auto narrow = nonlin_f32_to_##suffix;                                 \
        static constexpr auto widen = nonlin_##suffix##_to_f32;                                \
        static const nonlin_test::typed_entry_points<T>& ops(const nonlin_test::half_case& h) { \
            return h.suffix;                                                                   \
        }                                                                                      \
        static constexpr decltype(&nonlin_softmax_##suffix) rows[2] = {                        \
            nonlin_softmax_##suffix, nonlin_log_softmax_##suffix};                             \
        static constexpr decltype(&nonlin_softmax_backward_##suffix) rows_backward[2] = {      \
            nonlin_softmax_backward_##suffix, nonlin_log_softmax_backward_##suffix};           \
        static constexpr decltype(&nonlin_masked_softmax_##suffix) masked[2] = {               \
            nonlin_masked_softmax_##suffix, nonlin_masked_log_softmax_##suffix};               \
        static constexpr auto logsumexp = nonlin_logsumexp_##suffix;                           \
        static constexpr auto logsumexp_backward = nonlin_logsumexp_backward_##suffix;         \
        static constexpr auto cross_entropy = nonlin_cross_entropy_##suffix;                   \
        static constexpr auto nll_loss = nonlin_nll_loss_##suffix;                             \
        static constexpr auto nll_loss_backward = nonlin_nll_loss_backward_##suffix;           \
    };
NONLIN_FUZZ_HALF_API(nonlin_bf16, bf16)
NONLIN_FUZZ_HALF_API(nonlin_f16, f16)
#undef NONLIN_FUZZ_HALF_API

// n 16-bit values: any float narrowed, or (one in four) any bit pattern.
template <class T>
void fill_half(reader& in, block<T>& a) {
    std::vector<float> wide(a.count);
    for (float& v : wide) v = in.value();
    require(half_api<T>::narrow(a.count, wide.data(), a.data) == NONLIN_OK, "narrow");
    for (std::size_t i = 0; i < a.count; ++i)
        if (in.byte() % 4 == 0) a.data[i].bits = static_cast<uint16_t>(in.u32());
}

template <class T>
std::vector<float> widened(const block<T>& a) {
    std::vector<float> out(a.count);
    require(half_api<T>::widen(a.count, a.data, out.data()) == NONLIN_OK, "widen");
    return out;
}

// The 16-bit result equals the f32 one rounded, bit for bit (a NaN's bits
// aside: the row functions promise NaN, not its bits).
template <class T>
void require_rounded(const T* got, const std::vector<float>& f32) {
    block<T> rounded(f32.size());
    require(half_api<T>::narrow(f32.size(), f32.data(), rounded.data) == NONLIN_OK, "narrow");
    std::vector<float> back(f32.size());
    require(half_api<T>::widen(f32.size(), got, back.data()) == NONLIN_OK, "widen");
    for (std::size_t i = 0; i < f32.size(); ++i) {
        if (std::isnan(f32[i]) && std::isnan(back[i])) continue;
        require(got[i].bits == rounded.data[i].bits,
                "element %zu: %04x, the f32 result %a rounds to %04x", i, got[i].bits, f32[i],
                rounded.data[i].bits);
    }
}

// A float loss: the f32 function's, bit for bit (or both NaN).
void require_same_loss(const std::vector<float>& got, const std::vector<float>& f32) {
    for (std::size_t i = 0; i < got.size(); ++i)
        require(bits(got[i]) == bits(f32[i]) || (std::isnan(got[i]) && std::isnan(f32[i])),
                "loss %zu: %a, the f32 function gives %a", i, got[i], f32[i]);
}

// A 16-bit masked softmax or log_softmax, logsumexp or its gradient,
// cross_entropy, nll_loss or nll_loss_backward on any 16-bit patterns,
// apart or (where the header allows) in place, or with a NULL array, with
// bad targets and reductions too. Its status must be the f32 function's on
// the widened inputs, a refusal writes nothing, the 16-bit outputs are the
// f32 outputs rounded once and the float losses the f32 losses, bit for bit.
template <class T>
void fuzz_half_rows_typed(reader& in, const call_setup& cs) {
    using api = half_api<T>;
    const int fn = in.byte() % 7;
    std::size_t outer = dim(in), axis = dim(in);
    const std::size_t inner = fn < 4 && in.byte() >= 192 ? dim(in) % 40 : 1;
    while (outer * axis * inner > 20000) outer /= 2;
    const std::size_t n = outer * axis * inner, m = outer * inner;
    static const char* const names[] = {"masked_softmax", "masked_log_softmax", "logsumexp",
                                        "logsumexp_backward", "cross_entropy", "nll_loss",
                                        "nll_loss_backward"};
    g_call += std::string(" ") + api::name + " " + names[fn] + " " + std::to_string(outer) + "x" +
              std::to_string(axis) + "x" + std::to_string(inner) +
              " variant=" + std::to_string(cs.variant);
    block<T> x(n), small(m), dsmall(m), out(n);
    fill_half(in, x);
    fill_half(in, small);
    fill_half(in, dsmall);
    for (std::size_t i = 0; i < n; ++i) out.data[i].bits = 0x1234;
    const std::vector<float> xf = widened(x), sf = widened(small), dsf = widened(dsmall);
    std::vector<unsigned char> mask(axis * inner);
    for (unsigned char& v : mask) v = in.byte() % 3 != 0;
    const bool no_mask = in.byte() % 4 == 0;
    const float scale = in.byte() % 2 ? 1.0f : 0.125f;
    const nonlin_empty_row mode = in.byte() % 2 ? NONLIN_EMPTY_ROW_ZERO : NONLIN_EMPTY_ROW_NAN;
    const uint8_t rb = in.byte();
    // 3: the one value outside the enum that it can still hold (UBSan).
    const nonlin_reduction red =
        rb >= 250 ? unnamed_value<nonlin_reduction>(rb) : static_cast<nonlin_reduction>(rb % 3);
    const int64_t ignore = pick_ignore(in);
    std::vector<int64_t> target(outer);
    for (int64_t& t : target) t = pick_target(in, axis, ignore, true);
    const bool null = cs.f == fault::null_pointer && n > 0;
    const bool in_place = cs.variant == 1 && (fn < 2 || fn == 4);
    T* const y = in_place ? x.data : out.data;
    const T* const xin = null ? nullptr : x.data;

    // The f32 call first: the 16-bit one may be in place.
    std::vector<float> yf(n), lf(outer + 1), lh(outer + 1);  // + 1: a reduced loss of 0 rows
    const unsigned char* mk = no_mask ? nullptr : mask.data();
    nonlin_status want = NONLIN_OK;
    nonlin_status got = NONLIN_OK;
    const auto snap = [&] { return std::make_tuple(x.snapshot(), small.snapshot(), dsmall.snapshot(), out.snapshot()); };
    const auto before = snap();
    const float* xw = null ? nullptr : xf.data();
    switch (fn) {
    case 0: case 1:
        want = (fn ? nonlin_masked_log_softmax_f32 : nonlin_masked_softmax_f32)(
            outer, axis, inner, 1, xw, mk, yf.data(), scale, mode);
        got = api::masked[fn](outer, axis, inner, 1, xin, mk, y, scale, mode);
        break;
    case 2:
        yf.resize(m);
        want = nonlin_logsumexp_f32(outer, axis, inner, xw, yf.data());
        got = api::logsumexp(outer, axis, inner, xin, y);
        break;
    case 3:
        want = nonlin_logsumexp_backward_f32(outer, axis, inner, xw, sf.data(), dsf.data(),
                                            yf.data());
        got = api::logsumexp_backward(outer, axis, inner, xin, small.data, dsmall.data, y);
        break;
    case 4: {
        const bool grad = in.byte() % 2;
        want = nonlin_cross_entropy_f32(outer, axis, xw, target.data(), lf.data(),
                                        grad ? yf.data() : nullptr, ignore, red);
        got = api::cross_entropy(outer, axis, xin, target.data(), lh.data(), grad ? y : nullptr,
                                 ignore, red);
        if (!grad) yf.clear();
        break;
    }
    case 5:
        want = nonlin_nll_loss_f32(outer, axis, xw, target.data(), lf.data(), ignore, red);
        got = api::nll_loss(outer, axis, xin, target.data(), lh.data(), ignore, red);
        yf.clear();
        break;
    default:
        want = nonlin_nll_loss_backward_f32(outer, axis, target.data(), sf.data(), yf.data(),
                                            ignore, red);
        got = api::nll_loss_backward(outer, axis, target.data(), sf.data(), y, ignore, red);
    }
    expect_status(got, want);
    if (got != NONLIN_OK) {
        require(snap() == before, "a failing call wrote");
        return;
    }
    if (fn >= 4 && fn <= 5) {
        const std::size_t losses = red == NONLIN_REDUCTION_NONE ? outer : 1;
        require_same_loss(std::vector<float>(lh.begin(), lh.begin() + losses),
                          std::vector<float>(lf.begin(), lf.begin() + losses));
    }
    // An empty tensor (a zero among the sizes) is a no-op for the arrays.
    if (n == 0) {
        require(out.same_as(std::get<3>(before)), "an empty call wrote");
        return;
    }
    if (!yf.empty()) require_rounded(y, yf);
}

// One 16-bit call, an elementwise op (forward or backward) or a softmax
// family function, on any 16-bit patterns (NaN payloads, infinities,
// subnormals), apart or in place, or with a NULL or partially overlapping
// array. Its status must be the f32 function's for the same arguments, a
// refusal writes nothing, and its result must be the f32 function's on the
// widened inputs, rounded once (nonlin.h), bit for bit: for the row
// functions a NaN's bits aside, which they do not promise (rows stay at
// most 2^16 long, where softmax keeps that promise).
template <class T>
void fuzz_half_typed(reader& in, const call_setup& cs) {
    using api = half_api<T>;
    const bool rows = in.byte() % 2;
    const uint8_t which = in.byte();
    const bool backward = which & 1;
    std::size_t outer = 1, axis = 1, inner = 1;
    if (rows) {
        outer = dim(in);
        axis = dim(in);
        inner = in.byte() < 128 ? 1 : dim(in) % 40;
        while (outer * axis * inner > 20000) outer /= 2;
    } else {
        outer = dim(in) * (1 + in.byte() % 8);
    }
    const std::size_t n = outer * axis * inner;
    const std::size_t op = (which >> 1) % std::size(nonlin_test::kElementwiseCases);
    const nonlin_test::elementwise_case& c = nonlin_test::kElementwiseCases[op];
    const auto& h = api::ops(nonlin_test::kHalfCases[op]);
    const bool bwd = backward || (!rows && c.gradient_only);
    const int log = (which >> 7) & 1;
    g_call += std::string(" ") + api::name + " " +
              (rows ? std::string(log ? "log_softmax" : "softmax") + (bwd ? "_backward " : " ") +
                          std::to_string(outer) + "x" + std::to_string(axis) + "x" +
                          std::to_string(inner)
                    : std::string(bwd ? c.backward_name : c.name) + " n=" + std::to_string(n)) +
              " variant=" + std::to_string(cs.variant);
    block<T> a(n + 1), b(n), out(n);
    std::vector<float> wide(n + 1);
    for (float& v : wide) v = in.value();
    require(api::narrow(n + 1, wide.data(), a.data) == NONLIN_OK, "narrow");
    for (std::size_t i = 0; i < n; ++i) {
        b.data[i].bits = static_cast<uint16_t>(in.u32());
        out.data[i].bits = 0x1234;
        if (in.byte() % 4 == 0) a.data[i].bits = static_cast<uint16_t>(in.u32());
    }
    const T* x = a.data;
    const T* dy = b.data;
    T* y = cs.variant == 1 ? a.data : cs.variant == 2 && bwd ? b.data : out.data;
    nonlin_status want = NONLIN_OK;
    if (n > 0 && cs.f == fault::null_pointer) {
        x = nullptr;
        want = NONLIN_ERR_NULL_POINTER;
    } else if (n > 1 && cs.f == fault::overlap) {
        y = a.data + 1;  // partly over x
        want = NONLIN_ERR_OVERLAP;
    }
    // The f32 call on the widened inputs first (the 16-bit one may be in place).
    std::vector<float> xf(n), dyf(n), yf(n);
    if (want == NONLIN_OK) {
        require(api::widen(n, a.data, xf.data()) == NONLIN_OK && api::widen(n, b.data, dyf.data()) ==
                NONLIN_OK, "widen");
        const nonlin_status f32 =
            rows ? (bwd ? (log ? nonlin_log_softmax_backward_f32 : nonlin_softmax_backward_f32)(
                              outer, axis, inner, xf.data(), dyf.data(), yf.data())
                        : (log ? nonlin_log_softmax_f32 : nonlin_softmax_f32)(
                              outer, axis, inner, xf.data(), yf.data()))
                 : bwd ? c.backward(n, xf.data(), dyf.data(), yf.data())
                       : c.forward(n, xf.data(), yf.data());
        expect_status(f32, NONLIN_OK);
    }
    const auto sa = a.snapshot(), sb = b.snapshot(), so = out.snapshot();
    const nonlin_status got =
        rows ? (bwd ? api::rows_backward[log](outer, axis, inner, x, dy, y)
                    : api::rows[log](outer, axis, inner, x, y))
             : bwd ? h.backward(n, x, dy, y) : h.forward(n, x, y);
    expect_status(got, want);
    if (got != NONLIN_OK) {
        require(a.same_as(sa) && b.same_as(sb) && out.same_as(so), "a failing call wrote");
        return;
    }
    block<T> rounded(n);
    require(api::narrow(n, yf.data(), rounded.data) == NONLIN_OK, "narrow");
    std::vector<float> back(n);
    require(api::widen(n, y, back.data()) == NONLIN_OK, "widen");
    // The fast tier's own elementwise kernels may flush a result below
    // FLT_MIN to the zero of its sign (nonlin.h).
    const bool may_flush = !rows && nonlin_test::flushes<T>(nonlin_isa()) &&
                           (bwd ? c.backward_may_flush(g_fast) : c.forward_may_flush(g_fast));
    for (std::size_t i = 0; i < n; ++i) {
        if (rows && std::isnan(yf[i]) && std::isnan(back[i])) continue;
        if (may_flush && nonlin_test::flushed_to_zero(y[i].bits, yf[i])) continue;
        require(y[i].bits == rounded.data[i].bits,
                "element %zu: x=%a dy=%a gave %04x, the f32 result %a rounds to %04x", i, xf[i],
                dyf[i], y[i].bits, yf[i], rounded.data[i].bits);
    }
}

// Bit 0: the type; a quarter of the values (low nibble below 4, which no
// seed of fuzz_half_typed has) go to fuzz_half_rows_typed.
void fuzz_half(reader& in, const call_setup& cs) {
    const uint8_t b = in.byte();
    const bool rows = b % 16 < 4;
    if (b % 2)
        rows ? fuzz_half_rows_typed<nonlin_bf16>(in, cs) : fuzz_half_typed<nonlin_bf16>(in, cs);
    else
        rows ? fuzz_half_rows_typed<nonlin_f16>(in, cs) : fuzz_half_typed<nonlin_f16>(in, cs);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    reader in{data, size};
    const uint8_t family = in.byte();  // low 2 bits: the family; the rest: which
    const std::string& isa = isas()[in.byte() % isas().size()];
    require(nonlin_set_isa(isa.c_str()) == NONLIN_OK, "set_isa(%s)", isa.c_str());
    // Bits 0-1: the thread count; bit 2: the accuracy tier (every contract
    // checked here holds in both).
    const uint8_t run = in.byte();
    const int threads = run % 4;
    nonlin_set_num_threads(threads);
    const bool fast = (run >> 2) & 1;
    g_fast = fast;
    require(nonlin_set_accuracy(fast ? NONLIN_ACCURACY_FAST : NONLIN_ACCURACY_STRICT) == NONLIN_OK,
            "set_accuracy");
    const uint8_t mode = in.byte();
    call_setup cs;
    cs.variant = mode % 4;  // 0 apart, 1 and 2 in place, 3 (backward) y outside the forward's range
    switch ((mode >> 2) % 16) {
    case 0: cs.f = fault::null_pointer; break;
    case 1: cs.f = fault::overlap; break;
    case 2: cs.f = fault::huge_shape; break;
    default: cs.f = fault::none;
    }
    cs.null_which = in.byte();
    cs.shift = in.byte();
    g_call = "isa=" + isa + " threads=" + std::to_string(threads) + (fast ? " fast" : "");
    // Family byte 0xff, unused before: the masked softmax family and logsumexp.
    if (family == 0xff)
        fuzz_masked(in);
    else switch (family % 8) {
    case 0: case 1: case 2: fuzz_elementwise(in, cs); break;
    case 3: case 4: fuzz_rows(in, (family >> 3) % 4, cs); break;
    case 5: case 6:  // bits 3..5: 0..2 the losses, 3..5 those with PyTorch's options
        if ((family >> 3) % 6 < 3)
            fuzz_losses(in, (family >> 3) % 6, cs);
        else
            fuzz_losses_ex(in, (family >> 3) % 6 - 3, cs);
        break;
    default:
        switch ((family >> 3) % 4) {
        case 1: fuzz_runtime(in); break;
        case 2: fuzz_hidden_nan_row(in); break;
        case 3: fuzz_half(in, cs); break;
        default: fuzz_parameters(in);
        }
    }
    // NONLIN_FUZZ_TRACE=1: name each call, e.g. to see what an input in
    // known/ exercises.
    static const bool trace = std::getenv("NONLIN_FUZZ_TRACE") != nullptr;
    if (trace) std::fprintf(stderr, "fuzz: %s\n", g_call.c_str());
    return 0;
}
