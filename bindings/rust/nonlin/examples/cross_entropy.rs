//! The loss and its gradient for a small batch: 4 rows of 5 logits, one
//! row ignored (target -100, PyTorch's ignore_index), mean reduction.
//! usage: cargo run --example cross_entropy
use nonlin::Reduction;

fn main() -> Result<(), nonlin::Error> {
    let classes = 5;
    let logits = [
        2.0_f32, 0.5, -1.0, 0.0, 1.0, //
        0.1, 0.2, 0.3, 0.4, 0.5, //
        1000.0, 0.0, -1000.0, 3.0, 2.0, // no overflow with large logits
        -1.0, 4.0, 0.0, 1.0, 0.0,
    ];
    let target = [0_i64, 4, 0, -100];
    let mut loss = [0.0_f32];
    let mut dlogits = [0.0_f32; 20];
    nonlin::cross_entropy(
        &logits,
        &target,
        &mut loss,
        Some(&mut dlogits),
        classes,
        Some(-100),
        Reduction::Mean,
    )?;
    let mut per_row = [0.0_f32; 4];
    nonlin::cross_entropy(
        &logits,
        &target,
        &mut per_row,
        None,
        classes,
        Some(-100),
        Reduction::None,
    )?;

    println!("nonlin {} on {}", nonlin::version(), nonlin::isa());
    println!("mean loss over the 3 rows not ignored: {:.6}", loss[0]);
    for (r, row) in dlogits.chunks(classes).enumerate() {
        let grad: Vec<String> = row.iter().map(|g| format!("{:+.6}", g)).collect();
        println!(
            "row {} target {:>4} loss {:>12.6}  dlogits [{}]",
            r,
            target[r],
            per_row[r],
            grad.join(", ")
        );
    }
    Ok(())
}
