//! softmax and log_softmax along the middle axis of an outer x axis x inner
//! tensor, and their gradients.
use crate::error::{check, expect_len, Error};
use nonlin_sys as sys;

/// The shape of a contiguous `outer x axis x inner` tensor, worked on along
/// its middle axis: element `(o, a, i)` is at `(o * axis + a) * inner + i`.
/// `inner == 1` is the common `rows x cols` case ([`Shape::rows`]) and the
/// fastest. Any zero size makes an empty tensor.
///
/// # Example
///
/// ```
/// // 2 images of 3 channels of 4 pixels each, softmax over the channels:
/// let shape = nonlin::Shape::new(2, 3, 4);
/// assert_eq!(shape.len(), Some(24));
/// assert_eq!(nonlin::Shape::rows(5, 10), nonlin::Shape::new(5, 10, 1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shape {
    /// The number of independent blocks.
    pub outer: usize,
    /// The length of the axis the function works along.
    pub axis: usize,
    /// The stride between consecutive elements of the axis.
    pub inner: usize,
}

impl Shape {
    /// `outer x axis x inner`.
    ///
    /// ```
    /// let s = nonlin::Shape::new(1, 10, 1);
    /// assert_eq!((s.outer, s.axis, s.inner), (1, 10, 1));
    /// ```
    pub const fn new(outer: usize, axis: usize, inner: usize) -> Shape {
        Shape { outer, axis, inner }
    }

    /// `rows x cols`, along each row: `Shape::new(rows, cols, 1)`.
    ///
    /// ```
    /// assert_eq!(nonlin::Shape::rows(4, 10).len(), Some(40));
    /// ```
    pub const fn rows(rows: usize, cols: usize) -> Shape {
        Shape {
            outer: rows,
            axis: cols,
            inner: 1,
        }
    }

    /// The number of elements; `None` when it overflows `usize` (a zero
    /// size makes it 0, whatever the others are).
    ///
    /// ```
    /// assert_eq!(nonlin::Shape::new(usize::MAX, 2, 0).len(), Some(0));
    /// assert_eq!(nonlin::Shape::new(usize::MAX, 2, 1).len(), None);
    /// ```
    #[allow(clippy::len_without_is_empty)]
    pub fn len(self) -> Option<usize> {
        if self.outer == 0 || self.axis == 0 || self.inner == 0 {
            return Some(0);
        }
        self.outer.checked_mul(self.axis)?.checked_mul(self.inner)
    }

    /// The element count every slice must have: [`Error::BadShape`] when it
    /// overflows, [`Error::Length`] when `first` (named `name`) differs.
    fn check(self, name: &'static str, first: usize) -> Result<usize, Error> {
        let n = self.len().ok_or(Error::BadShape)?;
        expect_len(name, n, first)?;
        Ok(n)
    }
}

/// Defines a row function, its in-place form, its gradient and the
/// gradient's in-place form, with their documentation.
macro_rules! along_axis {
    ($(
        $name:ident, $inplace:ident, $backward:ident, $backward_inplace:ident
            => $forward_c:ident, $backward_c:ident,
            $forward_doc:literal, $backward_doc:literal, $check:literal;
    )*) => {
        $(
        #[doc = concat!("Computes ", $forward_doc, " along the axis of `shape`, into `y` (`",
                        stringify!($forward_c), "`). The row maximum is subtracted first, so any \
                        finite row gives a finite result; sums are carried in double.")]
        #[doc = ""]
        #[doc = "Errors: [`Error::Length`] if `x` or `y` does not hold `shape.len()` elements; \
                 [`Error::BadShape`] if that count overflows."]
        #[doc = ""]
        #[doc = "# Example"]
        #[doc = ""]
        #[doc = concat!("```\nlet x = [1.0_f32, 2.0, 3.0, 1000.0, 0.0, -1000.0];\n",
                        "let mut y = [0.0_f32; 6];\n",
                        "nonlin::", stringify!($name), "(&x, &mut y, nonlin::Shape::rows(2, 3))?;\n",
                        $check, "\n# Ok::<(), nonlin::Error>(())\n```")]
        #[inline]
        pub fn $name(x: &[f32], y: &mut [f32], shape: Shape) -> Result<(), Error> {
            shape.check("x", x.len())?;
            expect_len("y", x.len(), y.len())?;
            // SAFETY: x and y hold the shape's element count; a shared and a
            // mutable borrow never overlap.
            check(unsafe {
                sys::$forward_c(shape.outer, shape.axis, shape.inner, x.as_ptr(), y.as_mut_ptr())
            })
        }

        #[doc = concat!("[`", stringify!($name), "`] in place: `x` is replaced by the result.")]
        #[doc = ""]
        #[doc = "# Example"]
        #[doc = ""]
        #[doc = concat!("```\nlet mut x = [1.0_f32, 2.0, 3.0, 1000.0, 0.0, -1000.0];\n",
                        "let mut y = [0.0_f32; 6];\n",
                        "nonlin::", stringify!($name), "(&x, &mut y, nonlin::Shape::rows(2, 3))?;\n",
                        "nonlin::", stringify!($inplace), "(&mut x, nonlin::Shape::rows(2, 3))?;\n",
                        "assert_eq!(x, y);\n# Ok::<(), nonlin::Error>(())\n```")]
        #[inline]
        pub fn $inplace(x: &mut [f32], shape: Shape) -> Result<(), Error> {
            shape.check("x", x.len())?;
            let p = x.as_mut_ptr();
            // SAFETY: x holds the shape's element count; the C function
            // allows y == x.
            check(unsafe { sys::$forward_c(shape.outer, shape.axis, shape.inner, p, p) })
        }

        #[doc = concat!("The gradient of [`", stringify!($name), "`]: ", $backward_doc,
                        " along the axis, into `dx`, from the forward's output `y` (`",
                        stringify!($backward_c), "`).")]
        #[doc = ""]
        #[doc = "Errors: [`Error::Length`] if a slice does not hold `shape.len()` elements; \
                 [`Error::BadShape`] if that count overflows."]
        #[doc = ""]
        #[doc = "# Example"]
        #[doc = ""]
        #[doc = concat!("```\nlet x = [1.0_f32, 2.0, 3.0];\nlet mut y = [0.0_f32; 3];\n",
                        "let shape = nonlin::Shape::rows(1, 3);\n",
                        "nonlin::", stringify!($name), "(&x, &mut y, shape)?;\n",
                        "let dy = [0.0_f32, 0.0, 1.0];\nlet mut dx = [0.0_f32; 3];\n",
                        "nonlin::", stringify!($backward), "(&y, &dy, &mut dx, shape)?;\n",
                        "assert!(dx.iter().all(|v| v.is_finite()));\n",
                        "# Ok::<(), nonlin::Error>(())\n```")]
        #[inline]
        pub fn $backward(y: &[f32], dy: &[f32], dx: &mut [f32], shape: Shape) -> Result<(), Error> {
            shape.check("y", y.len())?;
            expect_len("dy", y.len(), dy.len())?;
            expect_len("dx", y.len(), dx.len())?;
            // SAFETY: the three slices hold the shape's element count; dx is
            // a mutable borrow, so it overlaps neither input.
            check(unsafe {
                sys::$backward_c(shape.outer, shape.axis, shape.inner, y.as_ptr(), dy.as_ptr(),
                                 dx.as_mut_ptr())
            })
        }

        #[doc = concat!("[`", stringify!($backward), "`] in place: `dy` is replaced by the \
                         gradient `dx`.")]
        #[doc = ""]
        #[doc = "# Example"]
        #[doc = ""]
        #[doc = concat!("```\nlet x = [1.0_f32, 2.0, 3.0];\nlet mut y = [0.0_f32; 3];\n",
                        "let shape = nonlin::Shape::rows(1, 3);\n",
                        "nonlin::", stringify!($name), "(&x, &mut y, shape)?;\n",
                        "let mut grad = [0.5_f32, 0.0, 1.0];\nlet mut dx = [0.0_f32; 3];\n",
                        "nonlin::", stringify!($backward), "(&y, &grad, &mut dx, shape)?;\n",
                        "nonlin::", stringify!($backward_inplace), "(&y, &mut grad, shape)?;\n",
                        "assert_eq!(grad, dx);\n# Ok::<(), nonlin::Error>(())\n```")]
        #[inline]
        pub fn $backward_inplace(y: &[f32], dy: &mut [f32], shape: Shape) -> Result<(), Error> {
            shape.check("y", y.len())?;
            expect_len("dy", y.len(), dy.len())?;
            let p = dy.as_mut_ptr();
            // SAFETY: both slices hold the shape's element count; the C
            // function allows dx == dy, and dy does not overlap y.
            check(unsafe {
                sys::$backward_c(shape.outer, shape.axis, shape.inner, y.as_ptr(), p, p)
            })
        }
        )*
    };
}

along_axis! {
    softmax, softmax_inplace, softmax_backward, softmax_backward_inplace
        => nonlin_softmax_f32, nonlin_softmax_backward_f32,
        "`y = exp(x - max) / sum(exp(x - max))`", "`dx = y * (dy - sum(dy * y))`",
        "assert_eq!(&y[3..], &[1.0, 0.0, 0.0]);\nassert!((y[0] + y[1] + y[2] - 1.0).abs() < 1e-6);";
    log_softmax, log_softmax_inplace, log_softmax_backward, log_softmax_backward_inplace
        => nonlin_log_softmax_f32, nonlin_log_softmax_backward_f32,
        "`y = (x - max) - log(sum(exp(x - max)))`", "`dx = dy - exp(y) * sum(dy)`",
        "assert_eq!(&y[3..], &[0.0, -1000.0, -2000.0]);";
}
