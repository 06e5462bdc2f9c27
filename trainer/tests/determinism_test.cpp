// Same seed, same data: bitwise identical results from run to run and for
// any thread count, in process and through the nonlin-train program.
#include <catch2/catch.hpp>

#include <cstring>

#include "blas.h"
#include "test_util.h"
#include "train.h"

using namespace trainer;

namespace {

struct Snapshot {
    std::vector<float> losses;
    std::vector<double> valid;  // loss and accuracy per epoch
    std::vector<float> params;
};

Snapshot run(const Dataset& data, const TrainConfig& cfg, int threads) {
    configure_threads(threads);
    Model model = make_model(cfg);
    const RunResult r = train(model, data, cfg, nullptr, false);
    Snapshot s;
    s.losses = r.step_losses;
    for (const EpochStats& e : r.epochs) {
        s.valid.push_back(e.valid_loss);
        s.valid.push_back(e.valid_acc);
    }
    for (const Tensor& t : model.params().tensors) s.params.insert(s.params.end(), t.v.begin(), t.v.end());
    return s;
}

bool bitwise_equal(const Snapshot& a, const Snapshot& b) {
    auto same = [](const auto& x, const auto& y) {
        return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof x[0]) == 0;
    };
    return same(a.losses, b.losses) && same(a.valid, b.valid) && same(a.params, b.params);
}

}  // namespace

TEST_CASE("training is bitwise identical across runs and thread counts", "[determinism]") {
    // Sizes chosen so that the library really splits work over threads: a
    // 64 x 1024 hidden activation and 4096-row validation chunks are above
    // its per-thread grain.
    const Dataset data = testutil::synthetic_dataset(64 * 8, 4096, 9);
    TrainConfig cfg;
    cfg.model.hidden = 1024;
    cfg.model.hidden_activation = "sigmoid";
    cfg.epochs = 2;
    cfg.shuffle = true;
    cfg.seed = 123;
    for (const char* act : {"log_softmax", "softmax", "tanh"}) {
        cfg.model.activation = act;
        INFO("activation " << act);
        const Snapshot one = run(data, cfg, 1);
        REQUIRE(one.losses.size() == 16);
        CHECK(bitwise_equal(one, run(data, cfg, 1)));
        CHECK(bitwise_equal(one, run(data, cfg, 2)));
        CHECK(bitwise_equal(one, run(data, cfg, 3)));
    }
    configure_threads(1);
}

TEST_CASE("a different seed gives a different run (the check above can fail)", "[determinism]") {
    const Dataset data = testutil::synthetic_dataset(64 * 4, 64, 9);
    TrainConfig cfg;
    cfg.epochs = 1;
    const Snapshot a = run(data, cfg, 1);
    cfg.seed = 1;
    CHECK_FALSE(bitwise_equal(a, run(data, cfg, 1)));
}

TEST_CASE("nonlin-train writes identical parameters and logs for any --threads", "[determinism][cli]") {
    testutil::ScratchDir dir;
    testutil::write_dataset_dir(dir.str(), 64 * 6, 4096, 4);
    const std::string common = "--quiet --shuffle --epochs 2 --hidden 1024 --seed 5 --data '" + dir.str() + "'";
    std::vector<std::vector<std::uint8_t>> params, logs;
    for (const std::string threads : {"1", "1", "2"}) {
        const std::string p = dir / ("p" + std::to_string(params.size()));
        const std::string c = dir / ("c" + std::to_string(params.size()));
        const auto out = testutil::run_trainer(common + " --threads " + threads + " --save '" + p +
                                               "' --log-csv '" + c + "'");
        INFO(out.output);
        REQUIRE(out.status == 0);
        params.push_back(testutil::read_file(p));
        logs.push_back(testutil::read_file(c));
    }
    // W1 784x1024, b1, W2 1024x10, b2 as float32.
    REQUIRE(params[0].size() == 4u * (784 * 1024 + 1024 + 1024 * 10 + 10));
    CHECK(params[0] == params[1]);
    CHECK(params[0] == params[2]);
    CHECK(logs[0] == logs[1]);
    CHECK(logs[0] == logs[2]);
    // One step row per SGD step and one epoch row per epoch, after the header.
    const std::string csv(logs[0].begin(), logs[0].end());
    CHECK(testutil::count_lines(csv) == 1 + 2 * 6 + 2);
    CHECK_THAT(csv, Catch::StartsWith("kind,run,activation,epoch,step,loss,valid_loss,valid_acc\n"
                                      "step,1,log_softmax,1,1,"));
}
