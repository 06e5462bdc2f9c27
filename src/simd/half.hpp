// The 16-bit storage formats: bfloat16 (the top half of a float32) and IEEE
// binary16. The kernels compute in float32 and touch 16-bit values only
// when loading and storing, so an op's 16-bit result is its float32 result
// rounded once (to nearest even). Included at the end of src/simd/vec.hpp,
// inside the per-ISA namespace, after the ISA's primitives: those supply
// load_u16 / store_u16 / stream_u16 (kWidth 16-bit lanes, zero-extended
// into a vint) and, where the ISA converts binary16 in hardware (F16C on
// x86-64, FCVTL and FCVTN on AArch64), NONLIN_HAS_HW_F16 with f16_load /
// f16_store / f16_stream; where it narrows to bfloat16 in hardware
// (AVX512-BF16), NONLIN_HAS_HW_BF16 with bf16_store / bf16_stream and
// has_subnormal.
//
// Widening is exact. Narrowing rounds to nearest even, keeps subnormal
// results (not flushed, except by the fast tier's own kernels where the ISA's
// instruction flushes: may_flush below; no subnormal float input is read
// as a float either, so a caller's denormals-are-zero mode changes nothing
// here), overflows to infinity and turns a NaN into a quiet NaN with its
// sign and the top of its payload.
#pragma once

// Integer constants as vectors: xsimd 8.1 has no mixed scalar bit operators.
inline vint ivec(int32_t c) { return vint(c); }

// Through a float select: the ISAs share that one, and moving bits through
// it does not change them.
inline vint select_bits(vmask m, vint a, vint b) {
    return as_int(select(m, as_float(a), as_float(b)));
}

inline vfloat bf16_widen(vint h) { return as_float(shift_left(h, 16)); }

// Round to nearest even on the bits: add 0x7fff plus the kept half's lowest
// bit, then keep the top half (an overflow carries into the exponent, giving
// infinity as IEEE rounds). A NaN would carry into its sign or become an
// infinity, so it is quieted instead (float32 bit 22 is bfloat16's top
// payload bit) and truncated; its lanes are zeroed before the addition,
// which would overflow a signed int for them (undefined on the scalar
// path). One shift and mask at the end serve both.
inline vint bf16_narrow(vfloat v) {
    const vmask nan = is_nan(v);
    const vint b = as_int(v);
    const vint finite = select_bits(nan, ivec(0), b);
    const vint odd = shift_right(finite, 16) & ivec(1);
    const vint rounded = select_bits(nan, b | ivec(0x00400000), finite + ivec(0x7fff) + odd);
    return shift_right(rounded, 16) & ivec(0xffff);
}

inline vfloat f16_widen_bits(vint h) {
    const vint mag = h & ivec(0x7fff);
    const vint sign = shift_left(h & ivec(0x8000), 16);
    const vint moved = shift_left(mag, 13);
    // Normal halves: rebias the exponent (15 -> 127); infinities and NaNs
    // (exponent 31) go to exponent 255 with their payload.
    const vmask special = as_float(moved) >= as_float(ivec(0x7c00 << 13));
    const vint normal = moved + select_bits(special, ivec(224 << 23), ivec(112 << 23));
    // Subnormal halves: mag * 2^-24, computed from 2^23 + mag so that no
    // subnormal float is ever an operand.
    const vfloat tiny =
        (as_float(mag + ivec(0x4b000000)) - splat(0x1p23f)) * splat(0x1p-24f);
    const vmask is_tiny = as_float(moved) < as_float(ivec(0x0400 << 13));
    return as_float(select_bits(is_tiny, as_int(tiny), normal) | sign);
}

inline vint f16_narrow_bits(vfloat v) {
    const vfloat a = abs(v);
    const vint bits = as_int(a);
    const vint sign = shift_right(as_int(v), 16) & ivec(0x8000);
    // Normal results: rebias (127 -> 15) and round off 13 bits, ties to even.
    const vint odd = shift_right(bits, 13) & ivec(1);
    const vint normal = shift_right(bits - ivec(112 << 23) + ivec(0x0fff) + odd, 13);
    // Below 2^-14 the result is a multiple of 2^-24: adding 0.5 (whose ulp
    // is 2^-24) makes the float addition do that rounding.
    const vint tiny = as_int(a + splat(0.5f)) - as_int(splat(0.5f));
    const vint quiet = (shift_right(bits, 13) & ivec(0x03ff)) | ivec(0x7e00);
    vint h = select_bits(a < splat(0x1p-14f), tiny, normal);
    // 65520 is halfway between the largest half, 65504, and 2^16: it and
    // everything above round to infinity.
    h = select_bits(a >= splat(65520.0f), ivec(0x7c00), h);
    h = select_bits(is_nan(v), quiet, h);
    return h | sign;
}

// Loads and stores of kWidth lanes (load_n / store_n / stream overloads for
// the 16-bit element types; the drivers in src/ops/elementwise.hpp call
// them as they call the float ones).
template <class T>
inline const uint16_t* bits_of(const T* p) {
    return reinterpret_cast<const uint16_t*>(p);
}
template <class T>
inline uint16_t* bits_of(T* p) {
    return reinterpret_cast<uint16_t*>(p);
}

#ifdef NONLIN_HAS_BF16_LOAD
inline vfloat widen(const nonlin_bf16* p) { return bf16_load(bits_of(p)); }
#else
inline vfloat widen(const nonlin_bf16* p) { return bf16_widen(load_u16(bits_of(p))); }
#endif
#ifdef NONLIN_HAS_HW_BF16
// The instruction, unless a lane is subnormal (rare: a branch that is
// nearly always predicted costs less than rounding every vector twice).
inline void narrow_store(nonlin_bf16* p, vfloat v) {
    if (has_subnormal(v)) return store_u16(bits_of(p), bf16_narrow(v));
    bf16_store(bits_of(p), v);
}
inline void narrow_stream(nonlin_bf16* p, vfloat v) {
    if (has_subnormal(v)) return stream_u16(bits_of(p), bf16_narrow(v));
    bf16_stream(bits_of(p), v);
}
// Two vectors at once: one instruction rounds both.
inline void store_pair(nonlin_bf16* p, vfloat a, vfloat b) {
    if (has_subnormal(a, b)) {
        store_u16(bits_of(p), bf16_narrow(a));
        return store_u16(bits_of(p + kWidth), bf16_narrow(b));
    }
    bf16_store(bits_of(p), a, b);
}
inline void stream_pair(nonlin_bf16* p, vfloat a, vfloat b) {
    if (has_subnormal(a, b)) {
        stream_u16(bits_of(p), bf16_narrow(a));
        return stream_u16(bits_of(p + kWidth), bf16_narrow(b));
    }
    bf16_stream(bits_of(p), a, b);
}
#else
inline void narrow_store(nonlin_bf16* p, vfloat v) { store_u16(bits_of(p), bf16_narrow(v)); }
inline void narrow_stream(nonlin_bf16* p, vfloat v) { stream_u16(bits_of(p), bf16_narrow(v)); }
#endif

#ifdef NONLIN_HAS_HW_F16
inline vfloat widen(const nonlin_f16* p) { return f16_load(bits_of(p)); }
inline void narrow_store(nonlin_f16* p, vfloat v) { f16_store(bits_of(p), v); }
inline void narrow_stream(nonlin_f16* p, vfloat v) { f16_stream(bits_of(p), v); }
#else
inline vfloat widen(const nonlin_f16* p) { return f16_widen_bits(load_u16(bits_of(p))); }
inline void narrow_store(nonlin_f16* p, vfloat v) { store_u16(bits_of(p), f16_narrow_bits(v)); }
inline void narrow_stream(nonlin_f16* p, vfloat v) { stream_u16(bits_of(p), f16_narrow_bits(v)); }
#endif

template <class T>
using if_half = std::enable_if_t<std::is_same<T, nonlin_bf16>::value ||
                                 std::is_same<T, nonlin_f16>::value, int>;

// Lanes [0, k) through a buffer, so no byte past them is touched; the
// lanes from k on hold pad, as for float (softmax pads with -inf).
template <class T, if_half<T> = 0>
inline vfloat load_n(const T* p, std::size_t k, float pad) {
    if (k == kWidth) return widen(p);
    T buf[kWidth] = {};
    std::memcpy(buf, p, k * sizeof(T));
    alignas(64) float wide[kWidth];
    store(wide, widen(buf));
    return load_partial(wide, k, pad);
}
template <class T, if_half<T> = 0>
inline vfloat load(const T* p) { return widen(p); }

// How the element loops (map_driver in src/ops/elementwise.hpp) round
// their 16-bit results: exactly, or, in the fast tier's own kernels,
// whose results below FLT_MIN may be 0 (nonlin.h), as the ISA's one-
// instruction narrowing does, where it flushes subnormals (AVX512-BF16:
// no test for a subnormal lane, one operation fewer per vector). The rule
// holds for every store of a kernel, tails included, so that an element's
// bits never depend on where a call or a thread's chunk starts. Elsewhere
// (float16, other ISAs, float) both round exactly.
struct round_exactly {};
struct may_flush {};
template <class T, class Rounding>
inline void narrow_store(T* p, vfloat v, Rounding) {
    narrow_store(p, v);
}
#ifdef NONLIN_HAS_HW_BF16
inline void narrow_store(nonlin_bf16* p, vfloat v, may_flush) { bf16_store(bits_of(p), v); }
#endif

template <class T, class Rounding = round_exactly, if_half<T> = 0>
inline void store_n(T* p, std::size_t k, vfloat v, Rounding r = {}) {
    if (k == kWidth) return narrow_store(p, v, r);
    T buf[kWidth];
    narrow_store(buf, v, r);
    std::memcpy(p, buf, k * sizeof(T));
}
template <class Rounding>
inline void store_n(float* p, std::size_t k, vfloat v, Rounding) {
    store_n(p, k, v);
}
template <class T, if_half<T> = 0>
inline void store(T* p, vfloat v) { narrow_store(p, v); }
template <class T, if_half<T> = 0>
inline void stream(T* p, vfloat v) { narrow_stream(p, v); }

// Vectors two at a time, the drivers' unrolled loops: elements [0, 2 kWidth)
// from a and b. Where an ISA narrows a pair in one instruction it has its
// own overloads above. A streamed pair starts at an address aligned to a
// float vector's size (see map_driver).
template <class T>
inline void store_pair(T* p, vfloat a, vfloat b) {
    store(p, a);
    store(p + kWidth, b);
}
template <class T>
inline void stream_pair(T* p, vfloat a, vfloat b) {
    stream(p, a);
    stream(p + kWidth, b);
}
template <class T, class Rounding>
inline void store_pair(T* p, vfloat a, vfloat b, Rounding) {
    store_pair(p, a, b);
}
template <class T, class Rounding>
inline void stream_pair(T* p, vfloat a, vfloat b, Rounding) {
    stream_pair(p, a, b);
}
#ifdef NONLIN_HAS_HW_BF16
inline void store_pair(nonlin_bf16* p, vfloat a, vfloat b, may_flush) {
    bf16_store(bits_of(p), a, b);
}
inline void stream_pair(nonlin_bf16* p, vfloat a, vfloat b, may_flush) {
    bf16_stream(bits_of(p), a, b);
}
#endif

// The ops whose 16-bit result is always one of their inputs' own bit
// patterns (relu: x, +0 or x quieted) choose it on the bits, without
// widening or rounding, two patterns to a 32-bit lane (map_pairs in
// src/ops/elementwise.hpp). Each format's infinity and quiet bit:
template <class T>
struct half_bits;
template <>
struct half_bits<nonlin_bf16> {
    static constexpr int32_t infinity = 0x7f80, quiet = 0x0040;
};
template <>
struct half_bits<nonlin_f16> {
    static constexpr int32_t infinity = 0x7c00, quiet = 0x0200;
};

// a + b modulo 2^32 (the scalar path's int32_t would overflow).
template <class V>
inline V add_mod32(V a, V b) {
    if constexpr (std::is_integral<V>::value) {
        return static_cast<V>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
    } else {
        return a + b;
    }
}

// Bit 15 of each half set where the half holds a NaN (a magnitude above
// infinity's: adding 0x7fff - infinity carries into bit 15, never into the
// other half), and where its magnitude is not 0; spread_top_bits (the
// ISA's) makes masks of them.
template <class H>
inline vint nan_top_bits(vint magnitudes) {
    return add_mod32(magnitudes, ivec((0x7fff - H::infinity) * 0x10001));
}
inline vint nonzero_top_bits(vint magnitudes) { return add_mod32(magnitudes, ivec(0x7fff7fff)); }
inline vint magnitudes(vint h) { return h & ivec(0x7fff7fff); }
