// The 16-bit benchmarks (half_bench.cpp) and their peers' (half_onednn.cpp).
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <string>

namespace bench {

// Registers half/<op>/<size>/<impl> for every 16-bit op, size and tier.
void register_half();

// Registers the peers' 16-bit runs of op at rows x cols (rows 1 for the
// elementwise ops) as prefix/<impl>; nothing where no peer is built.
void register_half_peers(const char* op, std::size_t rows, std::size_t cols,
                         const std::string& prefix);

// The per-element counters bench/report reads, for n elements per call.
void record_elements(benchmark::State& state, std::size_t n);

}  // namespace bench
