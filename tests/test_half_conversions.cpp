// The 16-bit conversions against the tests' double-arithmetic model
// (half_reference.hpp), bit for bit, on every ISA: every 16-bit pattern
// widened; floats narrowed over a dense sweep and every boundary case.
#include "half_reference.hpp"
#include "support.hpp"

#include <vector>

namespace {

using namespace nonlin_test;

template <class T>
nonlin_status to_float(size_t n, const T* x, float* y);
template <>
nonlin_status to_float(size_t n, const nonlin_bf16* x, float* y) { return nonlin_bf16_to_f32(n, x, y); }
template <>
nonlin_status to_float(size_t n, const nonlin_f16* x, float* y) { return nonlin_f16_to_f32(n, x, y); }
nonlin_status from_float(size_t n, const float* x, nonlin_bf16* y) { return nonlin_f32_to_bf16(n, x, y); }
nonlin_status from_float(size_t n, const float* x, nonlin_f16* y) { return nonlin_f32_to_f16(n, x, y); }

// Floats to narrow: every 1024th pattern (times the thinning), then the boundaries of the format:
// each 16-bit value, the halfway points to its neighbours and the floats on
// either side of them (the largest finite value, its halfway point to 2^16
// or 2^128 and the subnormals among them), zeros, infinities and NaNs with
// payloads in the bits kept and in those dropped.
template <class T>
std::vector<float> narrowing_inputs(unsigned stride) {
    const half_format f = format_of(static_cast<const T*>(nullptr));
    std::vector<float> in;
    for (uint64_t b = 0; b < (uint64_t{1} << 32); b += uint64_t{1024} * stride)
        in.push_back(from_bits(static_cast<uint32_t>(b)));
    for (uint32_t h = 0; h < 0x10000; h += stride) {
        const double v = half_value(f, static_cast<uint16_t>(h));
        if (std::isnan(v) || std::isinf(v)) continue;
        const float fv = static_cast<float>(v);
        in.push_back(fv);
        in.push_back(std::nextafter(fv, kInf));
        in.push_back(std::nextafter(fv, -kInf));
        // The halfway point to the next value away from zero (past the
        // largest finite one: to 2^16 or 2^128), exact in float.
        const double w = half_value(f, static_cast<uint16_t>(h + 1));
        const double mid = std::isinf(w)
            ? v + std::copysign(std::ldexp(0.5, std::ilogb(v) - f.mantissa_bits), v)
            : (v + w) / 2;
        const float fm = static_cast<float>(mid);
        REQUIRE(static_cast<double>(fm) == mid);
        in.push_back(fm);
        in.push_back(std::nextafter(fm, kInf));
        in.push_back(std::nextafter(fm, -kInf));
    }
    for (uint32_t b : {0x00000000u, 0x80000000u, 0x00000001u, 0x807fffffu, 0x7f7fffffu,
                       0xff7fffffu, 0x7f800000u, 0xff800000u, 0x7f800001u, 0x7fc00000u,
                       0xffc00001u, 0x7fffffffu, 0x7fa00000u, 0xff802000u, 0x7f800100u,
                       0x477fe000u, 0x477fefffu, 0x477ff000u, 0x477ff001u, 0x33000000u,
                       0x33000001u, 0x32ffffffu, 0x7f7f8000u, 0x7f7f7fffu})
        in.push_back(from_bits(b));
    return in;
}

template <class T>
void check_widening() {
    const half_format f = format_of(static_cast<const T*>(nullptr));
    std::vector<T> h(0x10000);
    for (uint32_t i = 0; i < 0x10000; ++i) h[i].bits = static_cast<uint16_t>(i);
    std::vector<float> y(h.size());
    REQUIRE(to_float(h.size(), h.data(), y.data()) == NONLIN_OK);
    std::size_t wrong = 0;
    for (uint32_t i = 0; i < 0x10000; ++i) {
        const uint32_t want = bits_of(widen_half(f, static_cast<uint16_t>(i)));
        if (bits_of(y[i]) != want && wrong++ < 5)
            UNSCOPED_INFO(f.name << " " << std::hex << i << " -> " << bits_of(y[i])
                                 << ", want " << want);
    }
    CHECK(wrong == 0);
}

template <class T>
std::vector<uint16_t> narrowed(const std::vector<float>& in) {
    const half_format f = format_of(static_cast<const T*>(nullptr));
    std::vector<uint16_t> out(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = narrow_float(f, in[i]);
    return out;
}

template <class T>
void check_narrowing(const std::vector<float>& in, const std::vector<uint16_t>& want) {
    const half_format f = format_of(static_cast<const T*>(nullptr));
    std::vector<T> y(in.size());
    REQUIRE(from_float(in.size(), in.data(), y.data()) == NONLIN_OK);
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (y[i].bits != want[i] && wrong++ < 5)
            UNSCOPED_INFO(f.name << " " << std::hex << bits_of(in[i]) << " -> " << y[i].bits
                                 << ", want " << want[i]);
    }
    CHECK(wrong == 0);
}

TEST_CASE("16-bit to float: every pattern, exact, NaN quieted", "[half][conversion]") {
    FOR_EACH_HALF_ISA();
    check_widening<nonlin_bf16>();
    check_widening<nonlin_f16>();
}

TEST_CASE("float to 16-bit: rounded to nearest even over a dense sweep and the boundaries",
          "[half][conversion]") {
    const unsigned stride = half_sweep_stride();
    const std::vector<float> bf = narrowing_inputs<nonlin_bf16>(stride);
    const std::vector<float> hf = narrowing_inputs<nonlin_f16>(stride);
    const std::vector<uint16_t> bf_want = narrowed<nonlin_bf16>(bf);
    const std::vector<uint16_t> hf_want = narrowed<nonlin_f16>(hf);
    for (const std::string& isa : available_isas()) {
        INFO("isa " << isa);
        const isa_scope scope(isa);
        check_narrowing<nonlin_bf16>(bf, bf_want);
        check_narrowing<nonlin_f16>(hf, hf_want);
    }
}

TEST_CASE("16-bit conversions: argument checks", "[half][conversion]") {
    float f[4] = {1, 2, 3, 4};
    nonlin_f16 h[4] = {};
    nonlin_bf16 b[4] = {};
    CHECK(nonlin_f32_to_f16(4, nullptr, h) == NONLIN_ERR_NULL_POINTER);
    CHECK(nonlin_f16_to_f32(4, h, nullptr) == NONLIN_ERR_NULL_POINTER);
    CHECK(nonlin_f32_to_bf16(0, nullptr, nullptr) == NONLIN_OK);
    CHECK(nonlin_bf16_to_f32(4, nullptr, f) == NONLIN_ERR_NULL_POINTER);
    CHECK(nonlin_f32_to_bf16(SIZE_MAX / 2, f, b) == NONLIN_ERR_BAD_SHAPE);
    // Different element sizes: any overlap is refused, nothing written.
    CHECK(nonlin_f32_to_bf16(2, f, reinterpret_cast<nonlin_bf16*>(f)) == NONLIN_ERR_OVERLAP);
    CHECK(f[0] == 1.0f);
    CHECK(nonlin_f16_to_f32(2, reinterpret_cast<nonlin_f16*>(f + 1), f) == NONLIN_ERR_OVERLAP);
    CHECK(f[0] == 1.0f);
}

}  // namespace
