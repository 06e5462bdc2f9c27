// argmax's tie rule and the evaluation that uses it.
#include <catch2/catch.hpp>

#include <cmath>

#include "metrics.h"

using trainer::argmax;

TEST_CASE("argmax takes the first maximal index, as numpy and PyTorch", "[metrics]") {
    const float ties[] = {0.5f, 1.0f, 1.0f, 1.0f};
    CHECK(argmax(ties, 4) == 1);
    const float saturated[] = {1.0f, 1.0f, 1.0f};  // sigmoid outputs that all rounded to 1
    CHECK(argmax(saturated, 3) == 0);
    const float last[] = {-3.0f, -2.0f, -1.0f};
    CHECK(argmax(last, 3) == 2);
    const float with_nan[] = {0.0f, 2.0f, std::nanf(""), 5.0f};
    CHECK(argmax(with_nan, 4) == 2);
}
