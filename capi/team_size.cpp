// The machine's figures team_for (team_policy.hpp) decides on, read at most
// every kSampleInterval so that a call costs a clock read, not a syscall.
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>

#include "dispatch.hpp"
#include "team_policy.hpp"

namespace nonlin {
namespace {

using clock = std::chrono::steady_clock;

// Short enough to follow a load that comes and goes between calls; long
// enough that reading /proc (a few microseconds) costs well under 1% of the
// calls worth splitting.
constexpr std::int64_t kSampleInterval = 2'000'000;  // ns
// How long libgomp's idle workers may keep spinning after a team ends (its
// default GOMP_SPINCOUNT spins about 15 ms on an EPYC); meanwhile they
// count as running tasks.
constexpr std::int64_t kSpinWindow = 30'000'000;  // ns

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               clock::now().time_since_epoch())
        .count();
}

// The CPUs of this process's affinity mask; 0 if unknown.
std::size_t usable_cores() {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 0;
    return static_cast<std::size_t>(CPU_COUNT(&set));
}

// The runnable tasks now: the numerator of /proc/loadavg's fourth field
// ("3/108"); 0 if unknown (no /proc, say).
std::size_t runnable_tasks() {
    const int fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char text[128];
    const ssize_t got = read(fd, text, sizeof text - 1);
    close(fd);
    if (got <= 0) return 0;
    text[got] = '\0';
    const char* p = text;
    for (int field = 0; field < 3; ++field) {
        while (*p && *p != ' ') ++p;
        while (*p == ' ') ++p;
    }
    char* end;
    const unsigned long n = std::strtoul(p, &end, 10);
    return end != p && *end == '/' ? static_cast<std::size_t>(n) : 0;
}

std::atomic<std::int64_t> next_sample{0};
std::atomic<std::size_t> sampled_cores{0};
// The last two samples of (runnable, own workers), each packed into one
// word so that a concurrent caller never reads half of one.
std::atomic<std::uint64_t> samples[2] = {{0}, {0}};
std::atomic<std::int64_t> last_team_end{0};
std::atomic<std::size_t> last_team{1};

std::uint64_t pack(std::size_t runnable, std::size_t own) {
    return (static_cast<std::uint64_t>(runnable) << 32) | static_cast<std::uint32_t>(own);
}

machine_state unpack(std::size_t cores, std::uint64_t sample) {
    return {cores, static_cast<std::size_t>(sample >> 32),
            static_cast<std::size_t>(sample & 0xffffffffu)};
}

}  // namespace

std::size_t team_size(std::size_t requested) {
    const std::int64_t now = now_ns();
    if (now >= next_sample.load(std::memory_order_relaxed)) {
        next_sample.store(now + kSampleInterval, std::memory_order_relaxed);
        sampled_cores.store(usable_cores(), std::memory_order_relaxed);
        const bool spinning = now - last_team_end.load(std::memory_order_relaxed) < kSpinWindow;
        const std::size_t own = spinning ? last_team.load(std::memory_order_relaxed) - 1 : 0;
        samples[0].store(samples[1].load(std::memory_order_relaxed), std::memory_order_relaxed);
        samples[1].store(pack(runnable_tasks(), own), std::memory_order_relaxed);
    }
    const std::size_t cores = sampled_cores.load(std::memory_order_relaxed);
    return team_for(requested, quieter(unpack(cores, samples[0].load(std::memory_order_relaxed)),
                                       unpack(cores, samples[1].load(std::memory_order_relaxed))));
}

void note_team_finished(std::size_t team) {
    last_team.store(team, std::memory_order_relaxed);
    last_team_end.store(now_ns(), std::memory_order_relaxed);
}

}  // namespace nonlin
