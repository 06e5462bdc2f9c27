// Accuracy and loss of a model on a whole split.
#pragma once

#include <cstddef>

#include "dataset.h"
#include "model.h"

namespace trainer {

// The first index of the largest value, as numpy.argmax and torch.argmax:
// saturated sigmoid/tanh outputs tie often, and the tie rule then decides a
// large share of the accuracy. A NaN counts as the largest (numpy's rule).
std::size_t argmax(const float* row, std::size_t n);

struct Evaluation {
    double loss = 0;             // mean NLL over the whole split
    double accuracy = 0;         // over the whole split
    double first_batch_accuracy = 0;  // over its first `first_batch` rows
};

Evaluation evaluate(Model& model, const Split& split, std::size_t first_batch);

}  // namespace trainer
