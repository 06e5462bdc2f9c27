// The two matrix products the model needs, over CBLAS (OpenBLAS), and the
// thread set-up that keeps results bitwise reproducible.
#pragma once

#include <cstddef>

namespace trainer {

// OpenBLAS is pinned to one thread: these matrices are far too small for
// its threading to pay, and one thread fixes the order of every sum, so
// results do not depend on --threads. The library gets `threads` (it
// promises identical results for any count).
void configure_threads(int threads);

// OpenBLAS's kernel family for this CPU ("Haswell", "SkylakeX", ...), for
// --bench: it decides the speed of the matrix products.
const char* blas_core_name();

// c (m x n) = a (m x k) @ b (k x n), all row-major.
void matmul(std::size_t m, std::size_t n, std::size_t k, const float* a, const float* b, float* c);
// c (m x n) = a^T @ b, with a stored k x m and b stored k x n.
void matmul_at_b(std::size_t m, std::size_t n, std::size_t k, const float* a, const float* b, float* c);
// c (m x n) = a @ b^T, with a stored m x k and b stored n x k.
void matmul_a_bt(std::size_t m, std::size_t n, std::size_t k, const float* a, const float* b, float* c);

}  // namespace trainer
