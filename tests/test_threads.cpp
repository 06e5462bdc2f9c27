// Results are bitwise identical for every thread count, and concurrent
// callers (while others change the ISA and thread count) get the same
// results as serial calls.
#include <thread>

#include "support.hpp"

using namespace nonlin_test;

namespace {

// Runs every kind of kernel on inputs large enough to be split over threads.
// No Catch assertions inside: it also runs on threads Catch does not own.
struct outputs {
    bool all_ok = true;
    std::vector<float> sigmoid, tanh_bwd, softmax, log_softmax_strided, long_row, long_log_row,
        long_row_grad, long_log_row_grad, grad;
    float loss = 0.0f;
    bool operator==(const outputs& o) const {
        return all_ok && o.all_ok && sigmoid == o.sigmoid && tanh_bwd == o.tanh_bwd && softmax == o.softmax &&
               log_softmax_strided == o.log_softmax_strided && long_row == o.long_row &&
               long_log_row == o.long_log_row && long_row_grad == o.long_row_grad &&
               long_log_row_grad == o.long_log_row_grad && grad == o.grad && loss == o.loss;
    }
};

outputs run_all() {
    static const std::vector<float> x = normal_values(1 << 20, 3.0, 30);
    static const std::vector<float> dy = normal_values(1 << 20, 1.0, 31);
    static const std::vector<int64_t> t = [] {
        std::vector<int64_t> v(1024);
        for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int64_t>((i * 7) % 1024);
        return v;
    }();
    outputs o;
    const std::size_t n = x.size();
    o.sigmoid.resize(n);
    o.tanh_bwd.resize(n);
    o.softmax.resize(n);
    o.log_softmax_strided.resize(n);
    o.grad.resize(n);
    o.long_row.resize(n);
    o.long_log_row.resize(n);
    o.long_row_grad.resize(n);
    o.long_log_row_grad.resize(n);
    o.all_ok &= nonlin_sigmoid_f32(n, x.data(), o.sigmoid.data()) == NONLIN_OK;
    o.all_ok &= nonlin_tanh_backward_f32(n, o.sigmoid.data(), dy.data(), o.tanh_bwd.data()) == NONLIN_OK;
    o.all_ok &= nonlin_softmax_f32(1024, 1024, 1, x.data(), o.softmax.data()) == NONLIN_OK;
    o.all_ok &= nonlin_log_softmax_f32(2, 512, 1024, x.data(), o.log_softmax_strided.data()) == NONLIN_OK;
    // One row of 2^20: split into parts whose statistics are merged.
    o.all_ok &= nonlin_softmax_f32(1, n, 1, x.data(), o.long_row.data()) == NONLIN_OK;
    o.all_ok &= nonlin_log_softmax_f32(1, n, 1, x.data(), o.long_log_row.data()) == NONLIN_OK;
    // Its gradients: the parts' sums merged in order.
    o.all_ok &= nonlin_softmax_backward_f32(1, n, 1, o.long_row.data(), dy.data(),
                                            o.long_row_grad.data()) == NONLIN_OK;
    o.all_ok &= nonlin_log_softmax_backward_f32(1, n, 1, o.long_log_row.data(), dy.data(),
                                                o.long_log_row_grad.data()) == NONLIN_OK;
    o.all_ok &= nonlin_cross_entropy_f32(1024, 1024, x.data(), t.data(), &o.loss, o.grad.data(), -100,
                                     NONLIN_REDUCTION_MEAN) == NONLIN_OK;
    return o;
}

}  // namespace

TEST_CASE("results do not depend on the thread count", "[threads]") {
    FOR_EACH_ISA_AND_TIER();
    REQUIRE(nonlin_set_num_threads(1) == NONLIN_OK);
    const outputs one = run_all();
    REQUIRE(one.all_ok);
    for (int threads : {2, 3, 8}) {
        INFO("threads " << threads);
        REQUIRE(nonlin_set_num_threads(threads) == NONLIN_OK);
        CHECK(run_all() == one);
    }
    nonlin_set_num_threads(0);
}

TEST_CASE("concurrent callers get the serial results", "[threads]") {
    const std::string best = available_isas().back();
    REQUIRE(nonlin_set_isa(best.c_str()) == NONLIN_OK);
    const outputs serial = run_all();
    REQUIRE(serial.all_ok);
    std::vector<std::thread> callers;
    std::vector<int> ok(4, 0);
    for (int i = 0; i < 4; ++i)
        callers.emplace_back([&, i] {
            int good = 1;
            for (int rep = 0; rep < 3; ++rep) good &= run_all() == serial;
            ok[i] = good;
        });
    // Changing the thread count while others run is allowed and harmless.
    for (int k = 0; k < 20; ++k) nonlin_set_num_threads(1 + k % 3);
    for (auto& t : callers) t.join();
    nonlin_set_num_threads(0);
    for (int i = 0; i < 4; ++i) CHECK(ok[i] == 1);
    nonlin_set_isa(nullptr);
}

TEST_CASE("switching the ISA while others call is safe", "[threads]") {
    // Results differ between ISAs in the last bit; each call must still be
    // exactly one ISA's result, never a mix.
    const std::vector<std::string> isas = available_isas();
    std::vector<std::vector<float>> per_isa;
    const std::vector<float> x = normal_values(1 << 18, 3.0, 32);
    for (const std::string& name : isas) {
        REQUIRE(nonlin_set_isa(name.c_str()) == NONLIN_OK);
        per_isa.emplace_back(x.size());
        REQUIRE(nonlin_tanh_f32(x.size(), x.data(), per_isa.back().data()) == NONLIN_OK);
    }
    std::vector<int> ok(3, 1);
    std::vector<std::thread> callers;
    for (int i = 0; i < 3; ++i)
        callers.emplace_back([&, i] {
            std::vector<float> y(x.size());
            for (int rep = 0; rep < 10; ++rep) {
                if (nonlin_tanh_f32(x.size(), x.data(), y.data()) != NONLIN_OK) ok[i] = 0;
                bool matches_one = false;
                for (const auto& r : per_isa) matches_one = matches_one || r == y;
                if (!matches_one) ok[i] = 0;
            }
        });
    for (int k = 0; k < 200; ++k) nonlin_set_isa(isas[k % isas.size()].c_str());
    for (auto& t : callers) t.join();
    nonlin_set_isa(nullptr);
    for (int i = 0; i < 3; ++i) CHECK(ok[i] == 1);
}
