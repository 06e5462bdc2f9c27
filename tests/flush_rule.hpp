// Where a 16-bit result may be a flushed zero instead of the f32 result
// rounded (nonlin.h): the fast tier's own bfloat16 kernels on an ISA whose
// narrowing instruction flushes subnormals (src/simd/half.hpp, may_flush),
// in the directions elementwise_case::*_may_flush names. Shared by the
// [half] tests and the fuzzer.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>

#include "nonlin/nonlin.h"

namespace nonlin_test {

// The ISA whose bfloat16 kernels narrow with the flushing instruction.
inline bool isa_flushes_bf16(const std::string& isa) { return isa == "avx512bf16"; }

template <class T>
bool flushes(const std::string& isa) {
    return std::is_same<T, nonlin_bf16>::value && isa_flushes_bf16(isa);
}

// The zero of the f32 result's sign, where that result is below FLT_MIN.
inline bool flushed_to_zero(uint16_t got, float f32) {
    return std::fabs(f32) < 0x1p-126f && got == (std::signbit(f32) ? 0x8000 : 0x0000);
}

}  // namespace nonlin_test
