//! The losses with PyTorch's options: cross-entropy over `outer x classes x
//! inner` logits (PyTorch's `(N, C, d1, ...)`: `outer = N`, `inner = d1 *
//! ...`) with class weights, an ignore index and label smoothing, against
//! class indices or probabilities, and binary cross-entropy on logits.
use crate::error::{check, expect_len, Error};
use crate::loss::Reduction;
use nonlin_sys as sys;

/// The shape of cross-entropy logits: `outer x classes x inner`, the class
/// axis in the middle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClassAxis {
    /// PyTorch's N.
    pub outer: usize,
    /// PyTorch's C.
    pub classes: usize,
    /// The product of PyTorch's d1, ...; 1 for `(N, C)`.
    pub inner: usize,
}

impl ClassAxis {
    /// `(positions, elements)`: `outer * inner` targets, and the logits.
    fn sizes(self) -> Result<(usize, usize), Error> {
        let positions = self.outer.checked_mul(self.inner).ok_or(Error::BadShape)?;
        let elements = positions.checked_mul(self.classes).ok_or(Error::BadShape)?;
        Ok((positions, elements))
    }
}

/// The pointer of an optional per-class slice of `classes` values, or NULL.
fn per_class(
    argument: &'static str,
    values: Option<&[f32]>,
    classes: usize,
) -> Result<*const f32, Error> {
    match values {
        Some(v) => {
            expect_len(argument, classes, v.len())?;
            Ok(v.as_ptr())
        }
        None => Ok(std::ptr::null()),
    }
}

/// The pointer of an optional gradient slice of `elements` values, or NULL.
fn gradient(dlogits: Option<&mut [f32]>, elements: usize) -> Result<*mut f32, Error> {
    match dlogits {
        Some(d) => {
            expect_len("dlogits", elements, d.len())?;
            Ok(d.as_mut_ptr())
        }
        None => Ok(std::ptr::null_mut()),
    }
}

/// The length checks of both cross-entropy forms; `targets` is (name,
/// length, one per logit rather than one per position). Returns the
/// weight and gradient pointers (NULL when absent).
fn ce_arguments(
    shape: ClassAxis,
    logits: &[f32],
    targets: (&'static str, usize, bool),
    weight: Option<&[f32]>,
    loss: &[f32],
    dlogits: Option<&mut [f32]>,
    reduction: Reduction,
) -> Result<(*const f32, *mut f32), Error> {
    let (positions, elements) = shape.sizes()?;
    expect_len("logits", elements, logits.len())?;
    let (name, found, per_logit) = targets;
    expect_len(name, if per_logit { elements } else { positions }, found)?;
    expect_len("loss", reduction.outputs(positions), loss.len())?;
    Ok((per_class("weight", weight, shape.classes)?, gradient(dlogits, elements)?))
}

/// Cross-entropy of `outer x classes x inner` logits against one class
/// index per position (`target`, `outer x inner`), as PyTorch's
/// `cross_entropy` (`nonlin_cross_entropy_ex_f32`): with `weight` (one per
/// class), targets equal to `ignore_index` skipped (PyTorch's default:
/// -100), and `label_smoothing` in [0, 1]. Mean divides by the weights of
/// the targets that are not ignored. `loss` holds `outer x inner` values
/// for [`Reduction::None`], else one; `dlogits`, when given, receives the
/// gradient of the returned loss.
///
/// Errors: [`Error::Length`] for a slice of the wrong length;
/// [`Error::BadShape`] for zero classes with positions, or a size that
/// overflows; [`Error::BadTarget`] for a target outside `[0, classes)` that
/// is not `ignore_index`; [`Error::BadArgument`] for a smoothing outside
/// [0, 1] or NaN.
///
/// # Example
///
/// ```
/// // (N, C, d1) = (1, 3, 2): two positions, the second ignored.
/// let logits = [1.0_f32, 0.0, 2.0, 0.0, 3.0, 0.0];
/// let shape = nonlin::ClassAxis { outer: 1, classes: 3, inner: 2 };
/// let mut loss = [0.0_f32];
/// nonlin::cross_entropy_ex(&logits, &[2, -100], Some(&[1.0, 1.0, 2.0]), &mut loss, None,
///                          shape, -100, 0.1, nonlin::Reduction::Mean)?;
/// assert!(loss[0] > 0.0);
/// # Ok::<(), nonlin::Error>(())
/// ```
#[allow(clippy::too_many_arguments)]
pub fn cross_entropy_ex(
    logits: &[f32],
    target: &[i64],
    weight: Option<&[f32]>,
    loss: &mut [f32],
    dlogits: Option<&mut [f32]>,
    shape: ClassAxis,
    ignore_index: i64,
    label_smoothing: f32,
    reduction: Reduction,
) -> Result<(), Error> {
    let (w, d) = ce_arguments(shape, logits, ("target", target.len(), false), weight, loss,
                              dlogits, reduction)?;
    // SAFETY: every slice has the length the shape gives; the outputs are
    // mutable borrows, so they overlap no input and each other.
    check(unsafe {
        sys::nonlin_cross_entropy_ex_f32(
            shape.outer,
            shape.classes,
            shape.inner,
            logits.as_ptr(),
            target.as_ptr(),
            w,
            loss.as_mut_ptr(),
            d,
            ignore_index,
            label_smoothing,
            reduction.raw(),
        )
    })
}

/// Cross-entropy against probabilities of the logits' shape (PyTorch's
/// `cross_entropy` with float targets; `nonlin_cross_entropy_probs_f32`).
/// Mean divides by `outer * inner`. The other arguments and the errors are
/// as in [`cross_entropy_ex`] (no targets to check).
///
/// # Example
///
/// ```
/// let logits = [0.0_f32, 1.0, 2.0, 0.0];
/// let probs = [0.0_f32, 1.0, 0.5, 0.5];
/// let shape = nonlin::ClassAxis { outer: 2, classes: 2, inner: 1 };
/// let mut loss = [0.0_f32; 2];
/// nonlin::cross_entropy_probs(&logits, &probs, None, &mut loss, None, shape, 0.0,
///                             nonlin::Reduction::None)?;
/// assert!((loss[0] - 0.3133).abs() < 1e-4);
/// # Ok::<(), nonlin::Error>(())
/// ```
#[allow(clippy::too_many_arguments)]
pub fn cross_entropy_probs(
    logits: &[f32],
    probs: &[f32],
    weight: Option<&[f32]>,
    loss: &mut [f32],
    dlogits: Option<&mut [f32]>,
    shape: ClassAxis,
    label_smoothing: f32,
    reduction: Reduction,
) -> Result<(), Error> {
    let (w, d) = ce_arguments(shape, logits, ("probs", probs.len(), true), weight, loss,
                              dlogits, reduction)?;
    // SAFETY: as in cross_entropy_ex.
    check(unsafe {
        sys::nonlin_cross_entropy_probs_f32(
            shape.outer,
            shape.classes,
            shape.inner,
            logits.as_ptr(),
            probs.as_ptr(),
            w,
            loss.as_mut_ptr(),
            d,
            label_smoothing,
            reduction.raw(),
        )
    })
}

/// Binary cross-entropy on `rows x classes` logits, as PyTorch's
/// `binary_cross_entropy_with_logits` with per-class `weight` and
/// `pos_weight` (`nonlin_binary_cross_entropy_with_logits_f32`), stable for
/// any logit. `loss` holds `rows x classes` values for [`Reduction::None`],
/// else one (Mean divides by `rows * classes`); `dlogits`, when given,
/// receives the gradient of the returned loss. `rows = logits.len() /
/// classes`.
///
/// Errors: [`Error::Length`] for a slice of the wrong length (logits not a
/// whole number of rows included); [`Error::BadShape`] for zero classes with
/// logits.
///
/// # Example
///
/// ```
/// let (logits, target) = ([1e30_f32, -1e30, 0.0], [1.0_f32, 0.0, 1.0]);
/// let mut loss = [0.0_f32; 3];
/// nonlin::binary_cross_entropy_with_logits(&logits, &target, None, None, &mut loss, None, 3,
///                                          nonlin::Reduction::None)?;
/// assert_eq!(&loss[..2], &[0.0, 0.0]);
/// assert!((loss[2] - std::f32::consts::LN_2).abs() < 1e-7);
/// # Ok::<(), nonlin::Error>(())
/// ```
#[allow(clippy::too_many_arguments)]
pub fn binary_cross_entropy_with_logits(
    logits: &[f32],
    target: &[f32],
    weight: Option<&[f32]>,
    pos_weight: Option<&[f32]>,
    loss: &mut [f32],
    dlogits: Option<&mut [f32]>,
    classes: usize,
    reduction: Reduction,
) -> Result<(), Error> {
    if classes == 0 && !logits.is_empty() {
        return Err(Error::BadShape);
    }
    let rows = if classes == 0 { 0 } else { logits.len() / classes };
    expect_len("logits", rows * classes, logits.len())?;
    expect_len("target", logits.len(), target.len())?;
    expect_len("loss", reduction.outputs(logits.len()), loss.len())?;
    let w = per_class("weight", weight, classes)?;
    let pw = per_class("pos_weight", pos_weight, classes)?;
    let d = gradient(dlogits, logits.len())?;
    // SAFETY: as in cross_entropy_ex.
    check(unsafe {
        sys::nonlin_binary_cross_entropy_with_logits_f32(
            rows,
            classes,
            logits.as_ptr(),
            target.as_ptr(),
            w,
            pw,
            loss.as_mut_ptr(),
            d,
            reduction.raw(),
        )
    })
}
