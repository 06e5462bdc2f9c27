// The elementwise driver (lengths, alignment, in place) and the backward
// kernels, for every op of the registry and every ISA.
#include "elementwise_ops.hpp"
#include "support.hpp"

using namespace nonlin_test;

namespace {

// Each element must not depend on its neighbours, its position or the call
// length: compare with one-element calls.
void check_matches_single_calls(const elementwise_case& op, const std::vector<float>& x,
                                std::size_t offset, std::size_t n) {
    std::vector<float> buffer(offset + n + 1, -7.0f);
    REQUIRE(op.forward(n, x.data() + offset, buffer.data() + offset) == NONLIN_OK);
    for (std::size_t i = 0; i < n; ++i) {
        float single;
        REQUIRE(op.forward(1, &x[offset + i], &single) == NONLIN_OK);
        REQUIRE(buffer[offset + i] == single);
    }
    // Nothing written outside [offset, offset + n).
    for (std::size_t i = 0; i < offset; ++i) REQUIRE(buffer[i] == -7.0f);
    REQUIRE(buffer[offset + n] == -7.0f);
}

}  // namespace

TEST_CASE("every length 0..130 at every alignment gives the per-element result",
          "[elementwise]") {
    FOR_EACH_ISA();
    const std::vector<float> x = uniform_values(200, -12.0f, 12.0f, 1);
    for (const elementwise_case& op : kElementwiseCases) {
        if (op.gradient_only) continue;
        INFO("op " << op.name);
        for (std::size_t n = 0; n <= 130; ++n) {
            for (std::size_t offset : {0, 1, 3}) {
                INFO("n " << n << " offset " << offset);
                check_matches_single_calls(op, x, offset, n);
            }
        }
    }
}

TEST_CASE("large calls, in place, agree with out-of-place calls", "[elementwise]") {
    FOR_EACH_ISA();
    for (const elementwise_case& op : kElementwiseCases) {
        INFO("op " << op.name);
        for (std::size_t n : {1000u, 65537u, 1000003u}) {
            const std::vector<float> x = uniform_values(n, -20.0f, 20.0f, 2);
            std::vector<float> y(n), inplace = x;
            REQUIRE(op.forward(n, x.data(), y.data()) == NONLIN_OK);
            REQUIRE(op.forward(n, inplace.data(), inplace.data()) == NONLIN_OK);
            REQUIRE(inplace == y);
            // The backward may overwrite either of its inputs.
            const std::vector<float> dy = uniform_values(n, -3.0f, 3.0f, 3);
            std::vector<float> dx(n), over_y = y, over_dy = dy;
            REQUIRE(op.backward(n, y.data(), dy.data(), dx.data()) == NONLIN_OK);
            REQUIRE(op.backward(n, over_y.data(), dy.data(), over_y.data()) == NONLIN_OK);
            REQUIRE(op.backward(n, y.data(), over_dy.data(), over_dy.data()) == NONLIN_OK);
            REQUIRE(over_y == dx);
            REQUIRE(over_dy == dx);
        }
    }
}

// The ops whose backward takes x are swept over the float range by
// tests/test_accuracy.cpp; here, those that take y, over their output range.
TEST_CASE("backward kernels match their formula evaluated in double", "[elementwise][gradient]") {
    FOR_EACH_ISA_AND_TIER();
    for (const elementwise_case& op : kElementwiseCases) {
        if (!op.backward_from_output) continue;
        INFO("op " << op.name);
        // Inputs spread over the whole output range, with dense coverage of
        // the saturated ends where the formulas could cancel.
        std::vector<float> from = uniform_values(1 << 16, static_cast<float>(op.range_lo),
                                                 static_cast<float>(op.range_hi), 4);
        append_run(from, std::nextafter(static_cast<float>(op.range_hi), 0.0f) - 1e-3f, 20000);
        append_run(from, static_cast<float>(op.range_lo), 20000);
        std::vector<float> dy = uniform_values(from.size(), -5.0f, 5.0f, 5);
        std::vector<float> dx(from.size());
        REQUIRE(op.backward(from.size(), from.data(), dy.data(), dx.data()) == NONLIN_OK);
        double worst = 0.0;
        for (std::size_t i = 0; i < from.size(); ++i) {
            const double e = tier_ulp_error(dx[i], op.backward_reference(from[i], dy[i]), fast_tier);
            worst = std::max(worst, e);
        }
        INFO("max error " << worst << " ulp");
        report_accuracy(isa_name, fast_tier, op.backward_name, worst);
        CHECK(worst <= op.backward_bound(fast_tier));
    }
}

TEST_CASE("backward agrees with central differences of the forward", "[elementwise][gradient]") {
    FOR_EACH_ISA();
    for (const elementwise_case& op : kElementwiseCases) {
        INFO("op " << op.name);
        const std::vector<float> x = uniform_values(256, -4.0f, 4.0f, 6);
        std::vector<float> y(x.size()), dx(x.size());
        const std::vector<float> ones(x.size(), 1.0f);
        REQUIRE(op.forward(x.size(), x.data(), y.data()) == NONLIN_OK);
        REQUIRE(op.backward(x.size(), op.backward_from_output ? y.data() : x.data(), ones.data(),
                            dx.data()) == NONLIN_OK);
        const float h = 1.0f / 128.0f;
        for (std::size_t i = 0; i < x.size(); ++i) {
            bool near_kink = false;
            for (double k : op.kinks) near_kink |= std::fabs(x[i] - k) <= 2 * h;
            if (near_kink) continue;
            const float pts[2] = {x[i] + h, x[i] - h};
            float f[2];
            REQUIRE(op.forward(2, pts, f) == NONLIN_OK);
            const double fd = (static_cast<double>(f[0]) - f[1]) /
                              (static_cast<double>(pts[0]) - pts[1]);
            INFO("x = " << x[i]);
            // Near a zero of f' (silu, gelu) the bound is absolute.
            CHECK(std::fabs(fd - dx[i]) <= 1e-3 * std::max(std::fabs(fd), 3e-2));
        }
    }
}

TEST_CASE("backward special values", "[elementwise][gradient]") {
    FOR_EACH_ISA();
    // Saturated outputs give exactly zero gradient; NaN propagates.
    const float y_sig[] = {0.0f, 1.0f, kNaN, 0.5f};
    const float y_tanh[] = {-1.0f, 1.0f, kNaN, 0.0f};
    const float dy[] = {3.0f, -2.0f, 1.0f, 2.0f};
    float dx[4];
    REQUIRE(nonlin_sigmoid_backward_f32(4, y_sig, dy, dx) == NONLIN_OK);
    CHECK(dx[0] == 0.0f);
    CHECK(dx[1] == 0.0f);
    CHECK(std::isnan(dx[2]));
    CHECK(dx[3] == 0.5f);
    REQUIRE(nonlin_tanh_backward_f32(4, y_tanh, dy, dx) == NONLIN_OK);
    CHECK(dx[0] == 0.0f);
    CHECK(dx[1] == 0.0f);
    CHECK(std::isnan(dx[2]));
    CHECK(dx[3] == 2.0f);
}

// dx = dy * f'(x): an infinite dy times any f'(x) other than 0, however
// small, is infinite with the product's sign; the formulas' low-order terms
// must not turn it into inf * 0 = NaN. Lanes of finite dy in the same
// vectors keep their results.
TEST_CASE("an infinite dy gives an infinite dx wherever the gradient is not 0",
          "[elementwise][gradient]") {
    FOR_EACH_ISA();
    std::vector<float> x = uniform_values(253, -30.0f, 30.0f, 9);
    for (float v : {0.0f, -0.0f, 1e-3f, -1e-3f, 0.5f, -0.5f, 1.0f, -1.0f, 3.0f, -3.0f})
        x.push_back(v);
    std::vector<float> dy(x.size());
    for (std::size_t i = 0; i < dy.size(); ++i) dy[i] = i % 3 == 0 ? kInf : i % 3 == 1 ? -kInf : 1.0f;
    const std::vector<float> ones(x.size(), 1.0f);
    for (const elementwise_case& op : kElementwiseCases) {
        INFO("op " << op.backward_name);
        std::vector<float> from(x.size()), unit(x.size()), dx(x.size());
        if (op.backward_from_output) {
            REQUIRE(op.forward(x.size(), x.data(), from.data()) == NONLIN_OK);
        } else {
            from = x;
        }
        REQUIRE(op.backward(x.size(), from.data(), ones.data(), unit.data()) == NONLIN_OK);
        REQUIRE(op.backward(x.size(), from.data(), dy.data(), dx.data()) == NONLIN_OK);
        for (std::size_t i = 0; i < x.size(); ++i) {
            INFO("x = " << x[i] << ", dy = " << dy[i] << ", dx = " << dx[i]);
            if (std::isfinite(dy[i])) {
                CHECK(bits_of(dx[i]) == bits_of(unit[i]));
            } else if (unit[i] != 0.0f) {
                CHECK(std::isinf(dx[i]));
                CHECK(std::signbit(dx[i]) == (std::signbit(unit[i]) != std::signbit(dy[i])));
            }
        }
    }
}

// The gradients from x: the limits, the tails where f'(x) alone underflows
// but dy * f'(x) does not, and the NaN rule (x's NaN before dy's).
TEST_CASE("backward from the input: special values", "[elementwise][gradient]") {
    FOR_EACH_ISA();
    const float big = std::numeric_limits<float>::max();
    struct row {
        float x, dy, sigmoid, tanh;  // the exact results, rounded
    };
    const row rows[] = {
        {0.0f, 4.0f, 1.0f, 4.0f},
        {-0.0f, -2.0f, -0.5f, -2.0f},
        {kInf, 3.0f, 0.0f, 0.0f},
        {-kInf, -3.0f, -0.0f, -0.0f},
        {1e-30f, 1.0f, 0.25f, 1.0f},
        // sigmoid'(-100) = 3.72e-44: subnormal, rounded, not flushed.
        {-100.0f, 1.0f, static_cast<float>(std::exp(-100.0)), 0.0f},
        // f'(x) underflows, dy * f'(x) does not.
        {120.0f, big, static_cast<float>(3.4028234663852886e38 * std::exp(-120.0)), 0.0f},
        {60.0f, big, static_cast<float>(3.4028234663852886e38 * std::exp(-60.0)),
         static_cast<float>(4.0 * 3.4028234663852886e38 * std::exp(-120.0))},
        {-200.0f, big, 0.0f, 0.0f},
    };
    for (const row& r : rows) {
        INFO("x = " << r.x << ", dy = " << r.dy);
        float s, t;
        REQUIRE(nonlin_sigmoid_backward_from_input_f32(1, &r.x, &r.dy, &s) == NONLIN_OK);
        REQUIRE(nonlin_tanh_backward_from_input_f32(1, &r.x, &r.dy, &t) == NONLIN_OK);
        CHECK(ulp_error(s, r.sigmoid) <= backward_bound("sigmoid_backward_from_input"));
        CHECK(ulp_error(t, r.tanh) <= backward_bound("tanh_backward_from_input"));
        // The sign of dy, on every nonzero result.
        CHECK((s == 0.0f || std::signbit(s) == std::signbit(r.dy)));
        CHECK((t == 0.0f || std::signbit(t) == std::signbit(r.dy)));
    }
    // NaN: x's, quieted, before dy's; infinite dy at an infinite x: 0 * dy.
    const float x[] = {kNaN, 1.0f, -kNaN, kInf, 0.5f};
    const float dy[] = {1.0f, kNaN, kNaN, kInf, kInf};
    float dx[5];
    for (auto f : {&nonlin_sigmoid_backward_from_input_f32, &nonlin_tanh_backward_from_input_f32}) {
        REQUIRE(f(5, x, dy, dx) == NONLIN_OK);
        CHECK(bits_of(dx[0]) == (bits_of(x[0]) | 0x400000u));
        CHECK(bits_of(dx[1]) == (bits_of(dy[1]) | 0x400000u));
        CHECK(bits_of(dx[2]) == (bits_of(x[2]) | 0x400000u));
        CHECK(std::isnan(dx[3]));
        CHECK(dx[4] == kInf);
    }
}

TEST_CASE("every elementwise op gives the same bits for every thread count", "[threads]") {
    FOR_EACH_ISA();
    const std::vector<float> x = normal_values(1 << 19, 8.0, 32);
    const std::vector<float> dy = normal_values(1 << 19, 1.0, 33);
    for (const elementwise_case& op : kElementwiseCases) {
        INFO("op " << op.name);
        std::vector<float> y1(x.size()), dx1(x.size()), y(x.size()), dx(x.size());
        REQUIRE(nonlin_set_num_threads(1) == NONLIN_OK);
        REQUIRE(op.forward(x.size(), x.data(), y1.data()) == NONLIN_OK);
        REQUIRE(op.backward(x.size(), x.data(), dy.data(), dx1.data()) == NONLIN_OK);
        for (int threads : {2, 3}) {
            REQUIRE(nonlin_set_num_threads(threads) == NONLIN_OK);
            REQUIRE(op.forward(x.size(), x.data(), y.data()) == NONLIN_OK);
            REQUIRE(op.backward(x.size(), x.data(), dy.data(), dx.data()) == NONLIN_OK);
            CHECK(y == y1);
            CHECK(dx == dx1);
        }
    }
    nonlin_set_num_threads(0);
}
