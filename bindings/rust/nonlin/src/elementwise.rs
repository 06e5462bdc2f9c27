//! The elementwise activations, one row of the `elementwise!` table per op
//! of `src/ops/registry.def`, in its order (a test checks names, backward
//! inputs, parameters and defaults against that file).
use crate::error::{check, expect_len, Error};
use nonlin_sys as sys;

/// Defines, for each row, `name(x, y, params)`, `name_inplace(x, params)`,
/// `name_backward(x or y, dy, dx, params)` and
/// `name_backward_inplace(x or y, dy, params)`, with their documentation.
/// A row: the four names, the forward's argument its backward takes (`x`
/// or `y`), the two C functions, the parameters as
/// `pytorch_keyword: c_name = pytorch_default`, and what the forward and
/// the backward compute.
macro_rules! elementwise {
    ($(
        $name:ident, $inplace:ident, $backward:ident, $backward_inplace:ident ($from:ident)
            => $forward_c:ident, $backward_c:ident,
            [$($param:ident: $c_name:ident = $default:literal),*],
            $forward_doc:literal, $backward_doc:literal;
    )*) => {
        $(
        #[doc = concat!("Computes ", $forward_doc, " for each element of `x`, into `y` (`",
                        stringify!($forward_c), "`).")]
        #[doc = ""]
        $(#[doc = concat!("- `", stringify!($param), "`: PyTorch's `", stringify!($param),
                          "`, default `", stringify!($default), "`.")])*
        #[doc = ""]
        #[doc = "Errors: [`Error::Length`] if `y` is not as long as `x`; [`Error::BadArgument`] \
                 for a parameter that is not finite or breaks the op's condition. Bounds and \
                 special values: `include/nonlin/nonlin.h`."]
        #[doc = ""]
        #[doc = "# Example"]
        #[doc = ""]
        #[doc = concat!("```\nlet x = [-3.5_f32, -0.25, 0.0, 2.0];\nlet mut y = [0.0_f32; 4];\n",
                        "nonlin::", stringify!($name), "(&x, &mut y",
                        $(", ", stringify!($default), "_f32",)* ")?;\n",
                        "assert!(y.iter().all(|v| v.is_finite()));\n",
                        "# Ok::<(), nonlin::Error>(())\n```")]
        #[inline]
        pub fn $name(x: &[f32], y: &mut [f32] $(, $param: f32)*) -> Result<(), Error> {
            expect_len("y", x.len(), y.len())?;
            // SAFETY: x and y hold x.len() floats; a shared and a mutable
            // borrow never overlap.
            check(unsafe { sys::$forward_c(x.len(), x.as_ptr(), y.as_mut_ptr() $(, $param)*) })
        }

        #[doc = concat!("Computes ", $forward_doc, " in place: [`", stringify!($name),
                        "`] with `y` the same slice as `x`.")]
        #[doc = ""]
        #[doc = "# Example"]
        #[doc = ""]
        #[doc = concat!("```\nlet mut x = [-3.5_f32, -0.25, 0.0, 2.0];\n",
                        "let mut y = [0.0_f32; 4];\n",
                        "nonlin::", stringify!($name), "(&x, &mut y",
                        $(", ", stringify!($default), "_f32",)* ")?;\n",
                        "nonlin::", stringify!($inplace), "(&mut x",
                        $(", ", stringify!($default), "_f32",)* ")?;\n",
                        "assert_eq!(x, y);\n",
                        "# Ok::<(), nonlin::Error>(())\n```")]
        #[inline]
        pub fn $inplace(x: &mut [f32] $(, $param: f32)*) -> Result<(), Error> {
            let p = x.as_mut_ptr();
            // SAFETY: x holds x.len() floats; the C function allows y == x.
            check(unsafe { sys::$forward_c(x.len(), p, p $(, $param)*) })
        }

        #[doc = concat!("The gradient of [`", stringify!($name), "`]: ", $backward_doc,
                        ", into `dx`, from the forward's `", stringify!($from), "` (`",
                        stringify!($backward_c), "`).")]
        #[doc = ""]
        #[doc = "Errors: [`Error::Length`] if `dy` or `dx` is not as long as the first slice; \
                 [`Error::BadArgument`] as for the forward."]
        #[doc = ""]
        #[doc = "# Example"]
        #[doc = ""]
        #[doc = concat!("```\nlet x = [-3.5_f32, -0.25, 0.0, 2.0];\nlet mut y = [0.0_f32; 4];\n",
                        "nonlin::", stringify!($name), "(&x, &mut y",
                        $(", ", stringify!($default), "_f32",)* ")?;\n",
                        "let dy = [1.0_f32; 4];\nlet mut dx = [0.0_f32; 4];\n",
                        "nonlin::", stringify!($backward), "(&", stringify!($from), ", &dy, &mut dx",
                        $(", ", stringify!($default), "_f32",)* ")?;\n",
                        "assert!(dx.iter().all(|v| v.is_finite()));\n",
                        "# Ok::<(), nonlin::Error>(())\n```")]
        #[inline]
        pub fn $backward($from: &[f32], dy: &[f32], dx: &mut [f32] $(, $param: f32)*)
            -> Result<(), Error> {
            expect_len("dy", $from.len(), dy.len())?;
            expect_len("dx", $from.len(), dx.len())?;
            // SAFETY: the three slices hold the same number of floats; dx is
            // a mutable borrow, so it overlaps neither input.
            check(unsafe {
                sys::$backward_c($from.len(), $from.as_ptr(), dy.as_ptr(), dx.as_mut_ptr()
                                 $(, $param)*)
            })
        }

        #[doc = concat!("[`", stringify!($backward), "`] in place: `dy` is replaced by the \
                         gradient `dx`.")]
        #[doc = ""]
        #[doc = "# Example"]
        #[doc = ""]
        #[doc = concat!("```\nlet x = [-3.5_f32, -0.25, 0.0, 2.0];\nlet mut y = [0.0_f32; 4];\n",
                        "nonlin::", stringify!($name), "(&x, &mut y",
                        $(", ", stringify!($default), "_f32",)* ")?;\n",
                        "let mut grad = [1.0_f32, -1.0, 0.5, 2.0];\nlet mut dx = [0.0_f32; 4];\n",
                        "nonlin::", stringify!($backward), "(&", stringify!($from), ", &grad, &mut dx",
                        $(", ", stringify!($default), "_f32",)* ")?;\n",
                        "nonlin::", stringify!($backward_inplace), "(&", stringify!($from),
                        ", &mut grad", $(", ", stringify!($default), "_f32",)* ")?;\n",
                        "assert_eq!(grad, dx);\n",
                        "# Ok::<(), nonlin::Error>(())\n```")]
        #[inline]
        pub fn $backward_inplace($from: &[f32], dy: &mut [f32] $(, $param: f32)*)
            -> Result<(), Error> {
            expect_len("dy", $from.len(), dy.len())?;
            let p = dy.as_mut_ptr();
            // SAFETY: both slices hold the same number of floats; the C
            // function allows dx == dy, and dy is a mutable borrow, so it
            // does not overlap the first slice.
            check(unsafe { sys::$backward_c($from.len(), $from.as_ptr(), p, p $(, $param)*) })
        }
        )*

        /// Every op of the table, for the tests.
        #[cfg(test)]
        pub(crate) const OPS: &[crate::tests::Op] = &[$(
            crate::tests::Op {
                name: stringify!($name),
                from: stringify!($from),
                params: &[$((stringify!($c_name), stringify!($param), stringify!($default))),*],
                forward: |x: &[f32], y: &mut [f32], p: &[f32]| {
                    #[allow(unused_mut, unused_variables)]
                    let mut p = p.iter().copied();
                    $name(x, y $(, { let $param = p.next().unwrap(); $param })*)
                },
                forward_inplace: |x: &mut [f32], p: &[f32]| {
                    #[allow(unused_mut, unused_variables)]
                    let mut p = p.iter().copied();
                    $inplace(x $(, { let $param = p.next().unwrap(); $param })*)
                },
                backward: |a: &[f32], dy: &[f32], dx: &mut [f32], p: &[f32]| {
                    #[allow(unused_mut, unused_variables)]
                    let mut p = p.iter().copied();
                    $backward(a, dy, dx $(, { let $param = p.next().unwrap(); $param })*)
                },
                backward_inplace: |a: &[f32], dy: &mut [f32], p: &[f32]| {
                    #[allow(unused_mut, unused_variables)]
                    let mut p = p.iter().copied();
                    $backward_inplace(a, dy $(, { let $param = p.next().unwrap(); $param })*)
                },
            }
        ),*];
    };
}

elementwise! {
    sigmoid, sigmoid_inplace, sigmoid_backward, sigmoid_backward_inplace (y)
        => nonlin_sigmoid_f32, nonlin_sigmoid_backward_f32, [],
        "`y = 1 / (1 + exp(-x))`, within 1 ulp", "`dx = dy * y * (1 - y)`";
    tanh, tanh_inplace, tanh_backward, tanh_backward_inplace (y)
        => nonlin_tanh_f32, nonlin_tanh_backward_f32, [],
        "`y = tanh(x)`, within 1 ulp", "`dx = dy * (1 - y^2)`";
    relu, relu_inplace, relu_backward, relu_backward_inplace (x)
        => nonlin_relu_f32, nonlin_relu_backward_f32, [],
        "`y = max(x, 0)`", "`dx = x > 0 ? dy : 0`";
    relu6, relu6_inplace, relu6_backward, relu6_backward_inplace (x)
        => nonlin_relu6_f32, nonlin_relu6_backward_f32, [],
        "`y = min(max(x, 0), 6)`", "`dx = 0 < x < 6 ? dy : 0`";
    leaky_relu, leaky_relu_inplace, leaky_relu_backward, leaky_relu_backward_inplace (x)
        => nonlin_leaky_relu_f32, nonlin_leaky_relu_backward_f32, [negative_slope: a = 0.01],
        "`y = x > 0 ? x : negative_slope * x`", "`dx = x > 0 ? dy : negative_slope * dy`";
    hardtanh, hardtanh_inplace, hardtanh_backward, hardtanh_backward_inplace (x)
        => nonlin_hardtanh_f32, nonlin_hardtanh_backward_f32, [min_val: lo = -1, max_val: hi = 1],
        "`y = clamp(x, min_val, max_val)` (`min_val < max_val`)",
        "`dx = min_val < x < max_val ? dy : 0`";
    hardsigmoid, hardsigmoid_inplace, hardsigmoid_backward, hardsigmoid_backward_inplace (x)
        => nonlin_hardsigmoid_f32, nonlin_hardsigmoid_backward_f32, [],
        "`y = relu6(x + 3) / 6`", "`dx = -3 < x < 3 ? dy / 6 : 0`";
    hardswish, hardswish_inplace, hardswish_backward, hardswish_backward_inplace (x)
        => nonlin_hardswish_f32, nonlin_hardswish_backward_f32, [],
        "`y = x * relu6(x + 3) / 6`", "`dx = dy * (2x + 3) / 6` on `[-3, 3]`, 0 below, `dy` above";
    softsign, softsign_inplace, softsign_backward, softsign_backward_inplace (x)
        => nonlin_softsign_f32, nonlin_softsign_backward_f32, [],
        "`y = x / (1 + |x|)`", "`dx = dy / (1 + |x|)^2`";
    exp, exp_inplace, exp_backward, exp_backward_inplace (x)
        => nonlin_exp_f32, nonlin_exp_backward_f32, [],
        "`y = e^x`", "`dx = dy * e^x`";
    elu, elu_inplace, elu_backward, elu_backward_inplace (x)
        => nonlin_elu_f32, nonlin_elu_backward_f32, [alpha: a = 1],
        "`y = x > 0 ? x : alpha * (exp(x) - 1)`", "`dx = x > 0 ? dy : dy * alpha * exp(x)`";
    celu, celu_inplace, celu_backward, celu_backward_inplace (x)
        => nonlin_celu_f32, nonlin_celu_backward_f32, [alpha: a = 1],
        "`y = max(0, x) + min(0, alpha * (exp(x / alpha) - 1))` (`alpha > 0`)",
        "`dx = x > 0 ? dy : dy * exp(x / alpha)`";
    selu, selu_inplace, selu_backward, selu_backward_inplace (x)
        => nonlin_selu_f32, nonlin_selu_backward_f32, [],
        "`y = scale * (x > 0 ? x : alpha * (exp(x) - 1))` with PyTorch's constants",
        "`dx = dy * scale`, or `dy * scale * alpha * exp(x)` for `x <= 0`";
    softplus, softplus_inplace, softplus_backward, softplus_backward_inplace (x)
        => nonlin_softplus_f32, nonlin_softplus_backward_f32,
        [beta: b = 1, threshold: threshold = 20],
        "`y = log(1 + exp(beta * x)) / beta`, and `x` where `beta * x > threshold` (`beta > 0`)",
        "`dx = dy * sigmoid(beta * x)` (`dy` above the threshold)";
    logsigmoid, logsigmoid_inplace, logsigmoid_backward, logsigmoid_backward_inplace (x)
        => nonlin_logsigmoid_f32, nonlin_logsigmoid_backward_f32, [],
        "`y = log(sigmoid(x))`", "`dx = dy * sigmoid(-x)`";
    silu, silu_inplace, silu_backward, silu_backward_inplace (x)
        => nonlin_silu_f32, nonlin_silu_backward_f32, [],
        "`y = x * sigmoid(x)`", "`dx = dy * s * (1 + x * (1 - s))`, `s = sigmoid(x)`";
    gelu_tanh, gelu_tanh_inplace, gelu_tanh_backward, gelu_tanh_backward_inplace (x)
        => nonlin_gelu_tanh_f32, nonlin_gelu_tanh_backward_f32, [],
        "`y = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))` (PyTorch's `approximate=\"tanh\"`)",
        "`dx = dy * d/dx gelu_tanh(x)`";
    gelu, gelu_inplace, gelu_backward, gelu_backward_inplace (x)
        => nonlin_gelu_f32, nonlin_gelu_backward_f32, [],
        "`y = x * Phi(x)`, `Phi` the standard normal distribution function",
        "`dx = dy * (Phi(x) + x * phi(x))`";
    mish, mish_inplace, mish_backward, mish_backward_inplace (x)
        => nonlin_mish_f32, nonlin_mish_backward_f32, [],
        "`y = x * tanh(softplus(x))`", "`dx = dy * d/dx mish(x)`";
}

/// Defines, for each row of the registry's backward-only lines
/// (`NONLIN_GRADIENT`), `name(x, dy, dx)` and `name_inplace(x, dy)`: the
/// gradient of a forward computed from its input `x`.
macro_rules! gradient {
    ($($name:ident, $inplace:ident => $c:ident, $doc:literal;)*) => {
        $(
        #[doc = concat!("Computes ", $doc, " from the forward's input `x`, into `dx` (`",
                        stringify!($c), "`): accurate where the gradient from `y` loses the \
                        low bits of `y` near its limits.")]
        #[doc = ""]
        #[doc = "Errors: [`Error::Length`] if `dy` or `dx` is not as long as `x`. Bounds and \
                 special values: `include/nonlin/nonlin.h`."]
        #[doc = ""]
        #[doc = "# Example"]
        #[doc = ""]
        #[doc = concat!("```\nlet x = [-3.5_f32, -0.25, 0.0, 2.0];\nlet dy = [1.0_f32; 4];\n",
                        "let mut dx = [0.0_f32; 4];\n",
                        "nonlin::", stringify!($name), "(&x, &dy, &mut dx)?;\n",
                        "assert!(dx.iter().all(|v| *v > 0.0));\n",
                        "# Ok::<(), nonlin::Error>(())\n```")]
        #[inline]
        pub fn $name(x: &[f32], dy: &[f32], dx: &mut [f32]) -> Result<(), Error> {
            expect_len("dy", x.len(), dy.len())?;
            expect_len("dx", x.len(), dx.len())?;
            // SAFETY: the three slices hold the same number of floats; dx is
            // a mutable borrow, so it overlaps neither input.
            check(unsafe { sys::$c(x.len(), x.as_ptr(), dy.as_ptr(), dx.as_mut_ptr()) })
        }

        #[doc = concat!("[`", stringify!($name), "`] in place: `dy` is replaced by the \
                         gradient `dx`.")]
        #[doc = ""]
        #[doc = "# Example"]
        #[doc = ""]
        #[doc = concat!("```\nlet x = [-3.5_f32, -0.25, 0.0, 2.0];\n",
                        "let mut grad = [1.0_f32, -1.0, 0.5, 2.0];\nlet mut dx = [0.0_f32; 4];\n",
                        "nonlin::", stringify!($name), "(&x, &grad, &mut dx)?;\n",
                        "nonlin::", stringify!($inplace), "(&x, &mut grad)?;\n",
                        "assert_eq!(grad, dx);\n",
                        "# Ok::<(), nonlin::Error>(())\n```")]
        #[inline]
        pub fn $inplace(x: &[f32], dy: &mut [f32]) -> Result<(), Error> {
            expect_len("dy", x.len(), dy.len())?;
            let p = dy.as_mut_ptr();
            // SAFETY: both slices hold the same number of floats; the C
            // function allows dx == dy, and dy is a mutable borrow, so it
            // does not overlap x.
            check(unsafe { sys::$c(x.len(), x.as_ptr(), p, p) })
        }
        )*

        /// Every gradient of the table, for the tests.
        #[cfg(test)]
        pub(crate) const GRADIENTS: &[&str] = &[$(stringify!($name)),*];
    };
}

gradient! {
    sigmoid_backward_from_input, sigmoid_backward_from_input_inplace
        => nonlin_sigmoid_backward_from_input_f32,
        "`dx = dy * s * (1 - s)`, `s = sigmoid(x)`, within 2 ulp";
    tanh_backward_from_input, tanh_backward_from_input_inplace
        => nonlin_tanh_backward_from_input_f32,
        "`dx = dy * (1 - tanh(x)^2)`, within 2 ulp";
}
