// nonlin-train: entry point. Parses options, loads data, runs one training
// or the --compare experiment, and turns every error into one line on
// stderr and a nonzero exit status.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <new>

#include "activations.h"
#include "bench_report.h"
#include "blas.h"
#include "compare.h"
#include "csv_log.h"
#include "error.h"
#include "options.h"
#include "params_io.h"
#include "plot.h"
#include "progress.h"

namespace trainer {
namespace {

void print_run_summary(const std::string& activation, const RunResult& r) {
    if (r.epochs.empty()) return;
    const EpochStats& e = r.epochs.back();
    std::printf("%s: final train loss %.4f, valid loss %.4f, valid acc %.4f, acc first 64 %.4f, "
                "%.1f ms/epoch, NaN seen: %s\n",
                activation.c_str(), e.train_loss, e.valid_loss, e.valid_acc, e.first_batch_acc, e.train_ms,
                r.nan_seen ? "yes" : "no");
}

int run_single(const Options& o, const Dataset& data) {
    Model model = make_model(o.train);
    Progress progress(o.train.model.activation, o.train.epochs, o.quiet || o.bench);
    TrainObserver* observer = &progress;
    std::unique_ptr<CsvLog> log;
    std::unique_ptr<CsvObserver> csv;
    if (!o.log_csv.empty()) {
        log = std::make_unique<CsvLog>(o.log_csv);
        csv = std::make_unique<CsvObserver>(*log, 1, o.train.model.activation, &progress);
        observer = csv.get();
    }
    const RunResult result = train(model, data, o.train, observer, o.bench);
    if (log) log->close();
    if (!o.save_path.empty()) save_params(model.params(), o.save_path);
    print_run_summary(o.train.model.activation, result);
    if (o.bench) print_bench_report(result, data, o.train, o.threads, model.uses_fused_loss());
    return 0;
}

int run_compare_command(const Options& o, const Dataset& data) {
    std::filesystem::create_directories(o.out_dir);
    const std::string csv = o.out_dir + "/compare.csv";
    const std::string png = o.out_dir + "/compare.png";
    const auto rows = run_compare(o.compare, o.train, data, csv, o.quiet);
    std::printf("%s", format_table(rows).c_str());
    std::printf("\ndata: %s (%zu train, %zu validation digits); epochs %d, batch %zu, lr %g, seed %llu%s\n",
                data.source.c_str(), data.train.count, data.valid.count, o.train.epochs, o.train.batch,
                static_cast<double>(o.train.lr), static_cast<unsigned long long>(o.train.seed),
                o.train.shuffle ? ", shuffled" : "");
    std::printf("per-step losses and per-epoch accuracies: %s\n", csv.c_str());
    std::string why;
    if (plot_compare(csv, png, o.compare, &why)) {
        std::printf("plot: %s\n", png.c_str());
    } else {
        std::fprintf(stderr, "nonlin-train: warning: no plot written: %s\n", why.c_str());
    }
    return 0;
}

int run(int argc, char** argv) {
    const Options o = parse_options(argc, argv);
    if (o.help) {
        std::fputs(usage().c_str(), stdout);
        return 0;
    }
    // Check every name before spending time on data.
    for (const std::string& a : o.compare) find_activation(output_activations(), a, "--compare");
    Model check_names(o.train.model);
    configure_threads(o.threads);
    check(nonlin_set_accuracy(o.accuracy == "fast" ? NONLIN_ACCURACY_FAST : NONLIN_ACCURACY_STRICT),
          "nonlin_set_accuracy");
    const Dataset data = load_dataset(resolve_data_dir(o.data), o.pixel_divisor);
    return o.compare.empty() ? run_single(o, data) : run_compare_command(o, data);
}

}  // namespace
}  // namespace trainer

int main(int argc, char** argv) {
    try {
        return trainer::run(argc, argv);
    } catch (const trainer::UsageError& e) {
        std::fprintf(stderr, "nonlin-train: %s (see --help)\n", e.what());
        return 2;
    } catch (const trainer::Error& e) {
        std::fprintf(stderr, "nonlin-train: error: %s\n", e.what());
        return 1;
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "nonlin-train: error: out of memory\n");
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "nonlin-train: error: %s\n", e.what());
        return 1;
    }
}
