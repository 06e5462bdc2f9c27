// Argument checks shared by every entry point. Each returns NONLIN_OK or the
// status to report; none writes anything.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <type_traits>

#include "nonlin/nonlin.h"

namespace nonlin {

// Byte range of an array argument and its element type; an empty range
// overlaps nothing.
struct region {
    const void* data;
    std::size_t bytes;
    bool is_float;  // float elements (32 or 16 bits); otherwise int64 targets or uint8 masks
};

template <class T>
region region_of(const T* p, std::size_t count) {
    static_assert(std::is_same<T, float>::value || std::is_same<T, nonlin_bf16>::value ||
                      std::is_same<T, nonlin_f16>::value || std::is_same<T, int64_t>::value ||
                      std::is_same<T, uint8_t>::value,
                  "arrays hold float values (32 or 16 bits), int64 targets or uint8 masks");
    return {p, count * sizeof(T), !std::is_integral<T>::value};
}

// a * b * c elements of `element_size` bytes each, or BAD_SHAPE on overflow.
// A zero factor makes an empty array whatever the others are.
inline nonlin_status element_count(std::size_t a, std::size_t b, std::size_t c,
                                   std::size_t element_size, std::size_t* out) {
    if (a == 0 || b == 0 || c == 0) {
        *out = 0;
        return NONLIN_OK;
    }
    std::size_t ab, abc, bytes;
    if (__builtin_mul_overflow(a, b, &ab) || __builtin_mul_overflow(ab, c, &abc) ||
        __builtin_mul_overflow(abc, element_size, &bytes))
        return NONLIN_ERR_BAD_SHAPE;
    *out = abc;
    return NONLIN_OK;
}

inline nonlin_status require_non_null(std::initializer_list<const void*> pointers) {
    for (const void* p : pointers)
        if (p == nullptr) return NONLIN_ERR_NULL_POINTER;
    return NONLIN_OK;
}

inline bool overlaps(region a, region b) {
    if (a.bytes == 0 || b.bytes == 0) return false;
    const auto a0 = reinterpret_cast<std::uintptr_t>(a.data);
    const auto b0 = reinterpret_cast<std::uintptr_t>(b.data);
    return a0 < b0 + b.bytes && b0 < a0 + a.bytes;
}

// An output may be exactly an input of the same size and type, or apart
// from it. A float output over int64 targets of the same byte size is an
// overlap: the targets would be overwritten before they are read.
inline bool same_or_apart(region out, region in) {
    return (out.data == in.data && out.bytes == in.bytes && out.is_float == in.is_float) ||
           !overlaps(out, in);
}

// Checks every output against every input (exact aliasing allowed) and
// against every other output (no sharing at all).
inline nonlin_status check_overlap(std::initializer_list<region> outputs,
                                   std::initializer_list<region> inputs) {
    for (const region& out : outputs) {
        for (const region& in : inputs)
            if (!same_or_apart(out, in)) return NONLIN_ERR_OVERLAP;
        for (const region& other : outputs)
            if (&other != &out && overlaps(out, other)) return NONLIN_ERR_OVERLAP;
    }
    return NONLIN_OK;
}

}  // namespace nonlin

// Returns from the calling function with the status when it is not OK.
#define NONLIN_CHECK(expr)                                  \
    do {                                                    \
        const nonlin_status nonlin_check_status_ = (expr);  \
        if (nonlin_check_status_ != NONLIN_OK) return nonlin_check_status_; \
    } while (0)
