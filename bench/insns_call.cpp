// One call of a nonlin function, run for bench/insns_per_vector, which
// counts the instructions it executes: callgrind collects inside
// insns_measured() only, and qemu's execution log is summed between the
// markers insns_begin() and insns_end(). Each call is made once before,
// so that the counted one pays no lazy binding or first touch. The call
// and its data are the benchmark's (nonlin_calls.hpp) at shape 1 x N x 1:
// N elements, one row of N, or one row of N classes; one counted call per
// N given, in order.
//
// usage: nonlin_insns_call ISA OP N...
//        nonlin_insns_call --list    (the ops whose cost grows with N)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "nonlin/nonlin.h"
#include "nonlin_calls.hpp"

// C names, so that the counters find them without demangling; out of line
// and not empty, so that each is a call of its own in the log.
extern "C" {
[[gnu::noipa]] void insns_begin();
[[gnu::noipa]] void insns_end();
[[gnu::noipa]] bool insns_measured(bench::Op op, const bench::Args* args);
}

void insns_begin() { asm volatile(""); }
void insns_end() { asm volatile(""); }

bool insns_measured(bench::Op op, const bench::Args* args) {
    insns_begin();
    const bool ok = bench::call_nonlin(op, *args);
    insns_end();
    return ok;
}

namespace {

// Elementwise ops, rows and losses that write or read per element; the
// limits are not nonlin's, and nll_loss reads one value per row.
bool per_element(const bench::OpInfo& info) {
    return info.family != bench::Family::limit && info.streams > 0;
}

const bench::OpInfo* find(const char* name) {
    for (const bench::OpInfo& info : bench::kOps)
        if (per_element(info) && std::strcmp(info.name, name) == 0) return &info;
    return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::strcmp(argv[1], "--list") == 0) {
        for (const bench::OpInfo& info : bench::kOps)
            if (per_element(info)) std::printf("%s\n", info.name);
        return 0;
    }
    const bench::OpInfo* info = argc >= 4 ? find(argv[2]) : nullptr;
    std::vector<std::size_t> sizes;
    for (int i = 3; info && i < argc; ++i) {
        char* end = nullptr;
        const unsigned long long n = std::strtoull(argv[i], &end, 10);
        if (n == 0 || *end != '\0') break;
        sizes.push_back(static_cast<std::size_t>(n));
    }
    if (!info || sizes.size() != static_cast<std::size_t>(argc - 3)) {
        std::fprintf(stderr, "usage: nonlin_insns_call ISA OP N... | --list\n");
        return 2;
    }
    if (nonlin_set_isa(argv[1]) != NONLIN_OK || nonlin_set_num_threads(1) != NONLIN_OK) {
        std::fprintf(stderr, "nonlin_insns_call: cannot select ISA %s\n", argv[1]);
        return 1;
    }
    for (const std::size_t n : sizes) {
        const bench::Args args = bench::make_args(*info, {1, n, 1});
        if (!bench::call_nonlin(info->op, args) || !insns_measured(info->op, &args)) {
            std::fprintf(stderr, "nonlin_insns_call: %s failed\n", info->name);
            return 1;
        }
    }
    return 0;
}
