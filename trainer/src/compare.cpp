#include "compare.h"

#include <cmath>
#include <cstdio>

#include "csv_log.h"
#include "progress.h"

namespace trainer {

double CompareRow::final_train_loss() const {
    return result.epochs.empty() ? std::nan("") : result.epochs.back().train_loss;
}

double CompareRow::ms_per_epoch() const {
    if (result.epochs.empty()) return std::nan("");
    double sum = 0;
    for (const EpochStats& e : result.epochs) sum += e.train_ms;
    return sum / static_cast<double>(result.epochs.size());
}

std::vector<CompareRow> run_compare(const std::vector<std::string>& activations, const TrainConfig& base,
                                    const Dataset& data, const std::string& csv_path, bool quiet) {
    CsvLog log(csv_path);
    std::vector<CompareRow> rows;
    int run = 0;
    for (const std::string& name : activations) {
        TrainConfig cfg = base;
        cfg.model.activation = name;
        // Same seed, so every activation starts from the same weights.
        Model model = make_model(cfg);
        Progress progress(name, cfg.epochs, quiet);
        CsvObserver observer(log, ++run, name, &progress);
        rows.push_back(CompareRow{name, train(model, data, cfg, &observer, false)});
    }
    log.close();
    return rows;
}

std::string format_table(const std::vector<CompareRow>& rows) {
    std::string out =
        "| activation | final train loss | valid acc | acc first 64 | ms/epoch | NaN seen |\n"
        "|---|---:|---:|---:|---:|---|\n";
    char line[256];
    for (const CompareRow& r : rows) {
        const EpochStats* last = r.result.epochs.empty() ? nullptr : &r.result.epochs.back();
        std::snprintf(line, sizeof line, "| %s | %.4f | %.4f | %.4f | %.1f | %s |\n", r.activation.c_str(),
                      r.final_train_loss(), last ? last->valid_acc : std::nan(""),
                      last ? last->first_batch_acc : std::nan(""), r.ms_per_epoch(),
                      r.result.nan_seen ? "yes" : "no");
        out += line;
    }
    return out;
}

}  // namespace trainer
