//! The binding's per-call overhead: sigmoid and relu on 64 floats through
//! the safe API against the C function called directly through nonlin-sys,
//! alternated over rounds; the fastest round of each is reported (the
//! least disturbed by other processes).
//! usage: cargo run --release --example overhead [-- ROUNDS]
use nonlin_sys as sys;
use std::time::Instant;

const N: usize = 64;
const CALLS: u32 = 20_000;

/// Nanoseconds per call of `f`, over CALLS calls.
fn per_call(mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..CALLS {
        f();
    }
    start.elapsed().as_nanos() as f64 / CALLS as f64
}

/// Prints the fastest per-call time of the C call and of the binding,
/// alternated over `rounds`, and their difference.
fn compare(name: &str, rounds: usize, mut direct: impl FnMut(), mut binding: impl FnMut()) {
    let (mut c, mut rust) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..rounds {
        c = c.min(per_call(&mut direct));
        rust = rust.min(per_call(&mut binding));
    }
    println!(
        "{:<10} {:>10.2} {:>10.2} {:>+10.2}",
        name,
        c,
        rust,
        rust - c
    );
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map_or(200, |a| a.parse().expect("ROUNDS"));
    let x: Vec<f32> = (0..N).map(|i| i as f32 / 8.0 - 4.0).collect();
    let (mut y, mut y_c) = (vec![0.0_f32; N], vec![0.0_f32; N]);
    println!(
        "nonlin {} on {}, {} floats, {} rounds of {} calls, fastest round",
        nonlin::version(),
        nonlin::isa(),
        N,
        rounds,
        CALLS
    );
    println!(
        "{:<10} {:>10} {:>10} {:>10}",
        "op", "C ns", "Rust ns", "overhead"
    );
    // The C calls write their own output, so that no raw pointer aliases a borrow.
    let (xp, yp) = (x.as_ptr(), y_c.as_mut_ptr());
    // SAFETY: xp and yp point to N floats each, which do not overlap.
    compare(
        "sigmoid",
        rounds,
        || assert_eq!(unsafe { sys::nonlin_sigmoid_f32(N, xp, yp) }, 0),
        || nonlin::sigmoid(&x, &mut y).unwrap(),
    );
    // SAFETY: as above.
    compare(
        "relu",
        rounds,
        || assert_eq!(unsafe { sys::nonlin_relu_f32(N, xp, yp) }, 0),
        || nonlin::relu(&x, &mut y).unwrap(),
    );
}
