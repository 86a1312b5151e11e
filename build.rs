//! Generates the C header from the Rust sources with cbindgen.
//!
//! The header is written to `$OUT_DIR/authsignal_terminal.h` on every build; the
//! committed copy in `include/` is compared against it by `tests/header.rs`. `make header`
//! (which sets AUTHSIGNAL_TERMINAL_UPDATE_HEADER=1) refreshes the committed copy.

use std::env;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-env-changed=AUTHSIGNAL_TERMINAL_UPDATE_HEADER");

    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is readable and valid");
    let version = |part: &str| env::var(format!("CARGO_PKG_VERSION_{part}")).expect("version");
    config.after_includes = Some(format!(
        "\n/* The version of this header; as_version() gives the library's. */\n\
         #define AS_VERSION_MAJOR {}\n#define AS_VERSION_MINOR {}\n#define AS_VERSION_PATCH {}\n\
         #define AS_VERSION_STRING \"{}\"",
        version("MAJOR"),
        version("MINOR"),
        version("PATCH"),
        env::var("CARGO_PKG_VERSION").expect("version"),
    ));

    let header = out_dir.join("authsignal_terminal.h");
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write_to_file(&header);

    let committed = crate_dir.join("include").join("authsignal_terminal.h");
    if env::var_os("AUTHSIGNAL_TERMINAL_UPDATE_HEADER").is_some_and(|v| v == "1") {
        std::fs::copy(&header, &committed).expect("include/authsignal_terminal.h is writable");
    }
}
