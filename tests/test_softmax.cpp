// softmax and log_softmax, forward and backward: accuracy against double,
// every shape path (rows, long blocked rows, strided axes), in place, and
// the documented special values.
#include "reference.hpp"
#include "row_bounds.hpp"
#include "row_shapes.hpp"
#include "support.hpp"

using namespace nonlin_test;

namespace {

using row_fn = nonlin_status (*)(size_t, size_t, size_t, const float*, float*);

}  // namespace

TEST_CASE("softmax and log_softmax are within their bounds for every shape path", "[softmax]") {
    FOR_EACH_ISA_AND_TIER();
    for (const bool log : {false, true}) {
        const row_fn fn = log ? nonlin_log_softmax_f32 : nonlin_softmax_f32;
        double overall = 0.0;
        for (const shape& s : kShapes) {
            for (const double sigma : {1.0, 3.0, 30.0}) {
                INFO((log ? "log_softmax " : "softmax ") << s.outer << "x" << s.axis << "x"
                                                         << s.inner << " sigma " << sigma);
                const std::vector<float> x = normal_values(total(s), sigma, 11);
                std::vector<float> y(x.size(), -1.0f);
                REQUIRE(fn(s.outer, s.axis, s.inner, x.data(), y.data()) == NONLIN_OK);
                const double err =
                    max_error(y, reference_softmax(x, s.outer, s.axis, s.inner, log), log, fast_tier);
                INFO("max error " << err << " ulp");
                CHECK(err <= bound_of(log ? row_bound::log_softmax : row_bound::softmax, s.axis,
                                      s.inner, fast_tier));
                overall = std::max(overall, err);
                // In place gives the same bits.
                std::vector<float> inplace = x;
                REQUIRE(fn(s.outer, s.axis, s.inner, inplace.data(), inplace.data()) == NONLIN_OK);
                CHECK(inplace == y);
            }
        }
        report_accuracy(isa_name, fast_tier, log ? "log_softmax" : "softmax", overall);
    }
}

TEST_CASE("softmax of a long row stays within its bound (blocked path)", "[softmax]") {
    FOR_EACH_ISA_AND_TIER();
    // 2^18 elements with a trend, so that later blocks raise the maximum.
    std::vector<float> x = normal_values(1 << 18, 2.0, 12);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] += static_cast<float>(i) * 1e-4f;
    for (const bool log : {false, true}) {
        std::vector<float> y(x.size());
        REQUIRE((log ? nonlin_log_softmax_f32 : nonlin_softmax_f32)(1, x.size(), 1, x.data(),
                                                                   y.data()) == NONLIN_OK);
        CHECK(max_error(y, reference_softmax(x, 1, x.size(), 1, log), log, fast_tier) <=
              bound_of(log ? row_bound::log_softmax : row_bound::softmax, x.size(), 1, fast_tier));
    }
}

TEST_CASE("a long strided axis stays within its bound", "[softmax]") {
    FOR_EACH_ISA_AND_TIER();
    // 20000 terms a lane: the path where the strided sum of the strict
    // log_softmax folds its float low parts into the double sum every
    // kLowFold (128) terms (src/ops/softmax_passes.hpp; a fold left out
    // would cost about 2^-27 here, below the bound: this covers the path,
    // for the sanitizers too, rather than the fold's need); a trend moves
    // the maximum late.
    const std::size_t outer = 2, axis = 20000, inner = 3;
    std::vector<float> x = normal_values(outer * axis * inner, 2.0, 17);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] += static_cast<float>(i / inner % axis) * 1e-4f;
    for (const bool log : {false, true}) {
        INFO("log " << log);
        std::vector<float> y(x.size());
        REQUIRE((log ? nonlin_log_softmax_f32 : nonlin_softmax_f32)(outer, axis, inner, x.data(),
                                                                   y.data()) == NONLIN_OK);
        CHECK(max_error(y, reference_softmax(x, outer, axis, inner, log), log, fast_tier) <=
              bound_of(log ? row_bound::log_softmax : row_bound::softmax, axis, inner, fast_tier));
    }
}

TEST_CASE("a long row's parts may differ widely (part-wise path)", "[softmax]") {
    FOR_EACH_ISA_AND_TIER();
    // Parts of kLongRow elements: the first far below the row's maximum
    // (its factor exp(part max - max) / sum is subnormal or 0), the second
    // all -inf, the last one partial and highest.
    const std::size_t part = std::size_t{1} << 16, n = 3 * part + 1000;
    std::vector<float> x = normal_values(n, 2.0, 16);
    for (std::size_t i = 0; i < part; ++i) x[i] -= 95.0f;
    for (std::size_t i = part; i < 2 * part; ++i) x[i] = -kInf;
    for (std::size_t i = 3 * part; i < n; ++i) x[i] += 3.0f;
    for (const bool log : {false, true}) {
        INFO("log " << log);
        const row_fn fn = log ? nonlin_log_softmax_f32 : nonlin_softmax_f32;
        std::vector<float> y(n);
        REQUIRE(fn(1, n, 1, x.data(), y.data()) == NONLIN_OK);
        CHECK(max_error(y, reference_softmax(x, 1, n, 1, log), log, fast_tier) <=
              bound_of(log ? row_bound::log_softmax : row_bound::softmax, n, 1, fast_tier));
        for (std::size_t i = part; i < 2 * part; ++i) REQUIRE(y[i] == (log ? -kInf : 0.0f));
        std::vector<float> in_place = x;
        REQUIRE(fn(1, n, 1, in_place.data(), in_place.data()) == NONLIN_OK);
        CHECK(in_place == y);
    }
}

TEST_CASE("softmax special values", "[softmax]") {
    FOR_EACH_ISA_AND_TIER();
    const float big = std::numeric_limits<float>::max();
    struct special {
        std::vector<float> row;
        const char* what;
    };
    // Rows long enough (and short enough) to cover the single-block, the
    // blocked and the part-wise path, with the special value in the first
    // and in a later block or part.
    for (std::size_t n : {std::size_t{5}, std::size_t{40}, std::size_t{4100},
                          std::size_t{3} << 16}) {
        INFO("row length " << n);
        auto row = [n](float fill) { return std::vector<float>(n, fill); };
        std::vector<float> y(n);

        // -inf entries get probability exactly 0 and log-probability -inf.
        std::vector<float> x = normal_values(n, 1.0, 13);
        x[0] = -kInf;
        x[n - 1] = -kInf;
        REQUIRE(nonlin_softmax_f32(1, n, 1, x.data(), y.data()) == NONLIN_OK);
        CHECK(y[0] == 0.0f);
        CHECK(y[n - 1] == 0.0f);
        CHECK(std::isfinite(y[1]));
        REQUIRE(nonlin_log_softmax_f32(1, n, 1, x.data(), y.data()) == NONLIN_OK);
        CHECK(y[0] == -kInf);
        CHECK(y[n - 1] == -kInf);
        CHECK(std::isfinite(y[1]));

        // Rows that are NaN as a whole: a NaN anywhere, all -inf, a +inf.
        for (int kind = 0; kind < 3; ++kind) {
            std::vector<float> bad = kind == 1 ? row(-kInf) : normal_values(n, 1.0, 14);
            if (kind == 0) bad[n / 2] = kNaN;
            if (kind == 2) bad[n - 1] = kInf;
            INFO("kind " << kind);
            for (row_fn fn : {nonlin_softmax_f32, nonlin_log_softmax_f32}) {
                REQUIRE(fn(1, n, 1, bad.data(), y.data()) == NONLIN_OK);
                for (float v : y) REQUIRE(std::isnan(v));
            }
        }

        // Huge finite values never make a finite row NaN.
        for (const float h : {1e30f, big}) {
            std::vector<float> hx = normal_values(n, 1.0, 15);
            hx[n / 3] = h;
            hx[0] = -h;
            REQUIRE(nonlin_softmax_f32(1, n, 1, hx.data(), y.data()) == NONLIN_OK);
            CHECK(y[n / 3] == 1.0f);
            for (float v : y) REQUIRE(!std::isnan(v));
            REQUIRE(nonlin_log_softmax_f32(1, n, 1, hx.data(), y.data()) == NONLIN_OK);
            CHECK(y[n / 3] == 0.0f);
            for (float v : y) REQUIRE(!std::isnan(v));
        }
    }
    // A row of equal huge values is uniform.
    std::vector<float> same(4, big), y(4);
    REQUIRE(nonlin_softmax_f32(1, 4, 1, same.data(), y.data()) == NONLIN_OK);
    for (float v : y) CHECK(v == 0.25f);
}

TEST_CASE("softmax backward matches its formula in double", "[softmax][gradient]") {
    FOR_EACH_ISA_AND_TIER();
    double overall = 0.0, overall_log = 0.0;
    // The shape paths, and two rows longer than kLongRow (worked in parts).
    std::vector<shape> shapes(std::begin(kShapes), std::end(kShapes));
    shapes.push_back({2, 2 * nonlin::kLongRow + 1000, 1});
    for (const shape& s : shapes) {
        INFO(s.outer << "x" << s.axis << "x" << s.inner);
        const std::vector<float> x = normal_values(total(s), 2.0, 16);
        const std::vector<float> dy = normal_values(total(s), 1.0, 17);
        std::vector<float> y(x.size()), ly(x.size()), dx(x.size()), ldx(x.size());
        REQUIRE(nonlin_softmax_f32(s.outer, s.axis, s.inner, x.data(), y.data()) == NONLIN_OK);
        REQUIRE(nonlin_log_softmax_f32(s.outer, s.axis, s.inner, x.data(), ly.data()) == NONLIN_OK);
        REQUIRE(nonlin_softmax_backward_f32(s.outer, s.axis, s.inner, y.data(), dy.data(),
                                            dx.data()) == NONLIN_OK);
        REQUIRE(nonlin_log_softmax_backward_f32(s.outer, s.axis, s.inner, ly.data(), dy.data(),
                                                ldx.data()) == NONLIN_OK);
        double worst = 0.0, worst_log = 0.0;
        for (const row_index r : rows_of(s.outer, s.axis, s.inner)) {
            double dot = 0.0, sum = 0.0;
            for (std::size_t a = 0; a < s.axis; ++a) {
                const std::size_t k = r.base + a * r.stride;
                dot += static_cast<double>(y[k]) * dy[k];
                sum += dy[k];
            }
            for (std::size_t a = 0; a < s.axis; ++a) {
                const std::size_t k = r.base + a * r.stride;
                const double want = y[k] * (dy[k] - dot);
                const double scale = std::max(std::fabs(want), std::fabs(double(y[k]) * dy[k]));
                worst = std::max(worst, scaled_error(dx[k], want, scale));
                const double p_sum = std::exp(double(ly[k])) * sum;
                const double want_log = dy[k] - p_sum;
                worst_log = std::max(worst_log, scaled_error(ldx[k], want_log,
                                                             std::max(std::fabs(double(dy[k])),
                                                                      std::fabs(p_sum))));
            }
        }
        INFO("softmax backward " << worst << " ulp, log_softmax backward " << worst_log << " ulp");
        CHECK(worst <= bound_of(row_bound::softmax_backward, s.axis, s.inner, fast_tier));
        CHECK(worst_log <= bound_of(row_bound::log_softmax_backward, s.axis, s.inner, fast_tier));
        overall = std::max(overall, worst);
        overall_log = std::max(overall_log, worst_log);
        // In place over either input gives the same bits.
        std::vector<float> over_y = y, over_dy = dy;
        REQUIRE(nonlin_softmax_backward_f32(s.outer, s.axis, s.inner, over_y.data(), dy.data(),
                                            over_y.data()) == NONLIN_OK);
        REQUIRE(nonlin_softmax_backward_f32(s.outer, s.axis, s.inner, y.data(), over_dy.data(),
                                            over_dy.data()) == NONLIN_OK);
        CHECK(over_y == dx);
        CHECK(over_dy == dx);
    }
    report_accuracy(isa_name, fast_tier, "softmax_backward", overall);
    report_accuracy(isa_name, fast_tier, "log_softmax_backward", overall_log);
}

TEST_CASE("softmax backward keeps its bound where dy - dot cancels, dy is huge or y tiny",
          "[softmax][gradient]") {
    FOR_EACH_ISA_AND_TIER();
    // Rows of 1000 and of more than kLongRow (contiguous, the long one in
    // parts) and 64 x 3 (strided). Kinds: dy a constant plus noise of 2^-20
    // (dy - dot cancels to a few bits); dy near FLT_MAX with both signs
    // (dy - dot overflows float); x spread over [-150, 0] (y down to
    // subnormal, dx subnormal).
    for (const shape& s :
         {shape{2, 1000, 1}, shape{1, nonlin::kLongRow + 5000, 1}, shape{2, 64, 3}}) {
        for (int kind = 0; kind < 3; ++kind) {
            INFO("kind " << kind << ", " << s.outer << "x" << s.axis << "x" << s.inner);
            std::vector<float> x = normal_values(total(s), 2.0, 18);
            std::vector<float> dy = normal_values(total(s), 1.0, 19);
            for (std::size_t i = 0; i < x.size(); ++i) {
                if (kind == 0) dy[i] = 3.0f + dy[i] * 0x1p-20f;
                if (kind == 1) dy[i] = (i % 2 ? 3.0e38f : -3.0e38f) + dy[i] * 1e31f;
                if (kind == 2) x[i] = -150.0f * static_cast<float>(i % 97) / 96.0f;
            }
            std::vector<float> y(x.size()), dx(x.size());
            REQUIRE(nonlin_softmax_f32(s.outer, s.axis, s.inner, x.data(), y.data()) == NONLIN_OK);
            REQUIRE(nonlin_softmax_backward_f32(s.outer, s.axis, s.inner, y.data(), dy.data(),
                                                dx.data()) == NONLIN_OK);
            double worst = 0.0;
            for (const row_index r : rows_of(s.outer, s.axis, s.inner)) {
                double dot = 0.0;
                for (std::size_t a = 0; a < s.axis; ++a)
                    dot += static_cast<double>(y[r.base + a * r.stride]) * dy[r.base + a * r.stride];
                for (std::size_t a = 0; a < s.axis; ++a) {
                    const std::size_t k = r.base + a * r.stride;
                    const double want = y[k] * (dy[k] - dot);
                    const double scale = std::max(std::fabs(want), std::fabs(double(y[k]) * dy[k]));
                    worst = std::max(worst, scaled_error(dx[k], want, scale));
                }
            }
            CHECK(worst <= bound_of(row_bound::softmax_backward, s.axis, s.inner, fast_tier));
        }
    }
}

TEST_CASE("row gradients agree with central differences of the forward", "[softmax][gradient]") {
    FOR_EACH_ISA_AND_TIER();
    // d/dx_j of L = sum_i w_i f(x)_i, checked through the backward with dy = w.
    const std::size_t n = 12;
    const std::vector<float> x = normal_values(n, 1.0, 18);
    const std::vector<float> w = normal_values(n, 1.0, 19);
    for (const bool log : {false, true}) {
        const row_fn fwd = log ? nonlin_log_softmax_f32 : nonlin_softmax_f32;
        std::vector<float> y(n), dx(n);
        REQUIRE(fwd(1, n, 1, x.data(), y.data()) == NONLIN_OK);
        REQUIRE((log ? nonlin_log_softmax_backward_f32 : nonlin_softmax_backward_f32)(
                    1, n, 1, y.data(), w.data(), dx.data()) == NONLIN_OK);
        auto objective = [&](const std::vector<float>& at) {
            std::vector<float> out(n);
            REQUIRE(fwd(1, n, 1, at.data(), out.data()) == NONLIN_OK);
            double l = 0.0;
            for (std::size_t i = 0; i < n; ++i) l += static_cast<double>(w[i]) * out[i];
            return l;
        };
        for (std::size_t j = 0; j < n; ++j) {
            std::vector<float> up = x, down = x;
            up[j] += 1.0f / 64.0f;
            down[j] -= 1.0f / 64.0f;
            const double fd = (objective(up) - objective(down)) / (double(up[j]) - down[j]);
            INFO((log ? "log_softmax" : "softmax") << " j = " << j);
            CHECK(std::fabs(fd - dx[j]) <= 1e-3 * std::max(std::fabs(fd), 1e-1));
        }
    }
}
