// Progress on stderr: a redrawn bar with steps/s and the running loss when
// stderr is a terminal, plain lines otherwise (logs and CI), nothing with
// --quiet. stdout stays free for results.
#pragma once

#include <chrono>
#include <string>

#include "train.h"

namespace trainer {

class Progress : public TrainObserver {
public:
    Progress(std::string label, int epochs, bool quiet);
    void on_step(int epoch, std::size_t step, std::size_t steps_per_epoch, float loss) override;
    void on_epoch(const EpochStats& stats) override;

private:
    using Clock = std::chrono::steady_clock;
    std::string label_;
    int epochs_;
    bool quiet_, tty_;
    Clock::time_point epoch_start_, last_print_;
    std::size_t epoch_steps_ = 0;
    double epoch_loss_sum_ = 0;
};

}  // namespace trainer
