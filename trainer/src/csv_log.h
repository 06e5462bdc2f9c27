// The per-step / per-epoch CSV shared by --log-csv and --compare:
//   kind,run,activation,epoch,step,loss,valid_loss,valid_acc
// kind=step rows carry step (from 1 over the run) and that batch's loss
// before its update; kind=epoch rows carry the whole validation set's loss
// and accuracy. Floats are written with 9 significant digits, enough to
// read back the exact float32.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "train.h"

namespace trainer {

class CsvLog {
public:
    explicit CsvLog(const std::string& path);  // writes the header; throws Error
    void step(int run, const std::string& activation, int epoch, std::size_t step, float loss);
    void epoch(int run, const std::string& activation, const EpochStats& stats);
    void close();  // flushes; throws Error if anything failed to write

private:
    struct Closer {
        void operator()(std::FILE* f) const { std::fclose(f); }
    };
    std::string path_;
    std::unique_ptr<std::FILE, Closer> file_;
};

// Forwards training events to a CsvLog (and to another observer, if any).
class CsvObserver : public TrainObserver {
public:
    CsvObserver(CsvLog& log, int run, std::string activation, TrainObserver* next)
        : log_(log), run_(run), activation_(std::move(activation)), next_(next) {}
    void on_step(int epoch, std::size_t step, std::size_t steps_per_epoch, float loss) override;
    void on_epoch(const EpochStats& stats) override;

private:
    CsvLog& log_;
    int run_;
    std::string activation_;
    TrainObserver* next_;
};

}  // namespace trainer
