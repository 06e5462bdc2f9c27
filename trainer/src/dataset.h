// The data a run trains and validates on, located by the --data argument and
// converted to the model's float inputs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace trainer {

constexpr std::size_t kPixels = 28 * 28;
constexpr std::size_t kClasses = 10;

struct Split {
    std::size_t count = 0;
    std::vector<float> x;         // count x kPixels, pixel / divisor
    std::vector<std::int64_t> y;  // count class indices (the loss API takes int64)
};

struct Dataset {
    std::string source;  // directory the files came from, for messages
    Split train, valid;
};

// Where "--data mnist" looks: $NONLIN_DATA_DIR/mnist, else the build tree's
// data/mnist (written there by the mnist-data target).
std::string default_mnist_dir();
constexpr const char* kFashionDir = "/usr/share/datasets/fashion-mnist";

// "mnist", "fashion" or a directory holding train-images-idx3-ubyte,
// train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte
// (each plain or with .gz); the t10k pair is the validation set.
std::string resolve_data_dir(const std::string& spec);

// Whether dir holds all four files (plain or .gz); used to skip cleanly.
bool has_idx_files(const std::string& dir);

// Each pixel becomes float(v) / divisor, a true division so that results
// match other implementations that divide (multiplying by a rounded 1/255
// differs in the last bit for some v).
Dataset load_dataset(const std::string& dir, float pixel_divisor);

// Converts images and labels already read into a split (shared with tests).
Split make_split(const std::vector<std::uint8_t>& pixels, const std::vector<std::uint8_t>& labels,
                 float pixel_divisor);

}  // namespace trainer
