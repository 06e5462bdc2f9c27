// Errors the trainer reports to its user. Every failure the user can cause
// (bad flag, missing or corrupt file, library error) becomes one Error whose
// message is a single line; main() prints it and exits nonzero.
#pragma once

#include <stdexcept>
#include <string>

#include "nonlin/nonlin.h"

namespace trainer {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// A library call that fails means a bug in the trainer (shapes are ours),
// but it is still reported as one line rather than ignored.
inline void check(nonlin_status status, const char* call) {
    if (status != NONLIN_OK) {
        throw Error(std::string(call) + " failed: " + nonlin_status_string(status));
    }
}

}  // namespace trainer
