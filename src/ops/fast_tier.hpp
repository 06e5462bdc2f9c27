// The functors of the fast accuracy tier (the registry's `fast` column):
// a faster forward where the fast tier's bound leaves room for one; the
// backward stays the strict tier's.
#pragma once

#include "../math/fast.hpp"
#include "exp_family.hpp"
#include "sigmoid_tanh.hpp"

namespace nonlin {
namespace NONLIN_ISA_NS {
namespace ops {

struct fast_sigmoid_op : sigmoid_op {
    using sigmoid_op::sigmoid_op;
    static vfloat forward(vfloat x) { return math::fast_sigmoid(x); }
};

struct fast_tanh_op : tanh_op {
    using tanh_op::tanh_op;
    static vfloat forward(vfloat x) { return math::fast_tanh(x); }
};

struct fast_exp_op : exp_op {
    using exp_op::exp_op;
    static vfloat forward(vfloat x) { return math::fast_exp(x); }
};

}  // namespace ops
}  // namespace NONLIN_ISA_NS
}  // namespace nonlin
