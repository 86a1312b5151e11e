//! The committed C header is what the build generates, and its version macros, the
//! library's `as_version()` and `Cargo.toml` agree.

use std::ffi::CStr;

const COMMITTED: &str = include_str!("../include/authsignal_terminal.h");
const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/authsignal_terminal.h"));

#[test]
fn committed_header_matches_the_generated_one() {
    assert!(
        COMMITTED == GENERATED,
        "include/authsignal_terminal.h differs from what cbindgen generates: run `make header` and commit it"
    );
}

fn macro_value(name: &str) -> &'static str {
    let prefix = format!("#define {name} ");
    COMMITTED
        .lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("the header defines {name}"))
        .trim()
}

#[test]
fn version_macros_match_cargo_toml_and_as_version() {
    assert_eq!(
        macro_value("AS_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MAJOR")
    );
    assert_eq!(
        macro_value("AS_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_MINOR")
    );
    assert_eq!(
        macro_value("AS_VERSION_PATCH"),
        env!("CARGO_PKG_VERSION_PATCH")
    );
    assert_eq!(
        macro_value("AS_VERSION_STRING"),
        format!("\"{}\"", env!("CARGO_PKG_VERSION"))
    );
    // SAFETY: as_version returns a static NUL-terminated string.
    let version = unsafe { CStr::from_ptr(authsignal_terminal::ffi::error::as_version()) };
    assert_eq!(version.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    assert_eq!(authsignal_terminal::VERSION, env!("CARGO_PKG_VERSION"));
}

/// The functions the header declares: `as_name(` at a declaration's start.
fn declared_functions() -> std::collections::BTreeSet<String> {
    // Without comments (they hold semicolons) and preprocessor lines.
    let mut code = String::new();
    let mut rest = COMMITTED;
    while let Some(start) = rest.find("/*") {
        code.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    code.push_str(rest);
    let code: Vec<&str> = code
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect();
    let flat = code
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    flat.split(';')
        .filter_map(|statement| {
            // After an `extern "C" {` or a struct's closing brace, if any.
            let statement = statement.rsplit(['{', '}']).next()?;
            let head = &statement[..statement.find('(')?];
            let name = head.split_whitespace().last()?.trim_start_matches('*');
            (name.starts_with("as_") && !head.contains("typedef") && !head.contains('{'))
                .then(|| name.to_string())
        })
        .collect()
}

/// The functions src/ffi exports: every `#[no_mangle]` function, read from the sources.
fn exported_functions() -> std::collections::BTreeSet<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/ffi");
    let mut names = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let mut after_no_mangle = false;
        for line in text.lines() {
            let line = line.trim();
            if line == "#[no_mangle]" {
                after_no_mangle = true;
            } else if after_no_mangle && line.contains(" fn as_") {
                let name = line.split(" fn ").nth(1).unwrap();
                names.insert(name[..name.find('(').unwrap()].to_string());
                after_no_mangle = false;
            }
        }
    }
    names
}

#[test]
fn every_exported_function_is_declared_and_nothing_else() {
    let declared = declared_functions();
    let exported = exported_functions();
    assert!(exported.len() >= 36, "{exported:?}");
    assert_eq!(
        declared, exported,
        "the header declares exactly the functions src/ffi exports"
    );
    // The contract's fixed names (DESIGN.md) are among them.
    for name in [
        "as_create_payment_session",
        "as_create_payment_session_minor",
        "as_get_payment_session",
        "as_client_new",
        "as_client_wait_payment_session",
        "as_last_error_outcome_unknown",
        "as_result_name",
        "as_version",
    ] {
        assert!(declared.contains(name), "the header declares {name}");
    }
    assert!(COMMITTED.contains("as_result_name(unsigned int result)"));
    for guard in [
        "#ifndef AUTHSIGNAL_TERMINAL_H",
        "extern \"C\" {",
        "#ifdef __cplusplus",
    ] {
        assert!(COMMITTED.contains(guard), "the header has {guard}");
    }
}
