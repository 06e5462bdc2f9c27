// logsumexp and its backward: accuracy against double on every shape path,
// exactness for rows of equal values, PyTorch's special rows, the
// gradient's formula at extreme dy, and the checks.
#include "reference.hpp"
#include "row_bounds.hpp"
#include "row_shapes.hpp"
#include "support.hpp"

using namespace nonlin_test;

namespace {

std::size_t rows(const shape& s) { return s.outer * s.inner; }

// Largest error in ulps of max(|want|, 1).
double max_abs_error(const std::vector<float>& y, const std::vector<double>& want) {
    double worst = 0.0;
    for (std::size_t i = 0; i < y.size(); ++i)
        worst = std::max(worst, scaled_error(y[i], want[i], std::max(std::fabs(want[i]), 1.0)));
    return worst;
}

}  // namespace

TEST_CASE("logsumexp is within its bound on every shape path", "[logsumexp]") {
    FOR_EACH_ISA();
    std::vector<shape> shapes(std::begin(kShapes), std::end(kShapes));
    shapes.push_back({1, std::size_t{1} << 18, 1});  // longer than kLongRow
    double overall = 0.0;
    for (const shape& s : shapes) {
        for (const double sigma : {1.0, 30.0, 1e30}) {
            INFO(s.outer << "x" << s.axis << "x" << s.inner << " sigma " << sigma);
            const std::vector<float> x = normal_values(total(s), sigma, 41);
            std::vector<float> y(rows(s), -1.0f);
            REQUIRE(nonlin_logsumexp_f32(s.outer, s.axis, s.inner, x.data(), y.data()) ==
                    NONLIN_OK);
            const double err = max_abs_error(y, reference_logsumexp(x, s.outer, s.axis, s.inner));
            INFO("max error " << err << " ulp");
            CHECK(err <= bound_of(row_bound::logsumexp, s.axis, s.inner));
            overall = std::max(overall, err);
        }
    }
    report_accuracy(isa_name, "logsumexp", overall);
}

TEST_CASE("logsumexp of equal values is v + log(n) rounded once", "[logsumexp]") {
    FOR_EACH_ISA();
    for (const float v : {0.0f, 1.0f, -3.25f, 1e-30f, 7e5f, -88.5f, 1e30f, -3e38f, 3e38f}) {
        for (const std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{10},
                                    std::size_t{1000}, std::size_t{5000}}) {
            for (const std::size_t inner : {std::size_t{1}, std::size_t{5}}) {
                INFO("v " << v << " n " << n << " inner " << inner);
                const std::vector<float> x(n * inner, v);
                std::vector<float> y(inner);
                REQUIRE(nonlin_logsumexp_f32(1, n, inner, x.data(), y.data()) == NONLIN_OK);
                const float want = static_cast<float>(double(v) + std::log(double(n)));
                for (float got : y) REQUIRE(got == want);
                if (n == 1)
                    for (float got : y) REQUIRE(got == v);
            }
        }
    }
}

TEST_CASE("logsumexp special rows follow PyTorch", "[logsumexp]") {
    FOR_EACH_ISA();
    for (const std::size_t n : {std::size_t{5}, std::size_t{40}, std::size_t{4100}}) {
        struct special {
            const char* what;
            std::vector<std::pair<std::size_t, float>> set;  // entries over a normal row
            bool all_minus_inf;
            float want;  // NaN: NaN
        };
        const std::vector<special> cases = {
            {"all -inf", {}, true, -kInf},
            {"-inf and a NaN", {{n - 1, kNaN}}, true, kNaN},
            {"a NaN", {{n / 2, kNaN}}, false, kNaN},
            {"a +inf", {{n - 1, kInf}}, false, kInf},
            {"a +inf and a NaN", {{0, kInf}, {n - 1, kNaN}}, false, kNaN},
            {"a +inf among -inf", {{n / 3, kInf}}, true, kInf},
        };
        for (const std::size_t inner : {std::size_t{1}, std::size_t{3}}) {
            for (const special& c : cases) {
                INFO(c.what << " n " << n << " inner " << inner);
                std::vector<float> row =
                    c.all_minus_inf ? std::vector<float>(n, -kInf) : normal_values(n, 1.0, 42);
                for (const auto& [at, v] : c.set) row[at] = v;
                std::vector<float> x;
                for (float v : row) x.insert(x.end(), inner, v);
                std::vector<float> y(inner);
                REQUIRE(nonlin_logsumexp_f32(1, n, inner, x.data(), y.data()) == NONLIN_OK);
                for (float got : y) {
                    if (std::isnan(c.want))
                        REQUIRE(std::isnan(got));
                    else
                        REQUIRE(got == c.want);
                }
            }
        }
        // A finite row with -inf entries ignores them.
        std::vector<float> x = normal_values(n, 1.0, 43), y(1), trimmed(n - 2);
        std::copy(x.begin() + 1, x.end() - 1, trimmed.begin());
        x.front() = x.back() = -kInf;
        REQUIRE(nonlin_logsumexp_f32(1, n, 1, x.data(), y.data()) == NONLIN_OK);
        CHECK(scaled_error(y[0], reference_logsumexp(trimmed, 1, n - 2, 1)[0], 1.0) <=
              bound_of(row_bound::logsumexp));
    }
}

TEST_CASE("logsumexp backward matches dy exp(x - y) in double", "[logsumexp][gradient]") {
    FOR_EACH_ISA();
    double overall = 0.0;
    for (const shape& s : kShapes) {
        for (const double dy_scale : {1.0, 1e35, 1e-40}) {
            INFO(s.outer << "x" << s.axis << "x" << s.inner << " dy scale " << dy_scale);
            const std::vector<float> x = normal_values(total(s), 20.0, 44);
            std::vector<float> dy = normal_values(rows(s), 1.0, 45);
            for (float& v : dy) v = static_cast<float>(v * dy_scale);
            std::vector<float> y(rows(s)), dx(x.size());
            REQUIRE(nonlin_logsumexp_f32(s.outer, s.axis, s.inner, x.data(), y.data()) ==
                    NONLIN_OK);
            REQUIRE(nonlin_logsumexp_backward_f32(s.outer, s.axis, s.inner, x.data(), y.data(),
                                                  dy.data(), dx.data()) == NONLIN_OK);
            double worst = 0.0;
            for (const row_index r : rows_of(s.outer, s.axis, s.inner)) {
                const std::size_t row = r.base / (s.axis * s.inner) * s.inner +
                                        r.base % (s.axis * s.inner);
                for (std::size_t a = 0; a < s.axis; ++a) {
                    const std::size_t k = r.base + a * r.stride;
                    const double want = double(dy[row]) * std::exp(double(x[k]) - y[row]);
                    worst = std::max(worst, ulp_error(dx[k], want));
                }
            }
            INFO("max error " << worst << " ulp");
            CHECK(worst <= bound_of(row_bound::logsumexp_backward, s.axis, s.inner));
            overall = std::max(overall, worst);
            std::vector<float> over_x = x;
            REQUIRE(nonlin_logsumexp_backward_f32(s.outer, s.axis, s.inner, over_x.data(),
                                                  y.data(), dy.data(), over_x.data()) == NONLIN_OK);
            CHECK(std::memcmp(over_x.data(), dx.data(), dx.size() * sizeof(float)) == 0);
        }
    }
    report_accuracy(isa_name, "logsumexp_backward", overall);
}

TEST_CASE("logsumexp rejects bad calls and writes nothing", "[logsumexp][errors]") {
    std::vector<float> x = normal_values(24, 1.0, 46), y(8, 7.0f), dy(8, 1.0f), dx(24, 7.0f);
    const std::size_t huge = std::numeric_limits<std::size_t>::max() / 2;
    CHECK(nonlin_logsumexp_f32(huge, 4, 3, x.data(), y.data()) == NONLIN_ERR_BAD_SHAPE);
    CHECK(nonlin_logsumexp_f32(2, 4, 3, nullptr, y.data()) == NONLIN_ERR_NULL_POINTER);
    CHECK(nonlin_logsumexp_f32(2, 4, 3, x.data(), nullptr) == NONLIN_ERR_NULL_POINTER);
    CHECK(nonlin_logsumexp_f32(2, 4, 3, x.data(), x.data() + 2) == NONLIN_ERR_OVERLAP);
    CHECK(nonlin_logsumexp_f32(2, 4, 3, x.data(), x.data()) == NONLIN_ERR_OVERLAP);
    for (float v : y) REQUIRE(v == 7.0f);
    CHECK(nonlin_logsumexp_backward_f32(2, 4, 3, x.data(), y.data(), nullptr, dx.data()) ==
          NONLIN_ERR_NULL_POINTER);
    CHECK(nonlin_logsumexp_backward_f32(2, 4, 3, x.data(), dx.data(), dy.data(), dx.data()) ==
          NONLIN_ERR_OVERLAP);
    CHECK(nonlin_logsumexp_backward_f32(2, 4, 3, x.data(), y.data(), dx.data() + 4, dx.data()) ==
          NONLIN_ERR_OVERLAP);
    CHECK(nonlin_logsumexp_backward_f32(huge, 3, 4, x.data(), y.data(), dy.data(), dx.data()) ==
          NONLIN_ERR_BAD_SHAPE);
    for (float v : dx) REQUIRE(v == 7.0f);
    CHECK(nonlin_logsumexp_f32(0, 4, 3, nullptr, nullptr) == NONLIN_OK);
    CHECK(nonlin_logsumexp_backward_f32(2, 0, 3, nullptr, nullptr, nullptr, nullptr) == NONLIN_OK);
    // With one element per row y may be x: the identity.
    std::vector<float> same = {1.5f, -2.0f, kInf};
    REQUIRE(nonlin_logsumexp_f32(3, 1, 1, same.data(), same.data()) == NONLIN_OK);
    CHECK(same == std::vector<float>{1.5f, -2.0f, kInf});
}

TEST_CASE("masked softmax and logsumexp give the same bits for every thread count",
          "[logsumexp][masked_softmax][threads]") {
    FOR_EACH_ISA();
    const std::size_t n = std::size_t{1} << 20;
    const std::vector<float> x = normal_values(n, 3.0, 47);
    const std::vector<float> dy = normal_values(n / 512, 1.0, 48);
    std::vector<uint8_t> mask(n);  // enough for either shape below
    for (std::size_t i = 0; i < mask.size(); ++i) mask[i] = (i * 7) % 5 != 0;
    auto run = [&] {
        std::vector<float> out;
        std::vector<float> y(n), r(2 * 1024), g(n);
        // Contiguous rows; the mask repeats every 4 rows.
        REQUIRE(nonlin_masked_softmax_f32(1024, 1024, 1, 4, x.data(), mask.data(), y.data(), 0.5f,
                                          NONLIN_EMPTY_ROW_ZERO) == NONLIN_OK);
        out.insert(out.end(), y.begin(), y.end());
        // A strided axis with two outer slices: split by inner columns.
        REQUIRE(nonlin_masked_log_softmax_f32(2, 512, 1024, 2, x.data(), mask.data(), y.data(),
                                              2.0f, NONLIN_EMPTY_ROW_NAN) == NONLIN_OK);
        out.insert(out.end(), y.begin(), y.end());
        REQUIRE(nonlin_logsumexp_f32(2, 512, 1024, x.data(), r.data()) == NONLIN_OK);
        out.insert(out.end(), r.begin(), r.end());
        REQUIRE(nonlin_logsumexp_backward_f32(2, 512, 1024, x.data(), r.data(), dy.data(),
                                              g.data()) == NONLIN_OK);
        out.insert(out.end(), g.begin(), g.end());
        REQUIRE(nonlin_logsumexp_f32(1024, 1024, 1, x.data(), r.data()) == NONLIN_OK);
        out.insert(out.end(), r.begin(), r.begin() + 1024);
        return out;
    };
    REQUIRE(nonlin_set_num_threads(1) == NONLIN_OK);
    const std::vector<float> one = run();
    for (int threads : {2, 3, 8}) {
        INFO("threads " << threads);
        REQUIRE(nonlin_set_num_threads(threads) == NONLIN_OK);
        const std::vector<float> many = run();
        CHECK(std::memcmp(many.data(), one.data(), one.size() * sizeof(float)) == 0);
    }
    nonlin_set_num_threads(0);
}
