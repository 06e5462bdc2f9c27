// The process-wide settings every entry point reads: the active kernel table
// and the thread count.
#pragma once

#include "../src/isa/kernel_table.hpp"

namespace nonlin {

// The process-wide settings as one call sees them: read once when the call
// starts and used to its end, so nonlin_set_isa or nonlin_set_num_threads
// from another thread never changes a call already running.
struct call_settings {
    const kernel_table& kernels;
    std::size_t threads;  // >= 1
};

call_settings settings_for_call();

// Called before a call starts an OpenMP team (see max_threads in
// runtime.cpp: a process forked after this runs single-threaded).
void note_team_started();

}  // namespace nonlin
