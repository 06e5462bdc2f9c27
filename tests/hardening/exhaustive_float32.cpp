// Elementwise forwards of the table in tests/elementwise_ops.hpp (sigmoid
// and tanh unless named otherwise) on every one of the 2^32 float32 inputs,
// on the best ISA of this CPU or the one named on the command line. For each
// op: every call returns NONLIN_OK; every result is within the op's forward
// bound (the number in docs/ACCURACY.md) of its double reference; every NaN
// input gives a NaN; and, for the ops the table marks monotone, the results
// never decrease over the whole ordered float range, -0 and +0 included.
// The library runs on one thread per call, the blocks of 2^16 inputs spread
// over one thread per core. Prints each op's worst error and where it is,
// the counts of failures and, if any, where a decrease is.
//
// The bounds are those of the tier NONLIN_ACCURACY selects (strict unless
// it says fast); in the fast tier a result below FLT_MIN may be 0.
//
// usage: nonlin_exhaustive [ISA|best] [OP... | all]   (default: best sigmoid tanh)
// Exit status 0 when every check holds, 1 when one fails, 2 for an
// unavailable ISA or an unknown op.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <thread>

#include "../elementwise_ops.hpp"
#include "../support.hpp"

using namespace nonlin_test;

namespace {

constexpr uint32_t kBlockBits = 16;
constexpr uint32_t kBlock = 1u << kBlockBits;
constexpr uint32_t kBlocks = 1u << (32 - kBlockBits);

struct worst {
    double ulp = 0.0;
    uint32_t at = 0;
};

// Per op: the worst error, counts of failures, and one decrease (the first
// one found).
struct op_result {
    worst w;
    uint64_t over_bound = 0, nan_mismatch = 0, decreases = 0;
    uint32_t first_decrease = 0;
    bool any_decrease = false;
};

void merge(op_result& into, const op_result& from) {
    if (from.w.ulp > into.w.ulp) into.w = from.w;
    into.over_bound += from.over_bound;
    into.nan_mismatch += from.nan_mismatch;
    into.decreases += from.decreases;
    if (from.any_decrease && !into.any_decrease) {
        into.any_decrease = true;
        into.first_decrease = from.first_decrease;
    }
}

void note_decrease(op_result& r, uint32_t bits) {
    ++r.decreases;
    if (!r.any_decrease) {
        r.any_decrease = true;
        r.first_decrease = bits;
    }
}

// Checks one block of 2^16 consecutive bit patterns for one op.
void check_block(const elementwise_case& op, bool fast, uint32_t block, const float* x,
                 const float* y, op_result& r) {
    const uint32_t base = block << kBlockBits;
    for (uint32_t i = 0; i < kBlock; ++i) {
        const float xi = x[i];
        if (std::isnan(xi)) {
            if (!std::isnan(y[i])) ++r.nan_mismatch;
            continue;
        }
        const double want = op.reference(xi);
        // A correctly rounded result is within 0.5 ulp; measure the others.
        if (y[i] == static_cast<float>(want)) continue;
        const double e = tier_ulp_error(y[i], want, fast);
        if (e > r.w.ulp) r.w = {e, base + i};
        if (e > op.forward_bound(fast)) ++r.over_bound;
    }
    // Within a block: for sign bit 0 the values increase with the bits, for
    // sign bit 1 they decrease. NaNs (at the top of each half) are skipped.
    const bool negative = (base & 0x80000000u) != 0;
    for (uint32_t i = 0; i + 1 < kBlock; ++i) {
        if (std::isnan(x[i]) || std::isnan(x[i + 1])) continue;
        const bool bad = negative ? y[i] < y[i + 1] : y[i] > y[i + 1];
        if (bad) note_decrease(r, base + i);
    }
}

}  // namespace

int main(int argc, char** argv) {
    const char* isa = argc > 1 && std::string(argv[1]) != "best" ? argv[1] : nullptr;
    if (nonlin_set_isa(isa) != NONLIN_OK) {
        std::fprintf(stderr, "ISA %s not available\n", isa ? isa : "auto");
        return 2;
    }
    std::vector<std::string> wanted(argv + std::min(argc, 2), argv + argc);
    if (wanted.empty()) wanted = {"sigmoid", "tanh"};
    std::vector<elementwise_case> cases;
    // Forwards only: a gradient_only row's forward is another row's.
    for (const elementwise_case& op : kElementwiseCases)
        if (!op.gradient_only &&
            (wanted[0] == "all" || std::find(wanted.begin(), wanted.end(), op.name) != wanted.end()))
            cases.push_back(op);
    if (cases.size() != wanted.size() && wanted[0] != "all") {
        std::fprintf(stderr, "unknown op among the arguments\n");
        return 2;
    }
    // The tier NONLIN_ACCURACY selected, and its bounds.
    const bool fast = nonlin_get_accuracy() == NONLIN_ACCURACY_FAST;
    // One library thread per call; the blocks are spread over our own threads.
    nonlin_set_num_threads(1);
    const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    const auto start = std::chrono::steady_clock::now();

    const std::size_t ops = cases.size();
    std::vector<std::vector<op_result>> per_thread(threads, std::vector<op_result>(ops));
    std::vector<std::vector<float>> first(ops, std::vector<float>(kBlocks)),
        last(ops, std::vector<float>(kBlocks));
    std::atomic<uint32_t> next{0};
    std::atomic<bool> call_failed{false};
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            std::vector<float> x(kBlock), y(kBlock);
            for (uint32_t b; (b = next.fetch_add(1)) < kBlocks;) {
                for (uint32_t i = 0; i < kBlock; ++i) x[i] = from_bits((b << kBlockBits) | i);
                for (std::size_t k = 0; k < ops; ++k) {
                    if (cases[k].forward(kBlock, x.data(), y.data()) != NONLIN_OK)
                        call_failed = true;
                    check_block(cases[k], fast, b, x.data(), y.data(), per_thread[t][k]);
                    first[k][b] = y[0];
                    last[k][b] = y[kBlock - 1];
                }
            }
        });
    for (auto& th : pool) th.join();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    bool ok = !call_failed;
    for (std::size_t k = 0; k < ops; ++k) {
        op_result r;
        for (unsigned t = 0; t < threads; ++t) merge(r, per_thread[t][k]);
        // Across block edges, in float order: positive blocks upwards from +0,
        // negative blocks downwards from -0, and -0 joins +0. Edge values
        // that are NaN (NaN inputs) are skipped.
        auto edge = [&](float lo_y, float hi_y, uint32_t bits) {
            if (!std::isnan(lo_y) && !std::isnan(hi_y) && lo_y > hi_y) note_decrease(r, bits);
        };
        for (uint32_t b = 0; b + 1 < kBlocks / 2; ++b)
            edge(last[k][b], first[k][b + 1], (b + 1) << kBlockBits);
        for (uint32_t b = kBlocks / 2; b + 1 < kBlocks; ++b)
            edge(first[k][b + 1], last[k][b], (b + 1) << kBlockBits);
        edge(first[k][kBlocks / 2], first[k][0], 0);
        const elementwise_case& op = cases[k];
        if (!op.monotone) r.decreases = 0, r.any_decrease = false;  // not claimed
        std::printf("exhaustive: %-7s %-6s %-8s max %.3f ulp at x = %a (bits 0x%08" PRIx32
                    "), bound %.1f; over bound %" PRIu64 ", NaN mismatches %" PRIu64
                    ", decreases %" PRIu64 "\n",
                    nonlin_isa(), fast ? "fast" : "strict", op.name, r.w.ulp,
                    static_cast<double>(from_bits(r.w.at)), r.w.at, op.forward_bound(fast),
                    r.over_bound, r.nan_mismatch, r.decreases);
        if (r.any_decrease)
            std::printf("exhaustive: %s first decrease after x = %a\n", op.name,
                        static_cast<double>(from_bits(r.first_decrease)));
        ok = ok && r.over_bound == 0 && r.nan_mismatch == 0 && r.decreases == 0;
    }
    std::printf("exhaustive: 2^32 inputs x %zu ops on %u threads in %.1f s: %s\n", ops, threads,
                seconds, ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
