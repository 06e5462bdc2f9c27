// Forward accuracy of the elementwise ops over the whole float range: a
// sweep of 2^24 floats spread evenly over the ordered float range, plus
// runs of consecutive floats around every point where the method changes
// (0, the tanh polynomial's threshold, exp's range-reduction boundaries,
// the underflow and saturation thresholds). Asserts the documented ulp bound
// and monotonicity, on every ISA.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "elementwise_ops.hpp"
#include "support.hpp"

using namespace nonlin_test;

namespace {

// The sweep, in increasing order: every 256th float from -inf to +inf
// (NaNs excluded), then the dense runs of 65536 floats. NONLIN_TEST_SWEEP_THIN=k
// (support.hpp) thins both by 2^k: every 256 * 2^k-th float and runs of
// 65536 / 2^k around the same points.

struct sweep {
    std::vector<float> ordered;  // the evenly spread part, sorted
    std::vector<float> runs;     // dense runs, each sorted, concatenated
    std::vector<std::size_t> run_starts;
};

const sweep& the_sweep() {
    static const sweep s = [] {
        sweep w;
        const unsigned thin = sweep_thinning();
        if (thin) std::printf("accuracy: sweep thinned by 2^%u (NONLIN_TEST_SWEEP_THIN)\n", thin);
        const uint32_t stride = 256u << thin, half_run = 32768u >> thin;
        const uint32_t inf_bits = 0x7f800000u;
        for (uint32_t b = inf_bits; b >= stride; b -= stride) w.ordered.push_back(-from_bits(b));
        for (uint32_t b = 0; b <= inf_bits; b += stride) w.ordered.push_back(from_bits(b));
        const double ln2 = std::log(2.0);
        std::vector<double> centers = {0.0, 0.55, -0.55, 9.0, -9.0, 16.6, -16.6, -87.3,
                                       -88.7, -103.97, -104.0, 88.72, 44.36,
                                       // the piecewise ops' kinks, expm1's and erfc's
                                       // method boundaries, the zeros of gelu', silu',
                                       // mish', and the deep negative tails
                                       3.0, -3.0, -1.5, 6.0, 0.34, -0.34, -0.7517915,
                                       -1.2784645, -1.1924312, -13.0, -64.0, -90.0, 20.0, -20.0};
        for (int k = 0; k < 6; ++k) {
            centers.push_back(-(k + 0.5) * ln2);        // sigmoid's reduction boundaries
            centers.push_back((k + 0.5) * ln2 / 2.0);   // tanh's, for exp(-2|x|)
        }
        for (double c : centers) {
            w.run_starts.push_back(w.runs.size());
            float start = static_cast<float>(c);
            for (uint32_t i = 0; i < half_run; ++i) start = std::nextafter(start, -kInf);
            append_run(w.runs, start, 2 * half_run);
        }
        return w;
    }();
    return s;
}

struct worst {
    double ulp = 0.0;
    float at = 0.0f;
};

worst measure(const elementwise_case& op, const std::vector<float>& x, std::vector<float>& y,
              bool fast) {
    y.assign(x.size(), 0.0f);
    REQUIRE(op.forward(x.size(), x.data(), y.data()) == NONLIN_OK);
    worst w;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double e = tier_ulp_error(y[i], op.reference(x[i]), fast);
        if (e > w.ulp) w = {e, x[i]};
    }
    return w;
}

// Index of the first pair x[i] < x[i+1] with y[i] > y[i+1], or npos.
std::size_t first_decrease(const std::vector<float>& y, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i + 1 < end; ++i)
        if (y[i] > y[i + 1]) return i;
    return std::string::npos;
}

}  // namespace

TEST_CASE("forward ops are within their ulp bound and monotone over the float range",
          "[accuracy]") {
    FOR_EACH_ISA_AND_TIER();
    const sweep& s = the_sweep();
    for (const elementwise_case& op : kElementwiseCases) {
        if (op.gradient_only || (fast_tier && !op.fast_kernel)) continue;
        INFO("op " << op.name);
        std::vector<float> y;
        const worst spread = measure(op, s.ordered, y, fast_tier);
        if (op.monotone) CHECK(first_decrease(y, 0, y.size()) == std::string::npos);
        std::vector<float> yr;
        const worst dense = measure(op, s.runs, yr, fast_tier);
        for (std::size_t r = 0; op.monotone && r < s.run_starts.size(); ++r) {
            const std::size_t end = r + 1 < s.run_starts.size() ? s.run_starts[r + 1] : yr.size();
            const std::size_t at = first_decrease(yr, s.run_starts[r], end);
            INFO("decrease at x = " << (at == std::string::npos ? 0.0f : s.runs[at]));
            CHECK(at == std::string::npos);
        }
        const worst w = spread.ulp >= dense.ulp ? spread : dense;
        report_accuracy(isa_name, fast_tier, op.name, w.ulp);
        INFO("max error " << w.ulp << " ulp at x = " << w.at);
        CHECK(w.ulp <= op.forward_bound(fast_tier));
    }
}

// On avx512 the fast sigmoid's exp reads 2^(k/32) from a table
// (src/math/fast.hpp): at each join between entries, x = -(n + 1/2) ln2 / 32,
// the rounding errors of neighbouring entries meet, and with every entry
// rounded to nearest sigmoid stepped back at three of them. Runs of 2048
// floats around every join with |x| < 2 (beyond, one float step moves
// sigmoid by more than the entries' errors), in both tiers on every ISA.
TEST_CASE("sigmoid is monotone and within its bound across the exp table's joins",
          "[accuracy]") {
    FOR_EACH_ISA_AND_TIER();
    const elementwise_case& op = *std::find_if(
        std::begin(kElementwiseCases), std::end(kElementwiseCases),
        [](const elementwise_case& c) { return std::string(c.name) == "sigmoid"; });
    std::vector<float> x;
    std::vector<std::size_t> starts;
    for (int n = -96; n <= 96; ++n) {
        float start = static_cast<float>(-(n + 0.5) * std::log(2.0) / 32.0);
        for (int i = 0; i < 1024; ++i) start = std::nextafter(start, -kInf);
        starts.push_back(x.size());
        append_run(x, start, 2048);
    }
    std::vector<float> y;
    const worst w = measure(op, x, y, fast_tier);
    for (std::size_t r = 0; r < starts.size(); ++r) {
        const std::size_t end = r + 1 < starts.size() ? starts[r + 1] : y.size();
        const std::size_t at = first_decrease(y, starts[r], end);
        INFO("decrease at x = " << (at == std::string::npos ? 0.0f : x[at]));
        CHECK(at == std::string::npos);
    }
    INFO("max error " << w.ulp << " ulp at x = " << w.at);
    CHECK(w.ulp <= op.forward_bound(fast_tier));
}

// The backward of the ops that take x, over the same sweep, with dy drawn
// from [-5, 5]: error in ulp of dx, or (near the zeros of f') of the
// magnitude the row names.
TEST_CASE("backward from the input is within its bound over the float range",
          "[accuracy][gradient]") {
    FOR_EACH_ISA_AND_TIER();
    const sweep& s = the_sweep();
    std::vector<float> x = s.ordered;
    x.insert(x.end(), s.runs.begin(), s.runs.end());
    const std::vector<float> dy = uniform_values(x.size(), -5.0f, 5.0f, 11);
    std::vector<float> dx(x.size());
    for (const elementwise_case& op : kElementwiseCases) {
        if (op.backward_from_output || (fast_tier && !op.fast_kernel)) continue;
        INFO("op " << op.name);
        REQUIRE(op.backward(x.size(), x.data(), dy.data(), dx.data()) == NONLIN_OK);
        worst w;
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double want = op.backward_reference(x[i], dy[i]);
            const double e = op.backward_scale
                                 ? scaled_error(dx[i], want,
                                                std::max(std::fabs(want),
                                                         op.backward_scale(x[i], dy[i])))
                                 : tier_ulp_error(dx[i], want, fast_tier);
            if (e > w.ulp) w = {e, x[i]};
        }
        report_accuracy(isa_name, fast_tier, op.backward_name, w.ulp);
        INFO("max error " << w.ulp << " ulp at x = " << w.at);
        CHECK(w.ulp <= op.backward_bound(fast_tier));
    }
}

TEST_CASE("forward special values", "[accuracy]") {
    FOR_EACH_ISA_AND_TIER();
    const float x[] = {kNaN, kInf, -kInf, 0.0f, -0.0f, 1e-45f, -1e-45f, 100.0f, -100.0f};
    float y[9];
    REQUIRE(nonlin_sigmoid_f32(9, x, y) == NONLIN_OK);
    CHECK(std::isnan(y[0]));
    CHECK(y[1] == 1.0f);
    CHECK(y[2] == 0.0f);
    CHECK(y[3] == 0.5f);
    CHECK(y[4] == 0.5f);
    CHECK(y[7] == 1.0f);
    // sigmoid(-100) = 3.72e-44 is subnormal: returned, not flushed (the
    // fast tier may flush it).
    CHECK((y[8] > 0.0f || fast_tier));
    CHECK(tier_ulp_error(y[8], sigmoid_of(-100.0), fast_tier) <= 1.0);
    // Well inside the range, a result is never flushed.
    const float deep = -80.0f;
    REQUIRE(nonlin_sigmoid_f32(1, &deep, y) == NONLIN_OK);
    CHECK(ulp_error(y[0], sigmoid_of(-80.0)) <= (fast_tier ? 4.0 : 1.0));
    REQUIRE(nonlin_exp_f32(9, x, y) == NONLIN_OK);
    CHECK(std::isnan(y[0]));
    CHECK(y[1] == kInf);
    CHECK(y[2] == 0.0f);
    CHECK(y[3] == 1.0f);
    CHECK(y[4] == 1.0f);
    CHECK(y[7] == kInf);
    CHECK(tier_ulp_error(y[8], std::exp(-100.0), fast_tier) <= 1.0);

    REQUIRE(nonlin_tanh_f32(9, x, y) == NONLIN_OK);
    CHECK(std::isnan(y[0]));
    CHECK(y[1] == 1.0f);
    CHECK(y[2] == -1.0f);
    CHECK((y[3] == 0.0f && !std::signbit(y[3])));
    CHECK((y[4] == 0.0f && std::signbit(y[4])));
    CHECK(y[5] == 1e-45f);
    CHECK(y[6] == -1e-45f);
    CHECK(y[7] == 1.0f);
    CHECK(y[8] == -1.0f);
}

TEST_CASE("special values of the exp-based activations", "[accuracy]") {
    FOR_EACH_ISA();
    const float x[] = {-1e-8f, -kInf, kInf, kNaN, 1000.0f, -1000.0f, -100.0f};
    float y[7];
    REQUIRE(nonlin_elu_f32(7, x, y, 1.0f) == NONLIN_OK);
    CHECK(ulp_error(y[0], std::expm1(-1e-8f)) <= 1.0);  // not 0: an accurate expm1
    CHECK(y[1] == -1.0f);
    CHECK(y[2] == kInf);
    CHECK(std::isnan(y[3]));
    REQUIRE(nonlin_silu_f32(7, x, y) == NONLIN_OK);
    CHECK((y[1] == 0.0f && std::signbit(y[1])));  // -0, not NaN
    CHECK(y[2] == kInf);
    CHECK(y[5] == 0.0f);
    CHECK(ulp_error(y[6], -100.0 * std::exp(-100.0)) <= 1.0);  // subnormal, not flushed
    REQUIRE(nonlin_mish_f32(7, x, y) == NONLIN_OK);
    CHECK(ulp_error(y[0], -1e-8 * std::tanh(std::log(2.0))) <= 1.0);
    CHECK((y[1] == 0.0f && std::signbit(y[1])));  // -0, not NaN
    CHECK(y[2] == kInf);
    CHECK(std::isnan(y[3]));
    CHECK(y[4] == 1000.0f);
    CHECK(y[5] == 0.0f);
    CHECK(ulp_error(y[6], -100.0 * std::exp(-100.0)) <= 1.0);  // subnormal, not flushed
    REQUIRE(nonlin_softplus_f32(7, x, y, 1.0f, 20.0f) == NONLIN_OK);
    CHECK(y[1] == 0.0f);
    CHECK(y[2] == kInf);
    CHECK(y[4] == 1000.0f);
    CHECK(y[5] == 0.0f);
    REQUIRE(nonlin_logsigmoid_f32(7, x, y) == NONLIN_OK);
    CHECK(y[1] == -kInf);
    CHECK(y[2] == 0.0f);
    CHECK(y[5] == -1000.0f);  // no overflow
    REQUIRE(nonlin_gelu_f32(7, x, y) == NONLIN_OK);
    CHECK((y[1] == 0.0f && std::signbit(y[1])));  // -0, not NaN
    CHECK(y[2] == kInf);
    const float deep = -13.25f;  // Phi is subnormal there, gelu is not
    float g;
    REQUIRE(nonlin_gelu_f32(1, &deep, &g) == NONLIN_OK);
    CHECK(ulp_error(g, 0.5 * deep * std::erfc(-deep / std::sqrt(2.0))) <= 2.0);
    REQUIRE(nonlin_softsign_f32(3, x, y) == NONLIN_OK);
    CHECK(y[1] == -1.0f);
    CHECK(y[2] == 1.0f);
}

TEST_CASE("tanh is odd", "[accuracy]") {
    FOR_EACH_ISA_AND_TIER();
    const std::vector<float> x = uniform_values(4096, -12.0f, 12.0f, 7);
    std::vector<float> neg(x.size()), y(x.size()), yn(x.size());
    std::transform(x.begin(), x.end(), neg.begin(), [](float v) { return -v; });
    REQUIRE(nonlin_tanh_f32(x.size(), x.data(), y.data()) == NONLIN_OK);
    REQUIRE(nonlin_tanh_f32(neg.size(), neg.data(), yn.data()) == NONLIN_OK);
    for (std::size_t i = 0; i < x.size(); ++i) REQUIRE(yn[i] == -y[i]);
}

// The fast tier runs the strict kernel of every op that has no fast one:
// bitwise the same results, so the sweeps above need not repeat them.
TEST_CASE("ops without a fast kernel give the strict results in the fast tier", "[accuracy]") {
    FOR_EACH_ISA();
    // Every 256th input of the sweep, from -inf to +inf: bitwise equality
    // needs no dense sweep, and this test also runs under the sanitizers
    // and qemu.
    std::vector<float> x;
    const std::vector<float>& ordered = the_sweep().ordered;
    for (std::size_t i = 0; i < ordered.size(); i += 256) x.push_back(ordered[i]);
    x.push_back(ordered.back());
    const std::vector<float> dy = uniform_values(x.size(), -5.0f, 5.0f, 12);
    for (const elementwise_case& op : kElementwiseCases) {
        if (op.fast_kernel) continue;
        INFO("op " << op.name);
        std::vector<float> strict_y(x.size()), fast_y(x.size());
        std::vector<float> strict_dx(x.size()), fast_dx(x.size());
        {
            tier_scope strict(false);
            REQUIRE(op.forward(x.size(), x.data(), strict_y.data()) == NONLIN_OK);
            REQUIRE(op.backward(x.size(), x.data(), dy.data(), strict_dx.data()) == NONLIN_OK);
        }
        {
            tier_scope fast(true);
            REQUIRE(op.forward(x.size(), x.data(), fast_y.data()) == NONLIN_OK);
            REQUIRE(op.backward(x.size(), x.data(), dy.data(), fast_dx.data()) == NONLIN_OK);
        }
        // A gradient-only row's forward is another op's, which may have a
        // fast kernel.
        if (!op.gradient_only)
            CHECK(std::memcmp(strict_y.data(), fast_y.data(), x.size() * sizeof(float)) == 0);
        CHECK(std::memcmp(strict_dx.data(), fast_dx.data(), x.size() * sizeof(float)) == 0);
    }
}
