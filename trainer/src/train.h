// The training loop: plain minibatch SGD as in the tutorial, with an
// observer for progress and logging, and optional per-section timing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dataset.h"
#include "model.h"
#include "timings.h"

namespace trainer {

struct TrainConfig {
    ModelSpec model;
    int epochs = 2;
    std::size_t batch = 64;
    float lr = 0.5f;
    std::uint64_t seed = 0;
    bool shuffle = false;      // in-order batches by default, as the tutorial
    std::string load_path;     // start from these parameters instead of a random init
};

struct EpochStats {
    int epoch = 0;                 // from 1
    double train_loss = 0;         // mean of this epoch's batch losses
    double valid_loss = 0;         // on the whole validation set
    double valid_acc = 0;          // on the whole validation set
    double first_batch_acc = 0;    // on the first 64 validation digits
    double train_ms = 0;           // wall time of this epoch's SGD steps
};

struct RunResult {
    std::vector<float> step_losses;  // each batch's loss before its update
    std::vector<EpochStats> epochs;
    bool nan_seen = false;           // any NaN loss, in training or validation
    Timings sections;                // filled when timing was asked for
};

class TrainObserver {
public:
    virtual ~TrainObserver() = default;
    // step counts from 1 across the whole run.
    virtual void on_step(int epoch, std::size_t step, std::size_t steps_per_epoch, float loss) = 0;
    virtual void on_epoch(const EpochStats& stats) = 0;
};

// Size of the validation prefix whose accuracy the experiment's table shows
// (the tutorial's figure is on one batch of 64).
constexpr std::size_t kFirstBatch = 64;

// A model initialized from cfg: random (seeded) or loaded from cfg.load_path.
Model make_model(const TrainConfig& cfg);

RunResult train(Model& model, const Dataset& data, const TrainConfig& cfg, TrainObserver* observer,
                bool time_sections);

}  // namespace trainer
