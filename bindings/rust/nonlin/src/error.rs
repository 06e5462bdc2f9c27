//! The error type: the C library's statuses, and slice lengths that do not
//! match, caught before any call.
use nonlin_sys as sys;
use std::ffi::CStr;
use std::fmt;

/// Why a call failed. A failed call writes nothing to its outputs.
///
/// The variants other than [`Error::Length`] are the C library's
/// `nonlin_status` values, and their message is the library's own
/// (`nonlin_status_string`). [`Error::NullPointer`] and [`Error::Overlap`]
/// cannot come from this crate's functions (slices are never null and Rust's
/// borrows never overlap); they are here so that every status has a name.
///
/// # Example
///
/// ```
/// let x = [1.0_f32, 2.0];
/// let mut y = [0.0_f32; 3];
/// let err = nonlin::sigmoid(&x, &mut y).unwrap_err();
/// assert_eq!(err, nonlin::Error::Length { argument: "y", expected: 2, found: 3 });
/// let err = nonlin::leaky_relu(&x, &mut y[..2], f32::NAN).unwrap_err();
/// assert_eq!(err, nonlin::Error::BadArgument);
/// assert_eq!(err.to_string(), "bad argument");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// `NONLIN_ERR_NULL_POINTER`: a NULL array with a nonzero size.
    NullPointer,
    /// `NONLIN_ERR_BAD_SHAPE`: zero classes with rows, or a size product
    /// that overflows.
    BadShape,
    /// `NONLIN_ERR_OVERLAP`: an output partially overlaps an input or
    /// another output.
    Overlap,
    /// `NONLIN_ERR_BAD_TARGET`: a class index outside `[0, classes)` that
    /// is not the ignore index.
    BadTarget,
    /// `NONLIN_ERR_BAD_ARGUMENT`: a parameter that is not finite or breaks
    /// its op's condition, or an unknown instruction set name.
    BadArgument,
    /// `NONLIN_ERR_UNSUPPORTED`: the instruction set is not available on
    /// this CPU.
    Unsupported,
    /// A status this crate does not know (from a newer library), with its
    /// value.
    Unknown(u32),
    /// A slice whose length does not match the others or the shape; found
    /// in Rust, before the call.
    Length {
        /// The argument's name, as in the function's signature.
        argument: &'static str,
        /// The length the other arguments call for.
        expected: usize,
        /// The slice's length.
        found: usize,
    },
}

impl Error {
    /// The error of a C status, `None` for `NONLIN_OK`.
    ///
    /// ```
    /// assert_eq!(nonlin::Error::from_status(4), Some(nonlin::Error::BadTarget));
    /// assert_eq!(nonlin::Error::from_status(0), None);
    /// ```
    pub fn from_status(status: u32) -> Option<Error> {
        Some(match status {
            sys::NONLIN_OK => return None,
            sys::NONLIN_ERR_NULL_POINTER => Error::NullPointer,
            sys::NONLIN_ERR_BAD_SHAPE => Error::BadShape,
            sys::NONLIN_ERR_OVERLAP => Error::Overlap,
            sys::NONLIN_ERR_BAD_TARGET => Error::BadTarget,
            sys::NONLIN_ERR_BAD_ARGUMENT => Error::BadArgument,
            sys::NONLIN_ERR_UNSUPPORTED => Error::Unsupported,
            other => Error::Unknown(other),
        })
    }

    /// The C status of this error; `None` for [`Error::Length`], which the
    /// C library never sees.
    ///
    /// ```
    /// assert_eq!(nonlin::Error::BadShape.status(), Some(2));
    /// ```
    pub fn status(self) -> Option<u32> {
        Some(match self {
            Error::NullPointer => sys::NONLIN_ERR_NULL_POINTER,
            Error::BadShape => sys::NONLIN_ERR_BAD_SHAPE,
            Error::Overlap => sys::NONLIN_ERR_OVERLAP,
            Error::BadTarget => sys::NONLIN_ERR_BAD_TARGET,
            Error::BadArgument => sys::NONLIN_ERR_BAD_ARGUMENT,
            Error::Unsupported => sys::NONLIN_ERR_UNSUPPORTED,
            Error::Unknown(status) => status,
            Error::Length { .. } => return None,
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (*self, self.status()) {
            (
                Error::Length {
                    argument,
                    expected,
                    found,
                },
                _,
            ) => {
                write!(
                    f,
                    "slice `{}` has {} elements, expected {}",
                    argument, found, expected
                )
            }
            (_, Some(status)) => {
                // SAFETY: nonlin_status_string takes any value and returns a
                // static, NUL-terminated string, never NULL.
                let message = unsafe { CStr::from_ptr(sys::nonlin_status_string(status)) };
                f.write_str(&message.to_string_lossy())
            }
            (_, None) => unreachable!("only Length has no status"),
        }
    }
}

impl std::error::Error for Error {}

/// `Ok` for `NONLIN_OK`, else the status's error.
#[inline]
pub(crate) fn check(status: sys::nonlin_status) -> Result<(), Error> {
    match Error::from_status(status) {
        None => Ok(()),
        Some(error) => Err(error),
    }
}

/// `Ok` when `found == expected`, else [`Error::Length`] for `argument`.
#[inline]
pub(crate) fn expect_len(
    argument: &'static str,
    expected: usize,
    found: usize,
) -> Result<(), Error> {
    if found == expected {
        Ok(())
    } else {
        Err(Error::Length {
            argument,
            expected,
            found,
        })
    }
}
