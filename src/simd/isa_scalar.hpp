// The scalar path's primitives: the same vocabulary on plain floats, so the
// scalar kernels run the very algorithms of the vector ones.
#pragma once

#include <cstring>

using vfloat = float;
using vint = int32_t;
using vdouble = double;
using vmask = bool;
constexpr std::size_t kWidth = 1;
constexpr bool kHasFma = false;

// Through memcpy: arrays may sit at any byte offset (src/util/unaligned.hpp).
inline vfloat load(const float* p) { return read_at(p, 0); }
inline void store(float* p, vfloat v) { write_at(p, 0, v); }
inline void store(double* p, vdouble v) { write_at(p, 0, v); }
inline void stream(float* p, vfloat v) { write_at(p, 0, v); }
inline void stream_fence() {}
// Unfused, like the SSE2 path: the baseline x86-64 has no FMA instruction
// and a library call per element would cost more than the whole kernel.
inline vfloat fmadd(vfloat a, vfloat b, vfloat c) { return a * b + c; }
inline vdouble fmadd(vdouble a, vdouble b, vdouble c) { return a * b + c; }
// By bits, not `m ? a : b`: GCC compiles that to a branch, which random
// signs mispredict once the data no longer fits the predictor's history
// (relu took 5 ns per element at 16M floats instead of 0.6;
// __builtin_expect_with_probability does not change GCC 12's choice). The
// kernels with many selects pay up to 1.3x in return, predictably.
inline vfloat select(vmask m, vfloat a, vfloat b) {
    const uint32_t all = 0u - static_cast<uint32_t>(m);
    uint32_t ia, ib;
    std::memcpy(&ia, &a, sizeof ia);
    std::memcpy(&ib, &b, sizeof ib);
    const uint32_t r = (ia & all) | (ib & ~all);
    vfloat v;
    std::memcpy(&v, &r, sizeof v);
    return v;
}
inline bool any(vmask m) { return m; }
inline bool all(vmask m) { return m; }
inline bool is_nan(vfloat v) { return v != v; }
inline vfloat abs(vfloat v) { return __builtin_fabsf(v); }
inline vfloat max(vfloat a, vfloat b) { return a > b ? a : b; }
inline vfloat min(vfloat a, vfloat b) { return a < b ? a : b; }
inline vfloat clamp(vfloat x, vfloat lo, vfloat hi) { return x < lo ? lo : (x > hi ? hi : x); }
inline vint as_int(vfloat v) {
    vint i;
    std::memcpy(&i, &v, sizeof i);
    return i;
}
inline vfloat as_float(vint i) {
    vfloat v;
    std::memcpy(&v, &i, sizeof v);
    return v;
}
inline vdouble widen_lo(vfloat v) { return v; }
inline vdouble widen_hi(vfloat) { return 0.0; }
inline vfloat narrow(vdouble lo, vdouble) { return static_cast<float>(lo); }
inline float reduce_max(vfloat v) { return v; }
inline double reduce_add(vdouble v) { return v; }
// Never called with k < kWidth = 1; defined for the shared drivers.
inline vfloat load_partial(const float*, std::size_t, float pad) { return pad; }
inline void store_partial(float*, std::size_t, vfloat) {}

// Left through unsigned: a bit shifted into the sign is defined there.
inline vint shift_left(vint v, int k) { return static_cast<vint>(static_cast<uint32_t>(v) << k); }
inline vint shift_right(vint v, int k) { return v >> k; }  // arithmetic on GCC and clang
// Each 16-bit half all ones where its top bit is set, else 0.
inline vint spread_top_bits(vint v) {
    return shift_left(shift_right(v, 31), 16) | (shift_right(shift_left(v, 16), 31) & 0xffff);
}
// v integer-valued and in range (never NaN).
inline vint to_int(vfloat v) { return static_cast<vint>(v); }
inline vfloat lookup8(const float* table, int, vint index) { return table[index]; }
inline vfloat scale_pow2(vfloat p, vfloat n) {
    // A NaN n comes with a NaN p; converting NaN to int would be undefined.
    const int ni = n == n ? static_cast<int>(n) : 0;
    const int n1 = ni >> 1;  // arithmetic on GCC and clang
    const int n2 = ni - n1;
    return (p * as_float((n1 + 127) << 23)) * as_float((n2 + 127) << 23);
}

// One 16-bit lane (src/simd/half.hpp).
inline vint load_u16(const uint16_t* p) { return read_at(p, 0); }
inline void store_u16(uint16_t* p, vint v) { write_at(p, 0, static_cast<uint16_t>(v)); }
inline void stream_u16(uint16_t* p, vint v) { store_u16(p, v); }
