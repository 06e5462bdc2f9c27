// Version, status names, ISA selection and the thread setting.
#include <pthread.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "checks.hpp"
#include "dispatch.hpp"
#include "nonlin/nonlin.h"
#include "../src/isa/isa_list.hpp"
#include "../src/runtime/cpu.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace nonlin {
namespace {

// The table of each ISA of src/isa/isa_list.def this build has, in tier t;
// the scalar one for the others (never chosen: they are not available).
const kernel_table* table_for(isa i, tier t) {
    switch (i) {
#define NONLIN_ISA(name, arch, xsimd_arch, cpu_check, flags) \
    NONLIN_ISA_ON_##arch(case isa::name: return isa_##name::table(t);)
#include "../src/isa/isa_list.def"
#undef NONLIN_ISA
    default: return isa_scalar::table(t);
    }
}

// The ISA chosen at first use: the best one, unless NONLIN_ISA names an
// available one.
isa initial_isa() {
    const char* requested = std::getenv("NONLIN_ISA");
    isa i;
    if (requested && isa_from_name(requested, &i) && isa_available(i)) return i;
    return best_isa();
}

// The tier at first use: NONLIN_ACCURACY=strict|fast; unset, strict; any
// other value, strict with one line on stderr (a misspelt "fast" would
// otherwise pass unnoticed as a slow run).
tier initial_tier() {
    const char* requested = std::getenv("NONLIN_ACCURACY");
    if (requested == nullptr) return tier::strict;
    const std::string_view name(requested);
    if (name == "fast") return tier::fast;
    if (name != "strict")
        std::fprintf(stderr, "nonlin: NONLIN_ACCURACY=%s is neither strict nor fast; using strict\n",
                     requested);
    return tier::strict;
}

std::atomic<isa>& current_isa() {
    static std::atomic<isa> chosen{initial_isa()};
    return chosen;
}

std::atomic<tier>& current_tier() {
    static std::atomic<tier> chosen{initial_tier()};
    return chosen;
}

std::atomic<int> requested_threads{0};

// Whether this process has started an OpenMP team, and whether it is a
// child forked after its parent had: libgomp's threads do not survive
// fork(), and the child's next team would wait for them forever. Such a
// child runs every call on its calling thread (PyTorch does the same).
std::atomic<bool> team_started{false};
std::atomic<bool> forked_after_team{false};

void on_fork_child() {
    if (team_started.load(std::memory_order_relaxed))
        forked_after_team.store(true, std::memory_order_relaxed);
}

[[gnu::constructor]] void register_fork_handler() {
    pthread_atfork(nullptr, nullptr, on_fork_child);
}

// Threads a call may use (>= 1).
int max_threads() {
    if (forked_after_team.load(std::memory_order_relaxed)) return 1;
    const int n = requested_threads.load(std::memory_order_relaxed);
    if (n > 0) return n;
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

}  // namespace

void note_team_started() {
    if (!team_started.load(std::memory_order_relaxed))
        team_started.store(true, std::memory_order_relaxed);
}

call_settings settings_for_call() {
    return {*table_for(current_isa().load(std::memory_order_relaxed),
                       current_tier().load(std::memory_order_relaxed)),
            static_cast<std::size_t>(max_threads())};
}


}  // namespace nonlin

using namespace nonlin;

extern "C" {

const char* nonlin_status_string(nonlin_status s) {
    switch (s) {
    case NONLIN_OK: return "ok";
    case NONLIN_ERR_NULL_POINTER: return "null pointer with a nonzero size";
    case NONLIN_ERR_BAD_SHAPE: return "bad shape: zero classes with rows, or a size that overflows";
    case NONLIN_ERR_OVERLAP: return "an output partially overlaps an input or another output";
    case NONLIN_ERR_BAD_TARGET: return "target class index out of range";
    case NONLIN_ERR_BAD_ARGUMENT: return "bad argument";
    case NONLIN_ERR_UNSUPPORTED: return "instruction set not supported by this CPU";
    }
    return "unknown status";
}

uint32_t nonlin_version(void) {
    return NONLIN_VERSION_MAJOR * 10000u + NONLIN_VERSION_MINOR * 100u + NONLIN_VERSION_PATCH;
}

#define NONLIN_STR2(x) #x
#define NONLIN_STR(x) NONLIN_STR2(x)
const char* nonlin_version_string(void) {
    return NONLIN_STR(NONLIN_VERSION_MAJOR) "." NONLIN_STR(NONLIN_VERSION_MINOR) "." NONLIN_STR(
        NONLIN_VERSION_PATCH);
}

const char* nonlin_isa(void) { return settings_for_call().kernels.name; }

nonlin_status nonlin_set_isa(const char* name) {
    isa chosen;
    if (name == nullptr || std::string_view(name) == "auto") {
        chosen = best_isa();
    } else {
        if (!isa_from_name(name, &chosen)) return NONLIN_ERR_BAD_ARGUMENT;
        if (!isa_available(chosen)) return NONLIN_ERR_UNSUPPORTED;
    }
    current_isa().store(chosen, std::memory_order_relaxed);
    return NONLIN_OK;
}

nonlin_status nonlin_set_accuracy(nonlin_accuracy a) {
    switch (a) {
    case NONLIN_ACCURACY_STRICT: current_tier().store(tier::strict, std::memory_order_relaxed); break;
    case NONLIN_ACCURACY_FAST: current_tier().store(tier::fast, std::memory_order_relaxed); break;
    default: return NONLIN_ERR_BAD_ARGUMENT;
    }
    return NONLIN_OK;
}

nonlin_accuracy nonlin_get_accuracy(void) {
    return current_tier().load(std::memory_order_relaxed) == tier::fast ? NONLIN_ACCURACY_FAST
                                                                         : NONLIN_ACCURACY_STRICT;
}

nonlin_status nonlin_set_num_threads(int n) {
    if (n < 0) return NONLIN_ERR_BAD_ARGUMENT;
    requested_threads.store(n, std::memory_order_relaxed);
    return NONLIN_OK;
}

int nonlin_get_num_threads(void) { return max_threads(); }

}  // extern "C"
