//! The losses over `rows x classes` inputs with one class index per row.
use crate::error::{check, expect_len, Error};
use nonlin_sys as sys;

/// How the per-row losses are reduced. PyTorch's default is
/// [`Reduction::Mean`], which is also `Reduction::default()`.
///
/// # Example
///
/// ```
/// let logits = [0.0_f32, 1.0, 2.0, 0.0];
/// let mut per_row = [0.0_f32; 2];
/// nonlin::cross_entropy(&logits, &[1, 0], &mut per_row, None, 2, None, nonlin::Reduction::None)?;
/// let mut mean = [0.0_f32];
/// nonlin::cross_entropy(&logits, &[1, 0], &mut mean, None, 2, None, nonlin::Reduction::default())?;
/// assert!((mean[0] - (per_row[0] + per_row[1]) / 2.0).abs() < 1e-6);
/// # Ok::<(), nonlin::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reduction {
    /// One loss per row: the loss slice holds `rows` values.
    None,
    /// The sum over the rows that are not ignored, divided by their count
    /// (NaN when every row is ignored, as in PyTorch): one value.
    Mean,
    /// The sum over the rows that are not ignored: one value.
    Sum,
}

impl Default for Reduction {
    fn default() -> Reduction {
        Reduction::Mean
    }
}

impl Reduction {
    pub(crate) fn raw(self) -> sys::nonlin_reduction {
        match self {
            Reduction::None => sys::NONLIN_REDUCTION_NONE,
            Reduction::Mean => sys::NONLIN_REDUCTION_MEAN,
            Reduction::Sum => sys::NONLIN_REDUCTION_SUM,
        }
    }

    /// How many loss values a call over `rows` rows takes or gives.
    pub(crate) fn outputs(self, rows: usize) -> usize {
        if self == Reduction::None {
            rows
        } else {
            1
        }
    }
}

/// The checked sizes of a loss call: `rows = target.len()` and the C
/// library's ignore index.
struct Rows {
    rows: usize,
    /// `rows * classes`.
    elements: usize,
    /// The number of loss values: `rows` for [`Reduction::None`], else 1.
    reduced: usize,
    ignore_index: i64,
}

impl Rows {
    /// The sizes of `target.len()` rows of `classes`, and the C library's
    /// ignore index for `ignore_index`.
    ///
    /// The C library skips the rows whose target equals its ignore index;
    /// for `None`, no row may be skipped, so it gets `i64::MIN`, which no
    /// valid target equals. A target of `i64::MIN` is then out of range, and
    /// the call fails as the C library would: [`Error::BadShape`] for zero
    /// classes, else [`Error::BadTarget`].
    fn new(
        target: &[i64],
        classes: usize,
        ignore_index: Option<i64>,
        reduction: Reduction,
    ) -> Result<Rows, Error> {
        let rows = target.len();
        let elements = rows.checked_mul(classes).ok_or(Error::BadShape)?;
        let ignore_index = match ignore_index {
            Some(value) => value,
            None if target.contains(&i64::MIN) => {
                return Err(if classes == 0 {
                    Error::BadShape
                } else {
                    Error::BadTarget
                })
            }
            None => i64::MIN,
        };
        let reduced = reduction.outputs(rows);
        Ok(Rows {
            rows,
            elements,
            reduced,
            ignore_index,
        })
    }
}

/// Negative log likelihood of log-probabilities: `loss_r = -input[r,
/// target[r]]` for the `rows = target.len()` rows of the `rows x classes`
/// array `input`, reduced by `reduction` into `loss` (`rows` values for
/// [`Reduction::None`], else one) (`nonlin_nll_loss_f32`).
///
/// Rows whose target equals `ignore_index` are skipped (loss 0, not counted
/// by the mean); `None` skips none. PyTorch's defaults are
/// `ignore_index = Some(-100)` and [`Reduction::Mean`].
///
/// Errors: [`Error::Length`] for a slice of the wrong length;
/// [`Error::BadShape`] for zero classes with rows, or a size that
/// overflows; [`Error::BadTarget`] for a target outside `[0, classes)` that
/// is not `ignore_index`.
///
/// # Example
///
/// ```
/// let logp = [-0.1_f32, -2.5, -3.0, -1.2, -0.4, -2.2];
/// let mut loss = [0.0_f32];
/// nonlin::nll_loss(&logp, &[0, 1], &mut loss, 3, None, nonlin::Reduction::Sum)?;
/// assert_eq!(loss[0], 0.5);
/// # Ok::<(), nonlin::Error>(())
/// ```
pub fn nll_loss(
    input: &[f32],
    target: &[i64],
    loss: &mut [f32],
    classes: usize,
    ignore_index: Option<i64>,
    reduction: Reduction,
) -> Result<(), Error> {
    let r = Rows::new(target, classes, ignore_index, reduction)?;
    expect_len("input", r.elements, input.len())?;
    expect_len("loss", r.reduced, loss.len())?;
    // SAFETY: input holds rows x classes floats, target rows indices, loss
    // the reduction's count; loss is a mutable borrow and overlaps nothing.
    check(unsafe {
        sys::nonlin_nll_loss_f32(
            r.rows,
            classes,
            input.as_ptr(),
            target.as_ptr(),
            loss.as_mut_ptr(),
            r.ignore_index,
            reduction.raw(),
        )
    })
}

/// The gradient of [`nll_loss`] with respect to its input, into the
/// `rows x classes` slice `dinput`: zero except `dinput[r, target[r]] =
/// -dloss[r]` ([`Reduction::None`]), `-dloss[0]` (Sum) or `-dloss[0] /
/// count` (Mean) for the rows that are not ignored. `dloss` holds `rows`
/// values for [`Reduction::None`], else one (`nonlin_nll_loss_backward_f32`).
///
/// Errors: as [`nll_loss`].
///
/// # Example
///
/// ```
/// let mut dinput = [0.0_f32; 6];
/// nonlin::nll_loss_backward(&[0, 2], &[1.0], &mut dinput, 3, None, nonlin::Reduction::Mean)?;
/// assert_eq!(dinput, [-0.5, 0.0, 0.0, 0.0, 0.0, -0.5]);
/// # Ok::<(), nonlin::Error>(())
/// ```
pub fn nll_loss_backward(
    target: &[i64],
    dloss: &[f32],
    dinput: &mut [f32],
    classes: usize,
    ignore_index: Option<i64>,
    reduction: Reduction,
) -> Result<(), Error> {
    let r = Rows::new(target, classes, ignore_index, reduction)?;
    expect_len("dinput", r.elements, dinput.len())?;
    expect_len("dloss", r.reduced, dloss.len())?;
    // SAFETY: as in nll_loss; dinput is a mutable borrow.
    check(unsafe {
        sys::nonlin_nll_loss_backward_f32(
            r.rows,
            classes,
            target.as_ptr(),
            dloss.as_ptr(),
            dinput.as_mut_ptr(),
            r.ignore_index,
            reduction.raw(),
        )
    })
}

/// Cross-entropy of `rows x classes` logits in one pass: log_softmax, NLL
/// and, when `dlogits` is given, its gradient (`nonlin_cross_entropy_f32`).
/// `loss_r = log(sum(exp(x_r - max_r))) - (x_r[target_r] - max_r)`, reduced
/// into `loss` as in [`nll_loss`]. `dlogits` is the gradient of the returned
/// loss for Mean and Sum, and of the sum of the per-row losses for
/// [`Reduction::None`]: `softmax(x_r) - onehot(target_r)`, divided by the
/// count for Mean, zero for ignored rows.
///
/// `ignore_index` and the errors are as in [`nll_loss`] (PyTorch's
/// defaults: `Some(-100)`, [`Reduction::Mean`]).
///
/// # Example
///
/// ```
/// let logits = [1.0_f32, 2.0, 3.0, 1000.0, 0.0, -1000.0];
/// let (mut loss, mut dlogits) = ([0.0_f32], [0.0_f32; 6]);
/// nonlin::cross_entropy(&logits, &[2, 0], &mut loss, Some(&mut dlogits), 3, Some(-100),
///                       nonlin::Reduction::Mean)?;
/// assert!((loss[0] - 0.2039).abs() < 1e-4);
/// assert!(dlogits.iter().sum::<f32>().abs() < 1e-6);
/// # Ok::<(), nonlin::Error>(())
/// ```
pub fn cross_entropy(
    logits: &[f32],
    target: &[i64],
    loss: &mut [f32],
    dlogits: Option<&mut [f32]>,
    classes: usize,
    ignore_index: Option<i64>,
    reduction: Reduction,
) -> Result<(), Error> {
    let r = Rows::new(target, classes, ignore_index, reduction)?;
    expect_len("logits", r.elements, logits.len())?;
    expect_len("loss", r.reduced, loss.len())?;
    let dlogits = match dlogits {
        Some(d) => {
            expect_len("dlogits", logits.len(), d.len())?;
            d.as_mut_ptr()
        }
        None => std::ptr::null_mut(),
    };
    // SAFETY: logits and dlogits (or NULL: no gradient) hold rows x classes
    // floats, target rows indices, loss the reduction's count; the outputs
    // are mutable borrows and overlap nothing.
    check(unsafe {
        sys::nonlin_cross_entropy_f32(
            r.rows,
            classes,
            logits.as_ptr(),
            target.as_ptr(),
            loss.as_mut_ptr(),
            dlogits,
            r.ignore_index,
            reduction.raw(),
        )
    })
}

/// [`cross_entropy`] with the gradient written over the logits.
///
/// # Example
///
/// ```
/// let mut logits = [1.0_f32, 2.0, 3.0, 1000.0, 0.0, -1000.0];
/// let (mut loss, mut dlogits) = ([0.0_f32], [0.0_f32; 6]);
/// nonlin::cross_entropy(&logits, &[2, 0], &mut loss, Some(&mut dlogits), 3, None,
///                       nonlin::Reduction::Sum)?;
/// let mut loss_inplace = [0.0_f32];
/// nonlin::cross_entropy_inplace(&mut logits, &[2, 0], &mut loss_inplace, 3, None,
///                               nonlin::Reduction::Sum)?;
/// assert_eq!((logits, loss_inplace), (dlogits, loss));
/// # Ok::<(), nonlin::Error>(())
/// ```
pub fn cross_entropy_inplace(
    logits: &mut [f32],
    target: &[i64],
    loss: &mut [f32],
    classes: usize,
    ignore_index: Option<i64>,
    reduction: Reduction,
) -> Result<(), Error> {
    let r = Rows::new(target, classes, ignore_index, reduction)?;
    expect_len("logits", r.elements, logits.len())?;
    expect_len("loss", r.reduced, loss.len())?;
    let p = logits.as_mut_ptr();
    // SAFETY: as in cross_entropy; the C function allows dlogits == logits.
    check(unsafe {
        sys::nonlin_cross_entropy_f32(
            r.rows,
            classes,
            p,
            target.as_ptr(),
            loss.as_mut_ptr(),
            p,
            r.ignore_index,
            reduction.raw(),
        )
    })
}
