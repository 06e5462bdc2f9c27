#include "csv_log.h"

#include <cerrno>
#include <cstring>

#include "error.h"

namespace trainer {

CsvLog::CsvLog(const std::string& path) : path_(path), file_(std::fopen(path.c_str(), "w")) {
    if (!file_) throw Error(path + ": cannot write CSV (" + std::strerror(errno) + ")");
    std::fputs("kind,run,activation,epoch,step,loss,valid_loss,valid_acc\n", file_.get());
}

void CsvLog::step(int run, const std::string& activation, int epoch, std::size_t step, float loss) {
    std::fprintf(file_.get(), "step,%d,%s,%d,%zu,%.9g,,\n", run, activation.c_str(), epoch, step,
                 static_cast<double>(loss));
}

void CsvLog::epoch(int run, const std::string& activation, const EpochStats& s) {
    std::fprintf(file_.get(), "epoch,%d,%s,%d,,,%.9g,%.9g\n", run, activation.c_str(), s.epoch,
                 s.valid_loss, s.valid_acc);
}

void CsvLog::close() {
    if (!file_) return;
    const bool bad = std::ferror(file_.get()) != 0;
    const bool close_failed = std::fclose(file_.release()) != 0;
    if (bad || close_failed) throw Error(path_ + ": error writing CSV");
}

void CsvObserver::on_step(int epoch, std::size_t step, std::size_t steps_per_epoch, float loss) {
    log_.step(run_, activation_, epoch, step, loss);
    if (next_) next_->on_step(epoch, step, steps_per_epoch, loss);
}

void CsvObserver::on_epoch(const EpochStats& stats) {
    log_.epoch(run_, activation_, stats);
    if (next_) next_->on_epoch(stats);
}

}  // namespace trainer
