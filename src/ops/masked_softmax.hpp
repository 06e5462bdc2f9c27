// The masked, scaled softmax and log_softmax (attention): the passes of
// softmax_passes.hpp with masked_terms, which read masked entries as -inf
// and carry scale * (x - max) exactly into exp, and the empty-row choice.
//
// Every row runs max, exp-store-sum and scale (or max, sum, output for the
// log form) whatever its length: a masked row is one thread's work.
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

#include "../isa/kernel_table.hpp"
#include "softmax_passes.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace ops {

// Lanes [0, k) of a row's mask bytes as a vector mask (nonzero = keep);
// padding lanes are not kept. Bytes to float one by one: xsimd 8.1 has no
// byte loads, and the kernel's exp costs more than this.
inline vmask kept_lanes(const uint8_t* mask, std::size_t k) {
    alignas(64) float flags[kWidth] = {};
    for (std::size_t i = 0; i < k; ++i) flags[i] = mask[i] != 0 ? 1.0f : 0.0f;
    return load(flags) != splat(0.0f);
}

// A row's entries as the masked softmax sees them. mask is NULL or the
// row's mask bytes, at the offsets of x.
struct masked_terms {
    const uint8_t* mask;
    vfloat scale;
    static constexpr bool float_pairs = false;
    static constexpr bool low_parts = false;

    template <class T>
    vfloat load(const T* x, std::size_t off, std::size_t k) const {
        const vfloat v = load_n(x + off, k, kNegInf);
        return mask ? select(kept_lanes(mask + off, k), v, splat(kNegInf)) : v;
    }
    // x - m = d + err exactly; scale * d = p + product error exactly; the
    // small terms go into exp's tail, so only exp rounds. Where p overflows
    // the tail is 0: err * scale may overflow too, and -inf + inf is NaN.
    vfloat shifted(vfloat v, vfloat m, vfloat& tail) const {
        vfloat err;
        const vfloat d = two_diff(v, m, err);
        const vfloat p = d * scale;
        tail = select(abs(p) == splat(std::numeric_limits<float>::infinity()), splat(0.0f),
                      product_error(d, scale, p) + err * scale);
        return p;
    }
    vfloat exp(vfloat v, vfloat m) const {
        vfloat tail;
        const vfloat p = shifted(v, m, tail);
        return math::exp_with_tail(p, tail);
    }
    // The log form's output: scale (x - m) - c.
    vfloat log_term(vfloat v, vfloat m, vfloat c) const {
        vfloat tail;
        const vfloat p = shifted(v, m, tail);
        return p + (tail - c);
    }
};

// Lanes whose row is empty (no kept entry above -inf and no NaN), for the
// zero mode; none otherwise. The maximum may have dropped a NaN, so rows
// whose maximum is -inf are searched for one.
template <class Traversal, class T>
vmask empty_lanes(const Traversal& t, const T* x, const masked_terms& terms, vfloat m,
                  bool zero_empty) {
    const vmask no_max = m == splat(kNegInf);
    if (!zero_empty || !any(no_max)) return splat(0.0f) != splat(0.0f);  // no lane
    return no_max & (t.finish_max(nan_flags(t, x, terms)) == splat(0.0f));
}

// As softmax_one: a 16-bit y computes the exp terms again instead of
// holding them (the same bits).
template <class Traversal, class T>
void masked_softmax_one(const Traversal& t, const T* x, T* y, const masked_terms& terms,
                        bool zero_empty) {
    const vfloat m = max_pass(t, x, terms);
    const vmask empty = empty_lanes(t, x, terms, m, zero_empty);
    if constexpr (std::is_same<T, float>::value) {
        const vfloat r = t.finish_sum(exp_sum_pass<true>(t, x, m, y, terms), reciprocal);
        t.for_each([&](std::size_t off, std::size_t k) {
            store_n(y + off, k, select(empty, splat(0.0f), load_n(y + off, k, 0.0f) * r));
        });
    } else {
        const vfloat r = t.finish_sum(exp_sum_pass<false>(t, x, m, nullptr, terms), reciprocal);
        t.for_each([&](std::size_t off, std::size_t k) {
            const vfloat e = terms.exp(terms.load(x, off, k), m);
            store_n(y + off, k, select(empty, splat(0.0f), e * r));
        });
    }
}

template <class Traversal, class T>
void masked_log_softmax_one(const Traversal& t, const T* x, T* y,
                            const masked_terms& terms, bool zero_empty) {
    const vfloat m = max_pass(t, x, terms);
    const vmask empty = empty_lanes(t, x, terms, m, zero_empty);
    const vfloat log_sum =
        log_sum_of(t, x, m, exp_sum_pass<false>(t, x, m, nullptr, terms), terms);
    t.for_each([&](std::size_t off, std::size_t k) {
        store_n(y + off, k,
                select(empty, splat(0.0f), terms.log_term(terms.load(x, off, k), m, log_sum)));
    });
}

// Runs one(traversal, offset, mask of that row) over the rows of `outer`
// slices starting at outer index args.first, restricted to inner columns
// [ib, ie); slice o reads mask slice o % mask_outer.
template <class F>
void for_each_masked_row(std::size_t outer, std::size_t axis, std::size_t inner, std::size_t ib,
                         std::size_t ie, const masked_args& args, F&& one) {
    const std::size_t slice = axis * inner;
    for (std::size_t o = 0; o < outer; ++o) {
        const uint8_t* mask =
            args.mask ? args.mask + ((args.first + o) % args.mask_outer) * slice : nullptr;
        const masked_terms terms{mask, splat(args.scale)};
        if (inner == 1) {
            one(contiguous_row{axis}, o * slice, terms);
            continue;
        }
        for (std::size_t i = ib; i < ie; i += kWidth) {
            const std::size_t lanes = ie - i < kWidth ? ie - i : kWidth;
            one(strided_columns{axis, inner, lanes}, o * slice + i,
                masked_terms{mask ? mask + i : nullptr, terms.scale});
        }
    }
}

// Entry point (masked_rows<false>: softmax, <true>: log_softmax): the
// kernel table's signature (src/isa/kernel_table.hpp).
template <bool Log, class T>
void masked_rows(std::size_t outer, std::size_t axis, std::size_t inner, std::size_t ib,
                 std::size_t ie, const T* x, T* y, const masked_args& args) {
    for_each_masked_row(outer, axis, inner, ib, ie, args,
                        [&](const auto& t, std::size_t off, const masked_terms& terms) {
                            if (Log)
                                masked_log_softmax_one(t, x + off, y + off, terms, args.zero_empty);
                            else
                                masked_softmax_one(t, x + off, y + off, terms, args.zero_empty);
                        });
}

}  // namespace ops
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
