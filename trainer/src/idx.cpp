#include "idx.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "error.h"

namespace trainer {
namespace {

// gzread reads plain files as they are, so one code path serves .gz and
// uncompressed files alike.
struct GzCloser {
    void operator()(gzFile_s* f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

class Reader {
public:
    explicit Reader(const std::string& path) : path_(path), file_(gzopen(path.c_str(), "rb")) {
        if (!file_) throw Error(path + ": cannot open (missing or unreadable)");
    }

    // Reads exactly n bytes or throws: a short read is a truncated file.
    void read_exact(void* out, std::size_t n, const char* what) {
        auto* dst = static_cast<unsigned char*>(out);
        while (n > 0) {
            // gzread takes an unsigned count; read in chunks well below 2^31.
            const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(n, 1u << 24));
            const int got = gzread(file_.get(), dst, chunk);
            if (got < 0) fail_gz();
            if (got == 0) throw Error(path_ + ": truncated (file ends inside the " + what + ")");
            dst += got;
            n -= static_cast<std::size_t>(got);
        }
    }

    std::uint32_t read_be32(const char* what) {
        unsigned char b[4];
        read_exact(b, 4, what);
        return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 |
               std::uint32_t{b[3]};
    }

    void expect_end() {
        unsigned char extra;
        const int got = gzread(file_.get(), &extra, 1);
        if (got < 0) fail_gz();
        if (got > 0) throw Error(path_ + ": wrong size (data continues past the declared dimensions)");
    }

    const std::string& path() const { return path_; }

private:
    [[noreturn]] void fail_gz() {
        int code = 0;
        const char* msg = gzerror(file_.get(), &code);
        // zlib reports a gzip stream cut short as a buffer error.
        if (code == Z_BUF_ERROR) throw Error(path_ + ": truncated (compressed data ends early)");
        std::string detail = msg ? msg : "zlib error";
        // zlib prefixes its message with the path, which ours already has.
        if (detail.rfind(path_ + ": ", 0) == 0) detail.erase(0, path_.size() + 2);
        throw Error(path_ + ": corrupt compressed data (" + detail + ")");
    }

    std::string path_;
    GzFile file_;
};

}  // namespace

IdxArray read_idx(const std::string& path, std::size_t expected_ndim) {
    Reader in(path);
    const std::uint32_t magic = in.read_be32("header");
    const std::uint32_t expected_magic = 0x00000800u | static_cast<std::uint32_t>(expected_ndim);
    if (magic != expected_magic) {
        char buf[160];
        std::snprintf(buf, sizeof buf, ": bad magic number 0x%08x (expected 0x%08x: %zu-D unsigned bytes)",
                      magic, expected_magic, expected_ndim);
        throw Error(path + buf);
    }
    IdxArray out;
    std::size_t total = 1;
    for (std::size_t d = 0; d < expected_ndim; ++d) {
        const std::uint32_t dim = in.read_be32("header");
        if (dim == 0) throw Error(path + ": wrong size (dimension " + std::to_string(d) + " is 0)");
        out.dims.push_back(dim);
        // MNIST-sized data is far below this; a larger product means a
        // corrupt header, and refusing it keeps the allocation bounded.
        if (total > (std::size_t{1} << 34) / dim) throw Error(path + ": corrupt header (dimensions too large)");
        total *= dim;
    }
    // Grow the buffer as data arrives rather than trusting the header with
    // one huge allocation: a corrupt count then fails as "truncated".
    const std::size_t step = std::size_t{1} << 24;
    for (std::size_t done = 0; done < total;) {
        const std::size_t n = std::min(step, total - done);
        out.data.resize(done + n);
        in.read_exact(out.data.data() + done, n, "data");
        done += n;
    }
    in.expect_end();
    return out;
}

Images read_idx_images(const std::string& path) {
    IdxArray a = read_idx(path, 3);
    Images img;
    img.count = a.dims[0];
    img.rows = a.dims[1];
    img.cols = a.dims[2];
    img.pixels = std::move(a.data);
    return img;
}

std::vector<std::uint8_t> read_idx_labels(const std::string& path, unsigned classes) {
    IdxArray a = read_idx(path, 1);
    for (std::size_t i = 0; i < a.data.size(); ++i) {
        if (a.data[i] >= classes) {
            throw Error(path + ": corrupt label " + std::to_string(a.data[i]) + " at index " +
                        std::to_string(i) + " (expected 0.." + std::to_string(classes - 1) + ")");
        }
    }
    return std::move(a.data);
}

}  // namespace trainer
