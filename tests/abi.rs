//! The ABI policy, enforced: `abi/baseline.txt` holds the C ABI of the last release (every
//! exported function with its signature, every enum value and every `#define`, read from
//! the header), and this test fails when the committed header breaks it while the ABI
//! version (0.MINOR before 1.0, MAJOR after; README, "ABI policy and versions") has not
//! moved. Adding a function, an option or an `as_result` value is compatible; removing or
//! changing anything, or adding an `as_payment_status` value, is breaking.
//!
//! At a release, refresh the baseline: `make abi-baseline`
//! (`AUTHSIGNAL_TERMINAL_UPDATE_ABI=1 cargo test --test abi`), and commit it.

use std::collections::BTreeMap;

const HEADER: &str = include_str!("../include/authsignal_terminal.h");
const BASELINE_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/abi/baseline.txt");

/// The ABI items of a header: name -> normalized declaration or value.
fn abi_of(header: &str) -> BTreeMap<String, String> {
    let code = strip_comments(header);
    let mut items = BTreeMap::new();
    for line in code.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("#define AS_") {
            let mut parts = rest.splitn(2, char::is_whitespace);
            let name = format!("AS_{}", parts.next().unwrap_or_default());
            let value = parts.next().unwrap_or_default().trim().to_string();
            items.insert(format!("define {name}"), value);
        }
    }
    // Without preprocessor lines (the `#if` around an enum's fixed width), for the rest.
    let code: String = code
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    // Enum constants: `AS_X = N,` inside enum bodies.
    for body in code.split("enum ").skip(1) {
        let Some(open) = body.find('{') else { continue };
        let Some(close) = body.find('}') else {
            continue;
        };
        let enum_name = body[..open]
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        for entry in body[open + 1..close].split(',') {
            if let Some((name, value)) = entry.split_once('=') {
                items.insert(
                    format!("value {}", name.trim()),
                    format!("{} in {enum_name}", value.trim()),
                );
            }
        }
    }
    // Function declarations: one statement ending in `);` that names an as_ function.
    let flat = code.split_whitespace().collect::<Vec<_>>().join(" ");
    for statement in flat.split(';') {
        let statement = statement.trim();
        let Some(paren) = statement.find('(') else {
            continue;
        };
        if !statement.ends_with(')') || statement.contains('{') || statement.starts_with('#') {
            continue;
        }
        let head = &statement[..paren];
        let Some(name) = head.split_whitespace().last() else {
            continue;
        };
        let name = name.trim_start_matches('*');
        if name.starts_with("as_") && !head.contains("typedef") {
            items.insert(
                format!("fn {name}"),
                statement.replace("( ", "(").replace(" )", ")"),
            );
        }
    }
    // Typedefs that fix a type's width (`typedef uint32_t as_result;`).
    for statement in flat.split(';') {
        let statement = statement.trim();
        if let Some(rest) = statement.strip_prefix("typedef ") {
            if !rest.contains('{') && !rest.contains('(') {
                if let Some(name) = rest.split_whitespace().last() {
                    items.insert(format!("type {name}"), rest.to_string());
                }
            }
        }
    }
    items.remove("define AS_VERSION_MAJOR");
    items.remove("define AS_VERSION_MINOR");
    items.remove("define AS_VERSION_PATCH");
    items.remove("define AS_VERSION_STRING");
    items
}

fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start..].find("*/") {
            Some(end) => rest = &rest[start + end + 2..],
            None => return out,
        }
    }
    out.push_str(rest);
    out.lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The ABI version a package version belongs to: "0.MINOR" before 1.0, else "MAJOR".
fn abi_version(version: &str) -> String {
    let mut parts = version.split('.');
    let major = parts.next().unwrap_or("0");
    let minor = parts.next().unwrap_or("0");
    if major == "0" {
        format!("0.{minor}")
    } else {
        major.to_string()
    }
}

fn render(version: &str, items: &BTreeMap<String, String>) -> String {
    let mut text = format!(
        "# The C ABI of libauthsignal_terminal {version}, read from include/authsignal_terminal.h\n\
         # by tests/abi.rs. Refresh at a release only: make abi-baseline.\nversion {version}\n"
    );
    for (name, value) in items {
        text.push_str(&format!("{name} = {value}\n"));
    }
    text
}

fn parse_baseline(text: &str) -> (String, BTreeMap<String, String>) {
    let mut version = String::new();
    let mut items = BTreeMap::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some(v) = line.strip_prefix("version ") {
            version = v.trim().to_string();
        } else if let Some((name, value)) = line.split_once(" = ") {
            items.insert(name.to_string(), value.to_string());
        }
    }
    (version, items)
}

/// What breaks the baseline's ABI: removed or changed items, and new payment statuses.
fn breaking_changes(
    baseline: &BTreeMap<String, String>,
    current: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut breaks = Vec::new();
    for (name, value) in baseline {
        match current.get(name) {
            None => breaks.push(format!("removed: {name} = {value}")),
            Some(now) if now != value => {
                breaks.push(format!("changed: {name} = {value}  ->  {now}"))
            }
            Some(_) => {}
        }
    }
    for name in current.keys() {
        if name.starts_with("value AS_PAYMENT_STATUS_") && !baseline.contains_key(name) {
            breaks.push(format!(
                "added a payment status (breaking, see README): {name}"
            ));
        }
    }
    breaks
}

#[test]
fn the_header_keeps_the_abi_of_the_last_release_or_the_abi_version_moved() {
    let current = abi_of(HEADER);
    let version = env!("CARGO_PKG_VERSION");
    if std::env::var_os("AUTHSIGNAL_TERMINAL_UPDATE_ABI").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(std::path::Path::new(BASELINE_PATH).parent().unwrap()).unwrap();
        std::fs::write(BASELINE_PATH, render(version, &current)).unwrap();
    }
    let text = std::fs::read_to_string(BASELINE_PATH)
        .expect("abi/baseline.txt exists (make abi-baseline)");
    let (base_version, baseline) = parse_baseline(&text);
    let breaks = breaking_changes(&baseline, &current);
    if abi_version(version) == abi_version(&base_version) {
        assert!(
            breaks.is_empty(),
            "the C ABI of {base_version} is broken while the ABI version is still {} \
             (move the version as README's table says, or keep the ABI):\n{}",
            abi_version(version),
            breaks.join("\n")
        );
    }
}

#[test]
fn the_abi_reader_sees_every_kind_of_item() {
    let items = abi_of(HEADER);
    assert!(items.contains_key("fn as_client_new"), "{items:?}");
    assert!(items.contains_key("fn as_result_name"));
    assert!(items.contains_key("value AS_RESULT_OK"));
    assert!(items.contains_key("value AS_PAYMENT_STATUS_COMPLETED"));
    assert!(items.contains_key("value AS_REGION_EU"));
    assert!(items.contains_key("value AS_LOG_LEVEL_DEBUG"));
    assert!(items.contains_key("define AS_MAX_AMOUNT_MINOR"));
    assert!(!items.keys().any(|k| k.contains("AS_VERSION")));
}

#[test]
fn breaking_and_compatible_changes_are_told_apart() {
    let base = abi_of(HEADER);
    // Adding a function or a result is compatible.
    let mut added = base.clone();
    added.insert("fn as_new_thing".into(), "int as_new_thing(void)".into());
    added.insert("value AS_RESULT_NEW".into(), "99 in as_result".into());
    assert!(breaking_changes(&base, &added).is_empty());
    // Removing, renumbering or changing a signature breaks; so does a new status.
    let mut removed = base.clone();
    removed.remove("fn as_client_new");
    assert_eq!(breaking_changes(&base, &removed).len(), 1);
    let mut renumbered = base.clone();
    renumbered.insert("value AS_RESULT_OK".into(), "7 in as_result".into());
    assert_eq!(breaking_changes(&base, &renumbered).len(), 1);
    let mut status = base.clone();
    status.insert(
        "value AS_PAYMENT_STATUS_REFUNDED".into(),
        "5 in as_payment_status".into(),
    );
    assert_eq!(breaking_changes(&base, &status).len(), 1);
    assert_eq!(abi_version("0.1.7"), "0.1");
    assert_eq!(abi_version("1.4.2"), "1");
}
