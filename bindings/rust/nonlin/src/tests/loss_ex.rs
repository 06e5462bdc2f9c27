//! The losses with PyTorch's options against an f64 reference (at the
//! header's bounds: cross_entropy_ex_loss 2 ulp, cross_entropy_ex_gradient
//! 4 ulp, bce_with_logits_loss and _gradient 2 ulp, each of the magnitude
//! the header names), and their length errors.
use super::{within, Rng};
use crate::{
    binary_cross_entropy_with_logits, cross_entropy_ex, cross_entropy_probs, ClassAxis, Error,
    Reduction,
};

const IGNORE: i64 = -100;

#[test]
fn cross_entropy_ex_matches_the_f64_reference() {
    let shape = ClassAxis { outer: 3, classes: 5, inner: 4 };
    let mut rng = Rng::new(7);
    let logits: Vec<f32> = (0..60).map(|_| rng.uniform(-6.0, 6.0)).collect();
    let target: Vec<i64> = (0..12)
        .map(|p| if p % 5 == 2 { IGNORE } else { (rng.next_u64() % 5) as i64 })
        .collect();
    let weight: Vec<f32> = (0..5).map(|_| rng.uniform(0.1, 2.0)).collect();
    let eps = 0.2_f64;
    let (mut sum, mut magnitude, mut divisor) = (0.0, 0.0, 0.0);
    let mut grad = vec![0.0_f64; 60];
    let mut grad_scale = vec![0.0_f64; 60];
    for p in 0..12 {
        let (o, i) = (p / 4, p % 4);
        let at = |c: usize| o * 20 + c * 4 + i;
        if target[p] == IGNORE {
            continue;
        }
        let t = target[p] as usize;
        divisor += weight[t] as f64;
        let m = (0..5).map(|c| logits[at(c)] as f64).fold(f64::NEG_INFINITY, f64::max);
        let s: f64 = (0..5).map(|c| (logits[at(c)] as f64 - m).exp()).sum();
        let wq = |c: usize| weight[c] as f64 * ((1.0 - eps) * (c == t) as u8 as f64 + eps / 5.0);
        let big_s: f64 = (0..5).map(wq).sum();
        for c in 0..5 {
            let nlp = s.ln() + m - logits[at(c)] as f64;
            sum += wq(c) * nlp;
            magnitude += (wq(c) * nlp).abs();
            let prob = (logits[at(c)] as f64 - m).exp() / s;
            grad[at(c)] = prob * big_s - wq(c);
            grad_scale[at(c)] = (prob * big_s).max(wq(c));
        }
    }
    let mut loss = [0.0_f32];
    let mut dlogits = vec![0.0_f32; 60];
    cross_entropy_ex(&logits, &target, Some(&weight), &mut loss, Some(&mut dlogits), shape,
                     IGNORE, eps as f32, Reduction::Mean)
    .unwrap();
    assert!(within(loss[0], sum / divisor, magnitude / divisor, 2.0), "{} {}", loss[0], sum);
    for k in 0..60 {
        assert!(
            within(dlogits[k], grad[k] / divisor, grad_scale[k] / divisor, 4.0),
            "gradient {k}: {} vs {}",
            dlogits[k],
            grad[k] / divisor
        );
    }
    // One-hot probabilities give the same per-position losses.
    let mut probs = vec![0.0_f32; 60];
    for p in 0..12 {
        if target[p] != IGNORE {
            probs[(p / 4) * 20 + target[p] as usize * 4 + p % 4] = 1.0;
        }
    }
    let (mut a, mut b) = ([0.0_f32; 12], [0.0_f32; 12]);
    cross_entropy_ex(&logits, &target, None, &mut a, None, shape, IGNORE, 0.0, Reduction::None)
        .unwrap();
    cross_entropy_probs(&logits, &probs, None, &mut b, None, shape, 0.0, Reduction::None)
        .unwrap();
    for p in 0..12 {
        if target[p] != IGNORE {
            assert!((a[p] - b[p]).abs() <= 1e-6 * a[p].abs(), "{p}: {} vs {}", a[p], b[p]);
        } else {
            assert_eq!(a[p], 0.0);
        }
    }
}

#[test]
fn binary_cross_entropy_with_logits_matches_the_f64_reference() {
    let mut rng = Rng::new(8);
    let logits: Vec<f32> = (0..40)
        .map(|k| rng.uniform(-8.0, 8.0) * if k % 7 == 0 { 1e29 } else { 1.0 })
        .collect();
    let target: Vec<f32> = (0..40).map(|_| rng.uniform(0.0, 1.0)).collect();
    let weight: Vec<f32> = (0..8).map(|_| rng.uniform(0.1, 2.0)).collect();
    let pos_weight: Vec<f32> = (0..8).map(|_| rng.uniform(0.0, 4.0)).collect();
    let mut loss = vec![0.0_f32; 40];
    let mut dlogits = vec![0.0_f32; 40];
    binary_cross_entropy_with_logits(&logits, &target, Some(&weight), Some(&pos_weight),
                                     &mut loss, Some(&mut dlogits), 8, Reduction::None)
    .unwrap();
    for k in 0..40 {
        let (x, t) = (logits[k] as f64, target[k] as f64);
        let (w, pw) = (weight[k % 8] as f64, pos_weight[k % 8] as f64);
        let lw = 1.0 + (pw - 1.0) * t;
        let l = (-x.abs()).exp().ln_1p();
        let (a, b) = (x.max(0.0) * (1.0 - t), x.min(0.0) * pw * t);
        let want = w * (a - b + lw * l);
        assert!(within(loss[k], want, w * (a.abs() + b.abs() + lw * l), 2.0), "loss {k}");
        let sg = 1.0 / (1.0 + x.abs().exp());
        let g = if x >= 0.0 { (1.0 - t) - lw * sg } else { lw * sg - pw * t };
        let scale = w * ((1.0 - t).abs() + pw * t + lw * sg);
        assert!(within(dlogits[k], w * g, scale, 2.0), "gradient {k}");
    }
}

#[test]
fn the_losses_with_options_check_lengths() {
    let shape = ClassAxis { outer: 2, classes: 3, inner: 1 };
    let x = [0.0_f32; 6];
    let mut loss = [0.0_f32];
    let err = cross_entropy_ex(&x, &[0], None, &mut loss, None, shape, IGNORE, 0.0,
                               Reduction::Mean);
    assert!(matches!(err, Err(Error::Length { argument: "target", .. })));
    let err = cross_entropy_ex(&x, &[0, 1], Some(&[1.0; 2]), &mut loss, None, shape, IGNORE,
                               0.0, Reduction::Mean);
    assert!(matches!(err, Err(Error::Length { argument: "weight", .. })));
    assert_eq!(
        cross_entropy_ex(&x, &[0, 1], None, &mut loss, None, shape, IGNORE, 1.5, Reduction::Mean),
        Err(Error::BadArgument)
    );
    assert_eq!(
        cross_entropy_ex(&x, &[0, 3], None, &mut loss, None, shape, IGNORE, 0.0, Reduction::Sum),
        Err(Error::BadTarget)
    );
    let err = cross_entropy_probs(&x, &x[..5], None, &mut loss, None, shape, 0.0, Reduction::Sum);
    assert!(matches!(err, Err(Error::Length { argument: "probs", .. })));
    let err = binary_cross_entropy_with_logits(&x, &x, None, None, &mut loss, None, 4,
                                               Reduction::Sum);
    assert!(matches!(err, Err(Error::Length { argument: "logits", .. })));
    assert_eq!(
        binary_cross_entropy_with_logits(&x, &x, None, None, &mut loss, None, 0, Reduction::Sum),
        Err(Error::BadShape)
    );
}
