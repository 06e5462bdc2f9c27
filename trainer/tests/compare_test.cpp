// --compare end to end: the table on stdout, the CSV and the PNG on disk.
#include <catch2/catch.hpp>

#include "test_util.h"

TEST_CASE("the compare run prints the table and writes compare.csv and compare.png", "[compare][cli]") {
    testutil::ScratchDir dir;
    testutil::write_dataset_dir(dir.str(), 64 * 3, 100, 2);
    const auto out = testutil::run_trainer("--quiet --epochs 2 --compare log_softmax,sigmoid --data '" + dir.str() +
                                           "' --out '" + (dir / "runs") + "'");
    INFO(out.output);
    REQUIRE(out.status == 0);
    CHECK_THAT(out.output, Catch::Contains("| activation | final train loss | valid acc | acc first 64 | ms/epoch | NaN seen |"));
    CHECK_THAT(out.output, Catch::Contains("\n| log_softmax | ") && Catch::Contains("\n| sigmoid | "));

    const auto csv_bytes = testutil::read_file(dir / "runs/compare.csv");
    const std::string csv(csv_bytes.begin(), csv_bytes.end());
    // Header, 3 steps x 2 epochs and 2 epoch rows for each of the 2 runs.
    CHECK(testutil::count_lines(csv) == 1 + 2 * (6 + 2));
    CHECK_THAT(csv, Catch::Contains("\nstep,2,sigmoid,1,1,") && Catch::Contains("\nepoch,1,log_softmax,2,,,"));

    // The plot, when gnuplot is there; otherwise a warning says why.
    if (out.output.find("plot: ") != std::string::npos) {
        const auto png = testutil::read_file(dir / "runs/compare.png");
        REQUIRE(png.size() > 1000);
        CHECK(std::string(png.begin() + 1, png.begin() + 4) == "PNG");
    } else {
        CHECK_THAT(out.output, Catch::Contains("warning: no plot written"));
    }
}
