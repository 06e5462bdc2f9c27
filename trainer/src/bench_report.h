// --bench: where the time of an epoch goes.
#pragma once

#include "dataset.h"
#include "train.h"

namespace trainer {

// Prints ms per epoch (min and median over the run's epochs) and per step,
// and the split between matrix products, activation, loss and update.
void print_bench_report(const RunResult& r, const Dataset& data, const TrainConfig& cfg, int threads,
                        bool fused_loss);

}  // namespace trainer
