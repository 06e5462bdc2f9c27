/* A C99 client: compiled as C with -std=c99 -Wall -Wextra -pedantic -Werror
 * and linked against the shared library, it calls every public function
 * and checks a property of each result. Exit status 0 when all hold. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <nonlin/nonlin.h>

static int failures = 0;
static int checks = 0;

static void check(int ok, const char* what) {
    ++checks;
    if (!ok) {
        ++failures;
        printf("FAILED: %s\n", what);
    }
}

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
    check(nonlin_set_num_threads(2) == NONLIN_OK && nonlin_get_num_threads() == 2, "threads");
    check(nonlin_set_num_threads(0) == NONLIN_OK, "default threads");

    check(nonlin_sigmoid_f32(6, x, y) == NONLIN_OK && y[2] == 0.5f, "sigmoid");
    check(nonlin_sigmoid_backward_f32(6, y, dy, dx) == NONLIN_OK && dx[2] == 0.25f,
          "sigmoid backward");
    check(nonlin_tanh_f32(6, x, y) == NONLIN_OK && y[2] == 0.0f && y[0] < 0.0f, "tanh");
    check(nonlin_tanh_backward_f32(6, y, dy, dx) == NONLIN_OK && dx[2] == 1.0f, "tanh backward");

    check(nonlin_softmax_f32(2, 3, 1, x, y) == NONLIN_OK &&
              fabsf(y[0] + y[1] + y[2] - 1.0f) < 1e-6f, "softmax");
    check(nonlin_softmax_backward_f32(2, 3, 1, y, dy, dx) == NONLIN_OK && fabsf(dx[0]) < 1e-6f,
          "softmax backward");
    check(nonlin_log_softmax_f32(2, 3, 1, x, y) == NONLIN_OK && y[2] <= 0.0f, "log_softmax");
    check(nonlin_log_softmax_backward_f32(2, 3, 1, y, dy, dx) == NONLIN_OK, "log_softmax backward");

    check(nonlin_nll_loss_f32(2, 3, y, target, loss, -100, NONLIN_REDUCTION_MEAN) == NONLIN_OK &&
              loss[0] == -y[2], "nll");
    check(nonlin_nll_loss_backward_f32(2, 3, target, dy, grad, -100, NONLIN_REDUCTION_SUM) ==
              NONLIN_OK && grad[2] == -1.0f && grad[0] == 0.0f, "nll backward");
    check(nonlin_cross_entropy_f32(2, 3, x, target, loss, grad, -100, NONLIN_REDUCTION_MEAN) ==
              NONLIN_OK && fabsf(loss[0] + y[2]) < 1e-6f, "cross entropy");
    for (i = 3; i < 6; ++i) check(grad[i] == 0.0f, "ignored row has zero gradient");

    check(nonlin_sigmoid_f32(4, NULL, y) == NONLIN_ERR_NULL_POINTER, "null pointer status");
    printf("c client: %d passed, %d failed\n", checks - failures, failures);
    return failures == 0 ? 0 : 1;
}
