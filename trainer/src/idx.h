// Reading MNIST-format IDX files (plain or gzip-compressed).
//
// The format: a big-endian magic number 0x00000800 | type << 8 | ndim, then
// ndim big-endian uint32 dimensions, then the data. Only unsigned bytes
// (type 0x08) occur in MNIST: labels are 1-D (magic 0x801), images 3-D
// (magic 0x803). The reader insists on exactly the declared amount of data,
// so a truncated download or a file with trailing junk is an error rather
// than a silently different data set.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace trainer {

struct IdxArray {
    std::vector<std::uint32_t> dims;
    std::vector<std::uint8_t> data;  // product(dims) bytes, row-major
};

// Reads an unsigned-byte IDX file with `expected_ndim` dimensions. gzip
// input is recognized by its content, not its name. Throws Error with one
// line naming the file and the problem.
IdxArray read_idx(const std::string& path, std::size_t expected_ndim);

// Images: n x rows x cols. Labels: n values, each checked to be < classes.
struct Images {
    std::size_t count = 0, rows = 0, cols = 0;
    std::vector<std::uint8_t> pixels;
};
Images read_idx_images(const std::string& path);
std::vector<std::uint8_t> read_idx_labels(const std::string& path, unsigned classes);

}  // namespace trainer
