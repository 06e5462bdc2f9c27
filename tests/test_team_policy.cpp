// The team a call runs on, given the threads it may use and the machine's
// figures at that moment (capi/team_policy.hpp).
#include <catch2/catch.hpp>

#include "../capi/team_policy.hpp"

using nonlin::machine_state;
using nonlin::team_for;

TEST_CASE("a call takes only the cores nobody else keeps busy", "[threads]") {
    struct row {
        std::size_t requested;
        machine_state machine;  // usable cores, runnable tasks (the caller too), own spinning workers
        std::size_t team;
        const char* why;
    };
    const row rows[] = {
        {2, {2, 1, 0}, 2, "idle: the caller alone"},
        {2, {2, 2, 1}, 2, "idle, the last team's worker still spinning"},
        {2, {2, 3, 0}, 1, "a busy loop on each core"},
        {2, {2, 4, 1}, 1, "a busy loop on each core and a spinning worker"},
        {2, {2, 2, 0}, 1, "one core busy: the caller has the other"},
        {8, {2, 1, 0}, 2, "no more threads than usable cores"},
        {8, {16, 5, 0}, 8, "enough free cores"},
        {8, {16, 13, 0}, 4, "four cores free"},
        {8, {16, 40, 0}, 1, "overloaded"},
        {4, {4, 1, 3}, 4, "workers counted as spinning that had already slept"},
        {1, {2, 1, 0}, 1, "one thread asked for"},
        {4, {0, 3, 0}, 4, "affinity unknown: as requested"},
        {4, {2, 0, 0}, 4, "no /proc: as requested"},
    };
    for (const row& r : rows) {
        INFO(r.why);
        CHECK(team_for(r.requested, r.machine) == r.team);
    }
}

TEST_CASE("a load cuts the team only if two samples in a row see it", "[threads]") {
    struct row {
        machine_state earlier, later;
        std::size_t team;  // of 2 requested
        const char* why;
    };
    const row rows[] = {
        {{2, 3, 0}, {2, 3, 0}, 1, "a busy loop on each core at both samples"},
        {{2, 1, 0}, {2, 3, 0}, 2, "the load has just come, or was a moment's"},
        {{2, 3, 0}, {2, 1, 0}, 2, "the load has gone"},
        {{2, 2, 1}, {2, 3, 1}, 2, "a spinning worker and a kernel thread for a moment"},
        {{2, 2, 0}, {2, 4, 1}, 1, "one core busy, then both and a spinning worker"},
        {{2, 3, 0}, {2, 0, 0}, 2, "/proc gone: as requested"},
        {{2, 0, 0}, {2, 3, 0}, 1, "the first sample"},
    };
    for (const row& r : rows) {
        INFO(r.why);
        CHECK(team_for(2, nonlin::quieter(r.earlier, r.later)) == r.team);
    }
}
