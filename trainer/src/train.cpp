#include "train.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <numeric>

#include "error.h"
#include "metrics.h"
#include "params_io.h"
#include "rng.h"

namespace trainer {
namespace {

// The shuffle draws from its own stream so that turning it on does not
// change the initial weights.
constexpr std::uint64_t kShuffleStream = 0x73687566666c65ull;  // "shuffle"

void shuffle(std::vector<std::size_t>& order, SplitMix64& rng) {
    for (std::size_t i = order.size(); i > 1; --i) {
        std::swap(order[i - 1], order[rng.below(i)]);
    }
}

}  // namespace

Model make_model(const TrainConfig& cfg) {
    Model model(cfg.model);
    if (cfg.load_path.empty()) {
        init_params(model.params(), cfg.seed);
    } else {
        load_params(model.params(), cfg.load_path);
    }
    return model;
}

RunResult train(Model& model, const Dataset& data, const TrainConfig& cfg, TrainObserver* observer,
                bool time_sections) {
    if (cfg.epochs < 0) throw Error("--epochs must not be negative");
    if (cfg.batch == 0) throw Error("--batch must be at least 1");
    const Split& tr = data.train;
    if (tr.count == 0) throw Error(data.source + ": the training set is empty");

    RunResult result;
    Timings* timings = time_sections ? &result.sections : nullptr;
    Params grad = make_params(cfg.model.hidden);
    const std::size_t steps_per_epoch = (tr.count + cfg.batch - 1) / cfg.batch;
    std::vector<std::size_t> order(tr.count);
    std::iota(order.begin(), order.end(), std::size_t{0});
    SplitMix64 shuffle_rng(cfg.seed ^ kShuffleStream);
    std::vector<float> batch_x(cfg.shuffle ? cfg.batch * kPixels : 0);
    std::vector<std::int64_t> batch_y(cfg.shuffle ? cfg.batch : 0);
    std::size_t step = 0;
    result.step_losses.reserve(steps_per_epoch * static_cast<std::size_t>(cfg.epochs));

    for (int epoch = 1; epoch <= cfg.epochs; ++epoch) {
        if (cfg.shuffle) shuffle(order, shuffle_rng);
        double loss_sum = 0;
        const auto start = std::chrono::steady_clock::now();
        for (std::size_t begin = 0; begin < tr.count; begin += cfg.batch) {
            const std::size_t rows = std::min(cfg.batch, tr.count - begin);
            const float* x = tr.x.data() + begin * kPixels;
            const std::int64_t* y = tr.y.data() + begin;
            if (cfg.shuffle) {
                // Gather the batch: its rows are scattered over the data.
                for (std::size_t r = 0; r < rows; ++r) {
                    std::memcpy(&batch_x[r * kPixels], &tr.x[order[begin + r] * kPixels],
                                kPixels * sizeof(float));
                    batch_y[r] = tr.y[order[begin + r]];
                }
                x = batch_x.data();
                y = batch_y.data();
            }
            const float loss = model.loss_and_gradient(rows, x, y, grad, timings);
            model.sgd_step(grad, cfg.lr, timings);
            ++step;
            result.step_losses.push_back(loss);
            loss_sum += loss;
            if (std::isnan(loss)) result.nan_seen = true;
            if (observer) observer->on_step(epoch, step, steps_per_epoch, loss);
        }
        EpochStats stats;
        stats.epoch = epoch;
        stats.train_ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        stats.train_loss = loss_sum / static_cast<double>(steps_per_epoch);
        const Evaluation ev = evaluate(model, data.valid, kFirstBatch);
        stats.valid_loss = ev.loss;
        stats.valid_acc = ev.accuracy;
        stats.first_batch_acc = ev.first_batch_accuracy;
        if (std::isnan(ev.loss)) result.nan_seen = true;
        result.epochs.push_back(stats);
        if (observer) observer->on_epoch(stats);
    }
    return result;
}

}  // namespace trainer
