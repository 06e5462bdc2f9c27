#include "progress.h"

#include <unistd.h>

#include <cstdio>

namespace trainer {
namespace {
// Redraw a terminal bar at most this often, and print a plain progress line
// for long epochs at most this often, so output never costs training time.
constexpr double kBarPeriodS = 0.1;
constexpr double kLinePeriodS = 10.0;
constexpr int kBarWidth = 30;
}  // namespace

Progress::Progress(std::string label, int epochs, bool quiet)
    : label_(std::move(label)), epochs_(epochs), quiet_(quiet), tty_(isatty(STDERR_FILENO) != 0) {
    epoch_start_ = last_print_ = Clock::now();
}

void Progress::on_step(int epoch, std::size_t, std::size_t steps_per_epoch, float loss) {
    if (quiet_) return;
    if (epoch_steps_ == 0) epoch_start_ = Clock::now();
    ++epoch_steps_;
    epoch_loss_sum_ += loss;
    const auto now = Clock::now();
    const double since_print = std::chrono::duration<double>(now - last_print_).count();
    const bool epoch_end = epoch_steps_ == steps_per_epoch;
    if (since_print < (tty_ ? kBarPeriodS : kLinePeriodS) && !epoch_end) return;
    last_print_ = now;
    const double elapsed = std::chrono::duration<double>(now - epoch_start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(epoch_steps_) / elapsed : 0.0;
    const double running = epoch_loss_sum_ / static_cast<double>(epoch_steps_);
    if (tty_) {
        const int filled = static_cast<int>(kBarWidth * epoch_steps_ / steps_per_epoch);
        std::fprintf(stderr, "\r%s epoch %d/%d [%.*s%*s] %zu/%zu %8.0f steps/s loss %.4f", label_.c_str(),
                     epoch, epochs_, filled, "##############################", kBarWidth - filled, "",
                     epoch_steps_, steps_per_epoch, rate, running);
        std::fflush(stderr);
    } else if (!epoch_end) {
        std::fprintf(stderr, "%s epoch %d/%d step %zu/%zu (%.0f steps/s) loss %.4f\n", label_.c_str(), epoch,
                     epochs_, epoch_steps_, steps_per_epoch, rate, running);
    }
}

void Progress::on_epoch(const EpochStats& s) {
    epoch_steps_ = 0;
    epoch_loss_sum_ = 0;
    if (quiet_) return;
    std::fprintf(stderr, "%s%s epoch %d/%d: train loss %.4f, valid loss %.4f, valid acc %.4f (%.1f ms)\n",
                 tty_ ? "\r\033[K" : "", label_.c_str(), s.epoch, epochs_, s.train_loss, s.valid_loss,
                 s.valid_acc, s.train_ms);
}

}  // namespace trainer
