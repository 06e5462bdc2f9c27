#include "options.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>

#include "activations.h"

namespace trainer {
namespace {

long long parse_int(const std::string& flag, const std::string& text, long long lo, long long hi) {
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno != 0 || v < lo || v > hi) {
        throw UsageError(flag + " wants an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                         "], got '" + text + "'");
    }
    return v;
}

unsigned long long parse_u64(const std::string& flag, const std::string& text) {
    errno = 0;
    char* end = nullptr;
    const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || text[0] == '-' || *end != '\0' || errno != 0) {
        throw UsageError(flag + " wants a non-negative integer, got '" + text + "'");
    }
    return v;
}

float parse_positive_float(const std::string& flag, const std::string& text) {
    char* end = nullptr;
    const float v = std::strtof(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(v) || !(v > 0.0f)) {
        throw UsageError(flag + " wants a positive number, got '" + text + "'");
    }
    return v;
}

std::vector<std::string> split_list(const std::string& flag, const std::string& text) {
    std::vector<std::string> out;
    std::size_t begin = 0;
    while (begin <= text.size()) {
        const std::size_t comma = text.find(',', begin);
        const std::size_t end = comma == std::string::npos ? text.size() : comma;
        if (end == begin) throw UsageError(flag + ": empty name in '" + text + "'");
        out.push_back(text.substr(begin, end - begin));
        begin = end + 1;
    }
    return out;
}

}  // namespace

std::string usage() {
    return "usage: nonlin-train [options]\n"
           "Trains the classic MNIST logistic regression out = act(x @ W + b) with NLL loss\n"
           "and plain SGD, through the nonlin library's activations and losses.\n"
           "\n"
           "model\n"
           "  --activation NAME         output activation (default log_softmax): " +
           activation_names(output_activations()) +
           "\n"
           "  --hidden N                add one hidden layer of N units (784-N-10)\n"
           "  --hidden-activation NAME  its activation (default sigmoid): " +
           activation_names(hidden_activations()) +
           "\n"
           "  --unfused                 train log_softmax as log_softmax + NLL instead of the\n"
           "                            fused cross-entropy call\n"
           "training\n"
           "  --epochs N (2)  --batch N (64)  --lr X (0.5)  --seed N (0)\n"
           "  --shuffle                 reshuffle the training set each epoch (default: in order)\n"
           "  --threads N (1)           library threads; results do not depend on it\n"
           "  --accuracy strict|fast    the library's accuracy tier (default strict)\n"
           "data\n"
           "  --data mnist|fashion|DIR  (default mnist: 8000/2000 real digits prepared by the\n"
           "                            mnist-data build target; fashion: Debian's Fashion-MNIST;\n"
           "                            DIR: {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz])\n"
           "  --pixel-divisor X (255)   pixel = float(v) / X; 1 keeps raw 0..255 pixels\n"
           "parameters\n"
           "  --load PATH  --save PATH  raw little-endian float32: W (784x10) then b (10), or\n"
           "                            W1 (784xN), b1, W2 (Nx10), b2 with --hidden N\n"
           "output\n"
           "  --compare A,B,...         train each output activation from the same start and\n"
           "                            print the experiment's table; writes OUT/compare.csv\n"
           "                            and OUT/compare.png (gnuplot)\n"
           "  --out DIR (runs)          where --compare writes\n"
           "  --log-csv PATH            per-step and per-epoch CSV of a single run\n"
           "  --bench                   ms per epoch and per step, split by section\n"
           "  --quiet                   no progress output\n"
           "  --help\n";
}

Options parse_options(int argc, const char* const* argv) {
    Options o;
    using Handler = std::function<void(const std::string&, const std::string&)>;
    // Flags that take a value.
    const std::map<std::string, Handler> valued{
        {"--activation", [&](auto&, auto& v) { o.train.model.activation = v; }},
        {"--hidden", [&](auto& f, auto& v) { o.train.model.hidden = parse_int(f, v, 0, 1 << 20); }},
        {"--hidden-activation", [&](auto&, auto& v) { o.train.model.hidden_activation = v; }},
        {"--epochs", [&](auto& f, auto& v) { o.train.epochs = static_cast<int>(parse_int(f, v, 0, 1 << 20)); }},
        {"--batch", [&](auto& f, auto& v) { o.train.batch = parse_int(f, v, 1, 1 << 20); }},
        {"--lr", [&](auto& f, auto& v) { o.train.lr = parse_positive_float(f, v); }},
        {"--seed", [&](auto& f, auto& v) { o.train.seed = parse_u64(f, v); }},
        {"--threads", [&](auto& f, auto& v) { o.threads = static_cast<int>(parse_int(f, v, 1, 1024)); }},
        {"--accuracy", [&](auto& f, auto& v) {
             if (v != "strict" && v != "fast") throw UsageError(f + " must be strict or fast, not '" + v + "'");
             o.accuracy = v;
         }},
        {"--pixel-divisor", [&](auto& f, auto& v) { o.pixel_divisor = parse_positive_float(f, v); }},
        {"--data", [&](auto&, auto& v) { o.data = v; }},
        {"--load", [&](auto&, auto& v) { o.train.load_path = v; }},
        {"--save", [&](auto&, auto& v) { o.save_path = v; }},
        {"--log-csv", [&](auto&, auto& v) { o.log_csv = v; }},
        {"--out", [&](auto&, auto& v) { o.out_dir = v; }},
        {"--compare", [&](auto& f, auto& v) { o.compare = split_list(f, v); }},
    };
    const std::map<std::string, bool*> switches{
        {"--shuffle", &o.train.shuffle}, {"--quiet", &o.quiet}, {"--bench", &o.bench},
        {"--help", &o.help},           {"-h", &o.help},
    };
    bool unfused = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i], value;
        const std::size_t eq = arg.find('=');
        const bool has_value = arg.rfind("--", 0) == 0 && eq != std::string::npos;
        if (has_value) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        }
        if (arg == "--unfused" && !has_value) {
            unfused = true;
        } else if (auto s = switches.find(arg); s != switches.end() && !has_value) {
            *s->second = true;
        } else if (auto h = valued.find(arg); h != valued.end()) {
            if (!has_value) {
                if (i + 1 >= argc) throw UsageError(arg + " needs a value");
                value = argv[++i];
            }
            h->second(arg, value);
        } else {
            throw UsageError("unknown option '" + std::string(argv[i]) + "'");
        }
    }
    o.train.model.fused = !unfused;
    if (!o.compare.empty() && !o.save_path.empty()) throw UsageError("--save cannot be combined with --compare");
    if (!o.compare.empty() && !o.log_csv.empty()) {
        throw UsageError("--log-csv is for one run; --compare writes OUT/compare.csv");
    }
    if (!o.compare.empty() && o.bench) throw UsageError("--bench is for one run; --compare reports ms per epoch");
    return o;
}

}  // namespace trainer
