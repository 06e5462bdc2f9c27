// The scalar parameters of an elementwise op, in the registry's order
// (unused ones are 0). Validated by the C layer before any kernel runs.
#pragma once

namespace nonlin {

struct op_params {
    float a, b;
};

}  // namespace nonlin
