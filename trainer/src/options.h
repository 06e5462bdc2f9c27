// Command-line options of nonlin-train.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "train.h"

namespace trainer {

struct Options {
    TrainConfig train;                  // --activation, --hidden, --epochs, ... --load
    std::vector<std::string> compare;   // --compare a,b,c (empty: one run)
    std::string data = "mnist";
    int threads = 1;
    std::string accuracy = "strict";    // --accuracy: the library's tier
    float pixel_divisor = 255.0f;
    std::string save_path, log_csv;
    std::string out_dir = "runs";
    bool quiet = false, bench = false, help = false;
};

// A mistake on the command line (exit status 2, as is usual).
class UsageError : public std::runtime_error {
public:
    explicit UsageError(const std::string& m) : std::runtime_error(m) {}
};

Options parse_options(int argc, const char* const* argv);
std::string usage();

}  // namespace trainer
