//! softmax and log_softmax with their gradients against an f64 reference,
//! in place against out of place, and the shape and length checks.
use super::{settings, within, Rng};
use crate::{Error, Shape};

/// The f64 softmax (or log_softmax) of x along the axis of `s`.
fn reference(x: &[f32], s: Shape, log: bool) -> Vec<f64> {
    let mut out = vec![0.0; x.len()];
    for o in 0..s.outer {
        for i in 0..s.inner {
            let at = |a: usize| (o * s.axis + a) * s.inner + i;
            let m = (0..s.axis)
                .map(|a| x[at(a)] as f64)
                .fold(f64::NEG_INFINITY, f64::max);
            let sum: f64 = (0..s.axis).map(|a| (x[at(a)] as f64 - m).exp()).sum();
            for a in 0..s.axis {
                let d = x[at(a)] as f64 - m;
                out[at(a)] = if log { d - sum.ln() } else { d.exp() / sum };
            }
        }
    }
    out
}

/// The f64 gradient from y and dy, with the scale of each element's bound.
fn reference_backward(y: &[f32], dy: &[f32], s: Shape, log: bool) -> Vec<(f64, f64)> {
    let mut out = vec![(0.0, 0.0); y.len()];
    for o in 0..s.outer {
        for i in 0..s.inner {
            let at = |a: usize| (o * s.axis + a) * s.inner + i;
            let dot: f64 = (0..s.axis)
                .map(|a| dy[at(a)] as f64 * if log { 1.0 } else { y[at(a)] as f64 })
                .sum();
            for a in 0..s.axis {
                let (yv, dyv) = (y[at(a)] as f64, dy[at(a)] as f64);
                out[at(a)] = if log {
                    (dyv - yv.exp() * dot, dyv.abs().max((yv.exp() * dot).abs()))
                } else {
                    (yv * (dyv - dot), (yv * dyv).abs())
                };
            }
        }
    }
    out
}

fn cases(rng: &mut Rng) -> Vec<(Shape, Vec<f32>)> {
    let shapes = [
        Shape::rows(3, 7),
        Shape::new(2, 5, 3),
        Shape::rows(2, 1000),
        Shape::new(4, 1, 2),
        Shape::new(1, 33, 17),
    ];
    let mut out: Vec<(Shape, Vec<f32>)> = shapes
        .iter()
        .map(|&s| {
            (
                s,
                (0..s.len().unwrap())
                    .map(|_| rng.uniform(-30.0, 30.0))
                    .collect(),
            )
        })
        .collect();
    out.push((
        Shape::rows(2, 4),
        vec![
            f32::MAX,
            -f32::MAX,
            0.0,
            1e30,
            1e-30,
            f32::NEG_INFINITY,
            -1e30,
            5.0,
        ],
    ));
    out
}

#[test]
fn softmax_family_matches_the_f64_reference() {
    let mut rng = Rng::new(3);
    for (s, x) in cases(&mut rng) {
        for log in [false, true] {
            let (forward, backward) = if log {
                (
                    crate::log_softmax as fn(&[f32], &mut [f32], Shape) -> Result<(), Error>,
                    crate::log_softmax_backward
                        as fn(&[f32], &[f32], &mut [f32], Shape) -> Result<(), Error>,
                )
            } else {
                (crate::softmax as _, crate::softmax_backward as _)
            };
            let mut y = vec![0.0_f32; x.len()];
            forward(&x, &mut y, s).unwrap();
            for (i, r) in reference(&x, s, log).into_iter().enumerate() {
                // softmax: 4 ulp per element; log_softmax: 4 ulp of max(|y|, 1).
                let scale = if log { 1.0 } else { 0.0 };
                assert!(
                    within(y[i], r, scale, 4.0),
                    "log {} {:?} [{}]: {:e} vs {:e}",
                    log,
                    s,
                    i,
                    y[i],
                    r
                );
            }
            let dy: Vec<f32> = (0..x.len()).map(|_| rng.uniform(-2.0, 2.0)).collect();
            let mut dx = vec![0.0_f32; x.len()];
            backward(&y, &dy, &mut dx, s).unwrap();
            let ulps = if log { 2.0 } else { 1.0 };
            for (i, (r, scale)) in reference_backward(&y, &dy, s, log).into_iter().enumerate() {
                assert!(
                    within(dx[i], r, scale, ulps),
                    "backward log {} {:?} [{}]: {:e} vs {:e}",
                    log,
                    s,
                    i,
                    dx[i],
                    r
                );
            }
        }
    }
}

#[test]
fn softmax_family_in_place_is_bitwise_equal() {
    let _settings = settings();
    let mut rng = Rng::new(5);
    for (s, x) in cases(&mut rng) {
        let dy: Vec<f32> = (0..x.len()).map(|_| rng.uniform(-2.0, 2.0)).collect();
        type Forward = fn(&[f32], &mut [f32], Shape) -> Result<(), Error>;
        type Inplace = fn(&mut [f32], Shape) -> Result<(), Error>;
        type Backward = fn(&[f32], &[f32], &mut [f32], Shape) -> Result<(), Error>;
        type BackwardInplace = fn(&[f32], &mut [f32], Shape) -> Result<(), Error>;
        let family: [(Forward, Inplace, Backward, BackwardInplace); 2] = [
            (
                crate::softmax,
                crate::softmax_inplace,
                crate::softmax_backward,
                crate::softmax_backward_inplace,
            ),
            (
                crate::log_softmax,
                crate::log_softmax_inplace,
                crate::log_softmax_backward,
                crate::log_softmax_backward_inplace,
            ),
        ];
        for (forward, inplace, backward, backward_inplace) in family {
            let mut y = vec![0.0_f32; x.len()];
            forward(&x, &mut y, s).unwrap();
            let mut x2 = x.clone();
            inplace(&mut x2, s).unwrap();
            let mut dx = vec![0.0_f32; x.len()];
            backward(&y, &dy, &mut dx, s).unwrap();
            let mut grad = dy.clone();
            backward_inplace(&y, &mut grad, s).unwrap();
            let bits = |v: &[f32]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&x2), bits(&y));
            assert_eq!(bits(&grad), bits(&dx));
        }
    }
}

#[test]
fn shapes_and_lengths_are_checked_before_the_call() {
    let x = [1.0_f32; 6];
    let mut y = [7.0_f32; 6];
    assert_eq!(
        crate::softmax(&x, &mut y, Shape::rows(2, 4)),
        Err(Error::Length {
            argument: "x",
            expected: 8,
            found: 6
        })
    );
    assert_eq!(
        crate::log_softmax(&x, &mut y[..5], Shape::rows(2, 3)),
        Err(Error::Length {
            argument: "y",
            expected: 6,
            found: 5
        })
    );
    assert_eq!(
        crate::softmax_inplace(&mut y, Shape::new(usize::MAX, 2, 1)),
        Err(Error::BadShape)
    );
    assert_eq!(
        crate::softmax_backward(&x, &x[..5], &mut y, Shape::rows(3, 2)),
        Err(Error::Length {
            argument: "dy",
            expected: 6,
            found: 5
        })
    );
    assert_eq!(
        crate::log_softmax_backward(&x, &x, &mut y[..1], Shape::rows(3, 2)),
        Err(Error::Length {
            argument: "dx",
            expected: 6,
            found: 1
        })
    );
    assert_eq!(
        crate::log_softmax_backward_inplace(&x[..4], &mut y, Shape::rows(2, 2)),
        Err(Error::Length {
            argument: "dy",
            expected: 4,
            found: 6
        })
    );
    assert_eq!(
        crate::softmax_backward_inplace(&x, &mut y, Shape::new(3, usize::MAX, 7)),
        Err(Error::BadShape)
    );
    assert_eq!(y, [7.0; 6]);
    // A zero size is an empty tensor, whatever the others are.
    crate::softmax(&[], &mut [], Shape::new(usize::MAX, 0, usize::MAX)).unwrap();
    crate::log_softmax_backward_inplace(&[], &mut [], Shape::rows(5, 0)).unwrap();
}
