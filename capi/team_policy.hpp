// How many threads a call splits over, given what it asked for and what
// the machine has free at the moment. Pure, so tests can tabulate it; the
// figures come from team_size() (team_size.cpp).
#pragma once

#include <cstddef>

namespace nonlin {

// What is known of the machine when a call starts; 0 where unknown.
struct machine_state {
    std::size_t usable_cores;  // the CPUs this process may run on
    std::size_t runnable;      // tasks running or ready to run, system-wide, this caller included
    std::size_t own_workers;   // of these, this library's idle workers that may still be spinning
};

// One thread per core nobody else is using: a thread on a core another
// process keeps busy only waits for a time slice, and the whole call waits
// for it at the end of the team (on 2 busy cores, a 2-thread sigmoid call
// took 15x the 1-thread time). Without the figures, threads as requested.
constexpr std::size_t team_for(std::size_t requested, const machine_state& m) {
    if (requested <= 1 || m.usable_cores == 0 || m.runnable == 0) return requested;
    const std::size_t mine = 1 + m.own_workers;
    const std::size_t others = m.runnable > mine ? m.runnable - mine : 0;
    const std::size_t free_cores = m.usable_cores > others ? m.usable_cores - others : 0;
    const std::size_t team = requested < free_cores ? requested : free_cores;
    return team > 1 ? team : 1;
}

// Of two samples, the earlier and the later, the one with fewer other
// tasks: a load that cuts the team must be there at both, as a busy process
// is; a task that runs for a moment (a kernel thread, say) is seen by one
// sample at most, and cost idle machines 5% of their 2-thread calls.
constexpr machine_state quieter(const machine_state& earlier, const machine_state& later) {
    if (earlier.runnable == 0 || later.runnable == 0) return later;
    const std::size_t a = earlier.runnable + later.own_workers;
    const std::size_t b = later.runnable + earlier.own_workers;
    return a < b ? earlier : later;
}

}  // namespace nonlin
