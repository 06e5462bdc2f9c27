/* The example shown in README.md: a numerically stable cross-entropy step. */
#include <stdio.h>
#include <nonlin/nonlin.h>

int main(void) {
    /* Two rows of three logits; the tutorial's naive log_softmax would
     * overflow on the 1000s. */
    const float logits[6] = {1.0f, 2.0f, 3.0f, 1000.0f, 0.0f, -1000.0f};
    const int64_t target[2] = {2, 0};
    float loss, grad[6], probs[6];

    nonlin_status s = nonlin_cross_entropy_f32(2, 3, logits, target, &loss, grad,
                                               -100, NONLIN_REDUCTION_MEAN);
    if (s != NONLIN_OK) {
        fprintf(stderr, "nonlin: %s\n", nonlin_status_string(s));
        return 1;
    }
    nonlin_softmax_f32(2, 3, 1, logits, probs);
    printf("nonlin %s on %s: loss %.6f\n", nonlin_version_string(), nonlin_isa(), loss);
    for (int i = 0; i < 6; ++i) printf("p=%.6f  dlogit=%+.6f\n", probs[i], grad[i]);
    return 0;
}
