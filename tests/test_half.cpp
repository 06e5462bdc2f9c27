// The elementwise ops in bfloat16 and float16, over every 16-bit input.
//
// The contract (nonlin.h): a 16-bit result is the f32 function's result,
// on the same ISA, for the widened inputs, rounded to nearest even; this
// is asserted bit for bit, forward and backward (dy = 1, a few other
// values and every 16-bit dy), on every ISA. Against the exact (float64)
// reference, each result is counted as correctly rounded or not (printed)
// and asserted within the documented bound: the 16-bit rounding of a value
// within the f32 function's bound of the exact result (0.5 ulp of the
// 16-bit type plus that bound). Both accuracy tiers, each with its own f32
// kernels and bounds; the fast tier may flush results below FLT_MIN to 0.
#include "elementwise_ops.hpp"
#include "half_scoring.hpp"
#include "support.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace nonlin_test;

const typed_entry_points<nonlin_bf16>& entry(const half_case& c, const nonlin_bf16*) { return c.bf16; }
const typed_entry_points<nonlin_f16>& entry(const half_case& c, const nonlin_f16*) { return c.f16; }

template <class T>
std::vector<T> all_patterns(unsigned stride) {
    std::vector<T> v;
    for (uint32_t h = 0; h < 0x10000; h += stride) v.push_back(T{static_cast<uint16_t>(h)});
    return v;
}

template <class T>
void check_forward(const elementwise_case& c, const half_case& h, unsigned stride,
                   const std::vector<std::string>& isas, bool fast) {
    const half_format f = format_of(static_cast<const T*>(nullptr));
    const std::vector<T> x = all_patterns<T>(stride);
    const std::vector<float> xf = widened(x);
    std::vector<expectation> want(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        // The NaN rule (nonlin.h): a NaN input gives NaN.
        const double exact = std::isnan(xf[i]) ? xf[i] : c.reference(xf[i]);
        want[i] = expect(f, exact, c.forward_bound(fast), exact, fast);
    }
    for (const std::string& isa : isas) {
        INFO("isa " << isa << ", " << c.name << " " << f.name << (fast ? ", fast tier" : ""));
        const isa_scope scope(isa);
        const tier_scope tier(fast);
        std::vector<T> y(x.size());
        std::vector<float> yf(x.size());
        REQUIRE(entry(h, x.data()).forward(x.size(), x.data(), y.data()) == NONLIN_OK);
        REQUIRE(c.forward(xf.size(), xf.data(), yf.data()) == NONLIN_OK);
        tally t;
        score(t, y, yf, want, xf,
              c.forward_may_flush(fast) && flushes<T>(isa) ? same_as_f32::bits_or_flushed
                                                           : same_as_f32::bits);
        report("forward", isa, fast, c.name, f.name, t);
    }
}

// The dy arrays: constants, then every 16-bit pattern in a scrambled order
// (odd multiplier: a permutation), so each dy meets many inputs.
template <class T>
std::vector<std::vector<T>> dy_sets(std::size_t n) {
    const half_format f = format_of(static_cast<const T*>(nullptr));
    std::vector<std::vector<T>> sets;
    for (double d : {1.0, -2.5, 0.0078125, 300.0})
        sets.emplace_back(n, T{round_to_half(f, d)});
    std::vector<T> scrambled(n);
    for (std::size_t i = 0; i < n; ++i)
        scrambled[i].bits = static_cast<uint16_t>(i * 40503u + 12345u);
    sets.push_back(scrambled);
    return sets;
}

template <class T>
void check_backward(const elementwise_case& c, const half_case& h, unsigned stride,
                    const std::vector<std::string>& isas, bool fast) {
    const half_format f = format_of(static_cast<const T*>(nullptr));
    const std::vector<T> from = all_patterns<T>(stride);
    const std::vector<float> fromf = widened(from);
    for (const std::vector<T>& dy : dy_sets<T>(from.size())) {
        const std::vector<float> dyf = widened(dy);
        std::vector<expectation> want(from.size());
        for (std::size_t i = 0; i < from.size(); ++i) {
            const double a = fromf[i], g = dyf[i];
            // The f32 bounds hold for finite dy, and from y within the
            // forward's range for the backward from the output.
            if (!std::isfinite(g) || std::isinf(a) ||
                (c.backward_from_output && !(a >= c.range_lo && a <= c.range_hi))) {
                want[i].checked = false;
                continue;
            }
            // dy = 0 gives 0: every op's derivative is finite at finite
            // inputs, though the double reference can overflow (exp'(2^24)).
            const double exact =
                std::isnan(a + g) ? NAN : g == 0 ? 0.0 : c.backward_reference(a, g);
            const double scale = c.backward_scale ? c.backward_scale(a, g) : exact;
            want[i] = expect(f, exact, c.backward_bound(fast), scale, fast);
        }
        for (const std::string& isa : isas) {
            INFO("isa " << isa << ", " << c.backward_name << " " << f.name << ", dy[0] "
                        << dyf[0] << (fast ? ", fast tier" : ""));
            const isa_scope scope(isa);
            const tier_scope tier(fast);
            std::vector<T> dx(from.size());
            std::vector<float> dxf(from.size());
            REQUIRE(entry(h, from.data()).backward(from.size(), from.data(), dy.data(),
                                                   dx.data()) == NONLIN_OK);
            REQUIRE(c.backward(fromf.size(), fromf.data(), dyf.data(), dxf.data()) == NONLIN_OK);
            tally t;
            score(t, dx, dxf, want, fromf,
                  c.backward_may_flush(fast) && flushes<T>(isa) ? same_as_f32::bits_or_flushed
                                                                : same_as_f32::bits);
            report("backward", isa, fast, c.backward_name, f.name, t);
        }
    }
}

TEST_CASE("16-bit forward: every input, the f32 result rounded once", "[half]") {
    const unsigned stride = half_sweep_stride();
    const std::vector<std::string> isas = available_isas();
    for (std::size_t j = 0; j < std::size(kElementwiseCases); ++j) {
        const elementwise_case& c = kElementwiseCases[j];
        if (c.gradient_only) continue;
        // An op without a fast kernel runs the strict one (test_accuracy.cpp).
        for (const bool fast : {false, true}) {
            if (fast && !c.fast_kernel) continue;
            check_forward<nonlin_bf16>(c, kHalfCases[j], stride, isas, fast);
            check_forward<nonlin_f16>(c, kHalfCases[j], stride, isas, fast);
        }
    }
}

TEST_CASE("16-bit backward: every input, several dy, the f32 result rounded once", "[half]") {
    const unsigned stride = half_sweep_stride();
    const std::vector<std::string> isas = available_isas();
    for (std::size_t j = 0; j < std::size(kElementwiseCases); ++j) {
        for (const bool fast : {false, true}) {
            if (fast && !kElementwiseCases[j].fast_kernel) continue;
            check_backward<nonlin_bf16>(kElementwiseCases[j], kHalfCases[j], stride, isas, fast);
            check_backward<nonlin_f16>(kElementwiseCases[j], kHalfCases[j], stride, isas, fast);
        }
    }
}

// In place, argument checks and odd lengths: the same rules as f32.
template <class T>
void check_calls(const elementwise_case& c, const half_case& h) {
    const half_format f = format_of(static_cast<const T*>(nullptr));
    const auto& e = entry(h, static_cast<const T*>(nullptr));
    std::vector<T> x(37), y(37), dy(37, T{round_to_half(f, 0.75)});
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i].bits = round_to_half(f, (static_cast<double>(i) - 18) / 7);
    // From y within the forward's range for the backward from the output.
    if (c.backward_from_output) REQUIRE(e.forward(x.size(), x.data(), x.data()) == NONLIN_OK);
    std::vector<T> fresh(x.size()), inplace = x;
    REQUIRE(e.forward(x.size(), x.data(), fresh.data()) == NONLIN_OK);
    if (!c.gradient_only) {
        REQUIRE(e.forward(inplace.size(), inplace.data(), inplace.data()) == NONLIN_OK);
        for (std::size_t i = 0; i < x.size(); ++i) CHECK(inplace[i].bits == fresh[i].bits);
    }
    std::vector<T> dx(x.size()), dx_in = dy;
    REQUIRE(e.backward(x.size(), x.data(), dy.data(), dx.data()) == NONLIN_OK);
    REQUIRE(e.backward(x.size(), x.data(), dx_in.data(), dx_in.data()) == NONLIN_OK);
    for (std::size_t i = 0; i < x.size(); ++i) CHECK(dx_in[i].bits == dx[i].bits);
    // Each length's results are the first elements of the longest one's.
    for (std::size_t n = 1; n < x.size(); n += 5) {
        std::vector<T> part(n);
        REQUIRE(e.backward(n, x.data(), dy.data(), part.data()) == NONLIN_OK);
        for (std::size_t i = 0; i < n; ++i) CHECK(part[i].bits == dx[i].bits);
    }
    const T sentinel{0x1234};
    std::vector<T> out(x.size(), sentinel);
    CHECK(e.forward(x.size(), nullptr, out.data()) == NONLIN_ERR_NULL_POINTER);
    CHECK(e.backward(x.size(), x.data(), nullptr, out.data()) == NONLIN_ERR_NULL_POINTER);
    CHECK(e.forward(0, nullptr, nullptr) == NONLIN_OK);
    // Partial overlap of the output with an input.
    CHECK(e.backward(x.size() - 1, x.data(), dy.data(), x.data() + 1) == NONLIN_ERR_OVERLAP);
    for (const T& o : out) CHECK(o.bits == sentinel.bits);
}

TEST_CASE("16-bit calls: in place, any length, argument checks", "[half]") {
    FOR_EACH_HALF_ISA();
    for (std::size_t j = 0; j < std::size(kElementwiseCases); ++j) {
        INFO(kElementwiseCases[j].name);
        check_calls<nonlin_bf16>(kElementwiseCases[j], kHalfCases[j]);
        check_calls<nonlin_f16>(kElementwiseCases[j], kHalfCases[j]);
    }
}

// The fast tier's own bfloat16 kernels flush where tests/flush_rule.hpp
// says, and only there, in every store of a call (40 elements: a pair of
// vectors on avx512, then a tail): sigmoid(-88) = 6.1e-39 and sigmoid's
// gradient at the smallest subnormal y are subnormal, and so is exp's
// gradient at -88, whose fast bound is the strict one: never flushed (the
// registry says which directions may, as the library reads it).
// Elsewhere each result is its f32 result rounded, which is not 0.
TEST_CASE("16-bit flushing: where the rule says, and only there", "[half]") {
    FOR_EACH_HALF_ISA();
    NONLIN_FOR_EACH_TIER(true);
    const auto named = [](const std::string& name) {
        for (const elementwise_case& c : kElementwiseCases)
            if (name == c.name) return c;
        FAIL("no op " << name);
        return kElementwiseCases[0];
    };
    const elementwise_case sigmoid_op = named("sigmoid"), exp_op = named("exp");
    // One direction of each kind, or the test shows nothing.
    REQUIRE(sigmoid_op.forward_may_flush(true));
    REQUIRE(sigmoid_op.backward_may_flush(true));
    REQUIRE(!exp_op.backward_may_flush(true));
    const bool here = flushes<nonlin_bf16>(isa_name);
    constexpr std::size_t n = 40;
    const float minus_88 = -88.0f, tiny = 0x1p-133f, one = 1.0f;
    std::vector<nonlin_bf16> x(n), y(n), dy(n), out(n);
    REQUIRE(nonlin_f32_to_bf16(1, &minus_88, x.data()) == NONLIN_OK);
    REQUIRE(nonlin_f32_to_bf16(1, &tiny, y.data()) == NONLIN_OK);
    REQUIRE(nonlin_f32_to_bf16(1, &one, dy.data()) == NONLIN_OK);
    std::fill(x.begin(), x.end(), x[0]);
    std::fill(y.begin(), y.end(), y[0]);
    std::fill(dy.begin(), dy.end(), dy[0]);
    // The f32 function's result on the same (widened) inputs, rounded.
    const auto rounded = [](float f32) {
        nonlin_bf16 b{};
        REQUIRE(nonlin_f32_to_bf16(1, &f32, &b) == NONLIN_OK);
        REQUIRE(b.bits != 0);  // a flush would show
        return b.bits;
    };
    const auto all_are = [&out](uint16_t bits) {
        for (const nonlin_bf16& o : out)
            if (o.bits != bits) return false;
        return true;
    };
    float f = 0.0f;
    REQUIRE(nonlin_sigmoid_bf16(n, x.data(), out.data()) == NONLIN_OK);
    REQUIRE(nonlin_sigmoid_f32(1, &minus_88, &f) == NONLIN_OK);
    CHECK(all_are(here && sigmoid_op.forward_may_flush(fast_tier) ? 0x0000 : rounded(f)));
    REQUIRE(nonlin_sigmoid_backward_bf16(n, y.data(), dy.data(), out.data()) == NONLIN_OK);
    REQUIRE(nonlin_sigmoid_backward_f32(1, &tiny, &one, &f) == NONLIN_OK);
    CHECK(all_are(here && sigmoid_op.backward_may_flush(fast_tier) ? 0x0000 : rounded(f)));
    REQUIRE(nonlin_exp_backward_bf16(n, x.data(), dy.data(), out.data()) == NONLIN_OK);
    REQUIRE(nonlin_exp_backward_f32(1, &minus_88, &one, &f) == NONLIN_OK);
    CHECK(all_are(here && exp_op.backward_may_flush(fast_tier) ? 0x0000 : rounded(f)));
}

TEST_CASE("16-bit parameters are checked as in f32", "[half]") {
    nonlin_bf16 b[2] = {{0x3f80}, {0xbf80}};
    nonlin_f16 h[2] = {{0x3c00}, {0xbc00}};
    CHECK(nonlin_hardtanh_bf16(2, b, b, 1.0f, -1.0f) == NONLIN_ERR_BAD_ARGUMENT);
    CHECK(nonlin_softplus_f16(2, h, h, 0.0f, 20.0f) == NONLIN_ERR_BAD_ARGUMENT);
    CHECK(nonlin_leaky_relu_backward_f16(2, h, h, h, kNaN) == NONLIN_ERR_BAD_ARGUMENT);
    CHECK(b[1].bits == 0xbf80);
    CHECK(h[1].bits == 0xbc00);
}

}  // namespace

namespace {

// The streaming path (2^21 elements and more, one thread), the same
// elements split between two threads, and arrays at odd byte offsets give,
// bit for bit, what short aligned calls give (whose tails hold 31
// elements), in each tier: an element's bits do not depend on whether a
// peel, a pair of vectors or a tail stores it.
template <class T>
void check_paths(const half_case& h, std::size_t n) {
    const auto& e = entry(h, static_cast<const T*>(nullptr));
    std::vector<T> x(n), dy(n);
    for (std::size_t i = 0; i < n; ++i) {
        x[i].bits = static_cast<uint16_t>(i * 40503u);
        dy[i].bits = static_cast<uint16_t>(i * 2654435761u >> 7);
    }
    std::vector<T> want_y(n), want_dx(n);
    for (std::size_t b = 0; b < n; b += 4127) {
        const std::size_t k = std::min<std::size_t>(4127, n - b);
        REQUIRE(e.forward(k, x.data() + b, want_y.data() + b) == NONLIN_OK);
        REQUIRE(e.backward(k, x.data() + b, dy.data() + b, want_dx.data() + b) == NONLIN_OK);
    }
    std::vector<unsigned char> raw(3 * n * sizeof(T) + 64);
    // The output one element past a 64-byte boundary: the streaming path
    // (which writes a pair of 16-bit vectors, 64 bytes, at once where the
    // ISA narrows pairs) then starts with its longest run of ordinary stores.
    const auto output_at = reinterpret_cast<std::uintptr_t>(raw.data()) + 2 * n * sizeof(T);
    const std::size_t past_boundary = (64 + sizeof(T) - output_at % 64) % 64;
    // One thread streams (from a 64-byte boundary, and after the longest
    // peel); two split the call into chunks below the streaming size.
    const std::size_t on_boundary = (64 - output_at % 64) % 64;
    const std::pair<std::size_t, int> runs[] = {
        {on_boundary, 1}, {1, 2}, {2, 2}, {past_boundary, 1}};
    for (const auto& [offset, threads] : runs) {
        const threads_scope team(threads);
        INFO("byte offset " << offset << ", n " << n << ", threads " << threads);
        unsigned char* base = raw.data() + offset;
        T* px = reinterpret_cast<T*>(base);
        T* pdy = reinterpret_cast<T*>(base + n * sizeof(T));
        T* pout = reinterpret_cast<T*>(base + 2 * n * sizeof(T));
        std::memcpy(px, x.data(), n * sizeof(T));
        std::memcpy(pdy, dy.data(), n * sizeof(T));
        // The output starts as the complement of the expected bits, so that
        // an element left unwritten cannot pass.
        const auto fill_complement = [&](const std::vector<T>& want) {
            for (std::size_t i = 0; i < n; ++i) {
                const T c{static_cast<uint16_t>(~want[i].bits)};
                std::memcpy(pout + i, &c, sizeof(T));
            }
        };
        fill_complement(want_y);
        REQUIRE(e.forward(n, px, pout) == NONLIN_OK);
        CHECK(std::memcmp(pout, want_y.data(), n * sizeof(T)) == 0);
        fill_complement(want_dx);
        REQUIRE(e.backward(n, px, pdy, pout) == NONLIN_OK);
        CHECK(std::memcmp(pout, want_dx.data(), n * sizeof(T)) == 0);
    }
}

TEST_CASE("16-bit streaming path and odd byte offsets give the short calls' bits",
          "[half][large]") {
    FOR_EACH_HALF_STREAMING_ISA();
    NONLIN_FOR_EACH_TIER(true);
    for (std::size_t j = 0; j < std::size(kElementwiseCases); ++j) {
        INFO(kElementwiseCases[j].name);
        check_paths<nonlin_bf16>(kHalfCases[j], (std::size_t{1} << 21) + 37);
        check_paths<nonlin_f16>(kHalfCases[j], (std::size_t{1} << 21) + 37);
    }
}

}  // namespace
