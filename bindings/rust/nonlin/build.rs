//! This crate's tests and examples find libnonlin where nonlin-sys found it
//! (an rpath), so that `cargo test` and `cargo run --example` need no
//! LD_LIBRARY_PATH. Other programs: see the crate documentation.
fn main() {
    println!("cargo:rerun-if-env-changed=DEP_NONLIN_LIB_DIR");
    if let Ok(dir) = std::env::var("DEP_NONLIN_LIB_DIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir);
    }
}
