//! Generates the C header from the Rust sources with cbindgen.
//!
//! The header is written to `$OUT_DIR/authsignal_terminal.h` on every build; the
//! committed copy in `include/` is compared against it by `tests/header.rs`. `make header`
//! (which sets AUTHSIGNAL_TERMINAL_UPDATE_HEADER=1) refreshes the committed copy.
//!
//! It also names the shared library for the dynamic linker (README, "ABI policy and
//! versions"): on Linux the SONAME `libauthsignal_terminal.so.<ABI>`, on macOS the install
//! name `@rpath/libauthsignal_terminal.<ABI>.dylib`, where <ABI> is `0.MINOR` while the
//! version is 0.x and `MAJOR` from 1.0 on (the same scheme as cargo-c). Next to the built
//! library it links that name to it, so programs linked against `target/<profile>/` run.
//! Other targets (Windows) get nothing: a DLL has no SONAME.

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

    name_the_shared_library(&out_dir);
}

/// The ABI version in the shared library's name: `0.MINOR` for 0.x, `MAJOR` from 1.0 on.
fn abi_version() -> String {
    let major = env::var("CARGO_PKG_VERSION_MAJOR").expect("version");
    let minor = env::var("CARGO_PKG_VERSION_MINOR").expect("version");
    if major == "0" {
        format!("0.{minor}")
    } else {
        major
    }
}

fn name_the_shared_library(out_dir: &std::path::Path) {
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let abi = abi_version();
    let (built, abi_name) = match target_os.as_str() {
        "linux" => {
            let soname = format!("libauthsignal_terminal.so.{abi}");
            println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
            ("libauthsignal_terminal.so".to_string(), soname)
        }
        "macos" => {
            let name = format!("libauthsignal_terminal.{abi}.dylib");
            let version = env::var("CARGO_PKG_VERSION").expect("version");
            println!("cargo:rustc-cdylib-link-arg=-Wl,-install_name,@rpath/{name}");
            println!("cargo:rustc-cdylib-link-arg=-Wl,-current_version,{version}");
            println!("cargo:rustc-cdylib-link-arg=-Wl,-compatibility_version,{abi}");
            ("libauthsignal_terminal.dylib".to_string(), name)
        }
        _ => return,
    };
    // OUT_DIR is <target>/<profile>/build/<package>-<hash>/out: the library is built three
    // levels up. The link may dangle until the library is linked, which is harmless.
    if let Some(profile_dir) = out_dir.ancestors().nth(3) {
        link_abi_name(&profile_dir.join(abi_name), &built);
    }
}

#[cfg(unix)]
fn link_abi_name(link: &std::path::Path, target: &str) {
    if std::fs::read_link(link).is_ok_and(|t| t.as_os_str() == target) {
        return;
    }
    let _ = std::fs::remove_file(link);
    if let Err(e) = std::os::unix::fs::symlink(target, link) {
        println!(
            "cargo:warning=could not link {} to {target}: {e}",
            link.display()
        );
    }
}

#[cfg(not(unix))]
fn link_abi_name(_link: &std::path::Path, _target: &str) {}
