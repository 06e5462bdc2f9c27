// Cross-entropy with class weights, ignored targets and label smoothing over
// (N, C, d1, ...) logits, against class indices and probabilities, and
// binary cross-entropy on logits: values and gradients against double
// references for every combination of the options, the special rows, and
// the errors.
#include <cstring>

#include "reference.hpp"
#include "row_bounds.hpp"
#include "support.hpp"

using namespace nonlin_test;

namespace {

const nonlin_reduction kReductions[] = {NONLIN_REDUCTION_NONE, NONLIN_REDUCTION_MEAN,
                                        NONLIN_REDUCTION_SUM};
constexpr int64_t kIgnore = -100;

// A double value and the magnitude its bound is a number of ulps of.
struct bounded {
    double value = 0.0, scale = 0.0;
};

struct ce_case {
    std::size_t outer, classes, inner;
    double sigma;  // of the logits; 0: one confident logit per row
    uint32_t seed;
};

// Shapes along every path: contiguous short rows, rows longer than a
// block, one class, strided axes.
const ce_case kCeCases[] = {
    {37, 10, 1, 3.0, 30},  {9, 1, 1, 3.0, 31},  {4, 1000, 1, 4.0, 32},
    {3, 2049, 1, 4.0, 33}, {5, 17, 3, 3.0, 34}, {2, 5, 7, 3.0, 35},
    {16, 8, 1, 0.0, 36},   {3, 6, 4, 0.0, 37},  {6, 12, 2, 1e29, 38},
};

std::vector<float> ce_logits(const ce_case& k) {
    const std::size_t n = k.outer * k.classes * k.inner;
    if (k.sigma != 0.0) return normal_values(n, k.sigma, k.seed);
    // Confident rows: class 0 is 40 above the others, whose terms are then
    // below 2^-57 and vanish from a sum of the row formed in double.
    std::vector<float> x = uniform_values(n, -1.0f, 1.0f, k.seed);
    for (const row_index r : rows_of(k.outer, k.classes, k.inner)) x[r.base] = 40.0f;
    return x;
}

// The target of each position (outer x inner): every fifth ignored.
std::vector<int64_t> ce_targets(const ce_case& k) {
    std::mt19937 gen(k.seed + 100);
    std::vector<int64_t> t(k.outer * k.inner);
    for (std::size_t p = 0; p < t.size(); ++p)
        t[p] = p % 5 == 3 ? kIgnore : static_cast<int64_t>(gen() % k.classes);
    return t;
}

// Per position a distribution over the classes (softmax of random values).
std::vector<float> ce_probs(const ce_case& k) {
    std::vector<float> q = uniform_values(k.outer * k.classes * k.inner, 0.0f, 1.0f, k.seed + 200);
    for (const row_index r : rows_of(k.outer, k.classes, k.inner)) {
        double s = 0.0;
        for (std::size_t c = 0; c < k.classes; ++c) s += q[r.base + c * r.stride];
        for (std::size_t c = 0; c < k.classes; ++c)
            q[r.base + c * r.stride] = static_cast<float>(q[r.base + c * r.stride] / s);
    }
    return q;
}

// The expected losses and gradients of one call.
struct ce_expected {
    std::vector<bounded> per_position, grad;
    bounded reduced;
};

// -sum_c w_c q_c log p_c per position, with log(sum) = log1p(others) at a
// unique maximum, and the gradient p_j S - w_j q_j with p_j - 1 at the
// maximum from the other terms; both as the header states them.
ce_expected reference_ce(const ce_case& k, const std::vector<float>& x,
                         const std::vector<int64_t>* target, const std::vector<float>* probs,
                         const float* weight, double eps, nonlin_reduction red) {
    ce_expected e;
    const std::size_t n = k.classes;
    e.grad.resize(x.size());
    double sum = 0.0, scale_sum = 0.0, divisor = 0.0;
    std::size_t p = 0;
    std::vector<std::pair<std::size_t, double>> s_of;  // position -> S, for the gradient
    for (const row_index r : rows_of(k.outer, k.classes, k.inner)) {
        const std::size_t pos = p++;
        auto at = [&](std::size_t c) { return r.base + c * r.stride; };
        if (target && (*target)[pos] == kIgnore) {
            e.per_position.push_back({});
            s_of.push_back({pos, std::nan("")});
            continue;
        }
        const row_reference st = reference_stats(x.data(), r, n);
        std::size_t at_max = 0;
        double others = 0.0;
        for (std::size_t c = 0; c < n; ++c) {
            if (x[at(c)] == st.max)
                ++at_max;
            else
                others += std::exp(x[at(c)] - st.max);
        }
        const double log_sum = at_max == 1 ? std::log1p(others) : std::log(st.sum);
        auto wq = [&](std::size_t c) {
            const double t =
                target ? (static_cast<int64_t>(c) == (*target)[pos] ? 1.0 : 0.0) : (*probs)[at(c)];
            return (weight ? weight[c] : 1.0) * ((1.0 - eps) * t + eps / static_cast<double>(n));
        };
        double s = 0.0, loss = 0.0, mag = 0.0;
        for (std::size_t c = 0; c < n; ++c) {
            const double k_c = wq(c);
            if (k_c == 0.0) continue;
            const double nlp = log_sum + (st.max - x[at(c)]);
            s += k_c;
            loss += k_c * nlp;
            mag += std::fabs(k_c * nlp);
        }
        if (target) divisor += weight ? weight[(*target)[pos]] : 1.0;
        e.per_position.push_back({loss, mag});
        sum += loss;
        scale_sum += mag;
        s_of.push_back({pos, s});
        for (std::size_t c = 0; c < n; ++c) {
            const double pr = std::exp(x[at(c)] - st.max) / st.sum;
            const double pm1 = x[at(c)] == st.max && at_max == 1 ? -others / st.sum : pr - 1.0;
            const double k_c = wq(c);
            e.grad[at(c)] = {k_c * pm1 + pr * (s - k_c),
                             std::max(std::fabs(pr * s), std::fabs(k_c))};
        }
    }
    if (!target) divisor = static_cast<double>(k.outer * k.inner);
    const double div = red == NONLIN_REDUCTION_MEAN ? divisor : 1.0;
    e.reduced = {sum / div, scale_sum / std::fabs(div)};
    const double grad_scale = red == NONLIN_REDUCTION_MEAN && divisor != 0.0 ? 1.0 / divisor : 1.0;
    for (auto& g : e.grad) {
        g.value *= grad_scale;
        g.scale *= std::fabs(grad_scale);
    }
    return e;
}

struct worst_errors {
    double loss = 0.0, grad = 0.0;
};

// Checks one call's outputs against the reference.
void check_ce(const ce_case& k, const ce_expected& want, nonlin_reduction red,
              const std::vector<float>& loss, const std::vector<float>& grad, worst_errors& worst) {
    const double loss_bound = bound_of(row_bound::cross_entropy_ex_loss, k.classes, k.inner);
    const double grad_bound = bound_of(row_bound::cross_entropy_ex_gradient, k.classes, k.inner);
    if (red == NONLIN_REDUCTION_NONE) {
        for (std::size_t p = 0; p < want.per_position.size(); ++p) {
            const double e = scaled_error(loss[p], want.per_position[p].value,
                                          std::max(want.per_position[p].scale, 1e-300));
            worst.loss = std::max(worst.loss, e);
            INFO("position " << p);
            CHECK(e <= loss_bound);
        }
    } else {
        const double e =
            scaled_error(loss[0], want.reduced.value, std::max(want.reduced.scale, 1e-300));
        worst.loss = std::max(worst.loss, e);
        CHECK(e <= loss_bound);
        CHECK(loss[1] == -1.0f);  // one value written
    }
    double g_worst = 0.0;
    for (std::size_t i = 0; i < grad.size(); ++i) {
        const double e =
            scaled_error(grad[i], want.grad[i].value, std::max(want.grad[i].scale, 1e-300));
        g_worst = std::max(g_worst, e);
    }
    INFO("gradient max error " << g_worst << " ulp");
    CHECK(g_worst <= grad_bound);
    worst.grad = std::max(worst.grad, g_worst);
}

// Calls f(weight or null, smoothing, reduction) for every combination.
template <class F>
void for_each_option(const ce_case& k, const std::vector<float>& w, F&& f) {
    for (const bool weighted : {false, true})
        for (const double eps : {0.0, 0.1, 1.0})
            for (const nonlin_reduction red : kReductions) {
                INFO("shape " << k.outer << "x" << k.classes << "x" << k.inner << " weight "
                              << weighted << " smoothing " << eps << " reduction " << red);
                f(weighted ? w.data() : nullptr, eps, red);
            }
}

}  // namespace

TEST_CASE("cross_entropy_ex matches double references for every option", "[loss_ex]") {
    FOR_EACH_ISA();
    worst_errors worst;
    for (const ce_case& k : kCeCases) {
        const std::vector<float> x = ce_logits(k);
        const std::vector<int64_t> t = ce_targets(k);
        const std::vector<float> w = uniform_values(k.classes, 0.1f, 2.0f, k.seed + 300);
        const std::size_t positions = k.outer * k.inner;
        for_each_option(k, w, [&](const float* wp, double eps, nonlin_reduction red) {
            const ce_expected want = reference_ce(k, x, &t, nullptr, wp, eps, red);
            std::vector<float> loss(positions + 1, -1.0f), grad(x.size(), -1.0f);
            REQUIRE(nonlin_cross_entropy_ex_f32(k.outer, k.classes, k.inner, x.data(), t.data(), wp,
                                                loss.data(), grad.data(), kIgnore,
                                                static_cast<float>(eps), red) == NONLIN_OK);
            check_ce(k, want, red, loss, grad, worst);
            for (std::size_t p = 0; p < positions; ++p)
                if (t[p] == kIgnore) {
                    if (red == NONLIN_REDUCTION_NONE) CHECK(loss[p] == 0.0f);
                    for (std::size_t c = 0; c < k.classes; ++c)
                        CHECK(
                            grad[(p / k.inner) * k.classes * k.inner + c * k.inner + p % k.inner] ==
                            0.0f);
                }
            // Forward only: the same loss; in place: the same gradient.
            std::vector<float> loss2(positions + 1, -1.0f), inplace = x;
            REQUIRE(nonlin_cross_entropy_ex_f32(k.outer, k.classes, k.inner, x.data(), t.data(), wp,
                                                loss2.data(), nullptr, kIgnore,
                                                static_cast<float>(eps), red) == NONLIN_OK);
            CHECK(loss2 == loss);
            REQUIRE(nonlin_cross_entropy_ex_f32(k.outer, k.classes, k.inner, inplace.data(),
                                                t.data(), wp, loss2.data(), inplace.data(), kIgnore,
                                                static_cast<float>(eps), red) == NONLIN_OK);
            CHECK(inplace == grad);
        });
    }
    report_accuracy(isa_name, "cross_entropy_ex loss", worst.loss);
    report_accuracy(isa_name, "cross_entropy_ex gradient", worst.grad);
}

TEST_CASE("cross_entropy_probs matches double references for every option", "[loss_ex]") {
    FOR_EACH_ISA();
    worst_errors worst;
    for (const ce_case& k : kCeCases) {
        const std::vector<float> x = ce_logits(k), q = ce_probs(k);
        const std::vector<float> w = uniform_values(k.classes, 0.1f, 2.0f, k.seed + 300);
        const std::size_t positions = k.outer * k.inner;
        for_each_option(k, w, [&](const float* wp, double eps, nonlin_reduction red) {
            const ce_expected want = reference_ce(k, x, nullptr, &q, wp, eps, red);
            std::vector<float> loss(positions + 1, -1.0f), grad(x.size(), -1.0f);
            REQUIRE(nonlin_cross_entropy_probs_f32(k.outer, k.classes, k.inner, x.data(), q.data(),
                                                   wp, loss.data(), grad.data(),
                                                   static_cast<float>(eps), red) == NONLIN_OK);
            check_ce(k, want, red, loss, grad, worst);
            // The gradient may replace the targets.
            std::vector<float> over_q = q;
            REQUIRE(nonlin_cross_entropy_probs_f32(k.outer, k.classes, k.inner, x.data(),
                                                   over_q.data(), wp, loss.data(), over_q.data(),
                                                   static_cast<float>(eps), red) == NONLIN_OK);
            CHECK(over_q == grad);
        });
    }
    report_accuracy(isa_name, "cross_entropy_probs loss", worst.loss);
    report_accuracy(isa_name, "cross_entropy_probs gradient", worst.grad);
}

TEST_CASE("cross_entropy_ex without options is cross_entropy to the bit", "[loss_ex]") {
    const ce_case k{33, 10, 1, 3.0, 40};
    const std::vector<float> x = ce_logits(k);
    const std::vector<int64_t> t = ce_targets(k);
    for (const nonlin_reduction red : kReductions) {
        std::vector<float> a(k.outer), b(k.outer), ga(x.size()), gb(x.size());
        REQUIRE(nonlin_cross_entropy_ex_f32(k.outer, k.classes, 1, x.data(), t.data(), nullptr,
                                            a.data(), ga.data(), kIgnore, 0.0f, red) == NONLIN_OK);
        REQUIRE(nonlin_cross_entropy_f32(k.outer, k.classes, x.data(), t.data(), b.data(),
                                         gb.data(), kIgnore, red) == NONLIN_OK);
        CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
        CHECK(ga == gb);
    }
}

TEST_CASE("cross_entropy_ex over all-ignored targets: NaN mean, zero gradients", "[loss_ex]") {
    const std::size_t outer = 3, classes = 4, inner = 2;
    const std::vector<float> x = normal_values(outer * classes * inner, 2.0, 41);
    const std::vector<int64_t> t(outer * inner, kIgnore);
    const std::vector<float> w = {1.0f, 2.0f, 3.0f, 4.0f};
    for (const float eps : {0.0f, 0.3f}) {
        float loss[2] = {-1.0f, -1.0f};
        std::vector<float> g(x.size(), -1.0f);
        REQUIRE(nonlin_cross_entropy_ex_f32(outer, classes, inner, x.data(), t.data(), w.data(),
                                            loss, g.data(), kIgnore, eps,
                                            NONLIN_REDUCTION_MEAN) == NONLIN_OK);
        CHECK(std::isnan(loss[0]));
        CHECK(g == std::vector<float>(x.size(), 0.0f));
        REQUIRE(nonlin_cross_entropy_ex_f32(outer, classes, inner, x.data(), t.data(), w.data(),
                                            loss, g.data(), kIgnore, eps,
                                            NONLIN_REDUCTION_SUM) == NONLIN_OK);
        CHECK(loss[0] == 0.0f);
    }
}

TEST_CASE("cross_entropy_ex and cross_entropy_probs reject bad calls and write nothing",
          "[loss_ex]") {
    const std::size_t outer = 2, classes = 3, inner = 2;
    const std::vector<float> x = normal_values(outer * classes * inner, 2.0, 42);
    const std::vector<float> q(x.size(), 1.0f / 3.0f), w = {1.0f, 1.0f, 1.0f};
    const std::vector<int64_t> good = {0, 1, 2, kIgnore}, bad = {0, 3, 1, 1},
                               negative = {0, -1, 1, 1};
    struct call {
        const char* what;
        const int64_t* target;
        float eps;
        int reduction;
        std::size_t classes;
        nonlin_status want;
    };
    const call calls[] = {
        {"target == classes", bad.data(), 0.0f, NONLIN_REDUCTION_MEAN, classes,
         NONLIN_ERR_BAD_TARGET},
        {"negative target", negative.data(), 0.1f, NONLIN_REDUCTION_NONE, classes,
         NONLIN_ERR_BAD_TARGET},
        {"smoothing below 0", good.data(), -0.1f, NONLIN_REDUCTION_MEAN, classes,
         NONLIN_ERR_BAD_ARGUMENT},
        {"smoothing above 1", good.data(), 1.5f, NONLIN_REDUCTION_MEAN, classes,
         NONLIN_ERR_BAD_ARGUMENT},
        {"NaN smoothing", good.data(), kNaN, NONLIN_REDUCTION_SUM, classes,
         NONLIN_ERR_BAD_ARGUMENT},
        {"unknown reduction", good.data(), 0.0f, 3, classes, NONLIN_ERR_BAD_ARGUMENT},
        {"no classes", good.data(), 0.0f, NONLIN_REDUCTION_MEAN, 0, NONLIN_ERR_BAD_SHAPE},
    };
    for (const call& c : calls) {
        INFO(c.what);
        std::vector<float> loss(outer * inner, -1.0f), g(x.size(), -1.0f);
        nonlin_reduction red;
        std::memcpy(&red, &c.reduction, sizeof red);
        CHECK(nonlin_cross_entropy_ex_f32(outer, c.classes, inner, x.data(), c.target, w.data(),
                                          loss.data(), g.data(), kIgnore, c.eps, red) == c.want);
        if (c.target == good.data())
            CHECK(nonlin_cross_entropy_probs_f32(outer, c.classes, inner, x.data(), q.data(),
                                                 w.data(), loss.data(), g.data(), c.eps,
                                                 red) == c.want);
        CHECK(loss == std::vector<float>(outer * inner, -1.0f));
        CHECK(g == std::vector<float>(x.size(), -1.0f));
    }
    // Weights read for every row may not share memory with an output, not
    // even as the same array.
    std::vector<float> shared(classes, 1.0f), g(x.size());
    CHECK(nonlin_cross_entropy_ex_f32(1, classes, 1, x.data(), good.data(), shared.data(),
                                      shared.data(), g.data(), kIgnore, 0.0f,
                                      NONLIN_REDUCTION_NONE) == NONLIN_ERR_OVERLAP);
    CHECK(nonlin_cross_entropy_probs_f32(outer, classes, inner, x.data(), q.data(), w.data(),
                                         nullptr, g.data(), 0.0f,
                                         NONLIN_REDUCTION_MEAN) == NONLIN_ERR_NULL_POINTER);
}

namespace {

struct bce_expected {
    std::vector<bounded> loss, grad;
    bounded reduced;
};

// The header's formula in double, its terms' magnitudes as the bounds
// state them.
bce_expected reference_bce(std::size_t rows, std::size_t classes, const std::vector<float>& x,
                           const std::vector<float>& t, const float* w, const float* pw,
                           nonlin_reduction red) {
    bce_expected e;
    double sum = 0.0, mag_sum = 0.0;
    const double count = static_cast<double>(rows * classes);
    const double scale = red == NONLIN_REDUCTION_MEAN ? 1.0 / count : 1.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const std::size_t c = i % classes;
        const double v = x[i], tv = t[i], wc = w ? w[c] : 1.0, pwc = pw ? pw[c] : 1.0;
        const double lw = 1.0 + (pwc - 1.0) * tv;
        const double l = std::log1p(std::exp(-std::fabs(v)));
        const double a = std::max(v, 0.0) * (1.0 - tv), b = std::min(v, 0.0) * pwc * tv;
        const double loss = wc * (a - b + lw * l);
        const double mag = std::fabs(wc) * (std::fabs(a) + std::fabs(b) + std::fabs(lw * l));
        const double sg = 1.0 / (1.0 + std::exp(std::fabs(v)));  // sigmoid(-|x|)
        const double g = v >= 0 ? (1.0 - tv) - lw * sg : lw * sg - pwc * tv;
        e.loss.push_back({loss, mag});
        e.grad.push_back(
            {wc * g * scale, std::fabs(wc) *
                                 (std::fabs(1.0 - tv) + std::fabs(pwc * tv) + std::fabs(lw * sg)) *
                                 scale});
        sum += loss;
        mag_sum += mag;
    }
    const double div = red == NONLIN_REDUCTION_MEAN ? count : 1.0;
    e.reduced = {sum / div, mag_sum / div};
    return e;
}

struct bce_case {
    std::size_t rows, classes;
    double sigma;  // of the logits
    bool hard;     // targets 0 or 1, else in [0, 1]
    uint32_t seed;
};

const bce_case kBceCases[] = {
    {37, 10, 4.0, false, 50}, {5, 1, 4.0, true, 51},   {3, 1000, 10.0, false, 52},
    {7, 33, 1e29, false, 53}, {9, 17, 1e29, true, 54}, {11, 8, 30.0, true, 55},
};

}  // namespace

TEST_CASE("binary_cross_entropy_with_logits matches double references", "[loss_ex]") {
    FOR_EACH_ISA();
    worst_errors worst;
    for (const bce_case& k : kBceCases) {
        const std::size_t n = k.rows * k.classes;
        const std::vector<float> x = normal_values(n, k.sigma, k.seed);
        std::vector<float> t = uniform_values(n, 0.0f, 1.0f, k.seed + 1);
        if (k.hard)
            for (float& v : t) v = v < 0.5f ? 0.0f : 1.0f;
        const std::vector<float> w = uniform_values(k.classes, 0.1f, 2.0f, k.seed + 2);
        const std::vector<float> pw = uniform_values(k.classes, 0.0f, 5.0f, k.seed + 3);
        for (const bool weighted : {false, true})
            for (const bool positive_weighted : {false, true})
                for (const nonlin_reduction red : kReductions) {
                    INFO("shape " << k.rows << "x" << k.classes << " sigma " << k.sigma
                                  << " weight " << weighted << " pos_weight " << positive_weighted
                                  << " reduction " << red);
                    const float* wp = weighted ? w.data() : nullptr;
                    const float* pwp = positive_weighted ? pw.data() : nullptr;
                    const bce_expected want = reference_bce(k.rows, k.classes, x, t, wp, pwp, red);
                    std::vector<float> loss(n + 1, -1.0f), g(n, -1.0f);
                    REQUIRE(nonlin_binary_cross_entropy_with_logits_f32(
                                k.rows, k.classes, x.data(), t.data(), wp, pwp, loss.data(),
                                g.data(), red) == NONLIN_OK);
                    double lw = 0.0, gw = 0.0;
                    if (red == NONLIN_REDUCTION_NONE) {
                        for (std::size_t i = 0; i < n; ++i)
                            lw = std::max(lw, scaled_error(loss[i], want.loss[i].value,
                                                           std::max(want.loss[i].scale, 1e-300)));
                    } else {
                        lw = scaled_error(loss[0], want.reduced.value,
                                          std::max(want.reduced.scale, 1e-300));
                        CHECK(loss[1] == -1.0f);
                    }
                    for (std::size_t i = 0; i < n; ++i)
                        gw = std::max(gw, scaled_error(g[i], want.grad[i].value,
                                                       std::max(want.grad[i].scale, 1e-300)));
                    INFO("loss " << lw << " ulp, gradient " << gw << " ulp");
                    CHECK(lw <= bound_of(row_bound::bce_with_logits_loss));
                    CHECK(gw <= bound_of(row_bound::bce_with_logits_gradient));
                    worst.loss = std::max(worst.loss, lw);
                    worst.grad = std::max(worst.grad, gw);
                    // In place over the logits and over the targets.
                    std::vector<float> over_x = x, over_t = t, loss2(n + 1, -1.0f);
                    REQUIRE(nonlin_binary_cross_entropy_with_logits_f32(
                                k.rows, k.classes, over_x.data(), t.data(), wp, pwp, loss2.data(),
                                over_x.data(), red) == NONLIN_OK);
                    CHECK(over_x == g);
                    CHECK(loss2 == loss);
                    REQUIRE(nonlin_binary_cross_entropy_with_logits_f32(
                                k.rows, k.classes, x.data(), over_t.data(), wp, pwp, loss2.data(),
                                over_t.data(), red) == NONLIN_OK);
                    CHECK(over_t == g);
                }
    }
    report_accuracy(isa_name, "bce_with_logits loss", worst.loss);
    report_accuracy(isa_name, "bce_with_logits gradient", worst.grad);
}

TEST_CASE("binary_cross_entropy_with_logits rejects bad calls and writes nothing", "[loss_ex]") {
    const std::vector<float> x = {1.0f, -2.0f, 3.0f, 0.5f}, t = {1.0f, 0.0f, 0.5f, 1.0f};
    std::vector<float> loss(4, -1.0f), g(4, -1.0f), w = {1.0f, 2.0f};
    nonlin_reduction bad;
    const int three = 3;
    std::memcpy(&bad, &three, sizeof bad);
    CHECK(nonlin_binary_cross_entropy_with_logits_f32(2, 2, x.data(), t.data(), nullptr, nullptr,
                                                      loss.data(), g.data(),
                                                      bad) == NONLIN_ERR_BAD_ARGUMENT);
    CHECK(nonlin_binary_cross_entropy_with_logits_f32(
              2, 0, x.data(), t.data(), nullptr, nullptr, loss.data(), g.data(),
              NONLIN_REDUCTION_MEAN) == NONLIN_ERR_BAD_SHAPE);
    CHECK(nonlin_binary_cross_entropy_with_logits_f32(
              2, 2, x.data(), nullptr, nullptr, nullptr, loss.data(), g.data(),
              NONLIN_REDUCTION_MEAN) == NONLIN_ERR_NULL_POINTER);
    CHECK(nonlin_binary_cross_entropy_with_logits_f32(2, 2, x.data(), t.data(), w.data(), nullptr,
                                                      loss.data(), w.data(),
                                                      NONLIN_REDUCTION_MEAN) == NONLIN_ERR_OVERLAP);
    CHECK(nonlin_binary_cross_entropy_with_logits_f32(2, 2, x.data(), t.data(), nullptr, w.data(),
                                                      w.data(), g.data(),
                                                      NONLIN_REDUCTION_SUM) == NONLIN_ERR_OVERLAP);
    CHECK(loss == std::vector<float>(4, -1.0f));
    CHECK(g == std::vector<float>(4, -1.0f));
    // Empty: 0 for SUM, NaN for MEAN.
    CHECK(nonlin_binary_cross_entropy_with_logits_f32(0, 2, nullptr, nullptr, nullptr, nullptr,
                                                      loss.data(), nullptr,
                                                      NONLIN_REDUCTION_MEAN) == NONLIN_OK);
    CHECK(std::isnan(loss[0]));
}

TEST_CASE("the new losses are bitwise identical for any thread count", "[loss_ex][threads]") {
    const std::size_t outer = 64, classes = 300, inner = 3;
    const std::vector<float> x = normal_values(outer * classes * inner, 3.0, 60);
    const ce_case k{outer, classes, inner, 3.0, 60};
    const std::vector<int64_t> t = ce_targets(k);
    const std::vector<float> q = ce_probs(k), w = uniform_values(classes, 0.1f, 2.0f, 61);
    auto run = [&](int threads) {
        REQUIRE(nonlin_set_num_threads(threads) == NONLIN_OK);
        std::vector<float> out(3 + x.size() * 3);
        float* g = out.data() + 3;
        REQUIRE(nonlin_cross_entropy_ex_f32(outer, classes, inner, x.data(), t.data(), w.data(),
                                            &out[0], g, kIgnore, 0.1f,
                                            NONLIN_REDUCTION_MEAN) == NONLIN_OK);
        REQUIRE(nonlin_cross_entropy_probs_f32(outer, classes, inner, x.data(), q.data(), w.data(),
                                               &out[1], g + x.size(), 0.1f,
                                               NONLIN_REDUCTION_SUM) == NONLIN_OK);
        REQUIRE(nonlin_binary_cross_entropy_with_logits_f32(
                    outer * inner, classes, x.data(), q.data(), w.data(), w.data(), &out[2],
                    g + 2 * x.size(), NONLIN_REDUCTION_MEAN) == NONLIN_OK);
        return out;
    };
    const std::vector<float> one = run(1);
    for (const int threads : {2, 3, 8}) {
        INFO(threads << " threads");
        const std::vector<float> many = run(threads);
        CHECK(std::memcmp(one.data(), many.data(), one.size() * sizeof(float)) == 0);
    }
    REQUIRE(nonlin_set_num_threads(0) == NONLIN_OK);
}
