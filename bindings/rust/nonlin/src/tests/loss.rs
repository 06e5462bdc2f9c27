//! The losses against an f64 reference, the ignore index, the reductions
//! and every error path.
use super::{within, Rng};
use crate::{cross_entropy, cross_entropy_inplace, nll_loss, nll_loss_backward, Error, Reduction};

const REDUCTIONS: [Reduction; 3] = [Reduction::None, Reduction::Mean, Reduction::Sum];

/// Per-row cross-entropy losses and gradient rows (softmax - onehot) of
/// the rows that are not ignored, in f64; None for an ignored row.
fn reference(
    logits: &[f32],
    target: &[i64],
    classes: usize,
    ignore: i64,
) -> Vec<Option<(f64, Vec<f64>)>> {
    logits
        .chunks(classes)
        .zip(target)
        .map(|(row, &t)| {
            if t == ignore {
                return None;
            }
            let m = row
                .iter()
                .map(|&v| v as f64)
                .fold(f64::NEG_INFINITY, f64::max);
            let sum: f64 = row.iter().map(|&v| (v as f64 - m).exp()).sum();
            let loss = sum.ln() - (row[t as usize] as f64 - m);
            let grad = row
                .iter()
                .enumerate()
                .map(|(c, &v)| (v as f64 - m).exp() / sum - if c as i64 == t { 1.0 } else { 0.0 })
                .collect();
            Some((loss, grad))
        })
        .collect()
}

#[test]
fn cross_entropy_and_nll_match_the_f64_reference() {
    let mut rng = Rng::new(11);
    let (rows, classes) = (9, 13);
    let mut logits: Vec<f32> = (0..rows * classes)
        .map(|_| rng.uniform(-8.0, 8.0))
        .collect();
    logits[..classes]
        .iter_mut()
        .enumerate()
        .for_each(|(c, v)| *v = 1e4 * c as f32); // a confident row
    let target: Vec<i64> = (0..rows)
        .map(|r| {
            if r == 4 {
                -100
            } else {
                (r * 5 % classes) as i64
            }
        })
        .collect();
    let per_row = reference(&logits, &target, classes, -100);
    let count = per_row.iter().flatten().count() as f64;
    for reduction in REDUCTIONS {
        let n = if reduction == Reduction::None {
            rows
        } else {
            1
        };
        let (mut loss, mut dlogits) = (vec![0.0_f32; n], vec![0.0_f32; rows * classes]);
        cross_entropy(
            &logits,
            &target,
            &mut loss,
            Some(&mut dlogits),
            classes,
            Some(-100),
            reduction,
        )
        .unwrap();
        let scale = if reduction == Reduction::Mean {
            1.0 / count
        } else {
            1.0
        };
        let sum: f64 = per_row.iter().flatten().map(|(l, _)| l).sum();
        for (r, row) in per_row.iter().enumerate() {
            let (l, g) = row.clone().unwrap_or((0.0, vec![0.0; classes]));
            if reduction == Reduction::None {
                assert!(
                    within(loss[r], l, 0.0, 2.0),
                    "row {}: {} vs {}",
                    r,
                    loss[r],
                    l
                );
            }
            for c in 0..classes {
                let got = dlogits[r * classes + c];
                assert!(
                    within(got, g[c] * scale, 0.0, 4.0),
                    "dlogits[{}, {}] = {:e} vs {:e}",
                    r,
                    c,
                    got,
                    g[c] * scale
                );
            }
        }
        if reduction != Reduction::None {
            assert!(
                within(loss[0], sum * scale, 0.0, 2.0),
                "{:?}: {} vs {}",
                reduction,
                loss[0],
                sum * scale
            );
        }

        // nll_loss on the library's log_softmax gives the same losses.
        let mut logp = vec![0.0_f32; rows * classes];
        crate::log_softmax(&logits, &mut logp, crate::Shape::rows(rows, classes)).unwrap();
        let mut nll = vec![0.0_f32; n];
        nll_loss(&logp, &target, &mut nll, classes, Some(-100), reduction).unwrap();
        let expected: Vec<f64> = target
            .iter()
            .enumerate()
            .map(|(r, &t)| {
                if t == -100 {
                    0.0
                } else {
                    -logp[r * classes + t as usize] as f64
                }
            })
            .collect();
        if reduction == Reduction::None {
            assert!(
                nll.iter().zip(&expected).all(|(&a, &b)| a as f64 == b),
                "nll {:?}",
                nll
            );
        } else {
            let total: f64 = expected.iter().sum::<f64>() * scale;
            assert!(
                within(nll[0], total, 0.0, 1.0),
                "nll {:?}: {} vs {}",
                reduction,
                nll[0],
                total
            );
        }
        let dloss: Vec<f32> = (0..n).map(|i| 0.5 + i as f32).collect();
        let mut dinput = vec![1.0_f32; rows * classes];
        nll_loss_backward(&target, &dloss, &mut dinput, classes, Some(-100), reduction).unwrap();
        for r in 0..rows {
            for c in 0..classes {
                let hit = target[r] == c as i64;
                let d = if reduction == Reduction::None {
                    dloss[r] as f64
                } else {
                    dloss[0] as f64 * scale
                };
                let want = if hit { -d } else { 0.0 };
                assert!(
                    within(dinput[r * classes + c], want, 0.0, 0.5),
                    "dinput[{}, {}]",
                    r,
                    c
                );
            }
        }
    }
}

#[test]
fn cross_entropy_in_place_is_bitwise_equal() {
    let _settings = super::settings();
    let mut rng = Rng::new(12);
    let logits: Vec<f32> = (0..40).map(|_| rng.uniform(-5.0, 5.0)).collect();
    let target = [0_i64, 3, 9, 1];
    for reduction in REDUCTIONS {
        let n = if reduction == Reduction::None { 4 } else { 1 };
        let (mut loss, mut dlogits) = (vec![0.0_f32; n], vec![0.0_f32; 40]);
        cross_entropy(
            &logits,
            &target,
            &mut loss,
            Some(&mut dlogits),
            10,
            None,
            reduction,
        )
        .unwrap();
        let mut loss_only = vec![0.0_f32; n];
        cross_entropy(&logits, &target, &mut loss_only, None, 10, None, reduction).unwrap();
        let (mut inplace, mut loss2) = (logits.clone(), vec![0.0_f32; n]);
        cross_entropy_inplace(&mut inplace, &target, &mut loss2, 10, None, reduction).unwrap();
        let bits = |v: &[f32]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&inplace), bits(&dlogits));
        assert_eq!(bits(&loss2), bits(&loss));
        assert_eq!(bits(&loss_only), bits(&loss));
    }
}

#[test]
fn ignore_index_none_ignores_no_row() {
    let logits = [0.0_f32; 6];
    let mut loss = [7.0_f32];
    // -100 is a class index like any other out-of-range one without an ignore index.
    assert_eq!(
        cross_entropy(
            &logits,
            &[0, -100],
            &mut loss,
            None,
            3,
            None,
            Reduction::Mean
        ),
        Err(Error::BadTarget)
    );
    assert_eq!(
        nll_loss(&logits, &[i64::MIN, 0], &mut loss, 3, None, Reduction::Sum),
        Err(Error::BadTarget)
    );
    assert_eq!(loss, [7.0]);
    // With it, the row is skipped; a mean over no row is NaN, as in PyTorch.
    cross_entropy(
        &logits,
        &[0, -100],
        &mut loss,
        None,
        3,
        Some(-100),
        Reduction::Sum,
    )
    .unwrap();
    assert!((loss[0] as f64 - 3f64.ln()).abs() < 1e-6);
    nll_loss(
        &logits,
        &[i64::MIN, i64::MIN],
        &mut loss,
        3,
        Some(i64::MIN),
        Reduction::Mean,
    )
    .unwrap();
    assert!(loss[0].is_nan());
    let mut dinput = [7.0_f32; 6];
    nll_loss_backward(
        &[i64::MIN, 2],
        &[1.0],
        &mut dinput,
        3,
        Some(i64::MIN),
        Reduction::Sum,
    )
    .unwrap();
    assert_eq!(dinput, [0.0, 0.0, 0.0, 0.0, 0.0, -1.0]);
    // No rows: Sum gives 0, Mean NaN.
    nll_loss(&[], &[], &mut loss, 3, None, Reduction::Sum).unwrap();
    assert_eq!(loss, [0.0]);
}

#[test]
fn every_loss_error_path() {
    let logits = [0.0_f32; 6];
    let mut loss = [7.0_f32; 2];
    let mut d = [7.0_f32; 6];
    let length = |argument, expected, found| {
        Err(Error::Length {
            argument,
            expected,
            found,
        })
    };
    assert_eq!(
        nll_loss(&logits, &[0, 1], &mut loss[..1], 2, None, Reduction::Mean),
        length("input", 4, 6)
    );
    assert_eq!(
        nll_loss(&logits, &[0, 1], &mut loss[..1], 3, None, Reduction::None),
        length("loss", 2, 1)
    );
    assert_eq!(
        nll_loss(&logits, &[0, 1], &mut loss, 3, None, Reduction::Sum),
        length("loss", 1, 2)
    );
    assert_eq!(
        nll_loss(
            &logits,
            &[0, 3],
            &mut loss[..1],
            3,
            Some(-1),
            Reduction::Sum
        ),
        Err(Error::BadTarget)
    );
    assert_eq!(
        nll_loss(&[], &[0, 1], &mut loss[..1], 0, None, Reduction::Sum),
        Err(Error::BadShape)
    );
    assert_eq!(
        nll_loss(&[], &[i64::MIN], &mut loss[..1], 0, None, Reduction::Sum),
        Err(Error::BadShape)
    );
    assert_eq!(
        nll_loss(
            &logits,
            &[0, 1],
            &mut loss[..1],
            usize::MAX,
            None,
            Reduction::Sum
        ),
        Err(Error::BadShape)
    );
    assert_eq!(
        nll_loss_backward(&[0, 1], &[1.0], &mut d[..5], 3, None, Reduction::Mean),
        length("dinput", 6, 5)
    );
    assert_eq!(
        nll_loss_backward(&[0, 1], &[1.0], &mut d, 3, None, Reduction::None),
        length("dloss", 2, 1)
    );
    assert_eq!(
        nll_loss_backward(&[0, -5], &[1.0], &mut d, 3, None, Reduction::Sum),
        Err(Error::BadTarget)
    );
    assert_eq!(
        cross_entropy(
            &logits,
            &[0, 1],
            &mut loss[..1],
            Some(&mut d[..4]),
            3,
            None,
            Reduction::Sum
        ),
        length("dlogits", 6, 4)
    );
    assert_eq!(
        cross_entropy(&logits, &[0], &mut loss[..1], None, 3, None, Reduction::Sum),
        length("logits", 3, 6)
    );
    assert_eq!(
        cross_entropy_inplace(&mut d, &[0, 7], &mut loss[..1], 3, None, Reduction::Sum),
        Err(Error::BadTarget)
    );
    assert_eq!(
        cross_entropy_inplace(&mut d, &[0, 1], &mut loss, 3, None, Reduction::Mean),
        length("loss", 1, 2)
    );
    assert_eq!(loss, [7.0; 2]);
    assert_eq!(d, [7.0; 6]);
}
