// Without oneDNN the 16-bit benchmarks have no peer.
#include "half_bench.hpp"

namespace bench {

void register_half_peers(const char*, std::size_t, std::size_t, const std::string&) {}

}  // namespace bench
