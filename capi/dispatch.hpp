// The process-wide settings every entry point reads: the active kernel table
// and the thread count.
#pragma once

#include "../src/isa/kernel_table.hpp"

namespace nonlin {

// The table in use now. Each call reads it once and uses that table to the
// end, so nonlin_set_isa from another thread never mixes two ISAs in a call.
const kernel_table& active_kernels();

// Threads a call may use (>= 1).
int max_threads();

}  // namespace nonlin
