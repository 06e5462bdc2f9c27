// The header's promises held against hostile inputs: NaN rows of every
// length and path, arrays at odd byte offsets, the NaN rule of the
// elementwise ops for every path and thread count, confident rows in
// cross-entropy and log_softmax, backward at extreme magnitudes.
// [large] cases run at the streaming and thread-splitting sizes (natively
// only: they are too slow under emulation).
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <memory>

#include "elementwise_ops.hpp"
#include "row_bounds.hpp"
#include "support.hpp"

using namespace nonlin_test;

namespace {

bool all_nan(const std::vector<float>& v) {
    for (float f : v)
        if (!std::isnan(f)) return false;
    return true;
}

// Rows that hold a NaN where a maximum cannot see it: in a part of the row
// whose other entries are -inf (the masked-attention pattern), or in a part
// that is all NaN, with finite values elsewhere.
std::vector<float> hidden_nan_row(std::size_t n, std::size_t nan_block, bool all_nan_block) {
    std::vector<float> x = normal_values(n, 2.0, 7);
    const std::size_t block = 2048;
    const std::size_t b0 = nan_block * block, b1 = std::min(n, b0 + block);
    for (std::size_t i = b0; i < b1; ++i) x[i] = all_nan_block ? kNaN : -kInf;
    x[b0 + (b1 - b0) / 3] = kNaN;
    return x;
}

}  // namespace

TEST_CASE("a NaN anywhere in a row of any length makes the whole row NaN", "[contract]") {
    FOR_EACH_ISA_AND_TIER();
    const int threads = GENERATE(1, 2);
    threads_scope ts(threads);
    // Blocked rows (> 2048) and rows split into parts over threads (> 2^16).
    // 65537 and 65600: the last part of the split is one element, or 64.
    for (std::size_t n : {2049u, 4096u, 65537u, 65600u, 70000u, 200003u}) {
        for (std::size_t block : {std::size_t{0}, n / 2048 / 2, (n - 1) / 2048}) {
            for (bool all : {false, true}) {
                INFO("n " << n << " block " << block << (all ? " all NaN" : " NaN among -inf"));
                const std::vector<float> x = hidden_nan_row(n, block, all);
                std::vector<float> y(n), g(n);
                REQUIRE(nonlin_softmax_f32(1, n, 1, x.data(), y.data()) == NONLIN_OK);
                CHECK(all_nan(y));
                REQUIRE(nonlin_log_softmax_f32(1, n, 1, x.data(), y.data()) == NONLIN_OK);
                CHECK(all_nan(y));
                const int64_t target = static_cast<int64_t>(block == 0 ? n - 1 : 0);
                float loss = 0.0f;
                REQUIRE(nonlin_cross_entropy_f32(1, n, x.data(), &target, &loss, g.data(), -100,
                                                 NONLIN_REDUCTION_MEAN) == NONLIN_OK);
                CHECK(std::isnan(loss));
                CHECK(all_nan(g));
                // The same row as strided columns (inner 2, both columns alike).
                std::vector<float> x2(2 * n), y2(2 * n);
                for (std::size_t i = 0; i < n; ++i) x2[2 * i] = x2[2 * i + 1] = x[i];
                REQUIRE(nonlin_log_softmax_f32(1, n, 2, x2.data(), y2.data()) == NONLIN_OK);
                CHECK(all_nan(y2));
            }
        }
    }
}

namespace {

// `count` floats starting `offset` bytes (< 64) into a fresh allocation:
// an address no float array would have unless a caller made it so.
struct offset_floats {
    std::unique_ptr<unsigned char[]> raw;
    float* p;
    offset_floats(std::size_t count, std::size_t offset)
        : raw(new unsigned char[count * sizeof(float) + 64]),
          p(reinterpret_cast<float*>(raw.get() + offset % 64)) {}
    void fill(const std::vector<float>& v) { std::memcpy(p, v.data(), v.size() * sizeof(float)); }
    std::vector<float> read(std::size_t n) const {
        std::vector<float> v(n);
        std::memcpy(v.data(), p, n * sizeof(float));
        return v;
    }
};

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() &&
           (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

void check_elementwise_at_offsets(std::size_t n, std::initializer_list<std::size_t> offsets) {
    const std::vector<float> x = uniform_values(n, -8.0f, 8.0f, 3);
    const std::vector<float> dy = normal_values(n, 1.0, 4);
    for (const elementwise_case& c : kElementwiseCases) {
        INFO(c.name << " n " << n);
        std::vector<float> want_y(n), want_dx(n);
        REQUIRE(c.forward(n, x.data(), want_y.data()) == NONLIN_OK);
        REQUIRE(c.backward(n, x.data(), dy.data(), want_dx.data()) == NONLIN_OK);
        for (std::size_t offset : offsets) {
            INFO("byte offset " << offset);
            offset_floats in(n, offset), grad(n, offset + 1), out(n, offset + 2);
            in.fill(x);
            grad.fill(dy);
            REQUIRE(c.forward(n, in.p, out.p) == NONLIN_OK);
            CHECK(same_bits(out.read(n), want_y));
            REQUIRE(c.backward(n, in.p, grad.p, out.p) == NONLIN_OK);
            CHECK(same_bits(out.read(n), want_dx));
            REQUIRE(c.forward(n, in.p, in.p) == NONLIN_OK);  // in place
            CHECK(same_bits(in.read(n), want_y));
        }
    }
}

}  // namespace

TEST_CASE("arrays at any byte offset give the aligned results", "[contract]") {
    FOR_EACH_ISA();
    for (std::size_t n : {1u, 7u, 33u, 4099u}) check_elementwise_at_offsets(n, {1, 2, 3, 5, 6, 63});

    // The row functions and the losses: tests/test_row_offsets.cpp.
}

TEST_CASE("arrays at odd byte offsets on the streaming path", "[contract][large]") {
    FOR_EACH_STREAMING_ISA();
    check_elementwise_at_offsets((std::size_t{1} << 21) + 5, {1, 6});
}

namespace {

// NaNs of every kind: quiet and signalling, both signs, with payloads.
const uint32_t kNaNBits[] = {0x7fc00000u, 0xffc00000u, 0x7f800001u, 0xff812345u,
                             0x7fc54321u, 0xffffffffu, 0x7fbfffffu};


// The NaN an op must return for NaN input bits b: b, quieted.
uint32_t quieted(uint32_t b) { return b | 0x00400000u; }

// n inputs with NaNs of every kind spread over the array (ends included)
// among ordinary values; dy has its own NaNs elsewhere.
void check_nan_rule(std::size_t n) {
    std::vector<float> x = uniform_values(n, -5.0f, 5.0f, 9);
    std::vector<float> dy = normal_values(n, 1.0, 10);
    std::vector<std::size_t> at_x, at_dy;
    for (std::size_t k = 0; k < 2 * std::size(kNaNBits); ++k) {
        const std::size_t i = (k * 7919 + n / 3 * (k % 3)) % n;
        const std::size_t j = (i + 1 + k) % n;
        at_x.push_back(i);
        at_dy.push_back(j);
    }
    at_x.push_back(0);
    at_dy.push_back(n - 1);
    for (std::size_t k = 0; k < at_dy.size(); ++k)
        dy[at_dy[k]] = from_bits(kNaNBits[(k + 3) % std::size(kNaNBits)]);
    for (std::size_t k = 0; k < at_x.size(); ++k) x[at_x[k]] = from_bits(kNaNBits[k % std::size(kNaNBits)]);
    for (const elementwise_case& c : kElementwiseCases) {
        INFO(c.name << " n " << n);
        std::vector<float> y(n), dx(n);
        REQUIRE(c.forward(n, x.data(), y.data()) == NONLIN_OK);
        REQUIRE(c.backward(n, x.data(), dy.data(), dx.data()) == NONLIN_OK);
        // One count per kind of break: a CHECK per element would make
        // hundreds of millions of assertions at the large sizes.
        std::size_t wrong_x_nan = 0, wrong_dy_nan = 0, spurious_nan = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (std::isnan(x[i])) {
                const uint32_t want = quieted(bits_of(x[i]));
                wrong_x_nan += bits_of(y[i]) != want || bits_of(dx[i]) != want;
            } else if (std::isnan(dy[i])) {
                wrong_dy_nan += bits_of(dx[i]) != quieted(bits_of(dy[i])) || std::isnan(y[i]);
            } else {
                spurious_nan += std::isnan(y[i]) || std::isnan(dx[i]);
            }
        }
        CHECK(wrong_x_nan == 0);
        CHECK(wrong_dy_nan == 0);
        CHECK(spurious_nan == 0);
    }
}

}  // namespace

TEST_CASE("a NaN input gives that NaN, quieted, on every op and path", "[contract]") {
    FOR_EACH_ISA_AND_TIER();
    for (std::size_t n : {1u, 2u, 15u, 16u, 31u, 33u, 100u, 4099u}) check_nan_rule(n);
}

TEST_CASE("the NaN rule holds on the streaming path for every thread count",
          "[contract][large]") {
    FOR_EACH_STREAMING_ISA();
    const int threads = GENERATE(1, 2);
    threads_scope ts(threads);
    check_nan_rule((std::size_t{1} << 21) + 37);
    check_nan_rule((std::size_t{1} << 17) + 3);
}

TEST_CASE("a child forked after a multi-threaded call works, on one thread", "[contract]") {
    const std::size_t n = std::size_t{1} << 20;
    const std::vector<float> x = normal_values(n, 3.0, 11);
    std::vector<float> want(n);
    {
        threads_scope ts(2);
        REQUIRE(nonlin_sigmoid_f32(n, x.data(), want.data()) == NONLIN_OK);  // starts a team
        std::fflush(nullptr);
        const pid_t child = fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            // No Catch here: report through the exit status. The alarm turns
            // a hang (waiting for the parent's threads) into a failure.
            alarm(60);
            std::vector<float> y(n);
            int status = nonlin_get_num_threads() == 1 ? 0 : 2;
            if (nonlin_sigmoid_f32(n, x.data(), y.data()) != NONLIN_OK || y != want) status = 3;
            // Asking for threads again in the child must not hang either.
            if (nonlin_set_num_threads(2) != NONLIN_OK ||
                nonlin_softmax_f32(1, n, 1, x.data(), y.data()) != NONLIN_OK)
                status = 4;
            _exit(status);
        }
        int status = 0;
        REQUIRE(waitpid(child, &status, 0) == child);
        INFO("child status " << status);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
    }
    // The parent keeps its threads.
    threads_scope ts(2);
    CHECK(nonlin_get_num_threads() == 2);
}

namespace {

// log-softmax of a row in long double, with the sum of the terms below the
// maximum kept apart: exact enough where log(sum) is ~1e-18 (a confident
// row), which 1 + rest in double or long double would lose.
struct confident_reference {
    std::vector<long double> log_p;   // y_j = (x_j - m) - log1p(rest)
    std::vector<long double> p;       // softmax
    long double rest = 0;             // sum of exp(x_j - m) over j != argmax
    std::size_t argmax = 0;
};

confident_reference reference_row(const float* x, std::size_t n, std::size_t stride) {
    confident_reference r;
    for (std::size_t j = 1; j < n; ++j)
        if (x[j * stride] > x[r.argmax * stride]) r.argmax = j;
    const long double m = x[r.argmax * stride];
    for (std::size_t j = 0; j < n; ++j)
        if (j != r.argmax) r.rest += std::exp(static_cast<long double>(x[j * stride]) - m);
    const long double log_sum = std::log1p(r.rest);
    for (std::size_t j = 0; j < n; ++j) {
        const long double d = static_cast<long double>(x[j * stride]) - m;
        r.log_p.push_back(d - log_sum);
        r.p.push_back(std::exp(d) / (1 + r.rest));
    }
    return r;
}

// Rows with one dominant logit: d above n - 1 others drawn around 0.
std::vector<float> dominant_row(std::size_t n, float d, std::size_t at, uint32_t seed) {
    std::vector<float> x = normal_values(n, 1.0, seed);
    x[at] = d;
    return x;
}

}  // namespace

TEST_CASE("confident rows: cross_entropy and the dominant log-probability stay relatively "
          "accurate", "[contract]") {
    FOR_EACH_ISA_AND_TIER();
    double worst_loss = 0, worst_grad = 0, worst_dominant = 0, worst_log = 0;
    std::mt19937 gen(12);
    for (std::size_t n : {2u, 7u, 16u, 17u, 40u, 1000u, 5000u}) {
        for (float d : {5.0f, 7.0f, 9.0f, 10.0f, 12.0f, 20.0f, 25.0f, 33.0f, 36.0f, 40.0f, 60.0f, 87.0f, 200.0f}) {
            const std::size_t at = gen() % n;
            const std::vector<float> x = dominant_row(n, d, at, static_cast<uint32_t>(gen()));
            const confident_reference ref = reference_row(x.data(), n, 1);
            INFO("n " << n << " d " << d << " target " << at);
            // cross-entropy with the dominant class as target, and another.
            for (std::size_t t : {at, (at + 1) % n}) {
                const int64_t target = static_cast<int64_t>(t);
                float loss = 0.0f;
                std::vector<float> g(n);
                REQUIRE(nonlin_cross_entropy_f32(1, n, x.data(), &target, &loss, g.data(), -100,
                                                 NONLIN_REDUCTION_SUM) == NONLIN_OK);
                worst_loss = std::max(worst_loss, ulp_error(loss, static_cast<double>(-ref.log_p[t])));
                for (std::size_t j = 0; j < n; ++j) {
                    const long double want = j == t ? (t == ref.argmax ? -ref.rest / (1 + ref.rest)
                                                                       : ref.p[j] - 1)
                                                    : ref.p[j];
                    worst_grad = std::max(worst_grad, ulp_error(g[j], static_cast<double>(want)));
                }
            }
            std::vector<float> y(n);
            REQUIRE(nonlin_log_softmax_f32(1, n, 1, x.data(), y.data()) == NONLIN_OK);
            for (std::size_t j = 0; j < n; ++j) {
                const double want = static_cast<double>(ref.log_p[j]);
                // The fast tier has no bound of its own at the maximum.
                if (j == ref.argmax && !fast_tier)
                    worst_dominant = std::max(worst_dominant, ulp_error(y[j], want));
                else
                    worst_log = std::max(worst_log, scaled_error(y[j], want, std::max(std::fabs(want), 1.0)));
            }
            // The same rows as strided columns: 3 identical columns.
            std::vector<float> x3(3 * n), y3(3 * n);
            for (std::size_t j = 0; j < n; ++j) x3[3 * j] = x3[3 * j + 1] = x3[3 * j + 2] = x[j];
            REQUIRE(nonlin_log_softmax_f32(1, n, 3, x3.data(), y3.data()) == NONLIN_OK);
            const double want_max = static_cast<double>(ref.log_p[ref.argmax]);
            for (std::size_t c = 0; c < 3; ++c) {
                const float got = y3[3 * ref.argmax + c];
                if (fast_tier)
                    worst_log = std::max(worst_log, scaled_error(got, want_max, 1.0));
                else
                    worst_dominant = std::max(worst_dominant, ulp_error(got, want_max));
            }
        }
    }
    // A long row, split over parts (and threads).
    const std::size_t n = 100000;
    const std::vector<float> x = dominant_row(n, 45.0f, 777, 13);
    const confident_reference ref = reference_row(x.data(), n, 1);
    std::vector<float> y(n);
    REQUIRE(nonlin_log_softmax_f32(1, n, 1, x.data(), y.data()) == NONLIN_OK);
    const double want_777 = static_cast<double>(ref.log_p[777]);
    if (fast_tier)
        worst_log = std::max(worst_log, scaled_error(y[777], want_777, 1.0));
    else
        worst_dominant = std::max(worst_dominant, ulp_error(y[777], want_777));
    report_accuracy(isa_name, fast_tier, "cross_entropy confident loss", worst_loss);
    report_accuracy(isa_name, fast_tier, "cross_entropy confident grad", worst_grad);
    if (!fast_tier) report_accuracy(isa_name, "log_softmax dominant entry", worst_dominant);
    // Short, strided and long rows: the largest bound over the paths.
    CHECK(worst_loss <= bound_of(row_bound::cross_entropy_loss, fast_tier));
    CHECK(worst_grad <= bound_of(row_bound::cross_entropy_gradient, fast_tier));
    CHECK(worst_dominant <= bound_of(row_bound::log_softmax_maximum));
    CHECK(worst_log <= bound_of(row_bound::log_softmax, fast_tier));
}
