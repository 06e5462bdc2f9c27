// Eigen 3.4 array expressions: logistic(), tanh(), their gradients, and a
// softmax family written as a loop over rows (Eigen has no softmax).
#include <cmath>

#include <Eigen/Core>

#include "bench.hpp"

namespace bench {

namespace {

using In = Eigen::Map<const Eigen::ArrayXf>;
using Out = Eigen::Map<Eigen::ArrayXf>;

// Calls f(x, dy, y) on each row of a rows x cols call (inner == 1).
template <class F>
Run rows(const Args& a, F f) {
    return [=] {
        const std::size_t cols = a.shape.axis;
        const auto c = static_cast<Eigen::Index>(cols);
        for (std::size_t r = 0; r < a.shape.outer; ++r)
            f(In(a.a + r * cols, c), In(a.b ? a.b + r * cols : nullptr, a.b ? c : 0),
              Out(a.out + r * cols, c));
        return true;
    };
}

bool supports(Op op, const Shape& s) {
    switch (op) {
    case Op::sigmoid: case Op::sigmoid_backward: case Op::tanh: case Op::tanh_backward:
        return true;
    case Op::softmax: case Op::softmax_backward: case Op::log_softmax:
    case Op::log_softmax_backward:
        return s.inner == 1;
    default:
        return false;
    }
}

Run make(Op op, const Args& a) {
    const auto n = static_cast<Eigen::Index>(a.shape.size());
    switch (op) {
    case Op::sigmoid:
        return [=] { Out(a.out, n) = In(a.a, n).logistic(); return true; };
    case Op::sigmoid_backward:
        return [=] {
            const In y(a.a, n), dy(a.b, n);
            Out(a.out, n) = dy * y * (1.0f - y);
            return true;
        };
    case Op::tanh:
        return [=] { Out(a.out, n) = In(a.a, n).tanh(); return true; };
    case Op::tanh_backward:
        return [=] {
            const In y(a.a, n), dy(a.b, n);
            Out(a.out, n) = dy * (1.0f - y * y);
            return true;
        };
    case Op::softmax:
        return rows(a, [](const In& x, const In&, Out y) {
            y = (x - x.maxCoeff()).exp();
            y /= y.sum();
        });
    case Op::log_softmax:
        return rows(a, [](const In& x, const In&, Out y) {
            const float m = x.maxCoeff();
            y = (x - m) - std::log((x - m).exp().sum());
        });
    case Op::softmax_backward:
        return rows(a, [](const In& y, const In& dy, Out dx) { dx = y * (dy - (dy * y).sum()); });
    case Op::log_softmax_backward:
        return rows(a, [](const In& y, const In& dy, Out dx) { dx = dy - y.exp() * dy.sum(); });
    default:
        return {};
    }
}

}  // namespace

Peer eigen_peer() { return {"eigen", supports, make}; }

}  // namespace bench
