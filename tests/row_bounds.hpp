// The row functions' and losses' bounds, from src/ops/row_bounds.def, by
// the path a shape takes.
#pragma once

#include <cstddef>

#include "../src/ops/row_stats.hpp"

namespace nonlin_test {

enum class row_bound {
#define NONLIN_ROW_BOUND(name, short_rows, long_rows, strided, scale, fast) name,
#include "../src/ops/row_bounds.def"
#undef NONLIN_ROW_BOUND
};

enum class row_path { short_rows, long_rows, strided };

struct row_bound_row {
    const char* name;
    double ulp[3];  // by row_path
    const char* scale;
    double fast;  // in the fast tier, on every path
};

inline constexpr row_bound_row kRowBounds[] = {
#define NONLIN_ROW_BOUND(name, short_rows, long_rows, strided, scale, fast) \
    {#name, {short_rows, long_rows, strided}, scale, fast},
#include "../src/ops/row_bounds.def"
#undef NONLIN_ROW_BOUND
};

inline row_path path_of(std::size_t axis, std::size_t inner) {
    return inner > 1 ? row_path::strided
                     : axis > nonlin::kLongRow ? row_path::long_rows : row_path::short_rows;
}

// The bound on path p in the strict tier, or in the fast tier.
inline double bound_of(row_bound b, row_path p, bool fast = false) {
    const row_bound_row& r = kRowBounds[static_cast<std::size_t>(b)];
    return fast ? r.fast : r.ulp[static_cast<std::size_t>(p)];
}

inline double bound_of(row_bound b, std::size_t axis, std::size_t inner, bool fast = false) {
    return bound_of(b, path_of(axis, inner), fast);
}

// The largest bound over the paths, for tests that mix them.
inline double bound_of(row_bound b, bool fast = false) {
    double m = fast ? kRowBounds[static_cast<std::size_t>(b)].fast : 0;
    if (!fast)
        for (double u : kRowBounds[static_cast<std::size_t>(b)].ulp) m = u > m ? u : m;
    return m;
}

}  // namespace nonlin_test
