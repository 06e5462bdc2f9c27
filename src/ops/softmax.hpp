// The softmax family along one axis of an outer x axis x inner tensor: the
// row kernels and the kernel table's entry points, each algorithm written
// once over the traversals of softmax_passes.hpp.
//
// Contiguous rows up to kLongRow (row_stats.hpp; 256 KiB, within L2) run
// softmax in three passes with one exp per element; the C layer splits
// longer ones over threads through contiguous_stats and the *_apply passes
// (softmax_parts.hpp).
#pragma once

#include <cmath>
#include <type_traits>

#include "softmax_parts.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace ops {

// Rows of at most one vector are processed this many at a time, so that
// their latency chains (reduce, exp, reduce, divide) overlap.
constexpr std::size_t kShortRowGroup = 4;

// The longest 16-bit softmax row whose exp terms wait in a float buffer on
// the stack (16 KiB: within L1, and small for any thread's stack).
constexpr std::size_t kRowTerms = 4096;

// The exp terms are held between the sum and the scaling: in y itself when
// it is float; for a 16-bit y (which would round them twice) in a float
// buffer on the stack when the row is contiguous and at most kRowTerms
// long, else computed again in the output pass (the same bits:
// exp_difference of the same operands).
template <class Traversal, class T>
void softmax_one(const Traversal& t, const T* x, T* y) {
    const vfloat m = max_pass(t, x);
    const auto through = [&](float* terms) {
        const vfloat r = t.finish_sum(exp_sum_pass<true>(t, x, m, terms, softmax_output_terms{}),
                                      reciprocal);
        t.for_each([&](std::size_t off, std::size_t k) {
            store_n(y + off, k, load_n(terms + off, k, 0.0f) * r);
        });
    };
    if constexpr (std::is_same<T, float>::value) {
        return through(y);
    } else {
        if constexpr (std::is_same<Traversal, contiguous_row>::value) {
            if (t.n <= kRowTerms) {
                alignas(64) float terms[kRowTerms];
                return through(terms);
            }
        }
        const vfloat r = t.finish_sum(exp_sum_pass<false>(t, x, m, nullptr, softmax_output_terms{}),
                                      reciprocal);
        t.for_each([&](std::size_t off, std::size_t k) {
            store_n(y + off, k, math::exp_difference(load_n(x + off, k, kNegInf), m) * r);
        });
    }
}

template <class Traversal, class T>
void log_softmax_output(const Traversal& t, const T* x, T* y, vfloat m, vfloat log_sum) {
    t.for_each([&](std::size_t off, std::size_t k) {
        store_n(y + off, k, log_shifted(load_n(x + off, k, 0.0f), m, log_sum));
    });
}

// Sum of y * dy in double (each product exact) and the largest |dy|.
template <class Traversal, class T>
lane_sum dot_pass(const Traversal& t, const T* y, const T* dy, vfloat& dy_max) {
    lane_sum dot;
    vfloat m = splat(0.0f);
    t.for_each([&](std::size_t off, std::size_t k) {
        const vfloat d = load_n(dy + off, k, 0.0f);
        dot.add_product(load_n(y + off, k, 0.0f), d);
        m = max(m, abs(d));
    });
    dy_max = m;
    return dot;
}

// The same along a contiguous row in two independent chains: one would
// wait for each fused multiply-add's latency, and more would not fit the
// registers (two double accumulators per chain where a vector widens to
// two). The chains are fixed by the row's length alone; |dy| is exact in
// any order, so one chain does for its maximum.
template <class T>
lane_sum dot_pass(const contiguous_row& t, const T* y, const T* dy, vfloat& dy_max) {
    lane_sum dot[2];
    vfloat m = splat(0.0f);
    std::size_t i = 0;
    for (; i + 2 * kWidth <= t.n; i += 2 * kWidth) {
        const vfloat d0 = load(dy + i), d1 = load(dy + i + kWidth);
        dot[0].add_product(load(y + i), d0);
        dot[1].add_product(load(y + i + kWidth), d1);
        m = max(m, max(abs(d0), abs(d1)));
    }
    for (; i < t.n; i += kWidth) {
        const std::size_t k = t.n - i < kWidth ? t.n - i : kWidth;
        const vfloat d = load_n(dy + i, k, 0.0f);
        dot[0].add_product(load_n(y + i, k, 0.0f), d);
        m = max(m, abs(d));
    }
    dot[0].add(dot[1]);
    dy_max = m;
    return dot[0];
}

// dx = y (dy - dot), bound 1 ulp of max(|dx|, |y dy|). With a fused
// multiply-add, in float: dot = d_hi + d_lo, dy - d_hi = a_hi + a_lo
// exactly (two_diff), and dx = y a_hi + y (a_lo - d_lo) rounded once by
// the fma; the low terms are below ulp(a_hi) and their own roundings
// 2^-24 of that, so dx is within 0.5 ulp plus 2^-23 ulp (plus 2^-150 from
// y (a_lo - d_lo) where dx is subnormal: still within 1 ulp). Where
// dy - d_hi could overflow (|dy| or |dot| of 2^126 or more, or NaN), and
// without an fma, in double: dy - dot neither cancels nor overflows there,
// and a zero y gives exactly zero.
template <class Traversal, class T>
void softmax_backward_one(const Traversal& t, const T* y, const T* dy, T* dx) {
    vfloat dy_max;
    const lane_sum d = t.finish_exact(dot_pass(t, y, dy, dy_max));
    const auto large = [](double v) { return !(std::fabs(v) < 0x1p126); };
    if (kHasFma && reduce_max(dy_max) < 0x1p126f && !t.any_lane(d, large)) {
        const vfloat d_hi = narrow(d.lo, d.hi);
        const vfloat d_lo = narrow(d.lo - widen_lo(d_hi), d.hi - widen_hi(d_hi));
        t.for_each([&](std::size_t off, std::size_t k) {
            const vfloat yv = load_n(y + off, k, 0.0f);
            vfloat a_lo;
            const vfloat a_hi = two_diff_finite(load_n(dy + off, k, 0.0f), d_hi, a_lo);
            store_n(dx + off, k, fmadd(yv, a_hi, yv * (a_lo - d_lo)));
        });
        return;
    }
    t.for_each([&](std::size_t off, std::size_t k) {
        store_n(dx + off, k,
                in_double(load_n(y + off, k, 0.0f), load_n(dy + off, k, 0.0f), d.lo, d.hi,
                          [](vdouble yv, vdouble dyv, vdouble dv) { return yv * (dyv - dv); }));
    });
}

template <class Traversal, class T>
void log_softmax_backward_one(const Traversal& t, const T* y, const T* dy, T* dx) {
    lane_sum total;
    t.for_each([&](std::size_t off, std::size_t k) { total.add(load_n(dy + off, k, 0.0f)); });
    // In double: the sum of dy may exceed the float range, and exp(y) = 0
    // must give exactly dy.
    const lane_sum s = t.finish_exact(total);
    t.for_each([&](std::size_t off, std::size_t k) {
        store_n(dx + off, k,
                in_double(math::exp(load_n(y + off, k, 0.0f)), load_n(dy + off, k, 0.0f), s.lo,
                          s.hi, [](vdouble e, vdouble dyv, vdouble sv) { return dyv - e * sv; }));
    });
}

// G rows of axis <= kWidth elements each, one vector per row.
template <bool Log, std::size_t G, class T>
void short_row_group(std::size_t axis, const T* x, T* y) {
    vfloat v[G], m[G], e[G];
    double s[G];
    for (std::size_t g = 0; g < G; ++g) {
        v[g] = load_n(x + g * axis, axis, kNegInf);
        m[g] = splat(reduce_max(v[g]));
    }
    for (std::size_t g = 0; g < G; ++g) {
        // log_softmax keeps exp_shifted: its rest (below) is held to 2 ulp.
        e[g] = Log ? exp_shifted(v[g], m[g]) : math::exp_difference(v[g], m[g]);
        s[g] = reduce_add(widen_lo(e[g]) + (kWidth > 1 ? widen_hi(e[g]) : vdouble(0.0)));
    }
    for (std::size_t g = 0; g < G; ++g) {
        if (Log && confident(s[g])) {  // the terms below the maximum alone
            const vfloat rest = select(v[g] == m[g], splat(0.0f), e[g]);
            s[g] = std::log1p(reduce_add(widen_lo(rest) + (kWidth > 1 ? widen_hi(rest) : vdouble(0.0))));
        } else if (Log) {
            s[g] = std::log(s[g]);
        }
        const vfloat out = Log ? log_shifted(v[g], m[g], splat(static_cast<float>(s[g])))
                               : e[g] * splat(reciprocal(s[g]));
        store_n(y + g * axis, axis, out);
    }
}

template <bool Log, class T>
void short_rows(std::size_t rows, std::size_t axis, const T* x, T* y) {
    std::size_t r = 0;
    for (; r + kShortRowGroup <= rows; r += kShortRowGroup)
        short_row_group<Log, kShortRowGroup>(axis, x + r * axis, y + r * axis);
    for (; r < rows; ++r) short_row_group<Log, 1>(axis, x + r * axis, y + r * axis);
}

// Runs `one_row(traversal, offset)` for every row of `outer` slices of
// axis x inner, restricted to inner columns [ib, ie).
template <class F>
void for_each_row(std::size_t outer, std::size_t axis, std::size_t inner, std::size_t ib,
                  std::size_t ie, F&& one) {
    const std::size_t slice = axis * inner;
    for (std::size_t o = 0; o < outer; ++o) {
        if (inner == 1) {
            one(contiguous_row{axis}, o * slice);
            continue;
        }
        for (std::size_t i = ib; i < ie; i += kWidth) {
            const std::size_t lanes = ie - i < kWidth ? ie - i : kWidth;
            one(strided_columns{axis, inner, lanes}, o * slice + i);
        }
    }
}

// Entry points: the kernel table's signature (see src/isa/kernel_table.hpp).
// Each for float and the 16-bit types.
template <class T>
void softmax(std::size_t outer, std::size_t axis, std::size_t inner, std::size_t ib,
             std::size_t ie, const T* x, T* y) {
    if (inner == 1 && axis <= kWidth) return short_rows<false>(outer, axis, x, y);
    for_each_row(outer, axis, inner, ib, ie, [&](const auto& t, std::size_t off) {
        softmax_one(t, x + off, y + off);
    });
}

template <class T>
void log_softmax(std::size_t outer, std::size_t axis, std::size_t inner, std::size_t ib,
                 std::size_t ie, const T* x, T* y) {
    if (inner == 1 && axis <= kWidth) return short_rows<true>(outer, axis, x, y);
    if (inner == 1) {
        for (std::size_t o = 0; o < outer; ++o) {
            const T* row = x + o * axis;
            log_softmax_apply(axis, row, y + o * axis, with_rest(row, axis, contiguous_stats(row, axis)));
        }
        return;
    }
    for_each_row(outer, axis, inner, ib, ie, [&](const auto& t, std::size_t off) {
        const vfloat m = max_pass(t, x + off);
        const vfloat log_sum = log_sum_of(t, x + off, m, exp_sum_pass<false>(t, x + off, m, nullptr));
        log_softmax_output(t, x + off, y + off, m, log_sum);
    });
}

template <class T>
void softmax_backward(std::size_t outer, std::size_t axis, std::size_t inner, std::size_t ib,
                      std::size_t ie, const T* y, const T* dy, T* dx) {
    for_each_row(outer, axis, inner, ib, ie, [&](const auto& t, std::size_t off) {
        softmax_backward_one(t, y + off, dy + off, dx + off);
    });
}

template <class T>
void log_softmax_backward(std::size_t outer, std::size_t axis, std::size_t inner,
                          std::size_t ib, std::size_t ie, const T* y, const T* dy, T* dx) {
    for_each_row(outer, axis, inner, ib, ie, [&](const auto& t, std::size_t off) {
        log_softmax_backward_one(t, y + off, dy + off, dx + off);
    });
}

}  // namespace ops
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
