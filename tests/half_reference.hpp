// The tests' own model of the 16-bit formats, by double arithmetic (ldexp,
// ilogb, nearbyint), independent of the library's bit manipulation: the
// value of each 16-bit pattern, and the correctly rounded 16-bit pattern of
// any double or float.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <cstdio>

#include "nonlin/nonlin.h"
#include "support.hpp"

namespace nonlin_test {

// A 16-bit format: significand bits after the point, exponent range.
struct half_format {
    const char* name;
    int mantissa_bits;  // 7 (bfloat16) or 10 (binary16)
    int emin, emax;     // of the normal numbers
};
constexpr half_format kBf16 = {"bf16", 7, -126, 127};
constexpr half_format kF16 = {"f16", 10, -14, 15};

inline half_format format_of(const nonlin_bf16*) { return kBf16; }
inline half_format format_of(const nonlin_f16*) { return kF16; }

inline int exponent_field(const half_format& f) { return f.emax == 15 ? 5 : 8; }

// The value of pattern h (NaN for the NaNs).
inline double half_value(const half_format& f, uint16_t h) {
    const int m = f.mantissa_bits, ebits = exponent_field(f);
    const int bias = f.emax;
    const int e = (h >> m) & ((1 << ebits) - 1);
    const int frac = h & ((1 << m) - 1);
    const double sign = (h >> 15) ? -1.0 : 1.0;
    if (e == (1 << ebits) - 1) return frac ? std::nan("") : sign * HUGE_VAL;
    if (e == 0) return sign * std::ldexp(frac, f.emin - m);
    return sign * std::ldexp((1 << m) + frac, e - bias - m);
}

// v (not NaN) rounded to the format, to nearest even, as a pattern.
inline uint16_t round_to_half(const half_format& f, double v) {
    const int m = f.mantissa_bits;
    const uint16_t sign = std::signbit(v) ? 0x8000 : 0;
    const uint16_t inf = static_cast<uint16_t>(((1 << exponent_field(f)) - 1) << m);
    const double a = std::fabs(v);
    if (a == 0) return sign;
    if (std::isinf(a)) return sign | inf;
    int e = std::ilogb(a);
    if (e < f.emin) e = f.emin;  // the subnormals' spacing
    double q = std::nearbyint(std::ldexp(a, m - e));  // ties to even
    if (q == std::ldexp(1.0, m + 1)) {
        q /= 2;
        ++e;
    }
    if (e > f.emax) return sign | inf;
    const auto qi = static_cast<uint32_t>(q);
    if (qi < (1u << m)) return static_cast<uint16_t>(sign | qi);
    return static_cast<uint16_t>(sign | ((e + f.emax) << m) | (qi - (1u << m)));
}

// The library's NaN rule: quiet, sign and top of the payload kept.
inline uint16_t narrow_nan(const half_format& f, uint32_t float_bits) {
    const int drop = 23 - f.mantissa_bits;
    const uint16_t inf = static_cast<uint16_t>(((1 << exponent_field(f)) - 1) << f.mantissa_bits);
    return static_cast<uint16_t>(((float_bits >> 16) & 0x8000) | inf |
                                 (1u << (f.mantissa_bits - 1)) |
                                 ((float_bits & 0x7fffff) >> drop));
}

inline uint16_t narrow_float(const half_format& f, float x) {
    return std::isnan(x) ? narrow_nan(f, bits_of(x)) : round_to_half(f, x);
}

inline float widen_half(const half_format& f, uint16_t h) {
    const double v = half_value(f, h);
    if (!std::isnan(v)) return static_cast<float>(v);
    const int drop = 23 - f.mantissa_bits;
    const uint32_t frac = h & ((1u << f.mantissa_bits) - 1);
    return from_bits((static_cast<uint32_t>(h & 0x8000) << 16) | 0x7fc00000u | (frac << drop));
}

// Every 2^k-th input, k from NONLIN_TEST_SWEEP_THIN (support.hpp).
inline unsigned half_sweep_stride() {
    const unsigned k = sweep_thinning();
    if (k) std::printf("16-bit sweeps thinned by 2^%u (NONLIN_TEST_SWEEP_THIN)\n", k);
    return 1u << k;
}

}  // namespace nonlin_test
