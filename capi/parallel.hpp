// Splitting a call's work over OpenMP threads. Work is split only when each
// thread gets at least `grain` units, so small calls run on the caller's
// thread with no OpenMP overhead. Kernels compute every element the same way
// wherever a chunk starts, so results do not depend on the split.
#pragma once

#include <cstddef>

#include "dispatch.hpp"

namespace nonlin {

// Calls body(begin, end) over [0, count) in contiguous chunks whose
// boundaries are multiples of `align`, one chunk per requested thread. The
// chunks run on a team of at most that many threads, fewer when other
// processes keep the cores busy (team_size); each thread claims the next
// chunk left, so the caller goes on with the chunks of a worker that has not
// started yet.
template <class Body>
void parallel_for(const call_settings& settings, std::size_t count, std::size_t grain,
                  std::size_t align, Body&& body) {
    std::size_t threads = settings.threads;
    if (grain == 0) grain = 1;
    if (count / grain < threads) threads = count / grain;
    if (threads <= 1) {
        body(std::size_t{0}, count);
        return;
    }
    std::size_t chunk = (count + threads - 1) / threads;
    chunk = (chunk + align - 1) / align * align;
    const long chunks = static_cast<long>((count + chunk - 1) / chunk);
    const auto run_chunk = [&](long c) {
        const std::size_t begin = static_cast<std::size_t>(c) * chunk;
        const std::size_t end = begin + chunk < count ? begin + chunk : count;
        body(begin, end);
    };
    // Before the team is sized: whether a forked child may start a team
    // must not depend on the load its parent happened to see.
    note_team_started();
    const std::size_t team = team_size(threads);
    if (team <= 1) {
        for (long c = 0; c < chunks; ++c) run_chunk(c);
        return;
    }
#pragma omp parallel for num_threads(static_cast<int>(team)) schedule(dynamic, 1)
    for (long c = 0; c < chunks; ++c) run_chunk(c);
    note_team_finished(team);
}

// Work per thread below which splitting does not pay, in elements: at 4096
// elements a second thread only adds its start-up; the README's Performance
// section (bench/report) shows the scaling above these sizes.
constexpr std::size_t kElementwiseGrain = std::size_t{1} << 15;
constexpr std::size_t kRowGrain = std::size_t{1} << 14;

}  // namespace nonlin
