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

// Rows of one or two vectors are processed this many vectors at a time, so
// that their latency chains (reduce, exp, reduce, divide) overlap.
constexpr std::size_t kShortRowGroup = 4;

// The longest 16-bit softmax row whose exp terms wait in a float buffer on
// the stack (16 KiB: within L1, and small for any thread's stack).
constexpr std::size_t kRowTerms = 4096;

// The exp terms are held between the sum and the scaling: in y itself when
// it is float; for a 16-bit y (which would round them twice) in a float
// buffer on the stack when the row is contiguous and at most kRowTerms
// long, else computed again in the output pass (the same bits:
// output_term of the same operands).
template <class Exps, class Traversal, class T>
void softmax_one(const Traversal& t, const T* x, T* y) {
    const vfloat m = max_pass(t, x);
    const softmax_output_terms<Exps> output;
    const auto through = [&](float* terms) {
        const vfloat r = t.finish_sum(exp_sum_pass<true>(t, x, m, terms, output), reciprocal);
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
        const vfloat r = t.finish_sum(exp_sum_pass<false>(t, x, m, nullptr, output), reciprocal);
        t.for_each([&](std::size_t off, std::size_t k) {
            store_n(y + off, k, output.exp(load_n(x + off, k, kNegInf), m) * r);
        });
    }
}

template <class Exps, class Traversal, class T>
void log_softmax_output(const Traversal& t, const T* x, T* y, vfloat m, vfloat log_sum) {
    t.for_each([&](std::size_t off, std::size_t k) {
        store_n(y + off, k, log_output(load_n(x + off, k, 0.0f), m, log_sum));
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
// Whether a row's dot (or a lane's) is too large (or NaN) for the float
// path of softmax_backward_one.
//
// The fast tier (fast_backward) takes dx = y (dy - d_hi), two roundings
// after d's: y/2 ulp(d) <= 2 ulp of the scale S = max(|dx|, |y dy|) (as
// |d| <= 2 max(|dy - d|, |dy|)), y/2 ulp(dy - d_hi) <= 1 ulp and the
// product's half an ulp: within 3.5 ulp of S, in 2 operations per vector
// instead of 9, on every ISA.
inline bool beyond_float_path(double dot) { return !(std::fabs(dot) < 0x1p126); }
inline bool float_path_holds(float dy_max, bool fused = kHasFma) {
    return fused && dy_max < 0x1p126f;
}

// dx from the row's dot d (in every lane) and largest |dy|.
template <class Exps, class Traversal, class T>
void softmax_backward_output(const Traversal& t, const T* y, const T* dy, T* dx,
                             const lane_sum& d, vfloat dy_max) {
    if (Exps::fast_backward && float_path_holds(reduce_max(dy_max), true) &&
        !t.any_lane(d, beyond_float_path)) {
        const vfloat d_hi = narrow(d.lo, d.hi);
        t.for_each([&](std::size_t off, std::size_t k) {
            store_n(dx + off, k, load_n(y + off, k, 0.0f) * (load_n(dy + off, k, 0.0f) - d_hi));
        });
        return;
    }
    if (float_path_holds(reduce_max(dy_max)) && !t.any_lane(d, beyond_float_path)) {
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

template <class Exps, class Traversal, class T>
void softmax_backward_one(const Traversal& t, const T* y, const T* dy, T* dx) {
    vfloat dy_max;
    const lane_sum d = t.finish_exact(dot_pass(t, y, dy, dy_max));
    softmax_backward_output<Exps>(t, y, dy, dx, d, dy_max);
}

// dx = dy - exp(y) s, s = sum(dy) in double (it may exceed the float
// range, and exp(y) = 0 must give exactly dy). Strict: exp to 1 ulp and
// the rest in double, rounded once. Fast (fast_backward): fast_exp (at
// most 1.12 ulp, 2.24 u, on every ISA's sweep) and, with a fused
// multiply-add and s within the float range, dx = fma(-e, s rounded, dy):
// (2.24 + 0.5) u of |e s| and half an ulp of dx <= 2 S, within 3.75 ulp
// of S = max(|dy|, |e s|); otherwise in double (3.25 ulp).
// Both always inlined: the sse2 and avx2 builds called them out of line on
// every vector.
template <class Exps>
[[gnu::always_inline]] inline vfloat log_backward_exp(vfloat y) {
    return Exps::fast_backward ? math::fast_exp(y) : math::exp(y);
}

template <class Exps>
[[gnu::always_inline]] inline vfloat log_backward_output(vfloat y, vfloat dy, vdouble s_lo,
                                                        vdouble s_hi, vfloat s_float,
                                                        bool in_float) {
    const vfloat e = log_backward_exp<Exps>(y);
    if (Exps::fast_backward && in_float) return fmadd(-e, s_float, dy);
    return in_double(e, dy, s_lo, s_hi,
                     [](vdouble ev, vdouble dyv, vdouble sv) { return dyv - ev * sv; });
}

// Whether a row's (or every lane's) sum of dy allows the float path.
template <class Exps>
bool log_backward_in_float(bool any_beyond) {
    return Exps::fast_backward && kHasFma && !any_beyond;
}

template <class Traversal, class T>
lane_sum sum_pass(const Traversal& t, const T* dy) {
    lane_sum total;
    t.for_each([&](std::size_t off, std::size_t k) { total.add(load_n(dy + off, k, 0.0f)); });
    return total;
}

// dx from the row's sum of dy, s (in every lane).
template <class Exps, class Traversal, class T>
void log_softmax_backward_output(const Traversal& t, const T* y, const T* dy, T* dx,
                                 const lane_sum& s) {
    const bool in_float = log_backward_in_float<Exps>(t.any_lane(s, beyond_float_path));
    const vfloat s_float = in_float ? narrow(s.lo, s.hi) : splat(0.0f);
    t.for_each([&](std::size_t off, std::size_t k) {
        store_n(dx + off, k,
                log_backward_output<Exps>(load_n(y + off, k, 0.0f), load_n(dy + off, k, 0.0f),
                                          s.lo, s.hi, s_float, in_float));
    });
}

template <class Exps, class Traversal, class T>
void log_softmax_backward_one(const Traversal& t, const T* y, const T* dy, T* dx) {
    log_softmax_backward_output<Exps>(t, y, dy, dx, t.finish_exact(sum_pass(t, dy)));
}

// The elements of a short row in its vector j.
inline std::size_t lanes_of_vector(std::size_t axis, std::size_t j) {
    return axis - j * kWidth < kWidth ? axis - j * kWidth : kWidth;
}

// G rows of V vectors each at most ((V - 1) kWidth < axis <= V kWidth): the
// contiguous path's passes, with the rows' latency chains (reduce, exp,
// reduce, divide) side by side; log_softmax's terms here are sum_term's
// (the 1-ulp exp in the strict tier), which the rest of a confident row
// reuses.
template <bool Log, class Exps, std::size_t G, std::size_t V, class T>
void short_row_group(std::size_t axis, const T* x, T* y) {
    vfloat v[G][V], e[G][V], m[G];
    double s[G];
    for (std::size_t g = 0; g < G; ++g) {
        vfloat top = splat(kNegInf);
        for (std::size_t j = 0; j < V; ++j) {
            v[g][j] = load_n(x + g * axis + j * kWidth, lanes_of_vector(axis, j), kNegInf);
            top = max(top, v[g][j]);
        }
        m[g] = splat(reduce_max(top));
    }
    for (std::size_t g = 0; g < G; ++g) {
        lane_sum sum;
        for (std::size_t j = 0; j < V; ++j) {
            e[g][j] = Log ? Exps::sum_term(v[g][j], m[g]) : Exps::output_term(v[g][j], m[g]);
            sum.add(e[g][j]);
        }
        s[g] = sum.total();
    }
    for (std::size_t g = 0; g < G; ++g) {
        if (Log && Exps::keeps_rest && confident(s[g])) {  // the terms below the maximum alone
            lane_sum rest;
            for (std::size_t j = 0; j < V; ++j)
                rest.add(select(v[g][j] == m[g], splat(0.0f), e[g][j]));
            s[g] = std::log1p(rest.total());
        } else if (Log) {
            s[g] = std::log(s[g]);
        }
        const vfloat f = splat(Log ? static_cast<float>(s[g]) : reciprocal(s[g]));
        for (std::size_t j = 0; j < V; ++j)
            store_n(y + g * axis + j * kWidth, lanes_of_vector(axis, j),
                    Log ? log_output(v[g][j], m[g], f) : e[g][j] * f);
    }
}

// Row g of a group of short rows, vector j of y and of dy (padded with 0).
template <std::size_t G, std::size_t V, class T>
void load_short_pair(std::size_t axis, const T* y, const T* dy, vfloat (&yv)[G][V],
                     vfloat (&d)[G][V], std::size_t g, std::size_t j) {
    const std::size_t off = g * axis + j * kWidth;
    yv[g][j] = load_n(y + off, lanes_of_vector(axis, j), 0.0f);
    d[g][j] = load_n(dy + off, lanes_of_vector(axis, j), 0.0f);
}

// softmax_backward_one on G contiguous rows of V vectors each at most, side
// by side: the same dot products in the same order, and the same output
// (a row outside the float path's range takes softmax_backward_one).
// Each row is read whole before its dx is written, so dx may be y or dy.
template <class Exps, std::size_t G, std::size_t V, class T>
void short_backward_group(std::size_t axis, const T* y, const T* dy, T* dx) {
    vfloat yv[G][V], d[G][V];
    double dot[G];
    float d_max[G];
    for (std::size_t g = 0; g < G; ++g) {
        lane_sum sum;
        vfloat m = splat(0.0f);
        for (std::size_t j = 0; j < V; ++j) {
            load_short_pair(axis, y, dy, yv, d, g, j);
            sum.add_product(yv[g][j], d[g][j]);
            m = max(m, abs(d[g][j]));
        }
        dot[g] = sum.total();
        d_max[g] = reduce_max(m);
    }
    for (std::size_t g = 0; g < G; ++g) {
        if (!float_path_holds(d_max[g], Exps::fast_backward || kHasFma) ||
            beyond_float_path(dot[g])) {
            softmax_backward_one<Exps>(contiguous_row{axis}, y + g * axis, dy + g * axis,
                                       dx + g * axis);
            continue;
        }
        const float hi = static_cast<float>(dot[g]);
        if (Exps::fast_backward) {
            for (std::size_t j = 0; j < V; ++j)
                store_n(dx + g * axis + j * kWidth, lanes_of_vector(axis, j),
                        yv[g][j] * (d[g][j] - splat(hi)));
            continue;
        }
        const vfloat d_hi = splat(hi), d_lo = splat(static_cast<float>(dot[g] - hi));
        for (std::size_t j = 0; j < V; ++j) {
            vfloat a_lo;
            const vfloat a_hi = two_diff_finite(d[g][j], d_hi, a_lo);
            store_n(dx + g * axis + j * kWidth, lanes_of_vector(axis, j),
                    fmadd(yv[g][j], a_hi, yv[g][j] * (a_lo - d_lo)));
        }
    }
}

// log_softmax_backward_one on G contiguous rows of V vectors each at most,
// side by side: the same sums in the same order and the same output. Each
// row is read whole before its dx is written, so dx may be y or dy.
template <class Exps, std::size_t G, std::size_t V, class T>
void short_log_backward_group(std::size_t axis, const T* y, const T* dy, T* dx) {
    vfloat yv[G][V], d[G][V];
    double s[G];
    for (std::size_t g = 0; g < G; ++g) {
        lane_sum total;
        for (std::size_t j = 0; j < V; ++j) {
            load_short_pair(axis, y, dy, yv, d, g, j);
            total.add(d[g][j]);
        }
        s[g] = total.total();
    }
    for (std::size_t g = 0; g < G; ++g) {
        const bool in_float = log_backward_in_float<Exps>(beyond_float_path(s[g]));
        const vdouble sd(s[g]);
        const vfloat sf = splat(static_cast<float>(in_float ? s[g] : 0.0));
        for (std::size_t j = 0; j < V; ++j)
            store_n(dx + g * axis + j * kWidth, lanes_of_vector(axis, j),
                    log_backward_output<Exps>(yv[g][j], d[g][j], sd, sd, sf, in_float));
    }
}

template <std::size_t G, std::size_t V>
struct short_group {
    static constexpr std::size_t rows = G, vectors = V;
};

template <std::size_t V, class F>
void for_each_short_group(std::size_t rows, std::size_t axis, F& f) {
    constexpr std::size_t G = kShortRowGroup / V;
    std::size_t r = 0;
    for (; r + G <= rows; r += G) f(short_group<G, V>{}, r * axis);
    for (; r < rows; ++r) f(short_group<1, V>{}, r * axis);
}

// Contiguous rows of one or two vectors (10 classes on avx2 are two), in
// groups of kShortRowGroup vectors: f(short_group<G, V>{}, offset of the
// group's first row) for each. Returns whether the rows were short.
template <class F>
bool for_short_rows(std::size_t rows, std::size_t axis, std::size_t inner, F&& f) {
    if (inner != 1 || axis > 2 * kWidth) return false;
    if (axis <= kWidth)
        for_each_short_group<1>(rows, axis, f);
    else
        for_each_short_group<2>(rows, axis, f);
    return true;
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
// Each for float and the 16-bit types; the forward ones in an accuracy
// tier's exponentials (strict_exps or fast_exps).
template <class T, class Exps>
void softmax(std::size_t outer, std::size_t axis, std::size_t inner, std::size_t ib,
             std::size_t ie, const T* x, T* y) {
    if (for_short_rows(outer, axis, inner, [&](auto g, std::size_t off) {
            using G = decltype(g);
            short_row_group<false, Exps, G::rows, G::vectors>(axis, x + off, y + off);
        }))
        return;
    for_each_row(outer, axis, inner, ib, ie, [&](const auto& t, std::size_t off) {
        softmax_one<Exps>(t, x + off, y + off);
    });
}

template <class T, class Exps>
void log_softmax(std::size_t outer, std::size_t axis, std::size_t inner, std::size_t ib,
                 std::size_t ie, const T* x, T* y) {
    if (for_short_rows(outer, axis, inner, [&](auto g, std::size_t off) {
            using G = decltype(g);
            short_row_group<true, Exps, G::rows, G::vectors>(axis, x + off, y + off);
        }))
        return;
    if (inner == 1) {
        for (std::size_t o = 0; o < outer; ++o) {
            const T* row = x + o * axis;
            log_softmax_apply<T, Exps>(axis, row, y + o * axis,
                              with_rest<Exps>(row, axis, contiguous_stats<T, Exps>(row, axis)));
        }
        return;
    }
    for_each_row(outer, axis, inner, ib, ie, [&](const auto& t, std::size_t off) {
        const vfloat m = max_pass(t, x + off);
        const lane_sum s = exp_sum_pass<false>(t, x + off, m, nullptr, plain_terms<Exps>{});
        const vfloat log_sum =
            Exps::keeps_rest ? log_sum_of(t, x + off, m, s) : t.finish_sum(s, logarithm);
        log_softmax_output<Exps>(t, x + off, y + off, m, log_sum);
    });
}

template <class T, class Exps>
void softmax_backward(std::size_t outer, std::size_t axis, std::size_t inner, std::size_t ib,
                      std::size_t ie, const T* y, const T* dy, T* dx) {
    if (for_short_rows(outer, axis, inner, [&](auto g, std::size_t off) {
            using G = decltype(g);
            short_backward_group<Exps, G::rows, G::vectors>(axis, y + off, dy + off, dx + off);
        }))
        return;
    for_each_row(outer, axis, inner, ib, ie, [&](const auto& t, std::size_t off) {
        softmax_backward_one<Exps>(t, y + off, dy + off, dx + off);
    });
}

template <class T, class Exps>
void log_softmax_backward(std::size_t outer, std::size_t axis, std::size_t inner,
                          std::size_t ib, std::size_t ie, const T* y, const T* dy, T* dx) {
    if (for_short_rows(outer, axis, inner, [&](auto g, std::size_t off) {
            using G = decltype(g);
            short_log_backward_group<Exps, G::rows, G::vectors>(axis, y + off, dy + off,
                                                                dx + off);
        }))
        return;
    for_each_row(outer, axis, inner, ib, ie, [&](const auto& t, std::size_t off) {
        log_softmax_backward_one<Exps>(t, y + off, dy + off, dx + off);
    });
}

// A long contiguous row's backward, part by part (the C layer splits it
// over threads as the forward): each part's sums, then the output of any
// n elements from the whole row's merged sums.
template <class T>
backward_sums softmax_backward_sums(std::size_t n, const T* y, const T* dy) {
    vfloat dy_max;
    const lane_sum d = dot_pass(contiguous_row{n}, y, dy, dy_max);
    return {d.total(), reduce_max(dy_max)};
}

template <class T>
backward_sums log_softmax_backward_sums(std::size_t n, const T*, const T* dy) {
    return {sum_pass(contiguous_row{n}, dy).total(), 0.0f};
}

template <class T, class Exps>
void softmax_backward_apply(std::size_t n, const T* y, const T* dy, T* dx, backward_sums s) {
    softmax_backward_output<Exps>(contiguous_row{n}, y, dy, dx, in_every_lane(s.sum),
                                  splat(s.dy_max));
}

template <class T, class Exps>
void log_softmax_backward_apply(std::size_t n, const T* y, const T* dy, T* dx,
                                backward_sums s) {
    log_softmax_backward_output<Exps>(contiguous_row{n}, y, dy, dx, in_every_lane(s.sum));
}

}  // namespace ops
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
