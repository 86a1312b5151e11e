//! Every C ABI enum has one source (a `#[repr(u32)]` enum with `#[derive(CEnum)]` in
//! src/ffi), from which cbindgen writes the header's `typedef uint32_t` and constants. The
//! wrappers keep their own copies for their languages; this test reads the header and
//! checks each copy (C#, Python, Java, C++, Node.js) against it, so a value added in Rust
//! cannot be forgotten in one of them. Also: the Rust side's names and numbers agree with
//! the header.

use std::collections::BTreeMap;
use std::ffi::CStr;

use authsignal_terminal::ffi::as_result;
use authsignal_terminal::ffi::client_options::as_region;
use authsignal_terminal::ffi::log::as_log_level;
use authsignal_terminal::ffi::payment_session::as_payment_status;

const HEADER: &str = include_str!("../include/authsignal_terminal.h");
const HPP: &str = include_str!("../include/authsignal_terminal.hpp");
const CS_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/bindings/csharp/Authsignal.Terminal"
);
const JAVA_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/bindings/java/src/main/java/com/authsignal/terminal"
);
const PY_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/bindings/python/src/authsignal_terminal"
);

const NODE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/bindings/node/lib");

/// The constants of one enum in the header: `AS_RESULT_OK` -> 0, …
fn header_enum(name: &str) -> BTreeMap<String, u32> {
    let start = HEADER
        .find(&format!("enum {name}\n"))
        .unwrap_or_else(|| panic!("the header declares enum {name}"));
    let body = &HEADER[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find("};").unwrap()];
    let mut values = BTreeMap::new();
    for line in body.lines() {
        let line = line.trim().trim_end_matches(',');
        if let Some((constant, number)) = line.split_once(" = ") {
            if constant.starts_with("AS_") {
                values.insert(constant.to_string(), number.trim().parse().unwrap());
            }
        }
    }
    assert!(!values.is_empty(), "{name} has constants");
    values
}

/// `AS_RESULT_STILL_PENDING` with prefix `AS_RESULT_` -> `StillPending`.
fn pascal(constant: &str, prefix: &str) -> String {
    constant
        .strip_prefix(prefix)
        .unwrap()
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            let first = c.next().unwrap();
            first.to_string() + &c.as_str().to_lowercase()
        })
        .collect()
}

/// `Name = N,` members of a C# enum.
fn csharp_enum(file: &str, enum_name: &str) -> BTreeMap<String, u32> {
    let text = std::fs::read_to_string(format!("{CS_DIR}/{file}")).unwrap();
    let start = text
        .find(&format!("enum {enum_name}"))
        .unwrap_or_else(|| panic!("{file} declares enum {enum_name}"));
    let body = &text[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find('}').unwrap()];
    body.lines()
        .map(|l| l.trim().trim_end_matches(','))
        .filter(|l| !l.starts_with("//") && !l.starts_with('['))
        .filter_map(|l| l.split_once(" = "))
        .map(|(n, v)| (n.trim().to_string(), v.trim().parse().unwrap()))
        .collect()
}

fn check_csharp(header: &str, prefix: &str, file: &str, enum_name: &str) {
    let want: BTreeMap<String, u32> = header_enum(header)
        .into_iter()
        .map(|(c, v)| (pascal(&c, prefix), v))
        .collect();
    assert_eq!(
        csharp_enum(file, enum_name),
        want,
        "C# {enum_name} ({file}) follows {header} in the header"
    );
}

#[test]
fn the_rust_enums_are_the_header_s() {
    fn check<T: Copy>(header: &str, all: &[T], number: fn(T) -> u32, name: fn(T) -> &'static CStr) {
        let rust: BTreeMap<String, u32> = all
            .iter()
            .map(|&v| (name(v).to_str().unwrap().to_string(), number(v)))
            .collect();
        assert_eq!(rust, header_enum(header), "{header}");
    }
    check("as_result", as_result::ALL, |v| v as u32, as_result::c_name);
    check(
        "as_payment_status",
        as_payment_status::ALL,
        |v| v as u32,
        as_payment_status::c_name,
    );
    check("as_region", as_region::ALL, |v| v as u32, as_region::c_name);
    check(
        "as_log_level",
        as_log_level::ALL,
        |v| v as u32,
        as_log_level::c_name,
    );
    // A number from C is checked, never trusted.
    assert_eq!(as_result::from_u32(13), Some(as_result::Internal));
    assert_eq!(as_result::from_u32(u32::MAX), None);
    assert_eq!(as_region::from_u32(4), None);
}

#[test]
fn the_csharp_copies_follow_the_header() {
    check_csharp(
        "as_result",
        "AS_RESULT_",
        "TerminalResult.cs",
        "TerminalResult",
    );
    check_csharp(
        "as_payment_status",
        "AS_PAYMENT_STATUS_",
        "PaymentStatus.cs",
        "PaymentStatus",
    );
    check_csharp(
        "as_region",
        "AS_REGION_",
        "TerminalRegion.cs",
        "TerminalRegion",
    );
    check_csharp(
        "as_log_level",
        "AS_LOG_LEVEL_",
        "TerminalLogLevel.cs",
        "TerminalLogLevel",
    );
}

/// The members of a Python enum class, in order, as `NAME = "value"` lines.
fn python_enum_members(text: &str, class: &str) -> Vec<String> {
    let start = text
        .find(&format!("class {class}("))
        .unwrap_or_else(|| panic!("class {class}"));
    text[start..]
        .lines()
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with(' '))
        .filter_map(|l| {
            let l = l.trim();
            let (name, _) = l.split_once(" = ")?;
            (name.chars().all(|c| c.is_ascii_uppercase() || c == '_')).then(|| name.to_string())
        })
        .collect()
}

#[test]
fn the_python_copies_follow_the_header() {
    let client = std::fs::read_to_string(format!("{PY_DIR}/_client.py")).unwrap();
    // PaymentStatus and Region are numbered by their position in the class.
    for (class, header, prefix) in [
        ("PaymentStatus", "as_payment_status", "AS_PAYMENT_STATUS_"),
        ("Region", "as_region", "AS_REGION_"),
    ] {
        let by_number: BTreeMap<u32, String> = header_enum(header)
            .into_iter()
            .map(|(c, v)| (v, c.strip_prefix(prefix).unwrap().to_string()))
            .collect();
        let positions: Vec<u32> = by_number.keys().copied().collect();
        assert_eq!(
            positions,
            (0..by_number.len() as u32).collect::<Vec<_>>(),
            "{header} is numbered 0..n, as Python's positions assume"
        );
        assert_eq!(
            python_enum_members(&client, class),
            by_number.into_values().collect::<Vec<_>>(),
            "Python {class} lists {header}'s values in number order"
        );
    }
    // Every failure result has an exception class, and no other number does.
    let errors = std::fs::read_to_string(format!("{PY_DIR}/_errors.py")).unwrap();
    let start = errors.find("ERROR_CLASSES").unwrap();
    let body = &errors[start..errors[start..].find('}').unwrap() + start];
    let python: Vec<u32> = body
        .lines()
        .filter_map(|l| l.trim().split_once(':'))
        .filter_map(|(n, _)| n.trim().parse().ok())
        .collect();
    let mut want: Vec<u32> = header_enum("as_result")
        .into_iter()
        .filter(|(c, _)| c != "AS_RESULT_OK")
        .map(|(_, v)| v)
        .collect();
    want.sort();
    assert_eq!(
        python, want,
        "Python's ERROR_CLASSES cover every failure result"
    );
    // The log levels the Python handler maps.
    let log = std::fs::read_to_string(format!("{PY_DIR}/_log.py")).unwrap();
    for (_, number) in header_enum("as_log_level") {
        assert!(
            log.contains(&format!("{number}: logging.")),
            "Python's _log.py maps log level {number}"
        );
    }
}

/// `NAME(N),` members of a Java enum (up to the `;` that ends the constants).
fn java_enum(file: &str, enum_name: &str) -> BTreeMap<String, u32> {
    let text = std::fs::read_to_string(format!("{JAVA_DIR}/{file}")).unwrap();
    let start = text
        .find(&format!("enum {enum_name} {{"))
        .unwrap_or_else(|| panic!("{file} declares enum {enum_name}"));
    let body = &text[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find(';').unwrap() + 1];
    body.lines()
        .map(|l| l.trim().trim_end_matches([',', ';']))
        .filter(|l| !l.starts_with("//") && !l.starts_with("/*") && !l.starts_with('*'))
        .filter_map(|l| l.strip_suffix(')')?.split_once('('))
        .map(|(n, v)| (n.trim().to_string(), v.trim().parse().unwrap()))
        .collect()
}

#[test]
fn the_java_copies_follow_the_header() {
    for (header, prefix, file, enum_name) in [
        (
            "as_result",
            "AS_RESULT_",
            "TerminalResult.java",
            "TerminalResult",
        ),
        (
            "as_payment_status",
            "AS_PAYMENT_STATUS_",
            "PaymentStatus.java",
            "PaymentStatus",
        ),
        (
            "as_region",
            "AS_REGION_",
            "TerminalRegion.java",
            "TerminalRegion",
        ),
        (
            "as_log_level",
            "AS_LOG_LEVEL_",
            "TerminalLogLevel.java",
            "TerminalLogLevel",
        ),
    ] {
        let want: BTreeMap<String, u32> = header_enum(header)
            .into_iter()
            .map(|(c, v)| (c.strip_prefix(prefix).unwrap().to_string(), v))
            .collect();
        assert_eq!(
            java_enum(file, enum_name),
            want,
            "Java {enum_name} ({file}) follows {header} in the header"
        );
    }
    // Every failure result has its exception: a case in NativeError (INTERNAL is the default).
    let errors = std::fs::read_to_string(format!("{JAVA_DIR}/internal/NativeError.java")).unwrap();
    for constant in header_enum("as_result").keys() {
        let name = constant.strip_prefix("AS_RESULT_").unwrap();
        if name != "OK" && name != "INTERNAL" {
            assert!(
                errors.contains(&format!("case {name}:")),
                "Java's NativeError maps {constant} to its exception"
            );
        }
    }
}

#[test]
fn the_cpp_wrapper_names_every_status_and_region() {
    for header in ["as_payment_status", "as_region"] {
        for constant in header_enum(header).keys() {
            assert!(
                HPP.contains(&format!("= {constant},")),
                "include/authsignal_terminal.hpp maps {constant}"
            );
        }
    }
}

/// `Name: N,` members of a frozen object `const <name> = Object.freeze({ ... });` in JS.
fn node_enum(text: &str, name: &str) -> BTreeMap<String, u32> {
    let start = text
        .find(&format!("const {name} = Object.freeze({{"))
        .unwrap_or_else(|| panic!("lib/enums.js declares {name}"));
    let body = &text[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find('}').unwrap()];
    body.lines()
        .map(|l| l.trim().trim_end_matches(','))
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.trim().to_string(), v.trim().parse().unwrap()))
        .collect()
}

#[test]
fn the_node_copies_follow_the_header() {
    let enums = std::fs::read_to_string(format!("{NODE_DIR}/enums.js")).unwrap();
    for (header, prefix, name) in [
        ("as_result", "AS_RESULT_", "TerminalResult"),
        (
            "as_payment_status",
            "AS_PAYMENT_STATUS_",
            "PaymentStatusNumber",
        ),
        ("as_region", "AS_REGION_", "RegionNumber"),
        ("as_log_level", "AS_LOG_LEVEL_", "LogLevelNumber"),
    ] {
        let want: BTreeMap<String, u32> = header_enum(header)
            .into_iter()
            .map(|(c, v)| (pascal(&c, prefix), v))
            .collect();
        assert_eq!(
            node_enum(&enums, name),
            want,
            "Node {name} (bindings/node/lib/enums.js) follows {header} in the header"
        );
    }
    // Every failure result has an error class, and no other number does.
    let errors = std::fs::read_to_string(format!("{NODE_DIR}/errors.js")).unwrap();
    let start = errors.find("const ERROR_CLASSES = {").unwrap();
    let body = &errors[start..errors[start..].find('}').unwrap() + start];
    let node: Vec<u32> = body
        .lines()
        .filter_map(|l| l.trim().split_once(':'))
        .filter_map(|(n, _)| n.trim().parse().ok())
        .collect();
    let mut want: Vec<u32> = header_enum("as_result")
        .into_iter()
        .filter(|(c, _)| c != "AS_RESULT_OK")
        .map(|(_, v)| v)
        .collect();
    want.sort();
    assert_eq!(
        node, want,
        "Node's ERROR_CLASSES cover every failure result"
    );
    // The header's number types are declared as the C ABI has them.
    let native = std::fs::read_to_string(format!("{NODE_DIR}/native.js")).unwrap();
    for function in [
        "as_client_new",
        "as_client_create_payment_session",
        "as_client_create_payment_session_minor",
        "as_client_get_payment_session",
        "as_client_wait_payment_session",
        "as_client_find_payment_session",
        "as_client_forget_reference",
        "as_client_diagnose",
        "as_set_log_callback",
    ] {
        assert!(
            native.contains(&format!("'uint32_t {function}(")),
            "bindings/node/lib/native.js declares {function} returning as_result (uint32_t)"
        );
    }
}
