//! Every elementwise op of the table: results against the f64 reference
//! within the registry's bounds, on random and extreme inputs and
//! parameters; in place bitwise equal to out of place; every error path.
use super::reference;
use super::registry::{entries, Entry};
use super::{extremes, settings, within, Op, Rng};
use crate::elementwise::OPS;
use crate::Error;

/// The parameter sets each op is tested with: its defaults, then others
/// that meet its condition.
fn parameter_sets(op: &Op) -> Vec<Vec<f32>> {
    let defaults: Vec<f32> = op
        .params
        .iter()
        .map(|p| p.2.replace(' ', "").parse().unwrap())
        .collect();
    let others: &[&[f32]] = match op.name {
        "leaky_relu" => &[&[-0.5], &[2.0], &[1e-30]],
        "hardtanh" => &[&[-0.25, 3.0], &[-1e30, 1e-30]],
        "elu" => &[&[0.5], &[-2.0]],
        "celu" => &[&[2.5], &[1e-3]],
        "softplus" => &[&[2.0, 5.0], &[0.5, 30.0]],
        _ => &[],
    };
    std::iter::once(defaults)
        .chain(others.iter().map(|p| p.to_vec()))
        .collect()
}

fn entry<'a>(registry: &'a [Entry], name: &str) -> &'a Entry {
    registry.iter().find(|e| e.name == name).unwrap()
}

/// Random inputs of moderate size, random magnitudes over the float range,
/// and the extremes.
fn inputs(rng: &mut Rng) -> Vec<f32> {
    let mut x: Vec<f32> = (0..300).map(|_| rng.uniform(-12.0, 12.0)).collect();
    x.extend((0..300).map(|_| rng.magnitude(-149.0, 128.0)));
    x.extend(extremes());
    x
}

/// dy over the range the header's backward bounds hold for: 2^-149 to
/// FLT_MAX, either sign.
fn gradients(rng: &mut Rng, n: usize) -> Vec<f32> {
    let mut dy: Vec<f32> = (0..n).map(|_| rng.magnitude(-20.0, 20.0)).collect();
    for (i, v) in [f32::from_bits(1), -1e-38, 1e30, -f32::MAX]
        .iter()
        .enumerate()
    {
        dy[i * 7 % n] = *v;
    }
    dy
}

#[test]
fn every_op_matches_the_f64_reference_within_the_registry_bound() {
    let registry = entries();
    let mut rng = Rng::new(19);
    let mut failures = Vec::new();
    for op in OPS {
        let e = entry(&registry, op.name);
        for params in parameter_sets(op) {
            let p64: Vec<f64> = params.iter().map(|&v| v as f64).collect();
            let x = inputs(&mut rng);
            let mut y = vec![0.0_f32; x.len()];
            (op.forward)(&x, &mut y, &params).unwrap();
            for (&xi, &yi) in x.iter().zip(&y) {
                let r = reference::forward(op.name, xi as f64, &p64);
                if !within(yi, r, 0.0, e.forward_ulp) {
                    failures.push(format!(
                        "{}{:?}({:e}) = {:e}, reference {:e}",
                        op.name, params, xi, yi, r
                    ));
                }
            }
            let a = if op.from == "y" { &y } else { &x };
            let dy = gradients(&mut rng, x.len());
            let mut dx = vec![0.0_f32; x.len()];
            (op.backward)(a, &dy, &mut dx, &params).unwrap();
            for i in 0..x.len() {
                let (r, terms) = reference::backward(op.name, a[i] as f64, dy[i] as f64, &p64);
                let scale = if e.backward_scale == "terms" {
                    terms
                } else {
                    0.0
                };
                if !within(dx[i], r, scale, e.backward_ulp) {
                    failures.push(format!(
                        "{}_backward{:?}({:e}, dy {:e}) = {:e}, reference {:e}",
                        op.name, params, a[i], dy[i], dx[i], r
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} results outside the bound:\n{}",
        failures.len(),
        failures[..failures.len().min(20)].join("\n")
    );
}

#[test]
fn nan_gives_nan_and_the_documented_infinities() {
    let expected: &[(&str, f32, f32)] = &[
        ("sigmoid", f32::NEG_INFINITY, 0.0),
        ("sigmoid", f32::INFINITY, 1.0),
        ("tanh", f32::NEG_INFINITY, -1.0),
        ("tanh", f32::INFINITY, 1.0),
        ("relu", f32::INFINITY, f32::INFINITY),
        ("exp", f32::NEG_INFINITY, 0.0),
        ("exp", 89.0, f32::INFINITY),
        ("softsign", f32::NEG_INFINITY, -1.0),
        ("silu", f32::NEG_INFINITY, -0.0),
        ("mish", f32::NEG_INFINITY, -0.0),
        ("gelu", f32::NEG_INFINITY, -0.0),
        ("gelu_tanh", f32::NEG_INFINITY, -0.0),
    ];
    for &(name, x, want) in expected {
        let op = OPS.iter().find(|op| op.name == name).unwrap();
        let mut y = [1.0_f32];
        (op.forward)(&[x], &mut y, &[]).unwrap();
        assert_eq!(y[0].to_bits(), want.to_bits(), "{}({})", name, x);
    }
    for op in OPS {
        let params = &parameter_sets(op)[0];
        let mut y = [0.0_f32; 2];
        (op.forward)(&[f32::NAN, -f32::NAN], &mut y, params).unwrap();
        assert!(y[0].is_nan() && y[1].is_nan(), "{}(NaN)", op.name);
        let mut dx = [0.0_f32; 2];
        (op.backward)(&[f32::NAN, 1.0], &[1.0, f32::NAN], &mut dx, params).unwrap();
        assert!(
            dx[0].is_nan() && dx[1].is_nan(),
            "{}_backward(NaN)",
            op.name
        );
    }
}

#[test]
fn in_place_is_bitwise_equal_to_out_of_place() {
    let _settings = settings();
    let mut rng = Rng::new(7);
    for op in OPS {
        for params in parameter_sets(op) {
            let mut x = inputs(&mut rng);
            x.push(f32::NAN);
            let mut y = vec![0.0_f32; x.len()];
            (op.forward)(&x, &mut y, &params).unwrap();
            let a = if op.from == "y" { y.clone() } else { x.clone() };
            let dy = gradients(&mut rng, x.len());
            let mut dx = vec![0.0_f32; x.len()];
            (op.backward)(&a, &dy, &mut dx, &params).unwrap();

            (op.forward_inplace)(&mut x, &params).unwrap();
            let mut grad = dy.clone();
            (op.backward_inplace)(&a, &mut grad, &params).unwrap();
            let bits = |v: &[f32]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&x), bits(&y), "{}_inplace", op.name);
            assert_eq!(bits(&grad), bits(&dx), "{}_backward_inplace", op.name);
        }
    }
}

#[test]
fn lengths_that_do_not_match_fail_before_the_call_and_write_nothing() {
    for op in OPS {
        let p = &parameter_sets(op)[0];
        let x = [0.5_f32; 4];
        let mut y = [7.0_f32; 5];
        assert_eq!(
            (op.forward)(&x, &mut y, p),
            Err(Error::Length {
                argument: "y",
                expected: 4,
                found: 5
            })
        );
        assert_eq!(y, [7.0; 5]);
        let mut dx = [7.0_f32; 4];
        assert_eq!(
            (op.backward)(&x, &[1.0; 3], &mut dx, p),
            Err(Error::Length {
                argument: "dy",
                expected: 4,
                found: 3
            })
        );
        assert_eq!(
            (op.backward)(&x, &[1.0; 4], &mut dx[..2], p),
            Err(Error::Length {
                argument: "dx",
                expected: 4,
                found: 2
            })
        );
        assert_eq!(dx, [7.0; 4]);
        assert_eq!(
            (op.backward_inplace)(&x, &mut dx[..3], p),
            Err(Error::Length {
                argument: "dy",
                expected: 4,
                found: 3
            })
        );
        assert_eq!(dx, [7.0; 4]);
        // Empty slices are a no-op.
        (op.forward)(&[], &mut [], p).unwrap();
        (op.forward_inplace)(&mut [], p).unwrap();
        (op.backward)(&[], &[], &mut [], p).unwrap();
        (op.backward_inplace)(&[], &mut [], p).unwrap();
    }
}

#[test]
fn bad_parameters_are_bad_arguments_and_write_nothing() {
    let bad: &[(&str, &[f32])] = &[
        ("leaky_relu", &[f32::NAN]),
        ("leaky_relu", &[f32::INFINITY]),
        ("hardtanh", &[1.0, 1.0]),
        ("hardtanh", &[2.0, -2.0]),
        ("hardtanh", &[f32::NEG_INFINITY, 1.0]),
        ("elu", &[f32::NAN]),
        ("celu", &[0.0]),
        ("celu", &[-1.0]),
        ("softplus", &[0.0, 20.0]),
        ("softplus", &[1.0, f32::NAN]),
    ];
    for &(name, params) in bad {
        let op = OPS.iter().find(|op| op.name == name).unwrap();
        let mut y = [7.0_f32; 3];
        assert_eq!(
            (op.forward)(&[1.0, -1.0, 0.0], &mut y, params),
            Err(Error::BadArgument),
            "{}{:?}",
            name,
            params
        );
        assert_eq!(
            (op.forward_inplace)(&mut y, params),
            Err(Error::BadArgument)
        );
        assert_eq!(
            (op.backward)(&[1.0; 3], &[1.0; 3], &mut y, params),
            Err(Error::BadArgument)
        );
        assert_eq!(
            (op.backward_inplace)(&[1.0; 3], &mut y, params),
            Err(Error::BadArgument)
        );
        assert_eq!(y, [7.0; 3], "{}{:?} wrote its output", name, params);
    }
}
