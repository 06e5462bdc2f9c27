// --compare: the experiment. Each output activation trains from the same
// start on the same data; the table, the CSV and the plot come out of it.
#pragma once

#include <string>
#include <vector>

#include "dataset.h"
#include "train.h"

namespace trainer {

struct CompareRow {
    std::string activation;
    RunResult result;
    double final_train_loss() const;  // mean batch loss of the last epoch
    double ms_per_epoch() const;      // mean over the epochs
};

// Trains one model per activation (CSV rows into csv_path as they come).
std::vector<CompareRow> run_compare(const std::vector<std::string>& activations, const TrainConfig& base,
                                    const Dataset& data, const std::string& csv_path, bool quiet);

// The experiment's table as Markdown, so it pastes into the README as is.
std::string format_table(const std::vector<CompareRow>& rows);

}  // namespace trainer
