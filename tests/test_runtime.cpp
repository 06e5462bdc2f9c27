// Version, ISA selection and the thread setting.
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "support.hpp"

using namespace nonlin_test;

TEST_CASE("version", "[runtime]") {
    CHECK(nonlin_version() ==
          NONLIN_VERSION_MAJOR * 10000u + NONLIN_VERSION_MINOR * 100u + NONLIN_VERSION_PATCH);
    char expected[32];
    std::snprintf(expected, sizeof expected, "%d.%d.%d", NONLIN_VERSION_MAJOR,
                  NONLIN_VERSION_MINOR, NONLIN_VERSION_PATCH);
    CHECK(std::string(nonlin_version_string()) == expected);
}

TEST_CASE("ISA selection", "[runtime]") {
    const std::vector<std::string> isas = available_isas();
    REQUIRE(!isas.empty());
    CHECK(isas.front() == "scalar");
    // The default is the best available one.
    REQUIRE(nonlin_set_isa(nullptr) == NONLIN_OK);
    CHECK(std::string(nonlin_isa()) == isas.back());
    REQUIRE(nonlin_set_isa("auto") == NONLIN_OK);
    CHECK(std::string(nonlin_isa()) == isas.back());
    // Unknown names are a bad argument and change nothing.
    REQUIRE(nonlin_set_isa("scalar") == NONLIN_OK);
    CHECK(nonlin_set_isa("avx1024") == NONLIN_ERR_BAD_ARGUMENT);
    CHECK(nonlin_set_isa("") == NONLIN_ERR_BAD_ARGUMENT);
    CHECK(nonlin_set_isa("AVX2") == NONLIN_ERR_BAD_ARGUMENT);
    CHECK(std::string(nonlin_isa()) == "scalar");
    nonlin_set_isa(nullptr);
}

TEST_CASE("every ISA this CPU has is offered", "[runtime]") {
    // Each line's CPU check of src/isa/isa_list.def, evaluated here; the
    // ISAs of other architectures are never offered.
    const std::vector<std::string> isas = available_isas();
    auto has = [&](const char* n) { return std::find(isas.begin(), isas.end(), n) != isas.end(); };
    NONLIN_CPU_INIT();
#define NONLIN_ISA(name, arch, xsimd_arch, cpu_check, flags) \
    CHECK(has(#name) == (false NONLIN_ISA_ON_##arch(|| (cpu_check))));
#include "../src/isa/isa_list.def"
#undef NONLIN_ISA
}

TEST_CASE("thread setting", "[runtime]") {
    CHECK(nonlin_set_num_threads(-1) == NONLIN_ERR_BAD_ARGUMENT);
    REQUIRE(nonlin_set_num_threads(3) == NONLIN_OK);
    CHECK(nonlin_get_num_threads() == 3);
    REQUIRE(nonlin_set_num_threads(0) == NONLIN_OK);
    CHECK(nonlin_get_num_threads() >= 1);
}

TEST_CASE("accuracy tier selection", "[runtime]") {
    // The tests run with NONLIN_ACCURACY unset: strict at load.
    CHECK(nonlin_get_accuracy() == NONLIN_ACCURACY_STRICT);
    REQUIRE(nonlin_set_accuracy(NONLIN_ACCURACY_FAST) == NONLIN_OK);
    CHECK(nonlin_get_accuracy() == NONLIN_ACCURACY_FAST);
    // Values outside the enum (which only C can pass): tests/c_client.c.
    // The tier and the ISA are independent settings.
    REQUIRE(nonlin_set_isa("scalar") == NONLIN_OK);
    CHECK(nonlin_get_accuracy() == NONLIN_ACCURACY_FAST);
    CHECK(std::string(nonlin_isa()) == "scalar");
    REQUIRE(nonlin_set_accuracy(NONLIN_ACCURACY_STRICT) == NONLIN_OK);
    CHECK(nonlin_get_accuracy() == NONLIN_ACCURACY_STRICT);
    CHECK(std::string(nonlin_isa()) == "scalar");
    nonlin_set_isa(nullptr);
}
