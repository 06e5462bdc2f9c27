//! The library's version, instruction set and thread settings.
use crate::error::{check, Error};
use nonlin_sys as sys;
use std::ffi::{CStr, CString};
use std::fmt;
use std::os::raw::c_char;

/// A static C string of the library as `&'static str`.
fn static_str(p: *const c_char) -> &'static str {
    // SAFETY: the library's name functions return static, NUL-terminated
    // ASCII strings, never NULL.
    unsafe { CStr::from_ptr(p) }.to_str().unwrap_or("?")
}

/// The version of the library in use (which may be newer than the header
/// this crate was generated from: compare `major`).
///
/// # Example
///
/// ```
/// let v = nonlin::version();
/// assert_eq!(v.major, 0);
/// println!("nonlin {}", v); // "0.1.0"
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Changes with the ABI.
    pub major: u32,
    /// New functions.
    pub minor: u32,
    /// Fixes.
    pub patch: u32,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The version of the loaded library (`nonlin_version`).
///
/// # Example
///
/// ```
/// assert!(nonlin::version() >= nonlin::Version { major: 0, minor: 1, patch: 0 });
/// ```
pub fn version() -> Version {
    // SAFETY: no arguments.
    let v = unsafe { sys::nonlin_version() };
    Version {
        major: v / 10000,
        minor: v / 100 % 100,
        patch: v % 100,
    }
}

/// An instruction set the kernels can use.
///
/// # Example
///
/// ```
/// assert_eq!(nonlin::Isa::Avx2.name(), "avx2");
/// assert_eq!(nonlin::Isa::from_name("sse2"), nonlin::Isa::Sse2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Isa {
    /// AVX-512 F+BW+DQ+VL with AVX512-BF16: bfloat16 rounded in hardware.
    Avx512Bf16,
    /// AVX-512 F+BW+DQ+VL.
    Avx512,
    /// AVX2 with FMA.
    Avx2,
    /// SSE2 (every x86-64 CPU).
    Sse2,
    /// AArch64 Advanced SIMD (every aarch64 CPU).
    Neon,
    /// Plain C++, on every CPU.
    Scalar,
    /// A name this crate does not know: one a newer library reports, or one
    /// to pass to [`set_isa`] as it is.
    Other(&'static str),
}

impl Isa {
    /// Every instruction set this crate names, best first.
    ///
    /// ```
    /// assert!(nonlin::Isa::KNOWN.contains(&nonlin::Isa::Scalar));
    /// ```
    pub const KNOWN: [Isa; 6] = [
        Isa::Avx512Bf16,
        Isa::Avx512,
        Isa::Avx2,
        Isa::Sse2,
        Isa::Neon,
        Isa::Scalar,
    ];

    /// The library's name of the instruction set.
    ///
    /// ```
    /// assert_eq!(nonlin::Isa::Avx512.name(), "avx512");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Isa::Avx512Bf16 => "avx512bf16",
            Isa::Avx512 => "avx512",
            Isa::Avx2 => "avx2",
            Isa::Sse2 => "sse2",
            Isa::Neon => "neon",
            Isa::Scalar => "scalar",
            Isa::Other(name) => name,
        }
    }

    /// The instruction set of a name; [`Isa::Other`] for a name this crate
    /// does not know.
    ///
    /// ```
    /// assert_eq!(nonlin::Isa::from_name("scalar"), nonlin::Isa::Scalar);
    /// assert_eq!(nonlin::Isa::from_name("riscv"), nonlin::Isa::Other("riscv"));
    /// ```
    pub fn from_name(name: &'static str) -> Isa {
        Isa::KNOWN
            .into_iter()
            .find(|isa| isa.name() == name)
            .unwrap_or(Isa::Other(name))
    }
}

impl fmt::Display for Isa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The instruction set the kernels use now (`nonlin_isa`): at load, the
/// best this CPU has, unless the environment variable `NONLIN_ISA` names an
/// available one.
///
/// # Example
///
/// ```
/// println!("nonlin runs on {}", nonlin::isa());
/// ```
pub fn isa() -> Isa {
    // SAFETY: no arguments.
    Isa::from_name(static_str(unsafe { sys::nonlin_isa() }))
}

/// Selects the instruction set, process-wide (`nonlin_set_isa`); `None`
/// selects the best available. A call already running finishes with the
/// one it started with.
///
/// Errors: [`Error::Unsupported`] if this CPU (or this build) lacks it,
/// [`Error::BadArgument`] for an unknown [`Isa::Other`] name (or one with a
/// NUL byte); the selection is then unchanged.
///
/// # Example
///
/// ```
/// nonlin::set_isa(Some(nonlin::Isa::Scalar))?;
/// assert_eq!(nonlin::isa(), nonlin::Isa::Scalar);
/// nonlin::set_isa(None)?;
/// assert_eq!(nonlin::set_isa(Some(nonlin::Isa::Other("z80"))), Err(nonlin::Error::BadArgument));
/// # Ok::<(), nonlin::Error>(())
/// ```
pub fn set_isa(isa: Option<Isa>) -> Result<(), Error> {
    let name = match isa {
        Some(isa) => Some(CString::new(isa.name()).map_err(|_| Error::BadArgument)?),
        None => None,
    };
    let p = name.as_ref().map_or(std::ptr::null(), |name| name.as_ptr());
    // SAFETY: p is NULL or a NUL-terminated string that outlives the call.
    check(unsafe { sys::nonlin_set_isa(p) })
}

/// Sets the number of threads large calls may use, process-wide
/// (`nonlin_set_num_threads`): `n >= 1`, or 0 for the default (OpenMP's,
/// usually the number of cores). Results do not depend on it.
///
/// Errors: [`Error::BadArgument`] for more than `i32::MAX`.
///
/// # Example
///
/// ```
/// nonlin::set_num_threads(1)?;
/// assert_eq!(nonlin::num_threads(), 1);
/// nonlin::set_num_threads(0)?;
/// # Ok::<(), nonlin::Error>(())
/// ```
pub fn set_num_threads(n: usize) -> Result<(), Error> {
    let n = i32::try_from(n).map_err(|_| Error::BadArgument)?;
    // SAFETY: any int is accepted.
    check(unsafe { sys::nonlin_set_num_threads(n) })
}

/// The number of threads large calls will use, at least 1
/// (`nonlin_get_num_threads`).
///
/// # Example
///
/// ```
/// assert!(nonlin::num_threads() >= 1);
/// ```
pub fn num_threads() -> usize {
    // SAFETY: no arguments.
    let n = unsafe { sys::nonlin_get_num_threads() };
    usize::try_from(n).unwrap_or(1)
}
