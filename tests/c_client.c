/* A C99 client: compiled as C with -std=c99 -Wall -Wextra -pedantic -Werror
 * and linked against the shared library, it calls every function declared
 * in nonlin.h (so a function missing from the library fails to link) and
 * checks a property of each result. Exit status 0 when all hold. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <nonlin/nonlin.h>

enum { N = 37 }; /* whole vectors of every ISA and a tail */

static int failures = 0;
static int checks = 0;

static void check(int ok, const char* what) {
    ++checks;
    if (!ok) {
        ++failures;
        printf("FAILED: %s\n", what);
    }
}

static void fill(float* a, float v) {
    int i;
    for (i = 0; i < N; ++i) a[i] = v;
}

/* The call returned NONLIN_OK and every one of the N outputs is want
 * within rel relative (exactly, where want is 0). */
static void check_all(nonlin_status s, const float* out, double want, double rel,
                      const char* what) {
    int i, ok = s == NONLIN_OK;
    for (i = 0; ok && i < N; ++i) ok = fabs(out[i] - want) <= rel * fabs(want);
    check(ok, what);
}

static float xs[N], ys[N], dys[N], out[N];
/* Their 16-bit copies (refreshed by to_half before each 16-bit call). */
static nonlin_bf16 xs_b[N], ys_b[N], dys_b[N], out_b[N];
static nonlin_f16 xs_h[N], ys_h[N], dys_h[N], out_h[N];

static void to_half(void) {
    check(nonlin_f32_to_bf16(N, xs, xs_b) == NONLIN_OK && nonlin_f32_to_bf16(N, ys, ys_b) == NONLIN_OK &&
              nonlin_f32_to_bf16(N, dys, dys_b) == NONLIN_OK && nonlin_f32_to_f16(N, xs, xs_h) == NONLIN_OK &&
              nonlin_f32_to_f16(N, ys, ys_h) == NONLIN_OK && nonlin_f32_to_f16(N, dys, dys_h) == NONLIN_OK,
          "conversions to 16 bits");
}

/* A 16-bit call's outputs, widened, are want within half an ulp of the
 * type, relative (2^-8 for bf16, 2^-11 for f16), plus a few float ulp: the
 * rounding of the float result (xs, ys and dys hold values exact in both
 * types). */
static void check_bf16(nonlin_status s, double want, const char* what) {
    float wide[N];
    check(nonlin_bf16_to_f32(N, out_b, wide) == NONLIN_OK, "bf16 to f32");
    check_all(s, wide, want, ldexp(1.0, -8) + 1e-6, what);
}
static void check_f16(nonlin_status s, double want, const char* what) {
    float wide[N];
    check(nonlin_f16_to_f32(N, out_h, wide) == NONLIN_OK, "f16 to f32");
    check_all(s, wide, want, ldexp(1.0, -11) + 1e-6, what);
}

/* One macro per elementwise signature, each calling the op in every
 * element type: forward on xs, backward from the array `from` with dys; _P
 * passes the trailing float parameters. */
#define EACH_TYPE(what, want, call_f32, call_bf16, call_f16)       \
    do {                                                           \
        check_all(call_f32, out, want, 1e-6, what);                \
        to_half();                                                 \
        check_bf16(call_bf16, want, what " bf16");                 \
        check_f16(call_f16, want, what " f16");                    \
    } while (0)
#define FWD(op, want)                                                               \
    EACH_TYPE(#op, want, nonlin_##op##_f32(N, xs, out), nonlin_##op##_bf16(N, xs_b, out_b), \
              nonlin_##op##_f16(N, xs_h, out_h))
#define FWD_P(op, want, ...)                                              \
    EACH_TYPE(#op, want, nonlin_##op##_f32(N, xs, out, __VA_ARGS__),      \
              nonlin_##op##_bf16(N, xs_b, out_b, __VA_ARGS__),            \
              nonlin_##op##_f16(N, xs_h, out_h, __VA_ARGS__))
#define BWD(op, from, want)                                                         \
    EACH_TYPE(#op "_backward", want, nonlin_##op##_backward_f32(N, from, dys, out), \
              nonlin_##op##_backward_bf16(N, from##_b, dys_b, out_b),               \
              nonlin_##op##_backward_f16(N, from##_h, dys_h, out_h))
#define BWD_P(op, want, ...)                                                         \
    EACH_TYPE(#op "_backward", want, nonlin_##op##_backward_f32(N, xs, dys, out, __VA_ARGS__), \
              nonlin_##op##_backward_bf16(N, xs_b, dys_b, out_b, __VA_ARGS__),        \
              nonlin_##op##_backward_f16(N, xs_h, dys_h, out_h, __VA_ARGS__))

/* The masked softmax family and logsumexp on two rows of three. */
static void masked_rows(void) {
    const float x[6] = {1.0f, 2.0f, 3.0f, -1.0f, 0.0f, 1.0f};
    const uint8_t mask[3] = {1, 0, 1}; /* one mask slice for both rows */
    const float dy[2] = {1.0f, 2.0f};
    float y[6], lse[2], dx[6];
    check(nonlin_masked_softmax_f32(2, 3, 1, 1, x, mask, y, 0.5f, NONLIN_EMPTY_ROW_ZERO) ==
                  NONLIN_OK && y[1] == 0.0f && fabsf(y[0] + y[2] - 1.0f) < 1e-6f,
          "masked softmax");
    check(nonlin_masked_log_softmax_f32(2, 3, 1, 1, x, mask, y, 1.0f, NONLIN_EMPTY_ROW_NAN) ==
                  NONLIN_OK && isinf(y[4]) && y[5] < 0.0f,
          "masked log_softmax");
    check(nonlin_masked_softmax_f32(2, 3, 1, 1, x, mask, y, 1.0f, (nonlin_empty_row)2) ==
              NONLIN_ERR_BAD_ARGUMENT,
          "masked softmax with an unknown empty-row mode");
    check(nonlin_masked_log_softmax_f32(2, 3, 1, 1, x, mask, y, 1.0f, (nonlin_empty_row)-1) ==
              NONLIN_ERR_BAD_ARGUMENT,
          "masked log_softmax with a negative empty-row mode");
    check(nonlin_logsumexp_f32(2, 3, 1, x, lse) == NONLIN_OK &&
              fabsf(lse[0] - 3.40760596f) < 1e-6f,
          "logsumexp");
    check(nonlin_logsumexp_backward_f32(2, 3, 1, x, lse, dy, dx) == NONLIN_OK &&
              fabsf(dx[0] + dx[1] + dx[2] - 1.0f) < 1e-6f,
          "logsumexp backward");
}

typedef nonlin_status (*row_fn)(size_t, size_t, size_t, const float*, float*);
typedef nonlin_status (*row_backward_fn)(size_t, size_t, size_t, const float*, const float*,
                                         float*);

/* Six outputs, widened, are want's within rel relative (plus 1e-7). */
static void check_six(nonlin_status s, const float* got, const float* want, double rel,
                      const char* what) {
    int i, ok = s == NONLIN_OK;
    for (i = 0; ok && i < 6; ++i) ok = fabs(got[i] - want[i]) <= rel * fabs(want[i]) + 1e-7;
    check(ok, what);
}

/* The softmax family in one 16-bit type, on two rows of three (values
 * exact in both types): each output, widened, is the f32 function's on
 * the widened inputs within half an ulp of the type. */
#define HALF_ROWS(T, type, rel)                                                              \
    static void rows_##type(const float* x, const float* dy) {                              \
        nonlin_status (*const forward[2])(size_t, size_t, size_t, const T*, T*) = {          \
            nonlin_softmax_##type, nonlin_log_softmax_##type};                               \
        nonlin_status (*const backward[2])(size_t, size_t, size_t, const T*, const T*, T*) = \
            {nonlin_softmax_backward_##type, nonlin_log_softmax_backward_##type};            \
        row_fn forward32[2] = {nonlin_softmax_f32, nonlin_log_softmax_f32};                  \
        row_backward_fn backward32[2] = {nonlin_softmax_backward_f32,                        \
                                         nonlin_log_softmax_backward_f32};                   \
        T xt[6], dyt[6], yt[6], dxt[6];                                                      \
        float yw[6], dxw[6], want[6];                                                        \
        int log;                                                                             \
        check(nonlin_f32_to_##type(6, x, xt) == NONLIN_OK &&                                 \
                  nonlin_f32_to_##type(6, dy, dyt) == NONLIN_OK,                             \
              #type " row inputs");                                                          \
        for (log = 0; log < 2; ++log) {                                                      \
            forward32[log](2, 3, 1, x, want);                                                \
            check_six(forward[log](2, 3, 1, xt, yt) == NONLIN_OK                             \
                          ? nonlin_##type##_to_f32(6, yt, yw) : NONLIN_ERR_BAD_ARGUMENT,     \
                      yw, want, rel, log ? "log_softmax " #type : "softmax " #type);         \
            backward32[log](2, 3, 1, yw, dy, want);                                          \
            check_six(backward[log](2, 3, 1, yt, dyt, dxt) == NONLIN_OK                      \
                          ? nonlin_##type##_to_f32(6, dxt, dxw) : NONLIN_ERR_BAD_ARGUMENT,   \
                      dxw, want, rel, log ? "log_softmax backward " #type                    \
                                          : "softmax backward " #type);                      \
        }                                                                                    \
        {   /* The losses: float losses equal to f32's (x is exact in T). */                 \
            const int64_t target[2] = {2, 0};                                                \
            const float dloss[2] = {1.5f, -0.5f};                                            \
            float loss[2], loss32[2];                                                        \
            nonlin_cross_entropy_f32(2, 3, x, target, loss32, want, -100,                    \
                                     NONLIN_REDUCTION_NONE);                                 \
            check_six(nonlin_cross_entropy_##type(2, 3, xt, target, loss, dxt, -100,         \
                                                  NONLIN_REDUCTION_NONE) == NONLIN_OK &&     \
                              loss[0] == loss32[0] && loss[1] == loss32[1]                   \
                          ? nonlin_##type##_to_f32(6, dxt, dxw) : NONLIN_ERR_BAD_ARGUMENT,   \
                      dxw, want, rel, "cross_entropy " #type);                               \
            check(nonlin_nll_loss_##type(2, 3, yt, target, loss, -100,                       \
                                         NONLIN_REDUCTION_NONE) == NONLIN_OK &&              \
                      loss[0] == -yw[2] && loss[1] == -yw[3],                                \
                  "nll_loss " #type);                                                        \
            check(nonlin_nll_loss_backward_##type(2, 3, target, dloss, dxt, -100,            \
                                                  NONLIN_REDUCTION_NONE) == NONLIN_OK &&     \
                      nonlin_##type##_to_f32(6, dxt, dxw) == NONLIN_OK &&                    \
                      dxw[2] == -1.5f && dxw[3] == 0.5f && dxw[0] == 0.0f,                   \
                  "nll_loss backward " #type);                                               \
        }                                                                                    \
        {   /* The masked softmax family and logsumexp (two values, one per row). */         \
            const uint8_t some[3] = {1, 0, 1}, all[3] = {1, 1, 1};                           \
            T lse[2], dlse[2];                                                               \
            float lse32[2], lsew[2];                                                         \
            nonlin_masked_softmax_f32(2, 3, 1, 1, x, some, want, 0.5f, NONLIN_EMPTY_ROW_ZERO); \
            check_six(nonlin_masked_softmax_##type(2, 3, 1, 1, xt, some, yt, 0.5f,           \
                                                   NONLIN_EMPTY_ROW_ZERO) == NONLIN_OK       \
                          ? nonlin_##type##_to_f32(6, yt, yw) : NONLIN_ERR_BAD_ARGUMENT,     \
                      yw, want, rel, "masked softmax " #type);                               \
            nonlin_masked_log_softmax_f32(2, 3, 1, 1, x, all, want, 0.5f, NONLIN_EMPTY_ROW_NAN); \
            check_six(nonlin_masked_log_softmax_##type(2, 3, 1, 1, xt, all, yt, 0.5f,        \
                                                       NONLIN_EMPTY_ROW_NAN) == NONLIN_OK    \
                          ? nonlin_##type##_to_f32(6, yt, yw) : NONLIN_ERR_BAD_ARGUMENT,     \
                      yw, want, rel, "masked log_softmax " #type);                           \
            nonlin_logsumexp_f32(2, 3, 1, x, lse32);                                         \
            check(nonlin_logsumexp_##type(2, 3, 1, xt, lse) == NONLIN_OK &&                  \
                      nonlin_##type##_to_f32(2, lse, lsew) == NONLIN_OK &&                   \
                      fabs(lsew[0] - lse32[0]) <= rel * fabs(lse32[0]) &&                    \
                      fabs(lsew[1] - lse32[1]) <= rel * fabs(lse32[1]),                      \
                  "logsumexp " #type);                                                       \
            nonlin_f32_to_##type(2, dy, dlse);                                               \
            nonlin_logsumexp_backward_f32(2, 3, 1, x, lsew, dy, want);                       \
            check_six(nonlin_logsumexp_backward_##type(2, 3, 1, xt, lse, dlse, dxt) ==       \
                              NONLIN_OK                                                      \
                          ? nonlin_##type##_to_f32(6, dxt, dxw) : NONLIN_ERR_BAD_ARGUMENT,   \
                      dxw, want, rel, "logsumexp backward " #type);                          \
        }                                                                                    \
    }
HALF_ROWS(nonlin_bf16, bf16, 0.00390625)
HALF_ROWS(nonlin_f16, f16, 0.00048828125)

int main(void) {
    float x[6] = {-3.0f, -1.0f, 0.0f, 0.5f, 2.0f, 8.0f};
    float y[6], dy[6] = {1, 1, 1, 1, 1, 1}, dx[6];
    int64_t target[2] = {2, -100};
    float loss[2], grad[6];
    int i;

    check(nonlin_version() / 10000u == NONLIN_VERSION_MAJOR, "version major");
    check(strlen(nonlin_version_string()) >= 5, "version string");
    check(strcmp(nonlin_status_string(NONLIN_ERR_OVERLAP), "ok") != 0, "status string");
    check(nonlin_set_isa("scalar") == NONLIN_OK && strcmp(nonlin_isa(), "scalar") == 0, "set_isa");
    check(nonlin_set_isa("no-such-isa") == NONLIN_ERR_BAD_ARGUMENT, "bad isa name");
    check(nonlin_set_isa(NULL) == NONLIN_OK, "auto isa");
    check(nonlin_set_accuracy(NONLIN_ACCURACY_FAST) == NONLIN_OK &&
              nonlin_get_accuracy() == NONLIN_ACCURACY_FAST,
          "fast tier");
    check(nonlin_set_accuracy((nonlin_accuracy)2) == NONLIN_ERR_BAD_ARGUMENT &&
              nonlin_set_accuracy((nonlin_accuracy)-1) == NONLIN_ERR_BAD_ARGUMENT &&
              nonlin_get_accuracy() == NONLIN_ACCURACY_FAST,
          "unknown tiers refused, the tier unchanged");
    check(nonlin_set_accuracy(NONLIN_ACCURACY_STRICT) == NONLIN_OK &&
              nonlin_get_accuracy() == NONLIN_ACCURACY_STRICT,
          "strict tier");
    check(nonlin_set_num_threads(2) == NONLIN_OK && nonlin_get_num_threads() == 2, "threads");
    check(nonlin_set_num_threads(0) == NONLIN_OK, "default threads");

    /* Elementwise, at x = -1 and dy = 2 (values from double formulas). */
    fill(xs, -1.0f);
    fill(dys, 2.0f);
    FWD(sigmoid, 0.268941421);
    fill(ys, 0.25f);
    BWD(sigmoid, ys, 0.375);
    FWD(tanh, -0.761594156);
    fill(ys, 0.5f);
    BWD(tanh, ys, 1.5);
    EACH_TYPE("sigmoid_backward_from_input", 0.393223866,
              nonlin_sigmoid_backward_from_input_f32(N, xs, dys, out),
              nonlin_sigmoid_backward_from_input_bf16(N, xs_b, dys_b, out_b),
              nonlin_sigmoid_backward_from_input_f16(N, xs_h, dys_h, out_h));
    EACH_TYPE("tanh_backward_from_input", 0.839948683,
              nonlin_tanh_backward_from_input_f32(N, xs, dys, out),
              nonlin_tanh_backward_from_input_bf16(N, xs_b, dys_b, out_b),
              nonlin_tanh_backward_from_input_f16(N, xs_h, dys_h, out_h));
    FWD(relu, 0.0);
    BWD(relu, xs, 0.0);
    FWD(relu6, 0.0);
    BWD(relu6, xs, 0.0);
    FWD_P(leaky_relu, -0.2, 0.2f);
    BWD_P(leaky_relu, 0.4, 0.2f);
    FWD_P(hardtanh, -1.0, -1.5f, 2.5f);
    BWD_P(hardtanh, 2.0, -1.5f, 2.5f);
    FWD(hardsigmoid, 0.333333333);
    BWD(hardsigmoid, xs, 0.333333333);
    FWD(hardswish, -0.333333333);
    BWD(hardswish, xs, 0.333333333);
    FWD(softsign, -0.5);
    BWD(softsign, xs, 0.5);
    FWD(exp, 0.367879441);
    BWD(exp, xs, 0.735758882);
    FWD_P(elu, -0.474090419, 0.75f);
    BWD_P(elu, 0.551819162, 0.75f);
    FWD_P(celu, -0.729874321, 1.5f);
    BWD_P(celu, 1.02683424, 1.5f);
    FWD(selu, -1.11133074);
    BWD(selu, xs, 1.29353721);
    FWD_P(softplus, 0.0634640055, 2.0f, 20.0f);
    BWD_P(softplus, 0.238405844, 2.0f, 20.0f);
    FWD(logsigmoid, -1.31326169);
    BWD(logsigmoid, xs, 1.46211716);
    FWD(silu, -0.268941421);
    BWD(silu, xs, 0.144658976);
    FWD(mish, -0.303401461);
    BWD(mish, xs, 0.118433512);
    FWD(gelu_tanh, -0.158808009);
    BWD(gelu_tanh, xs, -0.165928168);
    FWD(gelu, -0.158655254);
    BWD(gelu, xs, -0.166630941);
    check(nonlin_hardtanh_f32(N, xs, out, 1.0f, -1.0f) == NONLIN_ERR_BAD_ARGUMENT,
          "hardtanh with lo > hi");

    check(nonlin_softmax_f32(2, 3, 1, x, y) == NONLIN_OK &&
              fabsf(y[0] + y[1] + y[2] - 1.0f) < 1e-6f, "softmax");
    check(nonlin_softmax_backward_f32(2, 3, 1, y, dy, dx) == NONLIN_OK && fabsf(dx[0]) < 1e-6f,
          "softmax backward");
    check(nonlin_log_softmax_f32(2, 3, 1, x, y) == NONLIN_OK && y[2] <= 0.0f, "log_softmax");
    check(nonlin_log_softmax_backward_f32(2, 3, 1, y, dy, dx) == NONLIN_OK &&
              fabsf(dx[0] + dx[1] + dx[2]) < 1e-5f, "log_softmax backward");

    {
        const float dy16[6] = {1.0f, -2.0f, 0.5f, 3.0f, 0.25f, -1.0f};
        rows_bf16(x, dy16);
        rows_f16(x, dy16);
    }

    check(nonlin_nll_loss_f32(2, 3, y, target, loss, -100, NONLIN_REDUCTION_MEAN) == NONLIN_OK &&
              loss[0] == -y[2], "nll");
    check(nonlin_nll_loss_backward_f32(2, 3, target, dy, grad, -100, NONLIN_REDUCTION_SUM) ==
              NONLIN_OK && grad[2] == -1.0f && grad[0] == 0.0f, "nll backward");
    check(nonlin_cross_entropy_f32(2, 3, x, target, loss, grad, -100, NONLIN_REDUCTION_MEAN) ==
              NONLIN_OK && fabsf(loss[0] + y[2]) < 1e-6f, "cross entropy");
    for (i = 3; i < 6; ++i) check(grad[i] == 0.0f, "ignored row has zero gradient");
    {
        /* Two positions of a 1 x 3 x 2 tensor; class weights; smoothing. */
        const float w3[3] = {1.0f, 2.0f, 0.5f};
        const int64_t t2[2] = {2, -100};
        const float probs[6] = {0.0f, 0.5f, 1.0f, 0.5f, 0.0f, 0.0f};
        float l2[2];
        check(nonlin_cross_entropy_ex_f32(1, 3, 2, x, t2, w3, l2, grad, -100, 0.1f,
                                          NONLIN_REDUCTION_NONE) == NONLIN_OK &&
                  l2[0] > 0.0f && l2[1] == 0.0f && grad[1] == 0.0f,
              "cross entropy ex");
        check(nonlin_cross_entropy_ex_f32(1, 3, 2, x, t2, w3, l2, NULL, -100, 1.5f,
                                          NONLIN_REDUCTION_MEAN) == NONLIN_ERR_BAD_ARGUMENT,
              "label smoothing outside [0, 1]");
        check(nonlin_cross_entropy_probs_f32(1, 3, 2, x, probs, NULL, l2, grad, 0.0f,
                                             NONLIN_REDUCTION_SUM) == NONLIN_OK &&
                  l2[0] > 0.0f,
              "cross entropy probs");
        check(nonlin_binary_cross_entropy_with_logits_f32(2, 3, x, probs, w3, NULL, l2, grad,
                                                          NONLIN_REDUCTION_MEAN) == NONLIN_OK &&
                  l2[0] > 0.0f,
              "binary cross entropy with logits");
    }

    masked_rows();

    check(nonlin_sigmoid_f32(4, NULL, y) == NONLIN_ERR_NULL_POINTER, "null pointer status");
    printf("c client: %d passed, %d failed\n", checks - failures, failures);
    return failures == 0 ? 0 : 1;
}
