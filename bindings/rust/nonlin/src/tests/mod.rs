use crate::Error;

/// One elementwise op of the crate's table, with its functions taking the
/// parameters as a slice.
pub(crate) struct Op {
    pub name: &'static str,
    /// `x` (the backward takes the forward's input) or `y` (its output).
    pub from: &'static str,
    /// (C name, PyTorch keyword, PyTorch default) per parameter.
    pub params: &'static [(&'static str, &'static str, &'static str)],
    pub forward: fn(&[f32], &mut [f32], &[f32]) -> Result<(), Error>,
    pub forward_inplace: fn(&mut [f32], &[f32]) -> Result<(), Error>,
    pub backward: fn(&[f32], &[f32], &mut [f32], &[f32]) -> Result<(), Error>,
    pub backward_inplace: fn(&[f32], &mut [f32], &[f32]) -> Result<(), Error>,
}

mod elementwise;
mod loss;
mod loss_ex;
mod reference;
mod registry;
mod runtime;
mod softmax;

use std::sync::{Mutex, MutexGuard};

/// Held by the tests that change the process-wide settings (instruction
/// set, threads) and by those that compare the bits of two calls, which a
/// change between the calls would break.
static SETTINGS: Mutex<()> = Mutex::new(());

pub(crate) fn settings() -> MutexGuard<'static, ()> {
    SETTINGS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A small deterministic generator (splitmix64).
pub(crate) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn uniform(&mut self, lo: f64, hi: f64) -> f32 {
        (lo + (hi - lo) * self.unit()) as f32
    }

    /// A random sign times 2^e, e uniform in [lo, hi): magnitudes spread
    /// over the float range.
    pub fn magnitude(&mut self, lo: f64, hi: f64) -> f32 {
        let sign = if self.next_u64() & 1 == 0 { 1.0 } else { -1.0 };
        let v = sign * (lo + (hi - lo) * self.unit()).exp2();
        (v as f32).clamp(-f32::MAX, f32::MAX)
    }
}

/// The finite inputs at the ends of the float range, both signs.
pub(crate) fn extremes() -> Vec<f32> {
    let positive = [
        0.0,
        f32::from_bits(1),
        1e-40,
        f32::MIN_POSITIVE,
        1e-30,
        1e-7,
        0.5,
        1.0,
        3.0,
        6.0,
        20.0,
        88.7,
        1e10,
        1e30,
        f32::MAX,
    ];
    positive.iter().flat_map(|&v| [v, -v]).collect()
}

/// The size of one unit in the last place of a float32 of magnitude |v|
/// (2^-149 for the subnormals, 2^105 past the largest float).
pub(crate) fn ulp(v: f64) -> f64 {
    let a = v.abs().min(2f64.powi(128));
    if a < f32::MIN_POSITIVE as f64 {
        2f64.powi(-149)
    } else {
        2f64.powi(a.log2().floor() as i32 - 23)
    }
}

/// Whether `got` is within `ulps` units in the last place of `scale` (at
/// least |reference|) from `reference`. Infinity counts as 2^128, where a
/// float32 result overflows; NaN must match NaN.
pub(crate) fn within(got: f32, reference: f64, scale: f64, ulps: f64) -> bool {
    if reference.is_nan() || got.is_nan() {
        return reference.is_nan() && got.is_nan();
    }
    if reference.is_infinite() {
        return got as f64 == reference;
    }
    let clamp = |v: f64| v.clamp(-(2f64.powi(128)), 2f64.powi(128));
    let error = (clamp(got as f64) - clamp(reference)).abs();
    error <= (ulps + 1e-3) * ulp(scale.abs().max(reference.abs()))
}
