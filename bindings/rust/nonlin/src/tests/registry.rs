//! The crate's table of elementwise ops against src/ops/registry.def, the
//! one list of them: same ops in the same order, same backward input, same
//! parameters (C name, PyTorch keyword, default) in the same order.
use crate::elementwise::{GRADIENTS, OPS};

const REGISTRY: &str = include_str!("../../../../../src/ops/registry.def");

/// One NONLIN_ELEMENTWISE line of the registry, split into its fields.
pub(crate) struct Entry {
    pub name: String,
    /// `input` or `output`.
    pub from: String,
    pub params: Vec<(String, String, String)>,
    pub forward_ulp: f64,
    pub backward_ulp: f64,
    /// `result` or `terms`.
    pub backward_scale: String,
}

/// Splits `s` at the commas outside parentheses.
fn split_top(s: &str) -> Vec<String> {
    let (mut fields, mut depth, mut field) = (Vec::new(), 0, String::new());
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                fields.push(field.trim().to_string());
                field.clear();
                continue;
            }
            _ => {}
        }
        field.push(c);
    }
    fields.push(field.trim().to_string());
    fields
}

/// The registry's entries, in order.
pub(crate) fn entries() -> Vec<Entry> {
    let code: String = REGISTRY
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join(" ");
    let mut out = Vec::new();
    for chunk in code.split("NONLIN_ELEMENTWISE(").skip(1) {
        // The arguments end at the parenthesis that closes the call.
        let mut depth = 1;
        let end = chunk
            .char_indices()
            .find(|&(_, c)| {
                depth += match c {
                    '(' => 1,
                    ')' => -1,
                    _ => 0,
                };
                depth == 0
            })
            .map(|(i, _)| i)
            .expect("a closing parenthesis");
        // The last three fields (the fast tier's functor and bounds) are
        // the C library's business: the crate calls whichever tier is set.
        let f = split_top(&chunk[..end]);
        assert_eq!(
            f.len(),
            12,
            "registry entry with {} fields: {}",
            f.len(),
            &chunk[..end]
        );
        let inner = f[4].trim_start_matches('(').trim_end_matches(')');
        let p: Vec<String> = if inner.trim().is_empty() {
            Vec::new()
        } else {
            split_top(inner)
        };
        assert_eq!(p.len() % 3, 0, "parameters of {}", f[0]);
        assert_eq!(
            p.len() / 3,
            f[3].parse::<usize>().unwrap(),
            "arity of {}",
            f[0]
        );
        out.push(Entry {
            name: f[0].clone(),
            from: f[2].clone(),
            params: p
                .chunks(3)
                .map(|c| (c[0].clone(), c[1].clone(), c[2].clone()))
                .collect(),
            forward_ulp: f[6].parse().unwrap(),
            backward_ulp: f[7].parse().unwrap(),
            backward_scale: f[8].clone(),
        });
    }
    assert!(
        out.len() >= 19,
        "read only {} entries from registry.def",
        out.len()
    );
    out
}

#[test]
fn the_crate_has_every_op_of_the_registry_in_its_order_with_its_parameters() {
    let registry = entries();
    let crate_names: Vec<&str> = OPS.iter().map(|op| op.name).collect();
    let registry_names: Vec<&str> = registry.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        crate_names, registry_names,
        "the elementwise! table and registry.def differ"
    );
    for (op, entry) in OPS.iter().zip(&registry) {
        let from = if op.from == "y" { "output" } else { "input" };
        assert_eq!(from, entry.from, "{}: the backward's input", op.name);
        let params: Vec<(String, String, String)> = op
            .params
            .iter()
            .map(|&(c, keyword, default)| (c.into(), keyword.into(), default.replace(' ', "")))
            .collect();
        assert_eq!(
            params, entry.params,
            "{}: parameters (C name, keyword, default)",
            op.name
        );
    }
}

#[test]
fn the_crate_has_every_gradient_of_the_registry_in_its_order() {
    let code: String = REGISTRY
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join(" ");
    let registry: Vec<&str> = code
        .split("NONLIN_GRADIENT(")
        .skip(1)
        .map(|chunk| chunk.split(',').next().unwrap().trim())
        .collect();
    assert!(!registry.is_empty(), "no NONLIN_GRADIENT line in registry.def");
    assert_eq!(GRADIENTS, registry.as_slice(), "the gradient! table and registry.def differ");
}

#[test]
fn gradients_from_the_input_match_the_formulas_in_double() {
    let x = [-30.0_f32, -3.5, -0.25, 0.0, 1e-20, 2.0, 9.0];
    let dy = [1.5_f32, -2.0, 0.5, 3.0, 1.0, -1.0, 1e30];
    let mut dx = [0.0_f32; 7];
    crate::sigmoid_backward_from_input(&x, &dy, &mut dx).unwrap();
    for i in 0..x.len() {
        let e = (-(x[i] as f64).abs()).exp();
        let want = dy[i] as f64 * e / ((1.0 + e) * (1.0 + e));
        assert!((dx[i] as f64 - want).abs() <= 2.5e-7 * want.abs(), "sigmoid' at {}", x[i]);
    }
    crate::tanh_backward_from_input(&x, &dy, &mut dx).unwrap();
    for i in 0..x.len() {
        let e = (-2.0 * (x[i] as f64).abs()).exp();
        let want = dy[i] as f64 * 4.0 * e / ((1.0 + e) * (1.0 + e));
        assert!((dx[i] as f64 - want).abs() <= 2.5e-7 * want.abs(), "tanh' at {}", x[i]);
    }
    let mut short = [0.0_f32; 6];
    assert!(crate::tanh_backward_from_input(&x, &dy, &mut short).is_err());
}
