#include "dataset.h"

#include <sys/stat.h>

#include <cstdlib>

#include "error.h"
#include "idx.h"

#ifndef NONLIN_TRAINER_DATA_DIR
#define NONLIN_TRAINER_DATA_DIR "data"
#endif

namespace trainer {
namespace {

bool is_file(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_dir(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The plain file if present, else the .gz one, else "" (missing).
std::string find_file(const std::string& dir, const std::string& name) {
    const std::string plain = dir + "/" + name;
    if (is_file(plain)) return plain;
    if (is_file(plain + ".gz")) return plain + ".gz";
    return "";
}

std::string require_file(const std::string& dir, const std::string& name) {
    const std::string path = find_file(dir, name);
    if (path.empty()) throw Error(dir + "/" + name + "[.gz]: missing");
    return path;
}

Split load_split(const std::string& dir, const std::string& prefix, float divisor) {
    const std::string images_path = require_file(dir, prefix + "-images-idx3-ubyte");
    const std::string labels_path = require_file(dir, prefix + "-labels-idx1-ubyte");
    const Images images = read_idx_images(images_path);
    if (images.rows != 28 || images.cols != 28) {
        throw Error(images_path + ": images are " + std::to_string(images.rows) + "x" +
                    std::to_string(images.cols) + ", the model takes 28x28");
    }
    const std::vector<std::uint8_t> labels = read_idx_labels(labels_path, kClasses);
    if (labels.size() != images.count) {
        throw Error(labels_path + ": " + std::to_string(labels.size()) + " labels for " +
                    std::to_string(images.count) + " images in " + images_path);
    }
    return make_split(images.pixels, labels, divisor);
}

}  // namespace

std::string default_mnist_dir() {
    const char* env = std::getenv("NONLIN_DATA_DIR");
    const std::string root = env && *env ? env : NONLIN_TRAINER_DATA_DIR;
    return root + "/mnist";
}

std::string resolve_data_dir(const std::string& spec) {
    std::string dir;
    if (spec == "mnist") {
        dir = default_mnist_dir();
        if (!has_idx_files(dir)) {
            throw Error("MNIST data not found in " + dir +
                        ": prepare it with `cmake --build <build> --target mnist-data` "
                        "(or trainer/data/prepare_mnist.py --out " + dir + ")");
        }
        return dir;
    }
    if (spec == "fashion") {
        dir = kFashionDir;
        if (!is_dir(dir)) {
            throw Error(dir + ": not found (install the Debian package dataset-fashion-mnist)");
        }
        return dir;
    }
    if (!is_dir(spec)) throw Error("--data " + spec + ": not mnist, fashion or a directory");
    return spec;
}

bool has_idx_files(const std::string& dir) {
    for (const char* name : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
        if (find_file(dir, name).empty()) return false;
    }
    return true;
}

Dataset load_dataset(const std::string& dir, float pixel_divisor) {
    if (!(pixel_divisor > 0.0f)) throw Error("--pixel-divisor must be positive");
    Dataset d;
    d.source = dir;
    d.train = load_split(dir, "train", pixel_divisor);
    d.valid = load_split(dir, "t10k", pixel_divisor);
    return d;
}

Split make_split(const std::vector<std::uint8_t>& pixels, const std::vector<std::uint8_t>& labels,
                 float pixel_divisor) {
    Split s;
    s.count = labels.size();
    s.x.resize(pixels.size());
    for (std::size_t i = 0; i < pixels.size(); ++i) {
        s.x[i] = static_cast<float>(pixels[i]) / pixel_divisor;
    }
    s.y.assign(labels.begin(), labels.end());
    return s;
}

}  // namespace trainer
