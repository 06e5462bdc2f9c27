//! Plain f64 references of the elementwise ops, written from their
//! definitions (include/nonlin/nonlin.h) in forms that neither cancel nor
//! overflow in double.

const SELU_ALPHA: f64 = 1.673_263_242_354_377_3;
const SELU_SCALE: f64 = 1.050_700_987_355_480_5;
const SQRT_2_OVER_PI: f64 = 0.797_884_560_802_865_4;
const GELU_TANH_K: f64 = 0.044_715;

fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// log(1 + e^x).
fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

/// erfc(z) for z >= 0: the Taylor series of erf below 1, the continued
/// fraction of erfc above.
fn erfc(z: f64) -> f64 {
    if z < 1.0 {
        let (mut sum, mut term, mut n) = (0.0_f64, z, 0.0);
        while term.abs() > 1e-20 * sum.abs().max(1e-300) {
            sum += term / (2.0 * n + 1.0);
            n += 1.0;
            term *= -z * z / n;
        }
        1.0 - sum * 2.0 / std::f64::consts::PI.sqrt()
    } else {
        // erfc(z) = e^-z^2 / sqrt(pi) / (z + (1/2) / (z + 1 / (z + (3/2) / (z + ...)))).
        let mut f = z;
        for k in (1..2000).rev() {
            f = z + (k as f64 / 2.0) / f;
        }
        (-z * z).exp() / std::f64::consts::PI.sqrt() / f
    }
}

/// The standard normal distribution function.
fn phi_cdf(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    if x < 0.0 {
        0.5 * erfc(z)
    } else {
        1.0 - 0.5 * erfc(z)
    }
}

fn phi_pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// The forward of op `name` at x with parameters p.
pub(crate) fn forward(name: &str, x: f64, p: &[f64]) -> f64 {
    if x.is_nan() {
        return x;
    }
    // x times a factor that vanishes faster than x grows: -0 at -inf.
    if x == f64::NEG_INFINITY && matches!(name, "silu" | "gelu_tanh" | "gelu" | "mish") {
        return -0.0;
    }
    match name {
        "sigmoid" => sigmoid(x),
        "tanh" => x.tanh(),
        "relu" => x.max(0.0),
        "relu6" => x.max(0.0).min(6.0),
        "leaky_relu" => {
            if x > 0.0 {
                x
            } else {
                p[0] * x
            }
        }
        "hardtanh" => x.max(p[0]).min(p[1]),
        "hardsigmoid" => (x + 3.0).max(0.0).min(6.0) / 6.0,
        "hardswish" => x * (x + 3.0).max(0.0).min(6.0) / 6.0,
        "softsign" => {
            if x.is_infinite() {
                x.signum()
            } else {
                x / (1.0 + x.abs())
            }
        }
        "exp" => x.exp(),
        "elu" => {
            if x > 0.0 {
                x
            } else {
                p[0] * x.exp_m1()
            }
        }
        "celu" => x.max(0.0) + (p[0] * (x / p[0]).exp_m1()).min(0.0),
        "selu" => SELU_SCALE * if x > 0.0 { x } else { SELU_ALPHA * x.exp_m1() },
        "softplus" => {
            if p[0] * x > p[1] {
                x
            } else {
                softplus(p[0] * x) / p[0]
            }
        }
        "logsigmoid" => -softplus(-x),
        "silu" => x * sigmoid(x),
        "gelu_tanh" => {
            // 0.5 (1 + tanh(u)) = sigmoid(2u): no cancellation for x < 0.
            x * sigmoid(2.0 * SQRT_2_OVER_PI * (x + GELU_TANH_K * x * x * x))
        }
        "gelu" => x * phi_cdf(x),
        "mish" => x * softplus(x).tanh(),
        _ => panic!("no reference for {}", name),
    }
}

/// The backward of op `name`: dx from a (the forward's x, or y for the ops
/// whose backward takes the output) and dy, with the scale of its bound:
/// |dx| itself, or for the `terms` ops |dy| times the magnitude of the terms
/// that cancel at the derivative's zero.
pub(crate) fn backward(name: &str, a: f64, dy: f64, p: &[f64]) -> (f64, f64) {
    let x = a;
    let derivative = match name {
        "sigmoid" => return (dy * a * (1.0 - a), 0.0),
        "tanh" => return (dy * (1.0 - a * a), 0.0),
        "relu" => {
            if x > 0.0 {
                1.0
            } else {
                0.0
            }
        }
        "relu6" => {
            if x > 0.0 && x < 6.0 {
                1.0
            } else {
                0.0
            }
        }
        "leaky_relu" => {
            if x > 0.0 {
                1.0
            } else {
                p[0]
            }
        }
        "hardtanh" => {
            if x > p[0] && x < p[1] {
                1.0
            } else {
                0.0
            }
        }
        "hardsigmoid" => {
            if x > -3.0 && x < 3.0 {
                1.0 / 6.0
            } else {
                0.0
            }
        }
        "hardswish" => {
            if x < -3.0 {
                0.0
            } else if x <= 3.0 {
                (2.0 * x + 3.0) / 6.0
            } else {
                1.0
            }
        }
        "softsign" => return (dy / (1.0 + x.abs()) / (1.0 + x.abs()), 0.0),
        "exp" => return (dy * x.exp(), 0.0),
        "elu" => return (if x > 0.0 { dy } else { dy * p[0] * x.exp() }, 0.0),
        "celu" => return (if x > 0.0 { dy } else { dy * (x / p[0]).exp() }, 0.0),
        "selu" => {
            return (
                if x > 0.0 {
                    dy * SELU_SCALE
                } else {
                    dy * SELU_SCALE * SELU_ALPHA * x.exp()
                },
                0.0,
            )
        }
        "softplus" => {
            if p[0] * x > p[1] {
                1.0
            } else {
                sigmoid(p[0] * x)
            }
        }
        "logsigmoid" => sigmoid(-x),
        "silu" => {
            let (s, t) = (sigmoid(x), sigmoid(-x));
            return (dy * s * (1.0 + x * t), dy.abs() * (s + x.abs() * s * t));
        }
        "gelu_tanh" => {
            let w = 2.0 * SQRT_2_OVER_PI * (x + GELU_TANH_K * x * x * x);
            let dw = 2.0 * SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_TANH_K * x * x);
            let (s, t) = (sigmoid(w), sigmoid(-w));
            return (
                dy * s * (1.0 + x * dw * t),
                dy.abs() * s * (1.0 + (x * dw).abs() * t),
            );
        }
        "gelu" => {
            let (c, d) = (phi_cdf(x), phi_pdf(x));
            return (dy * (c + x * d), dy.abs() * (c + x.abs() * d));
        }
        "mish" => {
            let sp = softplus(x);
            let (t, sech) = (sp.tanh(), 1.0 / sp.cosh());
            let g = x * sech * sech * sigmoid(x);
            return (dy * (t + g), dy.abs() * (t.abs() + g.abs()));
        }
        _ => panic!("no reference for {}", name),
    };
    (dy * derivative, 0.0)
}
