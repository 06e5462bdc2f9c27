// The IDX reader: good files plain and gzip-compressed, and every kind of
// bad file answered by an Error that names the file and the problem.
#include <catch2/catch.hpp>

#include "dataset.h"
#include "error.h"
#include "idx.h"
#include "test_util.h"

using namespace trainer;
using testutil::idx_bytes;

namespace {

std::vector<std::uint8_t> ramp(std::size_t n) {
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * 7 % 256);
    return v;
}

// The message of the Error that f throws ("" if none).
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a good image file reads back exactly, plain and gzip-compressed", "[idx]") {
    testutil::ScratchDir dir;
    const auto pixels = ramp(3 * 28 * 28);
    const auto bytes = idx_bytes(0x803, {3, 28, 28}, pixels);
    testutil::write_file(dir / "plain", bytes);
    testutil::write_gz(dir / "packed.gz", bytes);
    for (const std::string name : {"plain", "packed.gz"}) {
        const Images img = read_idx_images(dir / name);
        CHECK(img.count == 3);
        CHECK(img.rows == 28);
        CHECK(img.cols == 28);
        CHECK(img.pixels == pixels);
    }
}

TEST_CASE("a good label file reads back exactly", "[idx]") {
    testutil::ScratchDir dir;
    const std::vector<std::uint8_t> labels{0, 9, 3, 3, 7};
    testutil::write_gz(dir / "labels.gz", idx_bytes(0x801, {5}, labels));
    CHECK(read_idx_labels(dir / "labels.gz", 10) == labels);
}

TEST_CASE("bad IDX files are errors naming the file and the problem", "[idx]") {
    testutil::ScratchDir dir;
    const auto good = idx_bytes(0x803, {2, 28, 28}, ramp(2 * 784));

    SECTION("missing") {
        CHECK_THAT(error_of([&] { read_idx_images(dir / "nope"); }),
                   Catch::Contains("nope") && Catch::Contains("cannot open"));
    }
    SECTION("truncated inside the data") {
        auto cut = good;
        cut.resize(cut.size() - 100);
        testutil::write_file(dir / "cut", cut);
        CHECK_THAT(error_of([&] { read_idx_images(dir / "cut"); }), Catch::Contains("truncated"));
    }
    SECTION("truncated inside the header") {
        testutil::write_file(dir / "short", {0, 0, 8, 3, 0, 0});
        CHECK_THAT(error_of([&] { read_idx_images(dir / "short"); }), Catch::Contains("truncated"));
    }
    SECTION("empty file") {
        testutil::write_file(dir / "empty", {});
        CHECK_THAT(error_of([&] { read_idx_images(dir / "empty"); }), Catch::Contains("truncated"));
    }
    SECTION("gzip stream cut short") {
        testutil::write_gz(dir / "full.gz", good);
        auto packed = testutil::read_file(dir / "full.gz");
        packed.resize(packed.size() / 2);
        testutil::write_file(dir / "half.gz", packed);
        CHECK_THAT(error_of([&] { read_idx_images(dir / "half.gz"); }), Catch::Contains("truncated"));
    }
    SECTION("corrupt gzip data") {
        testutil::write_gz(dir / "full.gz", good);
        auto packed = testutil::read_file(dir / "full.gz");
        for (std::size_t i = 20; i < packed.size() - 8; i += 3) packed[i] ^= 0x5a;
        testutil::write_file(dir / "bad.gz", packed);
        const std::string msg = error_of([&] { read_idx_images(dir / "bad.gz"); });
        CHECK_THAT(msg, Catch::Contains("bad.gz") &&
                            (Catch::Contains("corrupt") || Catch::Contains("truncated")));
    }
    SECTION("wrong magic: labels where images are expected, and garbage") {
        testutil::write_file(dir / "labels", idx_bytes(0x801, {4}, {1, 2, 3, 4}));
        CHECK_THAT(error_of([&] { read_idx_images(dir / "labels"); }),
                   Catch::Contains("bad magic") && Catch::Contains("0x00000801"));
        testutil::write_file(dir / "text", {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!'});
        CHECK_THAT(error_of([&] { read_idx_images(dir / "text"); }), Catch::Contains("bad magic"));
    }
    SECTION("wrong size: data beyond the declared dimensions") {
        auto longer = good;
        longer.push_back(0);
        testutil::write_file(dir / "long", longer);
        CHECK_THAT(error_of([&] { read_idx_images(dir / "long"); }), Catch::Contains("wrong size"));
    }
    SECTION("a zero dimension") {
        testutil::write_file(dir / "zero", idx_bytes(0x803, {0, 28, 28}, {}));
        CHECK_THAT(error_of([&] { read_idx_images(dir / "zero"); }), Catch::Contains("wrong size"));
    }
    SECTION("a huge count in a small file fails as truncated, without allocating it") {
        testutil::write_file(dir / "huge", idx_bytes(0x803, {0x7fffffff, 28, 28}, ramp(784)));
        const std::string msg = error_of([&] { read_idx_images(dir / "huge"); });
        CHECK_THAT(msg, Catch::Contains("truncated") || Catch::Contains("too large"));
    }
    SECTION("a label outside 0..9") {
        testutil::write_file(dir / "labels", idx_bytes(0x801, {3}, {1, 10, 2}));
        CHECK_THAT(error_of([&] { read_idx_labels(dir / "labels", 10); }),
                   Catch::Contains("label 10") && Catch::Contains("index 1"));
    }
}

TEST_CASE("a data directory must hold matching 28x28 images and labels", "[idx]") {
    testutil::ScratchDir dir;
    testutil::write_dataset_dir(dir.str(), 20, 10, 1);
    SECTION("good: plain train files and .gz validation files") {
        const Dataset d = load_dataset(dir.str(), 255.0f);
        CHECK(d.train.count == 20);
        CHECK(d.valid.count == 10);
        CHECK(d.train.x.size() == 20 * kPixels);
        // pixel = float(v) / 255 exactly (a division, not a product).
        const auto raw = read_idx_images(dir / "train-images-idx3-ubyte");
        for (std::size_t i = 0; i < raw.pixels.size(); ++i) {
            REQUIRE(d.train.x[i] == static_cast<float>(raw.pixels[i]) / 255.0f);
        }
    }
    SECTION("label count differs from image count") {
        testutil::write_file(dir / "train-labels-idx1-ubyte", idx_bytes(0x801, {19}, std::vector<std::uint8_t>(19)));
        CHECK_THAT(error_of([&] { load_dataset(dir.str(), 255.0f); }), Catch::Contains("19 labels for 20 images"));
    }
    SECTION("images that are not 28x28") {
        testutil::write_file(dir / "train-images-idx3-ubyte", idx_bytes(0x803, {20, 14, 56}, ramp(20 * 784)));
        CHECK_THAT(error_of([&] { load_dataset(dir.str(), 255.0f); }), Catch::Contains("14x56"));
    }
    SECTION("a missing file") {
        std::filesystem::remove(dir / "t10k-labels-idx1-ubyte.gz");
        CHECK_THAT(error_of([&] { load_dataset(dir.str(), 255.0f); }),
                   Catch::Contains("t10k-labels-idx1-ubyte") && Catch::Contains("missing"));
    }
}

TEST_CASE("nonlin-train answers a bad data file with one error line and status 1", "[idx][cli]") {
    testutil::ScratchDir dir;
    testutil::write_dataset_dir(dir.str(), 20, 10, 1);
    auto images = testutil::read_file(dir / "train-images-idx3-ubyte");
    images.resize(images.size() / 2);
    testutil::write_file(dir / "train-images-idx3-ubyte", images);
    const auto out = testutil::run_trainer("--quiet --data '" + dir.str() + "'");
    CHECK(out.status == 1);
    CHECK(testutil::count_lines(out.output) == 1);
    CHECK_THAT(out.output, Catch::StartsWith("nonlin-train: error: ") && Catch::Contains("truncated"));
}

TEST_CASE("nonlin-train rejects bad flags and parameter files with one line", "[cli]") {
    testutil::ScratchDir dir;
    testutil::write_dataset_dir(dir.str(), 20, 10, 1);
    const std::string data = " --quiet --data '" + dir.str() + "'";

    const auto unknown = testutil::run_trainer("--activation relu6" + data);
    CHECK(unknown.status != 0);
    CHECK(testutil::count_lines(unknown.output) == 1);
    CHECK_THAT(unknown.output, Catch::Contains("unknown activation 'relu6'"));

    const auto bad_tier = testutil::run_trainer("--accuracy quick" + data);
    CHECK(bad_tier.status == 2);
    CHECK(testutil::count_lines(bad_tier.output) == 1);
    CHECK_THAT(bad_tier.output, Catch::Contains("--accuracy must be strict or fast"));

    const auto bad_number = testutil::run_trainer("--lr abc" + data);
    CHECK(bad_number.status == 2);
    CHECK(testutil::count_lines(bad_number.output) == 1);

    testutil::write_file(dir / "params.bin", std::vector<std::uint8_t>(100));
    const auto bad_params = testutil::run_trainer("--load '" + (dir / "params.bin") + "'" + data);
    CHECK(bad_params.status == 1);
    CHECK(testutil::count_lines(bad_params.output) == 1);
    CHECK_THAT(bad_params.output, Catch::Contains("wrong size") && Catch::Contains("31400"));
}
