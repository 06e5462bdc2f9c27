// What the loss entry points (loss.cpp, loss_ex.cpp) share: the reduction
// argument, the rule for per-class arrays, and the fixed split of a sum
// over threads.
#pragma once

#include <cstddef>

#include "checks.hpp"
#include "parallel.hpp"

namespace nonlin {

// Any value of the parameter is defined (nonlin.h's NONLIN_ENUM_BASE).
inline bool known_reduction(nonlin_reduction r) {
    return r == NONLIN_REDUCTION_NONE || r == NONLIN_REDUCTION_MEAN || r == NONLIN_REDUCTION_SUM;
}

// A per-class array (weights) is read for every row, so it may not share a
// byte with any output, not even as the exact same array.
inline nonlin_status check_apart(std::initializer_list<region> outputs,
                                 std::initializer_list<region> read_throughout) {
    for (const region& out : outputs)
        for (const region& in : read_throughout)
            if (overlaps(out, in)) return NONLIN_ERR_OVERLAP;
    return NONLIN_OK;
}

// Sums body(begin, end) (a double) over [0, count) cut into at most 64
// chunks whose size depends on count and `per_unit` (elements per unit)
// only, so the sum of the chunks' sums, taken in order, is the same for
// every thread count.
template <class Body>
double fixed_split_sum(const call_settings& settings, std::size_t count, std::size_t per_unit,
                       Body&& body) {
    constexpr std::size_t kMaxChunks = 64;
    std::size_t chunk = (count + kMaxChunks - 1) / kMaxChunks;
    const std::size_t grain = kRowGrain / (per_unit ? per_unit : 1) + 1;
    if (chunk < grain) chunk = grain;
    const std::size_t chunks = count == 0 ? 0 : (count + chunk - 1) / chunk;
    double partial[kMaxChunks] = {};
    parallel_for(settings, chunks, 1, 1, [&](std::size_t cb, std::size_t ce) {
        for (std::size_t c = cb; c < ce; ++c) {
            const std::size_t b = c * chunk;
            partial[c] = body(b, count - b < chunk ? count : b + chunk);
        }
    });
    double sum = 0.0;
    for (std::size_t c = 0; c < chunks; ++c) sum += partial[c];
    return sum;
}

}  // namespace nonlin
