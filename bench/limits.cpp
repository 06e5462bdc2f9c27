// The memory limits an op is compared with, streaming the same bytes:
// copy (memcpy, a plain loop, a loop with non-temporal stores), z = x * y
// over three streams (plain and non-temporal), a read-only sum, and a fill.
// bench/report takes the fastest variant of each. Built with
// -fno-tree-loop-distribute-patterns, so that the plain loops stay loops
// instead of becoming memcpy/memset calls.
#include <cstdint>
#include <cstring>
#include <string>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <benchmark/benchmark.h>

#include "bench.hpp"

namespace bench {

namespace {

void copy_loop(std::size_t n, const float* __restrict x, float* __restrict y) {
    for (std::size_t i = 0; i < n; ++i) y[i] = x[i];
}

void mul3_loop(std::size_t n, const float* __restrict x, const float* __restrict y,
               float* __restrict z) {
    for (std::size_t i = 0; i < n; ++i) z[i] = x[i] * y[i];
}

#if defined(__SSE2__)
// z = x * y (or z = x when y is null) with non-temporal stores: the output
// bypasses the caches, as large-output kernels may do.
void stream_loop(std::size_t n, const float* x, const float* y, float* z) {
    std::size_t i = 0;
    for (; i < n && reinterpret_cast<std::uintptr_t>(z + i) % 16 != 0; ++i)
        z[i] = y ? x[i] * y[i] : x[i];
    if (y)
        for (; i + 4 <= n; i += 4)
            _mm_stream_ps(z + i, _mm_mul_ps(_mm_loadu_ps(x + i), _mm_loadu_ps(y + i)));
    else
        for (; i + 4 <= n; i += 4) _mm_stream_ps(z + i, _mm_loadu_ps(x + i));
    for (; i < n; ++i) z[i] = y ? x[i] * y[i] : x[i];
    _mm_sfence();
}
#endif

float sum_loop(std::size_t n, const float* x) {
    float s = 0.0f;
#pragma omp simd reduction(+ : s)
    for (std::size_t i = 0; i < n; ++i) s += x[i];
    return s;
}

}  // namespace

Run make_limit(Op op, const char* impl, const Args& a) {
    const std::size_t n = a.shape.size();
    const std::string how = impl;
#if defined(__SSE2__)
    if (how == "stream") {
        const float* y = op == Op::mul3 ? a.b : nullptr;
        return [=] { stream_loop(n, a.a, y, a.out); return true; };
    }
#else
    if (how == "stream") return {};
#endif
    switch (op) {
    case Op::copy:
        if (how == "memcpy")
            return [=] { std::memcpy(a.out, a.a, n * sizeof(float)); return true; };
        return [=] { copy_loop(n, a.a, a.out); return true; };
    case Op::mul3:
        return [=] { mul3_loop(n, a.a, a.b, a.out); return true; };
    case Op::sum:
        return [=] {
            float s = sum_loop(n, a.a);
            benchmark::DoNotOptimize(s);
            return true;
        };
    case Op::fill:
        return [=] { std::memset(a.out, 0, n * sizeof(float)); return true; };
    default:
        return {};
    }
}

}  // namespace bench
