// The masked, scaled softmax and log_softmax: accuracy against double on
// every shape path with and without a mask, the empty-row modes, the
// special rows, agreement with the plain functions, the backward through
// softmax's, and the checks.
#include "reference.hpp"
#include "row_bounds.hpp"
#include "row_shapes.hpp"
#include "support.hpp"

using namespace nonlin_test;

namespace {

using masked_fn = nonlin_status (*)(size_t, size_t, size_t, size_t, const float*,
                                    const uint8_t*, float*, float, nonlin_empty_row);

masked_fn masked(bool log) { return log ? nonlin_masked_log_softmax_f32 : nonlin_masked_softmax_f32; }

// About 70% kept, with the first row of every mask slice fully masked, so
// that each call holds empty rows.
std::vector<uint8_t> random_mask(std::size_t n, std::size_t row_stride, std::size_t axis,
                                 uint32_t seed) {
    std::mt19937 gen(seed);
    std::vector<uint8_t> m(n);
    for (auto& b : m) b = gen() % 10 < 7 ? static_cast<uint8_t>(1 + gen() % 255) : 0;
    for (std::size_t a = 0; a < axis; ++a) m[a * row_stride] = 0;
    return m;
}

struct mask_case {
    const char* what;
    std::size_t mask_outer;  // 0: no mask
};

}  // namespace

TEST_CASE("masked softmax and log_softmax are within their bounds on every shape path",
          "[masked_softmax]") {
    FOR_EACH_ISA();
    for (const bool log : {false, true}) {
        double overall = 0.0;
        for (const shape& s : kShapes) {
            const mask_case cases[] = {{"no mask", 0}, {"one mask slice", 1},
                                       {"a mask per slice", s.outer}};
            for (const mask_case& mc : cases) {
                for (const float scale : {1.0f, 0.125f, 3.0f}) {
                    for (const nonlin_empty_row mode : {NONLIN_EMPTY_ROW_NAN, NONLIN_EMPTY_ROW_ZERO}) {
                        INFO((log ? "masked_log_softmax " : "masked_softmax ")
                             << s.outer << "x" << s.axis << "x" << s.inner << ", " << mc.what
                             << ", scale " << scale << ", mode " << mode);
                        const std::vector<float> x = normal_values(total(s), 3.0, 31);
                        const std::vector<uint8_t> mask =
                            random_mask(std::max<std::size_t>(mc.mask_outer, 1) * s.axis * s.inner,
                                        s.inner, s.axis, 32);
                        const uint8_t* mp = mc.mask_outer ? mask.data() : nullptr;
                        std::vector<float> y(x.size(), -1.0f);
                        REQUIRE(masked(log)(s.outer, s.axis, s.inner, mc.mask_outer, x.data(), mp,
                                            y.data(), scale, mode) == NONLIN_OK);
                        const auto want = reference_masked_softmax(
                            x, mp, mc.mask_outer, s.outer, s.axis, s.inner, scale, log,
                            mode == NONLIN_EMPTY_ROW_ZERO);
                        const double err = max_error(y, want, log);
                        INFO("max error " << err << " ulp");
                        CHECK(err <= bound_of(log ? row_bound::masked_log_softmax
                                                  : row_bound::masked_softmax,
                                              s.axis, s.inner));
                        overall = std::max(overall, err);
                        // Masked entries are exactly 0 (-inf) wherever the row has a softmax.
                        for (std::size_t k = 0; k < y.size(); ++k)
                            if (!std::isnan(want[k]) && std::isinf(want[k]))
                                REQUIRE(y[k] == -kInf);
                        std::vector<float> inplace = x;
                        REQUIRE(masked(log)(s.outer, s.axis, s.inner, mc.mask_outer,
                                            inplace.data(), mp, inplace.data(), scale,
                                            mode) == NONLIN_OK);
                        CHECK(std::memcmp(inplace.data(), y.data(), y.size() * sizeof(float)) == 0);
                    }
                }
            }
        }
        report_accuracy(isa_name, log ? "masked_log_softmax" : "masked_softmax", overall);
    }
}

TEST_CASE("masked log_softmax is relatively accurate at a dominant maximum",
          "[masked_softmax]") {
    FOR_EACH_ISA();
    double worst = 0.0;
    for (const std::size_t inner : {std::size_t{1}, std::size_t{3}}) {
        for (const float scale : {1.0f, 0.5f, 2.0f}) {
            const std::size_t n = 40;
            std::vector<float> x = normal_values(n * inner, 1.0, 33);
            for (std::size_t i = 0; i < inner; ++i) x[7 * inner + i] = 40.0f;
            std::vector<float> y(x.size());
            REQUIRE(nonlin_masked_log_softmax_f32(1, n, inner, 0, x.data(), nullptr, y.data(),
                                                  scale, NONLIN_EMPTY_ROW_NAN) == NONLIN_OK);
            for (std::size_t i = 0; i < inner; ++i) {
                // -log1p(sum of the other terms): 1 + rest would lose rest in double.
                double rest = 0.0;
                for (std::size_t a = 0; a < n; ++a)
                    if (a != 7) rest += std::exp(scale * (double(x[a * inner + i]) - 40.0));
                const double want = -std::log1p(rest);
                const std::size_t k = 7 * inner + i;
                INFO("scale " << scale << " inner " << inner << " got " << y[k] << " want "
                              << want);
                REQUIRE(y[k] < 0.0f);
                worst = std::max(worst, ulp_error(y[k], want));
            }
        }
    }
    CHECK(worst <= bound_of(row_bound::masked_log_softmax_maximum));
    report_accuracy(isa_name, "masked_log_softmax dominant", worst);
}

TEST_CASE("masked softmax without a mask, scale 1 and NaN rows is the plain function, bit for bit",
          "[masked_softmax]") {
    FOR_EACH_ISA();
    std::vector<shape> shapes(std::begin(kShapes), std::end(kShapes));
    shapes.push_back({1, (std::size_t{1} << 16) + 3, 1});  // the long-row path
    for (const shape& s : shapes) {
        std::vector<float> x = normal_values(total(s), 5.0, 34);
        x[0] = -kInf;
        if (x.size() > 9) x[9] = kNaN;
        for (const bool log : {false, true}) {
            INFO((log ? "log " : "") << s.outer << "x" << s.axis << "x" << s.inner);
            std::vector<float> want(x.size()), got(x.size());
            REQUIRE((log ? nonlin_log_softmax_f32 : nonlin_softmax_f32)(s.outer, s.axis, s.inner,
                                                                       x.data(), want.data()) ==
                    NONLIN_OK);
            REQUIRE(masked(log)(s.outer, s.axis, s.inner, 0, x.data(), nullptr, got.data(), 1.0f,
                                NONLIN_EMPTY_ROW_NAN) == NONLIN_OK);
            CHECK(std::memcmp(want.data(), got.data(), x.size() * sizeof(float)) == 0);
        }
    }
}

TEST_CASE("masked softmax special rows", "[masked_softmax]") {
    FOR_EACH_ISA();
    struct special {
        const char* what;
        std::vector<float> x;
        std::vector<uint8_t> mask;
        // Per mode (NaN, zero): 'n' NaN row, 'z' zero row, 'v' a softmax.
        char nan_mode, zero_mode;
    };
    const std::vector<float> v = {0.5f, -1.0f, 2.0f, 0.0f, 1.0f};
    const std::vector<uint8_t> all(5, 1), none(5, 0), some = {1, 0, 1, 0, 1};
    const std::vector<special> rows = {
        {"every entry masked", v, none, 'n', 'z'},
        {"every entry -inf", std::vector<float>(5, -kInf), all, 'n', 'z'},
        {"kept entries -inf", {-kInf, 3.0f, -kInf, 1.0f, -kInf}, some, 'n', 'z'},
        {"a kept NaN", {0.5f, 1.0f, kNaN, 0.0f, 1.0f}, some, 'n', 'n'},
        {"a kept NaN among -inf", {-kInf, 1.0f, kNaN, 0.0f, -kInf}, some, 'n', 'n'},
        {"a kept +inf", {kInf, 1.0f, 0.0f, 0.0f, 1.0f}, some, 'n', 'n'},
        {"a masked NaN and +inf", {0.5f, kNaN, 2.0f, kInf, 1.0f}, some, 'v', 'v'},
        {"huge values", {1e30f, -3e38f, 3e38f, 1.0f, -1e30f}, all, 'v', 'v'},
    };
    for (const std::size_t inner : {std::size_t{1}, std::size_t{2}}) {
        for (const special& r : rows) {
            // The row repeated inner times along the inner axis.
            std::vector<float> x;
            std::vector<uint8_t> mask;
            for (std::size_t a = 0; a < 5; ++a)
                for (std::size_t i = 0; i < inner; ++i) {
                    x.push_back(r.x[a]);
                    mask.push_back(r.mask[a]);
                }
            for (const bool log : {false, true}) {
                for (const nonlin_empty_row mode : {NONLIN_EMPTY_ROW_NAN, NONLIN_EMPTY_ROW_ZERO}) {
                    INFO(r.what << (log ? ", log" : "") << ", mode " << mode << ", inner " << inner);
                    std::vector<float> y(x.size());
                    REQUIRE(masked(log)(1, 5, inner, 1, x.data(), mask.data(), y.data(), 0.5f,
                                        mode) == NONLIN_OK);
                    const char want = mode == NONLIN_EMPTY_ROW_NAN ? r.nan_mode : r.zero_mode;
                    for (std::size_t k = 0; k < y.size(); ++k) {
                        if (want == 'n') REQUIRE(std::isnan(y[k]));
                        if (want == 'z') REQUIRE(y[k] == 0.0f);
                        if (want == 'v' && !mask[k]) REQUIRE(y[k] == (log ? -kInf : 0.0f));
                        if (want == 'v' && mask[k]) REQUIRE(!std::isnan(y[k]));
                    }
                }
            }
        }
    }
    // A scale that overflows scale * (x - max) gives 0 (-inf), never NaN.
    const std::vector<float> wide = {1e30f, -1e30f, 3e38f, 2e29f, -3e38f};
    for (const bool log : {false, true}) {
        std::vector<float> y(5);
        REQUIRE(masked(log)(1, 5, 1, 0, wide.data(), nullptr, y.data(), 1e30f,
                            NONLIN_EMPTY_ROW_NAN) == NONLIN_OK);
        for (std::size_t k = 0; k < 5; ++k) {
            INFO("log " << log << " entry " << k);
            CHECK(y[k] == (k == 2 ? (log ? 0.0f : 1.0f) : (log ? -kInf : 0.0f)));
        }
    }
    // Without a mask, the zero mode turns rows of all -inf into zeros and
    // leaves the others as the plain functions give them.
    std::vector<float> x = {-kInf, -kInf, -kInf, 1.0f, 2.0f, 3.0f}, y(6), plain(6);
    for (const bool log : {false, true}) {
        REQUIRE(masked(log)(2, 3, 1, 0, x.data(), nullptr, y.data(), 1.0f,
                            NONLIN_EMPTY_ROW_ZERO) == NONLIN_OK);
        REQUIRE((log ? nonlin_log_softmax_f32 : nonlin_softmax_f32)(2, 3, 1, x.data(),
                                                                   plain.data()) == NONLIN_OK);
        for (std::size_t k = 0; k < 3; ++k) CHECK(y[k] == 0.0f);
        for (std::size_t k = 3; k < 6; ++k) CHECK(std::fabs(y[k] - plain[k]) <= 1e-6f * std::fabs(plain[k]));
    }
}

TEST_CASE("the masked softmax's backward is softmax's: masked entries get exactly 0",
          "[masked_softmax][gradient]") {
    FOR_EACH_ISA();
    for (const shape& s : {shape{6, 9, 1}, shape{2, 33, 1}, shape{3, 7, 5}}) {
        INFO(s.outer << "x" << s.axis << "x" << s.inner);
        const std::vector<float> x = normal_values(total(s), 2.0, 35);
        const std::vector<float> dy = normal_values(total(s), 1.0, 36);
        const std::vector<uint8_t> mask = random_mask(total(s), s.inner, s.axis, 37);
        std::vector<float> y(x.size()), dx(x.size());
        REQUIRE(nonlin_masked_softmax_f32(s.outer, s.axis, s.inner, s.outer, x.data(), mask.data(),
                                          y.data(), 1.0f, NONLIN_EMPTY_ROW_ZERO) == NONLIN_OK);
        REQUIRE(nonlin_softmax_backward_f32(s.outer, s.axis, s.inner, y.data(), dy.data(),
                                            dx.data()) == NONLIN_OK);
        for (std::size_t k = 0; k < x.size(); ++k) {
            if (mask[k] == 0) REQUIRE(dx[k] == 0.0f);
            REQUIRE(!std::isnan(dx[k]));
        }
        // Kept entries: the gradient of the softmax restricted to them, by
        // central differences of the forward.
        const std::size_t j = s.inner * 2;  // some entry of the first row
        if (mask[j] == 0) continue;
        auto objective = [&](std::vector<float> at) {
            std::vector<float> out(at.size());
            REQUIRE(nonlin_masked_softmax_f32(s.outer, s.axis, s.inner, s.outer, at.data(),
                                              mask.data(), out.data(), 1.0f,
                                              NONLIN_EMPTY_ROW_ZERO) == NONLIN_OK);
            double l = 0.0;
            for (std::size_t k = 0; k < out.size(); ++k) l += double(dy[k]) * out[k];
            return l;
        };
        std::vector<float> up = x, down = x;
        up[j] += 1.0f / 64.0f;
        down[j] -= 1.0f / 64.0f;
        const double fd = (objective(up) - objective(down)) / (double(up[j]) - down[j]);
        CHECK(std::fabs(fd - dx[j]) <= 1e-3 * std::max(std::fabs(fd), 1e-1));
    }
}

TEST_CASE("masked softmax rejects bad arguments and writes nothing", "[masked_softmax][errors]") {
    std::vector<float> x = normal_values(24, 1.0, 38), y(24, 7.0f);
    std::vector<uint8_t> mask(24, 1);
    struct bad {
        const char* what;
        nonlin_status want;
        size_t outer, mask_outer;
        const float* x;
        const uint8_t* mask;
        float* y;
        float scale;
        // Values outside the enum are rejected too (tests/c_client.c), but
        // C++ cannot hold them in a nonlin_empty_row without undefined
        // behaviour.
        nonlin_empty_row mode;
    };
    float* out = y.data();
    const nonlin_empty_row nan_row = NONLIN_EMPTY_ROW_NAN, zero_row = NONLIN_EMPTY_ROW_ZERO;
    const bad cases[] = {
        {"zero scale", NONLIN_ERR_BAD_ARGUMENT, 4, 1, x.data(), mask.data(), out, 0.0f, nan_row},
        {"negative scale", NONLIN_ERR_BAD_ARGUMENT, 4, 1, x.data(), mask.data(), out, -1.0f, nan_row},
        {"NaN scale", NONLIN_ERR_BAD_ARGUMENT, 4, 1, x.data(), nullptr, out, kNaN, zero_row},
        {"infinite scale", NONLIN_ERR_BAD_ARGUMENT, 4, 1, x.data(), mask.data(), out, kInf, nan_row},
        {"mask_outer 0", NONLIN_ERR_BAD_SHAPE, 4, 0, x.data(), mask.data(), out, 1.0f, nan_row},
        {"mask_outer not dividing outer", NONLIN_ERR_BAD_SHAPE, 4, 3, x.data(), mask.data(), out, 1.0f, nan_row},
        {"mask_outer above outer", NONLIN_ERR_BAD_SHAPE, 2, 4, x.data(), mask.data(), out, 1.0f, nan_row},
        {"null x", NONLIN_ERR_NULL_POINTER, 4, 1, nullptr, mask.data(), out, 1.0f, nan_row},
        {"null y", NONLIN_ERR_NULL_POINTER, 4, 2, x.data(), nullptr, nullptr, 1.0f, zero_row},
        {"y inside x", NONLIN_ERR_OVERLAP, 2, 1, x.data(), nullptr, x.data() + 3, 1.0f, zero_row},
        {"y over the mask", NONLIN_ERR_OVERLAP, 4, 1, x.data(),
         reinterpret_cast<const uint8_t*>(out), out, 1.0f, nan_row},
    };
    for (const bad& c : cases) {
        for (const bool log : {false, true}) {
            INFO(c.what << (log ? " (log)" : ""));
            const std::vector<float> before_x = x;
            CHECK(masked(log)(c.outer, 3, 2, c.mask_outer, c.x, c.mask, c.y, c.scale, c.mode) ==
                  c.want);
            for (float v : y) REQUIRE(v == 7.0f);
            CHECK(std::memcmp(before_x.data(), x.data(), x.size() * sizeof(float)) == 0);
        }
    }
    // Empty tensors are no-ops once the arguments are valid; without a mask
    // mask_outer is not looked at.
    CHECK(nonlin_masked_softmax_f32(0, 3, 2, 0, nullptr, mask.data(), nullptr, 1.0f,
                                    NONLIN_EMPTY_ROW_ZERO) == NONLIN_OK);
    CHECK(nonlin_masked_log_softmax_f32(4, 3, 2, 5, x.data(), nullptr, y.data(), 2.0f,
                                        NONLIN_EMPTY_ROW_ZERO) == NONLIN_OK);
}
