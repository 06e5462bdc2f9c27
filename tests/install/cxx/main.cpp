// softmax of one row through the C API, checked against the formula.
#include <nonlin/nonlin.h>

#include <cmath>
#include <cstdio>
#include <vector>

int main() {
    const std::vector<float> x{1.0f, 2.0f, 3.0f, -1.0f};
    std::vector<float> y(x.size());
    if (nonlin_softmax_f32(1, x.size(), 1, x.data(), y.data()) != NONLIN_OK) return 1;
    double sum = 0;
    for (float v : x) sum += std::exp(double(v));
    for (size_t i = 0; i < x.size(); ++i) {
        const double want = std::exp(double(x[i])) / sum;
        if (std::fabs(y[i] - want) > 1e-6) {
            std::fprintf(stderr, "softmax[%zu] = %g, want %g\n", i, double(y[i]), want);
            return 1;
        }
    }
    std::printf("nonlin %s (%s): softmax ok\n", nonlin_version_string(), nonlin_isa());
    return 0;
}
