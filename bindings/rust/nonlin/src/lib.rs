//! Numerically stable activation functions, softmax and losses, with their
//! gradients, on `f32` slices: the safe API of the nonlin C library.
//!
//! - every elementwise op of the library (sigmoid, tanh, relu, gelu, ...),
//!   as `op(&x, &mut y, params)`, `op_inplace(&mut x, params)`,
//!   `op_backward(&x_or_y, &dy, &mut dx, params)` and
//!   `op_backward_inplace(&x_or_y, &mut dy, params)`; the parameters are
//!   PyTorch's, in its order, with its defaults in each function's
//!   documentation;
//! - [`softmax()`] and [`log_softmax()`] along the middle axis of a [`Shape`],
//!   and their gradients;
//! - the losses [`nll_loss`], [`nll_loss_backward`] and [`cross_entropy`]
//!   over `rows x classes` slices with `i64` targets;
//! - [`version`], [`isa`] / [`set_isa`], [`set_num_threads`] /
//!   [`num_threads`].
//!
//! Every function returns `Result<(), Error>`: slice lengths are checked
//! here before the call ([`Error::Length`]), the rest by the library, whose
//! status becomes an [`Error`] with its own message. A failed call writes
//! nothing. Every function may be called from many threads at once; the
//! results do not depend on the thread count. Bounds and special values are
//! documented in `include/nonlin/nonlin.h`.
//!
//! Linking: `nonlin-sys` finds `libnonlin` in `NONLIN_LIB_DIR`, through
//! `pkg-config nonlin`, or in the `build/` directory of this checkout. This
//! crate's tests and examples carry an rpath to it; another program run
//! from cargo needs `LD_LIBRARY_PATH` set to that directory unless the
//! library is installed where the loader looks.
//!
//! # Example
//!
//! ```
//! let x = [-2.0_f32, -0.5, 0.0, 0.5, 2.0];
//! let mut y = [0.0_f32; 5];
//! nonlin::sigmoid(&x, &mut y)?;
//! assert_eq!(y[2], 0.5);
//!
//! let mut dy = [1.0_f32; 5];
//! nonlin::sigmoid_backward_inplace(&y, &mut dy)?; // dy becomes dx
//! assert_eq!(dy[2], 0.25);
//! # Ok::<(), nonlin::Error>(())
//! ```
#![deny(missing_docs)]

mod elementwise;
mod error;
mod loss;
mod loss_ex;
mod runtime;
mod softmax;
#[cfg(test)]
mod tests;

pub use elementwise::*;
pub use error::Error;
pub use loss::{cross_entropy, cross_entropy_inplace, nll_loss, nll_loss_backward, Reduction};
pub use loss_ex::{binary_cross_entropy_with_logits, cross_entropy_ex, cross_entropy_probs, ClassAxis};
pub use runtime::{isa, num_threads, set_isa, set_num_threads, version, Isa, Version};
pub use softmax::{
    log_softmax, log_softmax_backward, log_softmax_backward_inplace, log_softmax_inplace, softmax,
    softmax_backward, softmax_backward_inplace, softmax_inplace, Shape,
};
