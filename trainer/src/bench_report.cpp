#include "bench_report.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "blas.h"
#include "nonlin/nonlin.h"

namespace trainer {

void print_bench_report(const RunResult& r, const Dataset& data, const TrainConfig& cfg, int threads,
                        bool fused_loss) {
    if (r.epochs.empty()) return;
    std::vector<double> ms;
    for (const EpochStats& e : r.epochs) ms.push_back(e.train_ms);
    std::sort(ms.begin(), ms.end());
    const double median = ms[ms.size() / 2];
    double total = 0;
    for (double v : ms) total += v;
    const std::size_t steps = (data.train.count + cfg.batch - 1) / cfg.batch;
    const double epochs = static_cast<double>(r.epochs.size());
    std::printf("bench: %zu training digits, batch %zu, %zu steps/epoch, %d thread(s), %zu epochs; "
                "nonlin isa %s, OpenBLAS %s kernels (1 thread)\n",
                data.train.count, cfg.batch, steps, threads, r.epochs.size(), nonlin_isa(), blas_core_name());
    std::printf("  ms per epoch: min %.3f, median %.3f; ms per step (median epoch): %.4f\n", ms.front(), median,
                median / static_cast<double>(steps));
    // The first epoch pays for cold caches and page faults; min shows the
    // steady state, the split is over all epochs.
    const Timings& t = r.sections;
    const double other = total - t.total();
    auto row = [&](const char* name, double v) {
        std::printf("  %-34s %8.3f ms/epoch  %5.1f%%\n", name, v / epochs, 100.0 * v / total);
    };
    row("matrix products (+ bias)", t.linear);
    row(fused_loss ? "activation (hidden layer only)" : "activation", t.activation);
    row(fused_loss ? "loss (fused log_softmax + NLL)" : "loss (NLL)", t.loss);
    row("update (SGD)", t.update);
    row("other (loop, batch gather)", other);
}

}  // namespace trainer
