// Gradients at the edge of the float range: a finite dy as large as
// FLT_MAX must give the exact result rounded (finite, or an infinity where
// the exact value overflows), never NaN. Intermediate products such as
// dy * f'(x) split into hi + lo must not overflow into inf - inf.
#include "elementwise_ops.hpp"
#include "support.hpp"

using namespace nonlin_test;

TEST_CASE("backward with dy near FLT_MAX is never NaN", "[elementwise][gradient]") {
    FOR_EACH_ISA();
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
