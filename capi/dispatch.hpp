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

// The threads a call wanting `requested` (>= 2) of them gets: team_for
// (team_policy.hpp) of what the machine has free, sampled at most every few
// milliseconds (team_size.cpp).
std::size_t team_size(std::size_t requested);

// Called when a team of `team` threads has finished: its workers keep
// spinning for a while, and team_size must not count them as other load.
void note_team_finished(std::size_t team);

}  // namespace nonlin
