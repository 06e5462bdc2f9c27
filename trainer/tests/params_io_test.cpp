// --save / --load: raw little-endian float32 tensors in order, nothing else.
#include <catch2/catch.hpp>

#include <cstring>

#include "error.h"
#include "params.h"
#include "params_io.h"
#include "test_util.h"

using namespace trainer;

TEST_CASE("saved parameters are the raw float32 tensors in order", "[params]") {
    testutil::ScratchDir dir;
    for (std::size_t hidden : {0, 3}) {
        Params p = make_params(hidden);
        init_params(p, 42);
        for (Tensor& t : p.tensors) {
            if (t.rows == 1) t.v.back() = -1.5f;  // a nonzero bias to see
        }
        save_params(p, dir / "p.bin");
        const auto bytes = testutil::read_file(dir / "p.bin");
        REQUIRE(bytes.size() == p.count() * 4);
        // Walk the file as numpy.fromfile(path, "<f4") would.
        std::size_t offset = 0;
        for (const Tensor& t : p.tensors) {
            for (float v : t.v) {
                std::uint32_t bits = 0;
                for (int k = 0; k < 4; ++k) bits |= std::uint32_t{bytes[offset + k]} << (8 * k);
                float read;
                std::memcpy(&read, &bits, 4);
                REQUIRE(read == v);
                offset += 4;
            }
        }
        Params q = make_params(hidden);
        load_params(q, dir / "p.bin");
        for (std::size_t t = 0; t < p.tensors.size(); ++t) CHECK(q.tensors[t].v == p.tensors[t].v);
    }
}

TEST_CASE("the init is randn(fan_in, fan_out) / sqrt(fan_in) with zero biases", "[params]") {
    Params p = make_params(0);
    init_params(p, 0);
    const auto& w = p.tensors[0].v;
    double sum = 0, sq = 0;
    for (float v : w) {
        sum += v;
        sq += static_cast<double>(v) * v;
    }
    const double n = static_cast<double>(w.size());
    // 7840 draws: the sample mean is within 4 sigma = 4 * (1/28) / sqrt(n)
    // of 0 and the variance within 10% of 1/784.
    CHECK(std::abs(sum / n) < 4.0 / 28.0 / std::sqrt(n));
    CHECK(sq / n == Approx(1.0 / 784.0).epsilon(0.1));
    for (float v : p.tensors[1].v) CHECK(v == 0.0f);
}

TEST_CASE("loading a file of the wrong size is an error stating the shapes", "[params]") {
    testutil::ScratchDir dir;
    Params big = make_params(4);
    save_params(big, dir / "hidden.bin");
    Params p = make_params(0);
    try {
        load_params(p, dir / "hidden.bin");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Catch::Contains(std::to_string(big.count() * 4) + " bytes") &&
                                 Catch::Contains("31400") && Catch::Contains("W 784x10, b 10"));
    }
    CHECK_THROWS_AS(load_params(p, dir / "absent.bin"), Error);
}
