// The trainer's only source of randomness: SplitMix64 (Steele, Lea, Flood
// 2014). It is tiny, has no platform-dependent parts, and the same generator
// is written out in data/prepare_mnist.py, so anyone can reproduce every
// random choice the trainer makes from the seed alone.
#pragma once

#include <cmath>
#include <cstdint>

namespace trainer {

class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    // Uniform in (0, 1): the top 53 bits, offset by half a step so that
    // log() in normal() never sees 0.
    double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }

    // Uniform integer in [0, bound). The modulo bias is below 2^-40 for the
    // bounds used here and, more to the point, deterministic.
    std::uint64_t below(std::uint64_t bound) { return next() % bound; }

    // Standard normal by Box-Muller in double; one draw per call (the second
    // value is dropped so that the stream position depends only on the count
    // of draws).
    double normal() {
        const double u1 = uniform();
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }

private:
    std::uint64_t state_;
};

}  // namespace trainer
