// The traversals of a softmax row and the passes written over them, which
// every kernel of the softmax family (softmax.hpp, softmax_parts.hpp) and
// the fused cross-entropy (loss.hpp) are built from.
//
// Each algorithm is written once over a traversal:
// - contiguous_row (inner == 1): the lanes of a vector hold consecutive
//   elements of one row, so per-row statistics are reduced across lanes;
// - strided_columns (inner > 1): the lanes hold kWidth neighbouring rows
//   (columns of the inner dimension), each row read with stride inner, so
//   every statistic stays per lane.
//
// x is float or a 16-bit type (widened as it is loaded); statistics and
// outputs are computed in float and double alike for every element type.
//
// Accuracy choices, shared by all kernels:
// - x - max is computed together with its rounding error (two_diff,
//   src/math/eft.hpp), and the error is fed into exp's reduced argument:
//   for |x - max| in [8, 16) the rounding alone would cost up to 8 ulp of
//   the result;
// - sums of exp terms and dot products are accumulated in double (float to
//   double is exact, and so is a product of two floats in double), so the
//   bound does not grow with the row length.
#pragma once

#include <cmath>
#include <limits>

#include "../math/exp.hpp"
#include "../math/fast.hpp"
#include "row_stats.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace ops {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// Element i of x, widened, and element i of y set to v (rounded once):
// single elements of float or a 16-bit type.
inline float element_at(const float* x, std::size_t i) { return read_at(x, i); }
inline void set_element(float* y, std::size_t i, float v) { write_at(y, i, v); }
template <class T, if_half<T> = 0>
float element_at(const T* x, std::size_t i) {
    alignas(64) float one[kWidth];
    store(one, load_n(x + i, 1, 0.0f));
    return one[0];
}
template <class T, if_half<T> = 0>
void set_element(T* y, std::size_t i, float v) {
    store_n(y + i, 1, splat(v));
}

// exp(x - m), with the subtraction's rounding error folded into exp.
inline vfloat exp_shifted(vfloat x, vfloat m) {
    vfloat err;
    const vfloat d = two_diff(x, m, err);
    return math::exp_with_tail(d, err);
}

// The log_softmax output (x - m) - c, c = log(sum) >= 0, in both tiers:
// |x - m| <= |y| and c <= |y|, so the two roundings cost at most an ulp of y
// together, and c's own error (half an ulp of c and the sum's relative
// error, below 1 u: at most 1.5 ulp of max(|y|, 1) in the strict tier)
// brings the whole to 2.5 ulp, within the strict bound of 4. At a row's
// maximum x - m = 0 and y = -c exactly. Keeping the difference's rounding
// error took six more operations for half an ulp.
inline vfloat log_output(vfloat x, vfloat m, vfloat c) { return (x - m) - c; }

// Per-lane double accumulator for kWidth float lanes.
struct lane_sum {
    vdouble lo = vdouble(0.0), hi = vdouble(0.0);
    void add(vfloat v) { accumulate(lo, hi, v); }
    void add_product(vfloat a, vfloat b) {
        lo = fmadd(widen_lo(a), widen_lo(b), lo);
        if (kWidth > 1) hi = fmadd(widen_hi(a), widen_hi(b), hi);
    }
    void add(const lane_sum& o) {
        lo = lo + o.lo;
        hi = hi + o.hi;
    }
    double total() const { return reduce_add(lo) + (kWidth > 1 ? reduce_add(hi) : 0.0); }
    // The per-lane sums, lane i of the float vector it was fed.
    void lanes(double* out) const {
        store(out, lo);
        if (kWidth > 1) store(out + kDoubleWidth, hi);
    }
};

// One row of n contiguous elements.
// v in every lane of a lane_sum: a whole row's sum, as its lanes see it.
inline lane_sum in_every_lane(double v) {
    lane_sum s;
    s.lo = s.hi = vdouble(v);
    return s;
}

struct contiguous_row {
    std::size_t n;

    // Two full vectors per iteration: one basic block holds two independent
    // chains for the compiler's scheduler to interleave.
    template <class F>
    void for_each(F&& f) const {
        std::size_t i = 0;
        for (; i + 2 * kWidth <= n; i += 2 * kWidth) {
            f(i, kWidth);
            f(i + kWidth, kWidth);
        }
        for (; i < n; i += kWidth) f(i, n - i < kWidth ? n - i : kWidth);
    }
    vfloat finish_max(vfloat m) const { return splat(reduce_max(m)); }
    // The row's sum, in every lane.
    lane_sum finish_exact(const lane_sum& s) const { return in_every_lane(s.total()); }
    // Applies f (double -> float) to the row's sum, for every lane.
    template <class F>
    vfloat finish_sum(const lane_sum& s, F&& f) const {
        return splat(f(s.total()));
    }
    // The same for two sums of the row: f(a, b).
    template <class F>
    vfloat finish_sums(const lane_sum& a, const lane_sum& b, F&& f) const {
        return splat(f(a.total(), b.total()));
    }
    template <class P>
    bool any_lane(const lane_sum& s, P&& p) const {
        return p(s.total());
    }
};

// kWidth (or fewer, `lanes`) rows of `axis` elements with stride `inner`.
struct strided_columns {
    std::size_t axis, inner, lanes;

    template <class F>
    void for_each(F&& f) const {
        for (std::size_t a = 0; a < axis; ++a) f(a * inner, lanes);
    }
    vfloat finish_max(vfloat m) const { return m; }
    lane_sum finish_exact(const lane_sum& s) const { return s; }
    template <class F>
    vfloat finish_sum(const lane_sum& s, F&& f) const {
        return finish_sums(s, s, [&f](double a, double) { return f(a); });
    }
    template <class F>
    vfloat finish_sums(const lane_sum& a, const lane_sum& b, F&& f) const {
        alignas(64) double as[kWidth], bs[kWidth];
        alignas(64) float out[kWidth];
        a.lanes(as);
        b.lanes(bs);
        for (std::size_t i = 0; i < kWidth; ++i) out[i] = f(as[i], bs[i]);
        return load(out);
    }
    template <class P>
    bool any_lane(const lane_sum& s, P&& p) const {
        alignas(64) double sums[kWidth];
        s.lanes(sums);
        for (std::size_t i = 0; i < lanes; ++i)
            if (p(sums[i])) return true;
        return false;
    }
};

// The exponentials of an accuracy tier's softmax and log_softmax:
// sum_term(x, m) = exp(x - m) for a sum whose log is taken, output_term
// for a softmax output (whose bound analysis assumes exactly one exp and
// one product per output). The fast tier's flush results below FLT_MIN
// (math/fast.hpp) and sum_term drops the difference's rounding error: in
// a log it costs at most 8 u of the sum (|x - m| in [8, 16); beyond, the
// terms are too small to matter).
//
// keeps_rest: a confident row's log(sum) comes from its rest (rest_pass,
// one more pass), so that the log-probability at the maximum is
// relatively accurate. The fast tier's sum is not accurate enough for that
// in any row, and its bound is absolute (of max(|y|, 1)): it takes log(sum).
//
// sum_low: the strict tier's long rows sum each term as two floats,
// sum_parts(x, m, &lo) = hi + lo (math::fast_exp_difference: within
// 0.8 u, terms below FLT_MIN dropped), hi into the double sum and lo into a
// float one (its rounding errors are 2^-24 of lo's, so 2^-40 of the sum
// for 128 terms a lane, a block of 2048 or kLowFold vectors of a strided
// axis): about 20 operations where sum_term's takes 36. Every strict sum
// of a contiguous_stats or exp_sum_pass with plain_terms takes it:
// log_softmax, logsumexp, the losses' long rows (row_term subtracts the
// target's term computed the same way) and the 16-bit softmax's rows
// longer than 2^16. Its
// relative error below 1 u makes log(sum) within 1 u of the row's largest
// |y| at most, and at a unique maximum (y = -log(sum)) relatively within
// 1 u too (the error is that of the rest, sum - 1, and rest / (sum log(sum))
// <= 1): 1.5 ulp with c's rounding, within the bound of 2. A confident
// row's rest and the short rows keep sum_term (exp to 1 ulp).
//
// fast_backward: the backward kernels' outputs in float from the same exact
// (double) sums, without the strict tier's exact differences, and
// log_softmax's exp(y) by fast_exp (softmax.hpp says what each costs).
//
// float_pairs: a contiguous row's exp sum adds its terms two vectors at a
// time in float before the pair goes into the double sum: half the double
// additions, for one more rounding (u relative to the sum) in the fast tier.
struct strict_exps {
    static constexpr bool float_pairs = false;
    static constexpr bool keeps_rest = true;
    static constexpr bool fast_backward = false;
    static constexpr bool sum_low = true;
    static vfloat sum_term(vfloat x, vfloat m) { return exp_shifted(x, m); }
    static vfloat sum_parts(vfloat x, vfloat m, vfloat* lo) {
        return math::fast_exp_difference(x, m, lo);
    }
    static vfloat output_term(vfloat x, vfloat m) { return math::exp_difference(x, m); }
};

struct fast_exps {
    static constexpr bool float_pairs = true;
    static constexpr bool keeps_rest = false;
    static constexpr bool fast_backward = true;
    static constexpr bool sum_low = false;
    static vfloat sum_term(vfloat x, vfloat m) { return math::fast_exp_nonpositive(x - m); }
    static vfloat output_term(vfloat x, vfloat m) { return math::fast_exp_difference(x, m); }
};

// How a row's elements enter the passes: plain_terms reads x as it is;
// the masked softmax (masked_softmax.hpp) reads masked entries as -inf and
// scales x - max. Padding lanes read -inf.
// low_parts: exp_sum_pass sums exp_parts (hi, and lo into a float sum)
// instead of exp.
template <class Exps = strict_exps>
struct plain_terms {
    static constexpr bool float_pairs = Exps::float_pairs;
    static constexpr bool low_parts = Exps::sum_low;
    template <class T>
    vfloat load(const T* x, std::size_t off, std::size_t k) const {
        return load_n(x + off, k, kNegInf);
    }
    vfloat exp(vfloat v, vfloat m) const { return Exps::sum_term(v, m); }
    vfloat exp_parts(vfloat v, vfloat m, vfloat* lo) const { return Exps::sum_parts(v, m, lo); }
};

// The terms of a softmax output: x as it is, exp by output_term.
template <class Exps = strict_exps>
struct softmax_output_terms : plain_terms<Exps> {
    static constexpr bool low_parts = false;
    vfloat exp(vfloat v, vfloat m) const { return Exps::output_term(v, m); }
};

template <class Traversal, class T, class Terms = plain_terms<>>
vfloat max_pass(const Traversal& t, const T* x, const Terms& terms = Terms{}) {
    vfloat m = splat(kNegInf);
    // A NaN may be dropped here: it reaches the sum, which makes the row NaN.
    t.for_each([&](std::size_t off, std::size_t k) { m = max(m, terms.load(x, off, k)); });
    return t.finish_max(m);
}

// A contiguous row's maximum with four independent chains: one chain
// would wait for each max's latency. The maximum is exact, so the order
// cannot change it.
template <class T, class Terms = plain_terms<>>
vfloat max_pass(const contiguous_row& t, const T* x, const Terms& terms = Terms{}) {
    vfloat m0 = splat(kNegInf), m1 = m0, m2 = m0, m3 = m0;
    std::size_t i = 0;
    for (; i + 4 * kWidth <= t.n; i += 4 * kWidth) {
        m0 = max(m0, terms.load(x, i, kWidth));
        m1 = max(m1, terms.load(x, i + kWidth, kWidth));
        m2 = max(m2, terms.load(x, i + 2 * kWidth, kWidth));
        m3 = max(m3, terms.load(x, i + 3 * kWidth, kWidth));
    }
    for (; i < t.n; i += kWidth) m0 = max(m0, terms.load(x, i, t.n - i < kWidth ? t.n - i : kWidth));
    return t.finish_max(max(max(m0, m1), max(m2, m3)));
}

// Whether the elements hold a NaN.
template <class Traversal, class T>
bool has_nan(const Traversal& t, const T* x) {
    vmask found = is_nan(splat(0.0f));
    t.for_each([&](std::size_t off, std::size_t k) { found = found | is_nan(load_n(x + off, k, 0.0f)); });
    return any(found);
}

// 1 in the lanes whose row holds a NaN, else 0 (per row, not reduced).
template <class Traversal, class T, class Terms = plain_terms<>>
vfloat nan_flags(const Traversal& t, const T* x, const Terms& terms = Terms{}) {
    vfloat seen = splat(0.0f);
    t.for_each([&](std::size_t off, std::size_t k) {
        seen = max(seen, select(is_nan(terms.load(x, off, k)), splat(1.0f), splat(0.0f)));
    });
    return seen;
}

// Terms per lane after which a low sum joins the double sum (see
// strict_exps): 2^-24 of lo's 2^-24 of the sum, 2^7 times, is 2^-41.
constexpr std::size_t kLowFold = 128;

// exp(v - m) for a sum: its terms' low parts (Terms::low_parts) are added
// to `low`. Always inlined: called out of line, as GCC chose to, it kept
// `low` and the row's sums in memory and reloaded its constants on every
// vector (the strict log_softmax's sum ran 1.7x slower).
template <class Terms>
[[gnu::always_inline]] inline vfloat sum_addend(const Terms& terms, vfloat v, vfloat m,
                                                vfloat& low) {
    if constexpr (Terms::low_parts) {
        vfloat lo;
        const vfloat e = terms.exp_parts(v, m, &lo);
        low = low + lo;
        return e;
    } else {
        return terms.exp(v, m);
    }
}

// Sum of exp(x - m); with Store, each term is written to y (y may be x).
template <bool Store, class Traversal, class T, class Terms = plain_terms<>>
lane_sum exp_sum_pass(const Traversal& t, const T* x, vfloat m, float* y,
                      const Terms& terms = Terms{}) {
    static_assert(!(Store && Terms::low_parts), "stored terms are rounded once");
    lane_sum s;
    vfloat low = splat(0.0f);
    std::size_t count = 0;
    t.for_each([&](std::size_t off, std::size_t k) {
        // Padding lanes hold -inf: their term is exactly 0.
        const vfloat e = sum_addend(terms, terms.load(x, off, k), m, low);
        if (Store) store_n(y + off, k, e);
        s.add(e);
        // A strided axis has no blocks: the low sum joins the double one
        // every kLowFold terms, so that its float rounding stays 2^-40 of
        // the sum on any axis length.
        if (Terms::low_parts && ++count % kLowFold == 0) {
            s.add(low);
            low = splat(0.0f);
        }
    });
    if (Terms::low_parts) s.add(low);
    return s;
}

// The same along a contiguous row, two vectors at a time (in float pairs
// where the terms allow it).
template <bool Store, class T, class Terms = plain_terms<>>
lane_sum exp_sum_pass(const contiguous_row& t, const T* x, vfloat m, float* y,
                      const Terms& terms = Terms{}) {
    static_assert(!(Store && Terms::low_parts), "stored terms are rounded once");
    lane_sum s;
    vfloat low = splat(0.0f);
    std::size_t i = 0;
    for (; i + 2 * kWidth <= t.n; i += 2 * kWidth) {
        const vfloat e0 = sum_addend(terms, terms.load(x, i, kWidth), m, low);
        const vfloat e1 = sum_addend(terms, terms.load(x, i + kWidth, kWidth), m, low);
        if (Store) {
            store(y + i, e0);
            store(y + i + kWidth, e1);
        }
        if (Terms::float_pairs) {
            s.add(e0 + e1);
        } else {
            s.add(e0);
            s.add(e1);
        }
    }
    for (; i < t.n; i += kWidth) {
        const std::size_t k = t.n - i < kWidth ? t.n - i : kWidth;
        const vfloat e = sum_addend(terms, terms.load(x, i, k), m, low);
        if (Store) store_n(y + i, k, e);
        s.add(e);
    }
    if (Terms::low_parts) s.add(low);
    return s;
}

inline float reciprocal(double s) { return static_cast<float>(1.0 / s); }
inline float logarithm(double s) { return static_cast<float>(std::log(s)); }

// Sum of exp(x - m) over the entries below m: the sum without its terms
// that are exactly 1 (row_stats::rest).
template <class Traversal, class T, class Terms = plain_terms<>>
lane_sum rest_pass(const Traversal& t, const T* x, vfloat m, const Terms& terms = Terms{}) {
    lane_sum s;
    t.for_each([&](std::size_t off, std::size_t k) {
        const vfloat v = terms.load(x, off, k);
        s.add(select(v == m, splat(0.0f), terms.exp(v, m)));
    });
    return s;
}

// log(sum) per lane from its exp sum s, relatively accurate for confident
// rows (row_stats.hpp): their rest is summed in one more pass.
template <class Traversal, class T, class Terms = plain_terms<>>
vfloat log_sum_of(const Traversal& t, const T* x, vfloat m, const lane_sum& s,
                  const Terms& terms = Terms{}) {
    if (!t.any_lane(s, confident)) return t.finish_sum(s, logarithm);
    const lane_sum rest = rest_pass(t, x, m, terms);
    return t.finish_sums(s, rest, [](double sum, double r) {
        return static_cast<float>(log_of_sum({0.0f, sum, confident(sum) ? r : -1.0}));
    });
}

}  // namespace ops
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
