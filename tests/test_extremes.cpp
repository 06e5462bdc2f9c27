// Gradients at the edge of the float range: a finite dy as large as
// FLT_MAX must give the exact result rounded (finite, or an infinity where
// the exact value overflows), never NaN. Intermediate products such as
// dy * f'(x) split into hi + lo must not overflow into inf - inf.
#include "elementwise_ops.hpp"
#include "support.hpp"

using namespace nonlin_test;

TEST_CASE("backward with dy near FLT_MAX is never NaN", "[elementwise][gradient]") {
    FOR_EACH_ISA_AND_TIER();
    const float big = std::numeric_limits<float>::max();
    for (const elementwise_case& op : kElementwiseCases) {
        INFO("op " << op.name);
        // Inputs the backward takes: forward outputs inside the range, or
        // inputs across the float range.
        std::vector<float> from;
        if (op.backward_from_output) {
            for (double t : {0.0, 0.1, 0.5, 0.9, 1.0})
                from.push_back(static_cast<float>(op.range_lo + t * (op.range_hi - op.range_lo)));
        } else {
            from = {-1e30f, -30.0f, -3.0f, -0.375f, -1e-20f, 0.0f, 1e-20f, 0.5f, 3.0f, 30.0f, 1e30f};
        }
        for (const float dy_value : {big, -big, 1e38f, -3e37f, 1e30f, -1e29f}) {
            const std::vector<float> dy(from.size(), dy_value);
            std::vector<float> dx(from.size());
            REQUIRE(op.backward(from.size(), from.data(), dy.data(), dx.data()) == NONLIN_OK);
            for (std::size_t i = 0; i < from.size(); ++i) {
                INFO("at " << from[i] << ", dy = " << dy_value << ": dx = " << dx[i]);
                CHECK(!std::isnan(dx[i]));
                const double want = op.backward_reference(from[i], dy_value);
                if (std::isfinite(want) && std::fabs(want) < 0.5 * big)
                    CHECK(std::isfinite(dx[i]));
            }
        }
    }
}

// The class behind "dy * 2^-64 underflows": every backward within its
// documented bound for dy of every magnitude, subnormal to FLT_MAX, over
// inputs across the float range (the exp-based ops' tails included, where
// f'(x) alone is far below FLT_MIN but dy * f'(x) is not), in both tiers.
TEST_CASE("backward is within its bound for dy of any magnitude", "[accuracy][gradient]") {
    FOR_EACH_ISA_AND_TIER();
    std::vector<float> xs;
    for (uint32_t b = 0x7f800000u; b >= 0x10000u; b -= 0x10000u) xs.push_back(-from_bits(b));
    for (uint32_t b = 0; b <= 0x7f800000u; b += 0x10000u) xs.push_back(from_bits(b));
    for (float v : {-139.45f, -150.5f, -200.0f, -104.5f, -95.0f, -88.0f, -20.5f, -14.0f, -8.0f,
                    70.0f, 88.0f, 100.0f, 1e30f, -1e30f})
        xs.push_back(v);
    const float dys[] = {0x1p-149f, -1e-40f, 1e-38f, -0x1.6p-101f, 1e-20f, -1.0f, 1e20f,
                         0x1.6p100f, -1e30f, 1.27e30f, 0x1p127f, -3.4028234e38f};
    for (const elementwise_case& op : kElementwiseCases) {
        INFO("op " << op.name);
        std::vector<float> from = xs;
        if (op.backward_from_output) {  // forward outputs, the range's ends included
            from.clear();
            for (std::size_t i = 0; i <= 1000; ++i)
                from.push_back(static_cast<float>(op.range_lo + (op.range_hi - op.range_lo) * i / 1000.0));
        }
        double worst = 0;
        float worst_x = 0, worst_dy = 0;
        for (const float g : dys) {
            const std::vector<float> dy(from.size(), g);
            std::vector<float> dx(from.size());
            REQUIRE(op.backward(from.size(), from.data(), dy.data(), dx.data()) == NONLIN_OK);
            for (std::size_t i = 0; i < from.size(); ++i) {
                const double want = op.backward_reference(from[i], g);
                // At the overflow threshold, a result within the bound may
                // round to FLT_MAX or to infinity (the paths without FMA
                // round the last product twice).
                if (std::fabs(want) >= std::numeric_limits<float>::max()) {
                    const bool ok = std::signbit(dx[i]) == std::signbit(want) &&
                                    std::fabs(dx[i]) >= std::numeric_limits<float>::max();
                    if (!ok) worst = HUGE_VAL, worst_x = from[i], worst_dy = g;
                    continue;
                }
                const double e = op.backward_scale
                                     ? scaled_error(dx[i], want,
                                                    std::max(std::fabs(want),
                                                             op.backward_scale(from[i], g)))
                                     : tier_ulp_error(dx[i], want, fast_tier);
                if (e > worst) {
                    worst = e;
                    worst_x = from[i];
                    worst_dy = g;
                }
            }
        }
        report_accuracy(isa_name, fast_tier, std::string(op.backward_name) + " any dy", worst);
        INFO("max error " << worst << " ulp at x = " << worst_x << ", dy = " << worst_dy);
        CHECK(worst <= op.backward_bound(fast_tier));
    }
}

// Parameters at the edges of the float range, with tiny or huge x and dy:
// the cases that went to 0 or NaN while the exact value was an ordinary
// float. References in long double. Each point is held to the bound of
// the function its name starts with, in the tier it runs in.
TEST_CASE("parametric ops with extreme parameters", "[accuracy][gradient]") {
    FOR_EACH_ISA_AND_TIER();
    struct point {
        const char* what;
        nonlin_status (*call)(float x, float dy, float a, float* out);
        float x, dy, a;
        long double want;
    };
    const point points[] = {
        {"elu_backward a=1e30", [](float x, float dy, float a, float* o) {
             return nonlin_elu_backward_f32(1, &x, &dy, o, a); },
         -200.0f, 1e30f, 1e30f, 1e30L * 1e30L * std::exp(-200.0L)},
        {"elu_backward a=1e-30", [](float x, float dy, float a, float* o) {
             return nonlin_elu_backward_f32(1, &x, &dy, o, a); },
         -3.0f, 1e-10f, 1e-30f, 1e-10L * static_cast<long double>(1e-30f) * std::exp(-3.0L)},
        {"celu a=1e20", [](float x, float, float a, float* o) {
             return nonlin_celu_f32(1, &x, o, a); },
         -1e-27f, 0.0f, 1e20f, static_cast<long double>(-1e-27f)},
        {"celu a=1e-20", [](float x, float, float a, float* o) {
             return nonlin_celu_f32(1, &x, o, a); },
         -1e-19f, 0.0f, 1e-20f,
         static_cast<long double>(1e-20f) * std::expm1(static_cast<long double>(-1e-19f) / static_cast<long double>(1e-20f))},
        {"softplus b=0.001", [](float x, float, float b, float* o) {
             return nonlin_softplus_f32(1, &x, o, b, 20.0f); },
         -95445.13f, 0.0f, 0.001f,
         std::log1p(std::exp(static_cast<long double>(0.001f) * static_cast<long double>(-95445.13f))) /
             static_cast<long double>(0.001f)},
        {"softplus_backward b=1e-30", [](float x, float dy, float b, float* o) {
             return nonlin_softplus_backward_f32(1, &x, &dy, o, b, 20.0f); },
         -1e32f, 1e30f, 1e-30f,
         1e30L / (1 + std::exp(-static_cast<long double>(1e-30f) * static_cast<long double>(-1e32f)))},
        {"selu_backward", [](float x, float dy, float, float* o) {
             return nonlin_selu_backward_f32(1, &x, &dy, o); },
         -150.5f, 1e29f, 0.0f,
         1e29L * 1.0507009873554804934L * 1.6732632423543772848L * std::exp(-150.5L)},
        {"exp_backward", [](float x, float dy, float, float* o) {
             return nonlin_exp_backward_f32(1, &x, &dy, o); },
         70.0f, 1e-38f, 0.0f, static_cast<long double>(1e-38f) * std::exp(70.0L)},
        {"softsign_backward", [](float x, float dy, float, float* o) {
             return nonlin_softsign_backward_f32(1, &x, &dy, o); },
         1e30f, 1.27e30f, 0.0f,
         static_cast<long double>(1.27e30f) / (1 + static_cast<long double>(1e30f)) /
             (1 + static_cast<long double>(1e30f))},
    };
    for (const point& p : points) {
        INFO(p.what << " at x = " << p.x << ", dy = " << p.dy << ", parameter " << p.a);
        float got = -1.0f;
        REQUIRE(p.call(p.x, p.dy, p.a, &got) == NONLIN_OK);
        INFO("got " << got << ", want " << static_cast<double>(p.want));
        const std::string function = std::string(p.what).substr(0, std::string(p.what).find(' '));
        double bound = -1.0;  // fails the check when no function has that name
        for (const elementwise_case& c : kElementwiseCases) {
            if (function == c.name) bound = c.forward_bound(fast_tier);
            if (function == c.backward_name) bound = c.backward_bound(fast_tier);
        }
        CHECK(tier_ulp_error(got, static_cast<double>(p.want), fast_tier) <= bound);
    }
}
