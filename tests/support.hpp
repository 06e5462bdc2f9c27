// Shared test vocabulary: the ISAs to run on, error measures in ulps, input
// generators.
#pragma once

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "nonlin/nonlin.h"
#include "../src/isa/isa_list.hpp"

namespace nonlin_test {

// Every ISA of src/isa/isa_list.def the library can run on this CPU, worst
// first.
inline std::vector<std::string> available_isas() {
    std::vector<std::string> out;
    for (const char* name : nonlin::kIsaNames) {
        if (nonlin_set_isa(name) == NONLIN_OK) out.emplace_back(name);
    }
    nonlin_set_isa(nullptr);
    return out;
}

// Selects an ISA for the lifetime of the object.
struct isa_scope {
    explicit isa_scope(const std::string& name) {
        REQUIRE(nonlin_set_isa(name.c_str()) == NONLIN_OK);
        REQUIRE(std::string(nonlin_isa()) == name);
    }
    ~isa_scope() { nonlin_set_isa(nullptr); }
    isa_scope(const isa_scope&) = delete;
    isa_scope& operator=(const isa_scope&) = delete;
};

// The ISAs a test runs on: every available one for the 16-bit tests
// (with_variants), whose bfloat16 kernels are a variant's own; the others
// leave the variants out.
inline std::vector<std::string> test_isas(bool with_variants) {
    std::vector<std::string> out;
    for (const std::string& name : available_isas())
        if (with_variants || !nonlin::is_isa_variant(name)) out.push_back(name);
    return out;
}

// Runs the enclosing test case once per ISA of a list, as a Catch generator.
#define NONLIN_FOR_EACH_ISA_OF(list)                                                     \
    const std::string isa_name = GENERATE(from_range(list));                             \
    INFO("isa " << isa_name);                                                            \
    nonlin_test::isa_scope isa_guard(isa_name)
#define FOR_EACH_ISA() NONLIN_FOR_EACH_ISA_OF(nonlin_test::test_isas(false))
#define FOR_EACH_HALF_ISA() NONLIN_FOR_EACH_ISA_OF(nonlin_test::test_isas(true))

// NONLIN_TEST_SWEEP_THIN=k (0..8) asks the longest tests to do less, for
// emulators and sanitizers (10 to 50 times slower): the sweeps take every
// 2^k-th input, the tests on the streaming path (2^21 elements and more)
// and those of the fast tier run on the best ISA only. The bounds asserted
// do not change. Returns k.
inline unsigned sweep_thinning() {
    const char* v = std::getenv("NONLIN_TEST_SWEEP_THIN");
    if (!v || !*v) return 0;
    const unsigned long k = std::strtoul(v, nullptr, 10);
    REQUIRE(k <= 8);
    return static_cast<unsigned>(k);
}

// The ISAs of a test on the streaming path: test_isas, or in a thinned run
// the best of them.
inline std::vector<std::string> streaming_isas(bool with_variants) {
    std::vector<std::string> all = test_isas(with_variants);
    if (sweep_thinning() == 0) return all;
    std::printf("streaming-path test on %s only (NONLIN_TEST_SWEEP_THIN)\n", all.back().c_str());
    return {all.back()};
}

#define FOR_EACH_STREAMING_ISA() NONLIN_FOR_EACH_ISA_OF(nonlin_test::streaming_isas(false))
#define FOR_EACH_HALF_STREAMING_ISA() NONLIN_FOR_EACH_ISA_OF(nonlin_test::streaming_isas(true))

// Selects an accuracy tier for the lifetime of the object.
struct tier_scope {
    explicit tier_scope(bool fast) {
        REQUIRE(nonlin_set_accuracy(fast ? NONLIN_ACCURACY_FAST : NONLIN_ACCURACY_STRICT) ==
                NONLIN_OK);
    }
    ~tier_scope() { nonlin_set_accuracy(NONLIN_ACCURACY_STRICT); }
    tier_scope(const tier_scope&) = delete;
    tier_scope& operator=(const tier_scope&) = delete;
};

// Sets the number of threads for the lifetime of the object (then the
// default, 0, again).
struct threads_scope {
    explicit threads_scope(int n) { REQUIRE(nonlin_set_num_threads(n) == NONLIN_OK); }
    ~threads_scope() { nonlin_set_num_threads(0); }
    threads_scope(const threads_scope&) = delete;
    threads_scope& operator=(const threads_scope&) = delete;
};

// The tiers a test runs in on `isa`: both; in a thinned run
// (NONLIN_TEST_SWEEP_THIN) the fast one on the best of test_isas only, as
// the streaming path's tests (the release run covers every ISA in both).
// 1 is the fast tier (ints: Catch cannot iterate a vector<bool>).
inline std::vector<int> tiers_for(const std::string& isa, bool with_variants) {
    if (sweep_thinning() == 0 || isa == test_isas(with_variants).back()) return {0, 1};
    return {0};
}

// Runs the enclosing test case once per ISA and accuracy tier; `fast_tier`
// tells which tier.
#define NONLIN_FOR_EACH_TIER(with_variants)                                      \
    const bool fast_tier =                                                       \
        GENERATE_COPY(from_range(nonlin_test::tiers_for(isa_name, with_variants))) == 1; \
    INFO("tier " << (fast_tier ? "fast" : "strict"));                            \
    nonlin_test::tier_scope tier_guard(fast_tier)
#define FOR_EACH_ISA_AND_TIER() FOR_EACH_ISA(); NONLIN_FOR_EACH_TIER(false)
#define FOR_EACH_HALF_ISA_AND_TIER() FOR_EACH_HALF_ISA(); NONLIN_FOR_EACH_TIER(true)

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// The size of one unit in the last place of a float of magnitude |v|
// (subnormal spacing below FLT_MIN).
inline double ulp_of(double v) {
    v = std::fabs(v);
    int e = v < 0x1p-126 ? -126 : std::ilogb(v);
    if (e > 127) e = 127;
    return std::ldexp(1.0, e - 23);
}

// Error of `got` against the exact `want`, in ulps of `want` as a float.
// NaN must match NaN; a `want` that rounds to an infinity must be matched
// exactly. Mismatches return infinity.
inline double ulp_error(float got, double want) {
    if (std::isnan(want) || std::isnan(got))
        return std::isnan(want) && std::isnan(got) ? 0.0 : HUGE_VAL;
    const float want_f = static_cast<float>(want);
    if (std::isinf(want_f) || std::isinf(got)) return got == want_f ? 0.0 : HUGE_VAL;
    return std::fabs(static_cast<double>(got) - want) / ulp_of(want);
}

// ulp_error in a tier: the fast tier may flush a result below FLT_MIN to
// 0, so there an absolute error up to FLT_MIN counts as none.
inline double tier_ulp_error(float got, double want, bool fast) {
    if (fast && std::fabs(want) < 0x1p-126 && std::fabs(got - want) <= 0x1p-126) return 0.0;
    return ulp_error(got, want);
}

// Absolute error in ulps of a given scale (for bounds stated as "k ulp of
// max(|y|, 1)" and the like).
inline double scaled_error(float got, double want, double scale) {
    if (std::isnan(want) || std::isnan(got))
        return std::isnan(want) && std::isnan(got) ? 0.0 : HUGE_VAL;
    if (std::isinf(want) || std::isinf(got))
        return static_cast<float>(want) == got ? 0.0 : HUGE_VAL;
    return std::fabs(static_cast<double>(got) - want) / ulp_of(scale);
}

// Prints a measured maximum error in the one format docs/ACCURACY.md is
// built from: `nonlin_tests | grep '^accuracy:'`.
inline void report_accuracy(const std::string& isa, const std::string& what, double ulp) {
    std::printf("accuracy: %-8s %-28s max %.3f ulp\n", isa.c_str(), what.c_str(), ulp);
}

// The same for a measurement in a tier: the fast tier's lines name it.
inline void report_accuracy(const std::string& isa, bool fast, const std::string& what,
                            double ulp) {
    report_accuracy(isa, fast ? "fast " + what : what, ulp);
}

inline uint32_t bits_of(float f) {
    uint32_t b;
    std::memcpy(&b, &f, sizeof b);
    return b;
}

inline float from_bits(uint32_t b) {
    float f;
    std::memcpy(&f, &b, sizeof f);
    return f;
}

// `count` consecutive floats starting at `first` (in the float order).
inline void append_run(std::vector<float>& out, float first, uint32_t count) {
    float v = first;
    for (uint32_t i = 0; i < count; ++i) {
        out.push_back(v);
        v = std::nextafter(v, kInf);
    }
}

inline std::vector<float> normal_values(std::size_t n, double sigma, uint32_t seed) {
    std::mt19937 gen(seed);
    std::normal_distribution<float> dist(0.0f, static_cast<float>(sigma));
    std::vector<float> v(n);
    for (float& x : v) x = dist(gen);
    return v;
}

inline std::vector<float> uniform_values(std::size_t n, float lo, float hi, uint32_t seed) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<float> v(n);
    for (float& x : v) x = dist(gen);
    return v;
}

}  // namespace nonlin_test
