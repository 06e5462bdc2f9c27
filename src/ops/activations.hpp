// Every elementwise functor, by family; src/isa/table.inc instantiates the
// driver (elementwise.hpp) with each one the registry names. Formulas,
// boundaries and special values follow PyTorch's torch.nn.functional;
// where a result is documented differently (more accurate, or finite where
// PyTorch gives NaN) nonlin.h says so.
#pragma once

#include "sigmoid_tanh.hpp"
#include "piecewise.hpp"
#include "exp_family.hpp"
#include "x_sigmoid.hpp"
#include "gelu.hpp"
#include "fast_tier.hpp"
