#include "metrics.h"

#include <algorithm>
#include <cmath>

#include "error.h"
#include "nonlin/nonlin.h"

namespace trainer {

std::size_t argmax(const float* row, std::size_t n) {
    std::size_t best = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (std::isnan(row[i])) return i;
        if (row[i] > row[best]) best = i;
    }
    return best;
}

Evaluation evaluate(Model& model, const Split& split, std::size_t first_batch) {
    // Large chunks: fewer calls, and big enough that the library's threads
    // (if any) take part, which the determinism tests rely on.
    constexpr std::size_t kChunk = 4096;
    first_batch = std::min(first_batch, split.count);
    double loss_sum = 0;
    std::size_t correct = 0, correct_first = 0;
    for (std::size_t begin = 0; begin < split.count; begin += kChunk) {
        const std::size_t rows = std::min(kChunk, split.count - begin);
        const float* out = model.forward(rows, split.x.data() + begin * kPixels);
        float chunk_loss = 0;
        check(nonlin_nll_loss_f32(rows, kClasses, out, split.y.data() + begin, &chunk_loss, -100,
                                  NONLIN_REDUCTION_SUM),
              "nonlin_nll_loss_f32");
        loss_sum += chunk_loss;
        for (std::size_t r = 0; r < rows; ++r) {
            const bool hit =
                static_cast<std::int64_t>(argmax(out + r * kClasses, kClasses)) == split.y[begin + r];
            correct += hit;
            if (begin + r < first_batch) correct_first += hit;
        }
    }
    Evaluation e;
    const double n = static_cast<double>(split.count);
    e.loss = split.count ? loss_sum / n : std::nan("");
    e.accuracy = split.count ? static_cast<double>(correct) / n : std::nan("");
    e.first_batch_accuracy =
        first_batch ? static_cast<double>(correct_first) / static_cast<double>(first_batch) : std::nan("");
    return e;
}

}  // namespace trainer
