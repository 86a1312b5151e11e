//! ARCHITECTURE.md is true to the code where a test can tell: its dependency table is
//! what the `crate::` paths of `src/` say (and one way), every path it names exists, and
//! its recipe for adding an endpoint lists every source file an existing endpoint touches.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn architecture() -> String {
    fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md is readable")
}

/// The cells of the body rows of the Markdown table whose header line is `header`.
fn table(text: &str, header: &str) -> Vec<Vec<String>> {
    let start = text
        .find(header)
        .unwrap_or_else(|| panic!("ARCHITECTURE.md has a table headed {header}"));
    text[start..]
        .lines()
        .skip(2) // the header and the |---| line
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            line.trim_matches('|')
                .split(" | ")
                .map(|cell| cell.trim().to_string())
                .collect()
        })
        .collect()
}

/// The `code` spans of a piece of Markdown.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !(name.starts_with('.')
                || name.ends_with(".egg-info")
                || ["__pycache__", "bin", "obj", "target"].contains(&name.as_str()))
            {
                files_under(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// Rust source without its `//` comments (doc comments name modules they do not use).
fn code_of(source: &str) -> String {
    source
        .lines()
        .map(|line| match line.find("//") {
            // Not the `//` of a URL inside a string.
            Some(at) if !line[..at].ends_with(':') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first names after each `crate::` (and inside `crate::{…}`) in `code`.
fn crate_names(code: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut names = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for item in group.split(',') {
                names.insert(ident(item.trim()));
            }
        } else {
            names.insert(ident(rest));
        }
    }
    names.remove("");
    names
}

/// The crate's modules (the files and folders of `src/` but `lib.rs`), each with the
/// modules its code reaches through `crate::` paths.
fn actual_dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let src = root().join("src");
    let mut files = Vec::new();
    files_under(&src, &mut files);
    let module_of = |path: &Path| -> Option<String> {
        let first = path.strip_prefix(&src).ok()?.components().next()?;
        let first = first.as_os_str().to_string_lossy();
        (first != "lib.rs").then(|| first.trim_end_matches(".rs").to_string())
    };
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(f)).collect();
    // `pub use module::{A, B};` at the crate root: `crate::A` is module's.
    let lib = fs::read_to_string(src.join("lib.rs")).unwrap();
    let mut reexports = BTreeMap::new();
    for statement in code_of(&lib).split(';') {
        let Some(rest) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, names)) = rest.split_once("::") else {
            continue;
        };
        for name in names.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if !name.is_empty() {
                reexports.insert(name.to_string(), module.to_string());
            }
        }
    }
    let mut dependencies: BTreeMap<String, BTreeSet<String>> = modules
        .iter()
        .map(|m| (m.clone(), BTreeSet::new()))
        .collect();
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
    {
        let Some(module) = module_of(file) else {
            continue;
        };
        let code = code_of(&fs::read_to_string(file).unwrap());
        for name in crate_names(&code) {
            let used = if modules.contains(&name) {
                Some(name)
            } else {
                reexports.get(&name).cloned()
            };
            if let Some(used) = used.filter(|u| *u != module) {
                dependencies.get_mut(&module).unwrap().insert(used);
            }
        }
    }
    dependencies
}

#[test]
fn the_dependency_order_is_the_codes_and_one_way() {
    let text = architecture();
    let rows = table(&text, "| module | uses |");
    let mut stated: Vec<(String, BTreeSet<String>)> = Vec::new();
    for row in &rows {
        let module = backticked(&row[0])[0].to_string();
        let uses: BTreeSet<String> = backticked(&row[1]).iter().map(|s| s.to_string()).collect();
        for used in &uses {
            assert!(
                stated.iter().any(|(m, _)| m == used),
                "ARCHITECTURE.md: `{module}` uses `{used}`, which is not in an earlier row (the order is not one way)"
            );
        }
        stated.push((module, uses));
    }
    let actual = actual_dependencies();
    let stated_modules: BTreeSet<&String> = stated.iter().map(|(m, _)| m).collect();
    let actual_modules: BTreeSet<&String> = actual.keys().collect();
    assert_eq!(
        stated_modules, actual_modules,
        "ARCHITECTURE.md's dependency table has a row for each module of src/"
    );
    for (module, uses) in &stated {
        let real = &actual[module];
        assert_eq!(
            uses,
            real,
            "ARCHITECTURE.md says `{module}` uses {uses:?}; its `crate::` paths use {real:?} \
             (missing from the table: {:?}; not used: {:?})",
            real.difference(uses).collect::<Vec<_>>(),
            uses.difference(real).collect::<Vec<_>>(),
        );
    }
}

#[test]
fn every_path_it_names_exists() {
    let text = architecture();
    for span in backticked(&text) {
        let looks_like_a_path = span.contains('/')
            && !span.contains(char::is_whitespace)
            && !span.contains(['*', '…', '<', '{', '(', '=']);
        if looks_like_a_path {
            assert!(
                root().join(span).exists(),
                "ARCHITECTURE.md names `{span}`, which is not in the repository"
            );
        }
    }
    for document in ["DESIGN.md", "README.md", "CHANGELOG.md", "RELIABILITY.md"] {
        if text.contains(document) {
            assert!(
                root().join(document).exists(),
                "ARCHITECTURE.md refers to {document}, which is not in the repository"
            );
        }
    }
}

/// The files of the endpoint recipe; a bare name (`_client.py`) is in the folder of the
/// path before it in the same row.
fn recipe() -> (Vec<String>, String) {
    let text = architecture();
    let mut files = Vec::new();
    for row in table(&text, "| # | file | what to add |") {
        let mut folder = String::new();
        for span in backticked(&row[1]) {
            let path = if span.contains('/') {
                span.to_string()
            } else {
                format!("{folder}{span}")
            };
            folder = path[..path.rfind('/').map_or(0, |i| i + 1)].to_string();
            files.push(path);
        }
    }
    (files, text)
}

#[test]
fn the_endpoint_recipe_lists_every_file_an_endpoint_touches() {
    let (listed, text) = recipe();
    for file in &listed {
        assert!(
            root().join(file).is_file(),
            "the endpoint recipe names {file}, which is not a file of the repository"
        );
    }
    let generated = "include/authsignal_terminal.h";
    let count = listed.iter().filter(|f| *f != generated).count();
    assert!(
        text.contains(&format!("\n{count} files and one generated")),
        "the endpoint recipe lists {count} files and one generated, and says so"
    );
    // Every source file that names the read endpoint (in any language's casing) offers it,
    // and so would offer a new one: but these, which use it.
    let users_not_offerers = [
        "src/diagnose/",  // the terminal id check reads a session that cannot exist
        "src/fuzzing.rs", // the fuzz targets of the existing endpoints
        "bindings/csharp/Authsignal.Terminal/PaymentSession.cs", // a doc cross-reference
    ];
    let mut sources = Vec::new();
    for dir in [
        "src",
        "include",
        "cli/src",
        "simulator/src",
        "bindings/python/src",
        "bindings/csharp/Authsignal.Terminal",
        "bindings/node/lib",
        "bindings/java/src/main/java",
    ] {
        files_under(&root().join(dir), &mut sources);
    }
    let mut missing = Vec::new();
    for path in sources {
        let name = relative(&path);
        let Ok(source) = fs::read_to_string(&path) else {
            continue;
        };
        let offers = source.contains("get_payment_session")
            || source.contains("GetPaymentSession")
            || source.contains("getPaymentSession");
        if offers
            && !listed.contains(&name)
            && !users_not_offerers.iter().any(|u| name.starts_with(u))
        {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md's endpoint recipe leaves out files the read endpoint touches: {missing:?}"
    );
}
