//! Finds libnonlin and links it: the directory in NONLIN_LIB_DIR, else the
//! one `pkg-config nonlin` names, else the `build/` directory of this
//! checkout. The directory is passed on to crates that depend on this one
//! as DEP_NONLIN_LIB_DIR (for an rpath in their tests and examples).
use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

fn has_library(dir: &Path) -> bool {
    dir.join("libnonlin.so").exists()
}

fn from_pkg_config() -> Option<PathBuf> {
    let out = Command::new("pkg-config")
        .args(["--variable=libdir", "nonlin"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let dir = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    if has_library(&dir) {
        Some(dir)
    } else {
        None
    }
}

fn main() {
    println!("cargo:rerun-if-env-changed=NONLIN_LIB_DIR");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../build");

    let dir = if let Some(dir) = env::var_os("NONLIN_LIB_DIR") {
        let dir = PathBuf::from(dir);
        if !has_library(&dir) {
            panic!(
                "nonlin-sys: NONLIN_LIB_DIR={} has no libnonlin.so",
                dir.display()
            );
        }
        dir
    } else if let Some(dir) = from_pkg_config() {
        dir
    } else if has_library(&checkout) {
        checkout.canonicalize().unwrap_or(checkout)
    } else {
        panic!(
            "nonlin-sys: libnonlin not found. Set NONLIN_LIB_DIR to the directory of \
             libnonlin.so, install nonlin where `pkg-config nonlin` finds it \
             (PKG_CONFIG_PATH=<prefix>/lib/pkgconfig), or build it in {} \
             (README.md, Install).",
            checkout.display()
        );
    };
    println!(
        "cargo:rerun-if-changed={}",
        dir.join("libnonlin.so").display()
    );
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=dylib=nonlin");
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
    println!("cargo:lib_dir={}", dir.display());
}
