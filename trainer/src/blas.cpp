#include "blas.h"

#include <cblas.h>

#include "error.h"
#include "nonlin/nonlin.h"

namespace trainer {
namespace {
// CBLAS takes int sizes; every size here is a data dimension well below 2^31.
int I(std::size_t v) { return static_cast<int>(v); }
}  // namespace

void configure_threads(int threads) {
    if (threads < 1) throw Error("--threads must be at least 1");
    openblas_set_num_threads(1);
    check(nonlin_set_num_threads(threads), "nonlin_set_num_threads");
}

const char* blas_core_name() { return openblas_get_corename(); }

void matmul(std::size_t m, std::size_t n, std::size_t k, const float* a, const float* b, float* c) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, I(m), I(n), I(k), 1.0f, a, I(k), b, I(n),
                0.0f, c, I(n));
}

void matmul_at_b(std::size_t m, std::size_t n, std::size_t k, const float* a, const float* b, float* c) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, I(m), I(n), I(k), 1.0f, a, I(m), b, I(n),
                0.0f, c, I(n));
}

void matmul_a_bt(std::size_t m, std::size_t n, std::size_t k, const float* a, const float* b, float* c) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, I(m), I(n), I(k), 1.0f, a, I(k), b, I(k),
                0.0f, c, I(n));
}

}  // namespace trainer
