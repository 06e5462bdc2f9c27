#include "params_io.h"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "error.h"

namespace trainer {
namespace {

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// Byte order is fixed by the format, not by the host.
void put_le(float v, unsigned char* out) {
    std::uint32_t bits;
    std::memcpy(&bits, &v, 4);
    for (int i = 0; i < 4; ++i) out[i] = static_cast<unsigned char>(bits >> (8 * i));
}

float get_le(const unsigned char* in) {
    std::uint32_t bits = 0;
    for (int i = 0; i < 4; ++i) bits |= std::uint32_t{in[i]} << (8 * i);
    float v;
    std::memcpy(&v, &bits, 4);
    return v;
}

std::string os_error() { return std::strerror(errno); }

}  // namespace

void save_params(const Params& p, const std::string& path) {
    std::vector<unsigned char> bytes;
    bytes.reserve(p.count() * 4);
    for (const Tensor& t : p.tensors) {
        for (float v : t.v) {
            unsigned char b[4];
            put_le(v, b);
            bytes.insert(bytes.end(), b, b + 4);
        }
    }
    File f(std::fopen(path.c_str(), "wb"));
    if (!f) throw Error(path + ": cannot write parameters (" + os_error() + ")");
    if (std::fwrite(bytes.data(), 1, bytes.size(), f.get()) != bytes.size() ||
        std::fclose(f.release()) != 0) {
        throw Error(path + ": cannot write parameters (" + os_error() + ")");
    }
}

void load_params(Params& p, const std::string& path) {
    File f(std::fopen(path.c_str(), "rb"));
    if (!f) throw Error(path + ": cannot read parameters (" + os_error() + ")");
    const std::size_t expected = p.count() * 4;
    // Read one byte more than needed to tell "too long" from "exact".
    std::vector<unsigned char> bytes(expected + 1);
    const std::size_t got = std::fread(bytes.data(), 1, bytes.size(), f.get());
    if (std::ferror(f.get())) throw Error(path + ": cannot read parameters (" + os_error() + ")");
    if (got != expected) {
        std::fseek(f.get(), 0, SEEK_END);
        const long size = std::ftell(f.get());
        throw Error(path + ": wrong size for parameters (" + std::to_string(size) + " bytes; expected " +
                    std::to_string(expected) + " = float32 " + p.shape_string() + ")");
    }
    const unsigned char* in = bytes.data();
    for (Tensor& t : p.tensors) {
        for (float& v : t.v) {
            v = get_le(in);
            in += 4;
        }
    }
}

}  // namespace trainer
