// The one elementwise driver. Each op is one functor (activations.hpp
// gathers them by family), built from the op's scalar parameters, with a
// vector `forward` (x -> y) and `backward` ((x or y, dy) -> dx, as the
// registry says); the driver maps it over arrays, handling tails without
// reading or writing past the end. Tail lanes run through the same vector
// code, so an element's result never depends on where a call (or a
// thread's chunk) starts or ends.
#pragma once

#include "op_params.hpp"
#include "../simd/vec.hpp"

#include <cstdint>
#include <limits>
#include <type_traits>

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace ops {

constexpr float kInfinity = std::numeric_limits<float>::infinity();

// Outputs at least this large (8 MiB) are written with non-temporal
// stores: they will not fit in cache anyway, and streaming them avoids
// reading each output line before it is overwritten.
constexpr std::size_t kStreamElements = std::size_t{1} << 21;

// On that path the inputs are also prefetched, 4 KiB ahead: the kernels
// spend long enough on each vector that the hardware prefetcher alone
// leaves the loads waiting on memory (measured at 16M floats: relu 1.5x,
// elu 1.4x, exp 1.8x faster with it).
constexpr std::size_t kPrefetchAhead = 1024;

// Stores compute(i, k) (the vector for elements [i, i + k)) for every
// vector position of [0, n). Tail lanes go through the same computation.
// inputs: the arrays compute() reads, for the prefetch. Out is float or a
// 16-bit type (src/simd/half.hpp), rounded to once on the store as
// Rounding says (round_exactly or may_flush, half.hpp).
template <class Rounding = round_exactly, class Out, class Compute, class... Inputs>
void map_driver(std::size_t n, Out* out, Compute&& compute, const Inputs*... inputs) {
    std::size_t i = 0;
    // Streaming stores need an address aligned to a float vector's size (a
    // pair of 16-bit vectors is streamed as one), which peeling reaches
    // only from an element-aligned one; an output at an odd byte offset
    // takes the ordinary stores below.
    const auto address = reinterpret_cast<std::uintptr_t>(out);
    if (n >= kStreamElements && address % sizeof(Out) == 0) {
        constexpr std::size_t aligned = kWidth * sizeof(float) / sizeof(Out);
        const std::size_t peel = (aligned - address / sizeof(Out) % aligned) % aligned;
        for (std::size_t k = 0; i < peel; i += k) {
            k = peel - i < kWidth ? peel - i : kWidth;
            store_n(out + i, k, compute(i, k), Rounding{});
        }
        for (; i + 2 * kWidth <= n; i += 2 * kWidth) {
            // An address, not a pointer: it may lie past the array's end.
            const auto prefetch = [](const void* p) {
                __builtin_prefetch(reinterpret_cast<const void*>(
                    reinterpret_cast<std::uintptr_t>(p) + kPrefetchAhead * sizeof(float)));
            };
            (prefetch(inputs + i), ...);
            (prefetch(inputs + i + kWidth), ...);
            const vfloat a = compute(i, kWidth);
            stream_pair(out + i, a, compute(i + kWidth, kWidth), Rounding{});
        }
        stream_fence();
    } else {
        for (; i + 2 * kWidth <= n; i += 2 * kWidth) {
            const vfloat a = compute(i, kWidth);
            store_pair(out + i, a, compute(i + kWidth, kWidth), Rounding{});
        }
    }
    for (; i < n; i += kWidth) {
        const std::size_t k = n - i < kWidth ? n - i : kWidth;
        store_n(out + i, k, compute(i, k), Rounding{});
    }
}

// The kernels are flattened: left to itself GCC calls the larger functors'
// helpers out of line once per vector, and every call spills the vector
// registers it clobbers (silu, gelu, mish ran 2-7x slower). Not in
// sanitizer builds: there GCC takes tens of minutes and gigabytes to
// compile the flattened, instrumented kernels, and speed does not matter.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NONLIN_KERNEL_LOOP
#else
#define NONLIN_KERNEL_LOOP [[gnu::flatten]]
#endif

// The NaN rule of every elementwise op (nonlin.h): a NaN input gives that
// NaN back, quieted, with its sign and payload. The formulas' own NaN
// results would depend on operand order, which the compiler may choose
// differently in each loop of the driver (and so with n and the thread
// count); some formulas would not give NaN at all (relu's gradient).
#ifdef NONLIN_HAS_NAN_FIXUP
inline vfloat pass_nan(vfloat in, vfloat result) { return nan_fixup(in, result); }
#else
inline vfloat pass_nan(vfloat in, vfloat result) { return select(is_nan(in), in + in, result); }
#endif

// Ops that choose their 16-bit results among their inputs' bit patterns
// (forward_bits and backward_bits: relu) skip the widening and rounding,
// and see two patterns to a 32-bit lane: the arrays go through the float
// driver as the bytes of n / 2 floats (loads and stores at any address),
// an odd last element through a lane of its own (on either byte order its
// bytes come back where they were).
template <class Op, class T, class = void>
struct on_bits : std::false_type {};
template <class Op, class T>
struct on_bits<Op, T, std::void_t<if_half<T>, decltype(&Op::template forward_bits<half_bits<T>>)>>
    : std::true_type {};

template <class T, class Bits, class... Inputs>
void map_pairs(std::size_t n, T* out, Bits&& bits, const Inputs*... inputs) {
    static_assert(sizeof(float) == 2 * sizeof(T), "two 16-bit patterns to a float's bytes");
    map_driver(n / 2, reinterpret_cast<float*>(out), [&bits, inputs...](std::size_t i, std::size_t k) {
        return as_float(bits(as_int(load_n(reinterpret_cast<const float*>(inputs) + i, k, 0.0f))...));
    }, reinterpret_cast<const float*>(inputs)...);
    if (n % 2 == 0) return;
    const auto last = [n](const T* p) {
        float f = 0.0f;
        std::memcpy(&f, p + n - 1, sizeof(T));
        return as_int(splat(f));
    };
    alignas(64) float result[kWidth];
    store(result, as_float(bits(last(inputs)...)));
    std::memcpy(out + n - 1, result, sizeof(T));
}

template <bool MayFlush>
using rounding = std::conditional_t<MayFlush, may_flush, round_exactly>;

// T: the element type of the arrays, float or a 16-bit type whose elements
// are widened on the load and rounded once on the store, as Rounding says
// (see map_driver; src/isa/elementwise_rows.inc chooses it).
template <class Op, class T = float, class Rounding = round_exactly>
NONLIN_KERNEL_LOOP void map_forward(std::size_t n, const T* x, T* y, op_params p) {
    const Op op(p);
    if constexpr (on_bits<Op, T>::value) {
        map_pairs(n, y, [](vint h) { return Op::template forward_bits<half_bits<T>>(h); }, x);
    } else {
        map_driver<Rounding>(n, y, [&op, x](std::size_t i, std::size_t k) {
            const vfloat v = load_n(x + i, k, 0.0f);
            return pass_nan(v, op.forward(v));
        }, x);
    }
}

// Every backward is linear in dy, and is computed from dy as it is: the
// ops fold dy into their exponentials last (math::times), so a tiny or huge
// dy keeps its precision where the result does. Vectors holding a NaN or a
// dy outside [2^-100, 2^100] (0 aside) take the careful path below; the
// common case pays two compares and a test.
// `from` is x or y, as the op's registry line says.
template <class Op>
vfloat backward_careful(const Op& op, vfloat v, vfloat g) {
    const vfloat ag = abs(g), inf = splat(std::numeric_limits<float>::infinity());
    const vfloat r = op.backward(v, g);
    const vfloat ar = abs(r);
    // |dy| above 2^100 and an infinite or NaN result: an intermediate
    // product of dy overflowed. Again on dy * 2^-64 (exact), scaled back.
    const vmask redo_big = (ag > splat(0x1p100f)) & !(ar < inf);
    const vfloat big = select_rare(redo_big, [&] {
        return op.backward(v, g * splat(0x1p-64f)) * splat(0x1p64f); }, r);
    // A result near or below FLT_MIN from a tiny dy: again on dy * 2^64, so
    // that the op's own rounding happens in the normal range and the
    // scaling alone rounds into the subnormals.
    const vmask redo_small = (ag < splat(0x1p-100f)) & (ar < splat(0x1p-100f));
    const vfloat out = select_rare(redo_small, [&] {
        return op.backward(v, g * splat(0x1p64f)) * splat(0x1p-64f); }, big);
    return pass_nan(v, pass_nan(g, out));
}

// An infinite dy: dx = dy * f'(x) is +-inf wherever f'(x) is not 0, however
// small f'(x) is, but the ops' formulas meet inf * 0 in their low-order
// terms and give NaN. Lanes of an infinite dy are computed again on dy's
// sign times 2^127 (through the careful path where the op has one), which
// is 0 only where |f'(x)| < 2^-276, and that is scaled to +-inf; where it is
// 0 the first result stands (0 on a piecewise op's flat piece, NaN at an
// infinite x of a smooth op: 0 * dy).
template <class Backward>
vfloat infinite_dy(vfloat v, vfloat g, vfloat r, Backward&& backward) {
    const vfloat inf = splat(std::numeric_limits<float>::infinity());
    return select_rare(abs(g) == inf, [&] {
        const vfloat unit = copy_sign(splat(0x1p127f), g);
        const vfloat scaled = backward(v, unit);
        return pass_nan(v, select(scaled == splat(0.0f), r, scaled * inf));
    }, r);
}

// Ops whose dx is dy times a bounded factor chosen by x (or y), applied
// with one rounding (relu, hardtanh, sigmoid, ...), declare kScalesDy: no
// dy can overflow or underflow them beyond the result.
template <class Op, class = void>
struct scales_dy : std::false_type {};
template <class Op>
struct scales_dy<Op, std::void_t<decltype(Op::kScalesDy)>> : std::bool_constant<Op::kScalesDy> {};

template <class Op, class T = float, class Rounding = round_exactly>
NONLIN_KERNEL_LOOP void map_backward(std::size_t n, const T* from, const T* dy, T* dx,
                                     op_params p) {
    const Op op(p);
    if constexpr (on_bits<Op, T>::value) {
        map_pairs(n, dx, [](vint a, vint g) {
            return Op::template backward_bits<half_bits<T>>(a, g);
        }, from, dy);
    } else {
        map_driver<Rounding>(n, dx, [&op, from, dy](std::size_t i, std::size_t k) {
            const vfloat g = load_n(dy + i, k, 0.0f);
            const vfloat v = load_n(from + i, k, 0.0f);
            if (scales_dy<Op>::value) {
                const vfloat r = op.backward(v, g);
                // One test for the usual vector (no NaN, no infinite dy);
                // the NaN rule and the infinite dy's second pass only where
                // a lane needs them.
                const vmask special = is_nan(v) | !(abs(g) < splat(kInfinity));
                if (!any(special)) return r;
                return infinite_dy(v, g, pass_nan(v, pass_nan(g, r)),
                                   [&op](vfloat a, vfloat b) { return op.backward(a, b); });
            }
            const vfloat ag = abs(g);
            // NaN g fails both compares; a NaN v makes v + g NaN.
            const vmask usual = (ag <= splat(0x1p100f)) &
                                ((ag >= splat(0x1p-100f)) | (g == splat(0.0f))) & !is_nan(v + g);
            if (all(usual)) return op.backward(v, g);
            return infinite_dy(v, g, backward_careful(op, v, g), [&op](vfloat a, vfloat b) {
                return backward_careful(op, a, b);
            });
        }, from, dy);
    }
}

// Between float and a 16-bit type: widened exactly or rounded once, a NaN
// quieted as every kernel quiets it.
template <class From, class To>
NONLIN_KERNEL_LOOP void convert(std::size_t n, const From* x, To* y) {
    map_driver(n, y, [x](std::size_t i, std::size_t k) {
        const vfloat v = load_n(x + i, k, 0.0f);
        return pass_nan(v, v);
    }, x);
}

}  // namespace ops
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
