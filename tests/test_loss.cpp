// NLL and the fused cross-entropy: values and gradients against double
// references, every reduction, the ignore index, and the special rows.
#include "reference.hpp"
#include "row_bounds.hpp"
#include "support.hpp"

using namespace nonlin_test;

namespace {

const nonlin_reduction kReductions[] = {NONLIN_REDUCTION_NONE, NONLIN_REDUCTION_MEAN,
                                        NONLIN_REDUCTION_SUM};

std::vector<int64_t> targets(std::size_t rows, std::size_t classes, int64_t ignore, uint32_t seed) {
    std::mt19937 gen(seed);
    std::vector<int64_t> t(rows);
    for (std::size_t r = 0; r < rows; ++r)
        t[r] = (r % 5 == 3) ? ignore : static_cast<int64_t>(gen() % classes);
    return t;
}

struct expected_loss {
    std::vector<double> per_row;  // 0 for ignored rows
    double reduced;
    double grad_scale;
};

expected_loss reference_cross_entropy(const std::vector<float>& x, const std::vector<int64_t>& t,
                                      std::size_t classes, int64_t ignore,
                                      nonlin_reduction reduction) {
    expected_loss e;
    const std::size_t rows = t.size();
    double sum = 0.0;
    std::size_t counted = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        if (t[r] == ignore) {
            e.per_row.push_back(0.0);
            continue;
        }
        const row_reference st = reference_stats(x.data(), {r * classes, 1}, classes);
        const double l = std::log(st.sum) - (x[r * classes + t[r]] - st.max);
        e.per_row.push_back(l);
        sum += l;
        ++counted;
    }
    e.reduced = reduction == NONLIN_REDUCTION_SUM ? sum : sum / static_cast<double>(counted);
    e.grad_scale = reduction == NONLIN_REDUCTION_MEAN ? 1.0 / static_cast<double>(counted) : 1.0;
    return e;
}

}  // namespace

TEST_CASE("cross_entropy loss and gradient match double references", "[loss]") {
    FOR_EACH_ISA();
    const int64_t ignore = -100;
    double loss_worst = 0.0, grad_worst = 0.0;
    for (const std::size_t classes : {1u, 2u, 3u, 6u, 10u, 17u, 1000u, 2049u, 32000u}) {
        const std::size_t rows = classes >= 1000 ? 6 : 37;
        const std::vector<float> x = normal_values(rows * classes, 3.0, 20);
        const std::vector<int64_t> t = targets(rows, classes, ignore, 21);
        for (const nonlin_reduction red : kReductions) {
            INFO("classes " << classes << " reduction " << red);
            const expected_loss want = reference_cross_entropy(x, t, classes, ignore, red);
            std::vector<float> loss(rows, -1.0f), grad(x.size(), -1.0f);
            REQUIRE(nonlin_cross_entropy_f32(rows, classes, x.data(), t.data(), loss.data(),
                                             grad.data(), ignore, red) == NONLIN_OK);
            if (red == NONLIN_REDUCTION_NONE) {
                for (std::size_t r = 0; r < rows; ++r) {
                    const double e = ulp_error(loss[r], want.per_row[r]);
                    loss_worst = std::max(loss_worst, e);
                    CHECK(e <= bound_of(row_bound::cross_entropy_loss, classes, 1));
                }
            } else {
                loss_worst = std::max(loss_worst, ulp_error(loss[0], want.reduced));
                CHECK(ulp_error(loss[0], want.reduced) <=
                      bound_of(row_bound::cross_entropy_loss, classes, 1));
                CHECK(loss[1] == -1.0f);  // one value written, nothing more
            }
            // Gradient: scale * (softmax - onehot), each element within its bound.
            double worst = 0.0;
            for (std::size_t r = 0; r < rows; ++r) {
                const row_reference st = reference_stats(x.data(), {r * classes, 1}, classes);
                for (std::size_t c = 0; c < classes; ++c) {
                    double g = 0.0;
                    if (t[r] != ignore) {
                        const double p = std::exp(x[r * classes + c] - st.max) / st.sum;
                        // 1 - p_t as the sum of the other probabilities.
                        g = static_cast<int64_t>(c) == t[r]
                                ? -(st.sum - std::exp(x[r * classes + c] - st.max)) / st.sum
                                : p;
                        g *= want.grad_scale;
                    }
                    worst = std::max(worst, ulp_error(grad[r * classes + c], g));
                }
            }
            INFO("gradient max error " << worst << " ulp");
            CHECK(worst <= bound_of(row_bound::cross_entropy_gradient, classes, 1));
            grad_worst = std::max(grad_worst, worst);
            // The forward-only call gives the same loss; in place gives the
            // same gradient.
            std::vector<float> loss2(rows, -1.0f), inplace = x;
            REQUIRE(nonlin_cross_entropy_f32(rows, classes, x.data(), t.data(), loss2.data(),
                                             nullptr, ignore, red) == NONLIN_OK);
            CHECK(loss2 == loss);
            REQUIRE(nonlin_cross_entropy_f32(rows, classes, inplace.data(), t.data(), loss2.data(),
                                             inplace.data(), ignore, red) == NONLIN_OK);
            CHECK(inplace == grad);
        }
    }
    report_accuracy(isa_name, "cross_entropy loss", loss_worst);
    report_accuracy(isa_name, "cross_entropy gradient", grad_worst);
}

TEST_CASE("cross_entropy equals log_softmax followed by nll", "[loss]") {
    FOR_EACH_ISA();
    const std::size_t rows = 64, classes = 10;
    const std::vector<float> x = normal_values(rows * classes, 4.0, 22);
    const std::vector<int64_t> t = targets(rows, classes, -1, 23);
    for (const nonlin_reduction red : kReductions) {
        std::vector<float> ls(x.size()), a(rows), b(rows), g(x.size()), dls(x.size()), dx(x.size());
        REQUIRE(nonlin_log_softmax_f32(rows, classes, 1, x.data(), ls.data()) == NONLIN_OK);
        REQUIRE(nonlin_nll_loss_f32(rows, classes, ls.data(), t.data(), a.data(), -1, red) ==
                NONLIN_OK);
        REQUIRE(nonlin_cross_entropy_f32(rows, classes, x.data(), t.data(), b.data(), g.data(), -1,
                                         red) == NONLIN_OK);
        const std::size_t n = red == NONLIN_REDUCTION_NONE ? rows : 1;
        for (std::size_t i = 0; i < n; ++i)
            CHECK(std::fabs(a[i] - b[i]) <= 4e-6 * std::max(1.0f, std::fabs(b[i])));
        // The unfused gradient: nll backward, then log_softmax backward.
        const float one = 1.0f;
        const std::vector<float> dloss(rows, 1.0f);
        REQUIRE(nonlin_nll_loss_backward_f32(rows, classes, t.data(),
                                             red == NONLIN_REDUCTION_NONE ? dloss.data() : &one,
                                             dls.data(), -1, red) == NONLIN_OK);
        REQUIRE(nonlin_log_softmax_backward_f32(rows, classes, 1, ls.data(), dls.data(),
                                                dx.data()) == NONLIN_OK);
        for (std::size_t i = 0; i < x.size(); ++i) CHECK(std::fabs(dx[i] - g[i]) <= 1e-6);
    }
}

TEST_CASE("nll_loss forward and backward", "[loss]") {
    const std::size_t rows = 6, classes = 4;
    std::vector<float> input(rows * classes);
    for (std::size_t i = 0; i < input.size(); ++i) input[i] = -0.25f * static_cast<float>(i);
    const std::vector<int64_t> t = {0, 3, 7, 2, 7, 1};  // 7 is ignored
    float none[rows], mean, sum;
    REQUIRE(nonlin_nll_loss_f32(rows, classes, input.data(), t.data(), none, 7,
                                NONLIN_REDUCTION_NONE) == NONLIN_OK);
    const float want[rows] = {0.0f, 1.75f, 0.0f, 3.5f, 0.0f, 5.25f};
    for (std::size_t r = 0; r < rows; ++r) CHECK(none[r] == want[r]);
    REQUIRE(nonlin_nll_loss_f32(rows, classes, input.data(), t.data(), &sum, 7,
                                NONLIN_REDUCTION_SUM) == NONLIN_OK);
    CHECK(sum == 10.5f);
    REQUIRE(nonlin_nll_loss_f32(rows, classes, input.data(), t.data(), &mean, 7,
                                NONLIN_REDUCTION_MEAN) == NONLIN_OK);
    CHECK(mean == 10.5f / 4.0f);

    const float dmean = 2.0f;
    std::vector<float> dinput(rows * classes, 9.0f);
    REQUIRE(nonlin_nll_loss_backward_f32(rows, classes, t.data(), &dmean, dinput.data(), 7,
                                         NONLIN_REDUCTION_MEAN) == NONLIN_OK);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < classes; ++c)
            CHECK(dinput[r * classes + c] ==
                  (t[r] == static_cast<int64_t>(c) ? -0.5f : 0.0f));
    std::vector<float> dnone(rows, 3.0f);
    REQUIRE(nonlin_nll_loss_backward_f32(rows, classes, t.data(), dnone.data(), dinput.data(), 7,
                                         NONLIN_REDUCTION_NONE) == NONLIN_OK);
    CHECK(dinput[1 * classes + 3] == -3.0f);
}

TEST_CASE("means over no rows are NaN, sums are 0", "[loss]") {
    const std::vector<float> x = {1.0f, 2.0f, 3.0f, 4.0f};
    const std::vector<int64_t> all_ignored = {-100, -100};
    float loss = 0.0f;
    std::vector<float> grad(4, 5.0f);
    REQUIRE(nonlin_cross_entropy_f32(2, 2, x.data(), all_ignored.data(), &loss, grad.data(), -100,
                                     NONLIN_REDUCTION_MEAN) == NONLIN_OK);
    CHECK(std::isnan(loss));
    for (float g : grad) CHECK(g == 0.0f);
    REQUIRE(nonlin_nll_loss_f32(2, 2, x.data(), all_ignored.data(), &loss, -100,
                                NONLIN_REDUCTION_MEAN) == NONLIN_OK);
    CHECK(std::isnan(loss));
    REQUIRE(nonlin_cross_entropy_f32(0, 2, nullptr, nullptr, &loss, nullptr, -100,
                                     NONLIN_REDUCTION_SUM) == NONLIN_OK);
    CHECK(loss == 0.0f);
    REQUIRE(nonlin_cross_entropy_f32(0, 2, nullptr, nullptr, &loss, nullptr, -100,
                                     NONLIN_REDUCTION_MEAN) == NONLIN_OK);
    CHECK(std::isnan(loss));
}

TEST_CASE("cross_entropy special rows", "[loss]") {
    FOR_EACH_ISA();
    const std::size_t classes = 5;
    const std::vector<float> x = {
        -kInf, -kInf, -kInf, -kInf, -kInf,  // all -inf: NaN
        1.0f,  kInf,  0.0f,  2.0f,  3.0f,   // +inf: NaN
        1e30f, -1e30f, 0.0f, 5.0f,  1.0f,   // huge but finite: finite
        0.0f,  -kInf, 1.0f,  2.0f,  3.0f,   // -inf elsewhere than the target: finite
        kNaN,  0.0f,  1.0f,  2.0f,  3.0f,   // NaN: NaN
    };
    const std::vector<int64_t> t = {0, 0, 0, 3, 1};
    std::vector<float> loss(5), grad(x.size());
    REQUIRE(nonlin_cross_entropy_f32(5, classes, x.data(), t.data(), loss.data(), grad.data(), -100,
                                     NONLIN_REDUCTION_NONE) == NONLIN_OK);
    CHECK(std::isnan(loss[0]));
    CHECK(std::isnan(loss[1]));
    CHECK(loss[2] == 0.0f);
    CHECK(std::isfinite(loss[3]));
    CHECK(std::isnan(loss[4]));
    for (std::size_t c = 0; c < classes; ++c) {
        CHECK(std::isfinite(grad[2 * classes + c]));
        CHECK(std::isfinite(grad[3 * classes + c]));
    }
    CHECK(grad[3 * classes + 1] == 0.0f);
}
