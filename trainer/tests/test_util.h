// Helpers shared by the trainer's tests: scratch directories, IDX writers,
// small synthetic data sets, and running the nonlin-train program.
#pragma once

#include <stdlib.h>
#include <sys/wait.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "dataset.h"
#include "rng.h"

namespace testutil {

namespace fs = std::filesystem;

// A fresh directory, removed with its contents when the object goes.
class ScratchDir {
public:
    ScratchDir() {
        std::string templ = (fs::temp_directory_path() / "nonlin-trainer-test-XXXXXX").string();
        if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
        path_ = templ;
    }
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    std::string operator/(const std::string& name) const { return (path_ / name).string(); }
    std::string str() const { return path_.string(); }

private:
    fs::path path_;
};

inline void put_be32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// The bytes of an unsigned-byte IDX file with the given dimensions.
inline std::vector<std::uint8_t> idx_bytes(std::uint32_t magic, const std::vector<std::uint32_t>& dims,
                                           const std::vector<std::uint8_t>& data) {
    std::vector<std::uint8_t> out;
    put_be32(out, magic);
    for (std::uint32_t d : dims) put_be32(out, d);
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

inline void write_file(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!f) throw std::runtime_error("cannot write " + path);
}

inline void write_gz(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    gzFile f = gzopen(path.c_str(), "wb");
    if (!f || gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) != static_cast<int>(bytes.size()) ||
        gzclose(f) != Z_OK) {
        throw std::runtime_error("cannot write " + path);
    }
}

inline std::vector<std::uint8_t> read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

struct RawSet {
    std::vector<std::uint8_t> pixels, labels;
};

// count random 28x28 digits whose class shows in the image: each class
// brightens its own band of rows, on top of noise, so a model can learn it.
inline RawSet synthetic_raw(std::size_t count, std::uint64_t seed) {
    trainer::SplitMix64 rng(seed);
    RawSet s;
    s.pixels.resize(count * trainer::kPixels);
    s.labels.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        const auto label = static_cast<std::uint8_t>(rng.below(10));
        s.labels[i] = label;
        for (std::size_t p = 0; p < trainer::kPixels; ++p) {
            const std::size_t row = p / 28;
            const bool band = row >= 2 + 2u * label && row < 4 + 2u * label;
            s.pixels[i * trainer::kPixels + p] = static_cast<std::uint8_t>(rng.below(band ? 128 : 96) + (band ? 128 : 0));
        }
    }
    return s;
}

// A directory in the original MNIST layout holding synthetic data.
inline void write_dataset_dir(const std::string& dir, std::size_t n_train, std::size_t n_valid,
                              std::uint64_t seed) {
    const RawSet tr = synthetic_raw(n_train, seed);
    const RawSet va = synthetic_raw(n_valid, seed + 1);
    const auto n = [](std::size_t v) { return static_cast<std::uint32_t>(v); };
    write_file(dir + "/train-images-idx3-ubyte", idx_bytes(0x803, {n(n_train), 28, 28}, tr.pixels));
    write_file(dir + "/train-labels-idx1-ubyte", idx_bytes(0x801, {n(n_train)}, tr.labels));
    write_gz(dir + "/t10k-images-idx3-ubyte.gz", idx_bytes(0x803, {n(n_valid), 28, 28}, va.pixels));
    write_gz(dir + "/t10k-labels-idx1-ubyte.gz", idx_bytes(0x801, {n(n_valid)}, va.labels));
}

inline trainer::Dataset synthetic_dataset(std::size_t n_train, std::size_t n_valid, std::uint64_t seed) {
    const RawSet tr = synthetic_raw(n_train, seed);
    const RawSet va = synthetic_raw(n_valid, seed + 1);
    trainer::Dataset d;
    d.source = "synthetic";
    d.train = trainer::make_split(tr.pixels, tr.labels, 255.0f);
    d.valid = trainer::make_split(va.pixels, va.labels, 255.0f);
    return d;
}

struct Outcome {
    int status = -1;
    std::string output;  // stdout and stderr together
};

// Runs nonlin-train (path compiled in by CMake) with args; returns its
// exit status and everything it printed.
inline Outcome run_trainer(const std::string& args) {
    const std::string cmd = std::string("'") + NONLIN_TRAIN_EXE + "' " + args + " 2>&1";
    Outcome o;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return o;
    char buf[4096];
    std::size_t got;
    while ((got = std::fread(buf, 1, sizeof buf, p)) > 0) o.output.append(buf, got);
    const int raw = pclose(p);
    o.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return o;
}

inline std::size_t count_lines(const std::string& s) {
    std::size_t n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

}  // namespace testutil
