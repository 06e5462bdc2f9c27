// Where a training step's time goes, for --bench. Sections are timed only
// when a Timings is passed, so ordinary runs read no clocks per call.
#pragma once

#include <chrono>

namespace trainer {

struct Timings {
    double linear = 0;      // matrix products and bias add / bias gradient, ms
    double activation = 0;  // activation forward and backward, ms
    double loss = 0;        // NLL and its gradient, or the fused cross-entropy, ms
    double update = 0;      // SGD parameter update, ms
    double total() const { return linear + activation + loss + update; }
};

// Adds the time from construction to destruction to *slot (if not null).
class Section {
public:
    explicit Section(double* slot) : slot_(slot) {
        if (slot_) start_ = std::chrono::steady_clock::now();
    }
    ~Section() {
        if (slot_) {
            *slot_ += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
                          .count();
        }
    }
    Section(const Section&) = delete;
    Section& operator=(const Section&) = delete;

private:
    double* slot_;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace trainer
