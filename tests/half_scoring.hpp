// How a 16-bit result is judged (test_half.cpp, test_half_softmax.cpp):
// bit for bit against the f32 function's result rounded once, and against
// the exact (float64) reference as the 16-bit rounding of a value within
// the f32 bound, with a count of the results not correctly rounded.
#pragma once

#include <string>
#include <vector>

#include "flush_rule.hpp"
#include "half_reference.hpp"

namespace nonlin_test {

// What the exact reference says of one element: the correctly rounded
// pattern, and the range [lo, hi] of values the bound allows.
struct expectation {
    bool checked;  // false where the f32 bound makes no claim
    bool nan;
    uint16_t correct;
    double lo, hi;
};

inline expectation expect(const half_format& f, double exact, double bound_ulp, double scale,
                   bool fast) {
    expectation e{true, std::isnan(exact), 0, 0, 0};
    if (e.nan) return e;
    e.correct = round_to_half(f, exact);
    if (std::isinf(exact) || std::isinf(static_cast<float>(exact))) {
        // The f32 result must be that infinity (support.hpp, ulp_error).
        e.lo = e.hi = half_value(f, round_to_half(f, static_cast<float>(exact)));
        return e;
    }
    const double tol = bound_ulp * ulp_of(scale);
    e.lo = half_value(f, round_to_half(f, exact - tol));
    e.hi = half_value(f, round_to_half(f, exact + tol));
    // The f32 result, within tol of exact, may be below FLT_MIN and flushed.
    if (fast && std::fabs(exact) - tol < 0x1p-126) {
        e.lo = std::fmin(e.lo, 0.0);
        e.hi = std::fmax(e.hi, 0.0);
    }
    return e;
}

template <class T>
std::vector<float> widened(const std::vector<T>& h) {
    const half_format f = format_of(static_cast<const T*>(nullptr));
    std::vector<float> out(h.size());
    for (std::size_t i = 0; i < h.size(); ++i) out[i] = widen_half(f, h[i].bits);
    return out;
}

struct tally {
    std::size_t mismatched = 0, out_of_bound = 0, not_correctly_rounded = 0, checked = 0;
};

// How a 16-bit result must match the f32 result rounded: in every bit (the
// elementwise ops, whose NaN rule fixes a NaN's bits), the same or flushed
// (the fast tier's own elementwise kernels: see flushed_to_zero), in every
// bit of a number (the row functions, which promise a NaN but not its
// bits), or not at all (where the f32 function takes another path).
enum class same_as_f32 { bits, bits_or_flushed, number, no };

// got (16-bit) against the f32 result and the exact expectation.
template <class T>
void score(tally& t, const std::vector<T>& got, const std::vector<float>& f32,
           const std::vector<expectation>& want, const std::vector<float>& in,
           same_as_f32 rule = same_as_f32::bits) {
    const half_format f = format_of(static_cast<const T*>(nullptr));
    for (std::size_t i = 0; i < got.size(); ++i) {
        const uint16_t strict = narrow_float(f, f32[i]);
        const bool both_nan = std::isnan(f32[i]) && std::isnan(half_value(f, got[i].bits));
        const bool same = got[i].bits == strict || (rule == same_as_f32::number && both_nan) ||
                          (rule == same_as_f32::bits_or_flushed &&
                           flushed_to_zero(got[i].bits, f32[i]));
        if (rule != same_as_f32::no && !same && t.mismatched++ < 3)
            UNSCOPED_INFO(f.name << " input " << in[i] << ": " << std::hex << got[i].bits
                                 << ", f32 result rounded " << strict << std::dec);
        const expectation& e = want[i];
        if (!e.checked) continue;
        ++t.checked;
        const double v = half_value(f, got[i].bits);
        const bool ok = e.nan ? std::isnan(v) : (v >= e.lo && v <= e.hi);
        if (!ok && t.out_of_bound++ < 3)
            UNSCOPED_INFO(f.name << " input " << in[i] << ": " << v << " outside [" << e.lo
                                 << ", " << e.hi << "]");
        // By value: a zero of either sign is the rounding of a result too
        // small for the format (the f32 result's sign of zero is not bounded).
        if (!e.nan && v != half_value(f, e.correct)) ++t.not_correctly_rounded;
    }
}

inline void report(const char* what, const std::string& isa, bool fast, const char* op,
            const char* type, const tally& t) {
    std::printf("16-bit %-8s %-6s %-6s %-28s %-4s: %zu of %zu not correctly rounded\n", what,
                isa.c_str(), fast ? "fast" : "strict", op, type, t.not_correctly_rounded,
                t.checked);
    CHECK(t.mismatched == 0);
    CHECK(t.out_of_bound == 0);
}

}  // namespace nonlin_test
