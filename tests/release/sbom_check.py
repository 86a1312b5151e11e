#!/usr/bin/env python3
"""Checks one archive's SBOM and licences against the lock file (tests/release/run.sh).

    tests/release/sbom_check.py CARGO_TARGET FOLDER

The crates expected are found independently of scripts/sbom.py (which asks `cargo tree`):
from `cargo metadata --filter-platform CARGO_TARGET`, walking the resolved graph from the
library and the tool along normal dependency edges only (no dev- or build-dependencies),
leaving out procedural macros (they run in the compiler). Prints "ok - " / "not ok - "
lines.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOTS = ("authsignal-terminal", "authsignal-terminal-cli")


def expected(target: str) -> set[str]:
    meta = json.loads(subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked", "--offline",
         "--filter-platform", target],
        check=True, capture_output=True, text=True).stdout)
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}

    def proc_macro(pid: str) -> bool:
        return any("proc-macro" in t["kind"] for t in packages[pid]["targets"])

    seen: set[str] = set()
    todo = [pid for pid, p in packages.items() if p["name"] in ROOTS and p["source"] is None]
    while todo:
        pid = todo.pop()
        if pid in seen or proc_macro(pid):
            continue
        seen.add(pid)
        for dep in nodes[pid]["deps"]:
            if any(k["kind"] is None for k in dep["dep_kinds"]):
                todo.append(dep["pkg"])
    return {f"pkg:cargo/{packages[p]['name']}@{packages[p]['version']}" for p in seen}


def main() -> int:
    target, folder = sys.argv[1], Path(sys.argv[2])
    results = []

    def check(name: str, ok: bool, detail: str = "") -> None:
        if not ok and detail:
            print(f"#   {detail}")
        print(("ok - " if ok else "not ok - ") + name)
        results.append(ok)

    sbom = json.loads((folder / "sbom.cdx.json").read_text())
    check("the SBOM is CycloneDX 1.5",
          sbom.get("bomFormat") == "CycloneDX" and sbom.get("specVersion") == "1.5")
    props = {p["name"]: p["value"] for p in sbom["metadata"].get("properties", [])}
    check(f"the SBOM names its target ({target})", props.get("target") == target)
    listed = {c["purl"] for c in sbom["components"] if c["purl"].startswith("pkg:cargo/")}
    want = expected(target)
    check(f"the SBOM lists exactly the {len(want)} crates of the shipped tree",
          listed == want,
          f"missing {sorted(want - listed)}, extra {sorted(listed - want)}")
    refs = [c["bom-ref"] for c in sbom["components"]]
    check("every SBOM component has a unique bom-ref, a version and a licence",
          len(refs) == len(set(refs))
          and all(c.get("version") and c.get("licenses") for c in sbom["components"]))
    registry = [c for c in sbom["components"]
                if c["purl"].startswith("pkg:cargo/") and not c["name"].startswith("authsignal-terminal")]
    check("every registry crate carries Cargo.lock's SHA-256",
          all(len(c.get("hashes", [{}])[0].get("content", "")) == 64 for c in registry))
    check("rust-std (linked into every binary) is listed",
          any(c["name"] == "rust-std" for c in sbom["components"]))

    licenses = folder / "licenses"
    empty = []
    for purl in sorted(want):
        name, version = purl[len("pkg:cargo/"):].rsplit("@", 1)
        d = licenses / f"{name}-{version}"
        if not d.is_dir() or not any(d.iterdir()):
            empty.append(f"{name}-{version}")
    check("licenses/ holds licence files for every crate in the SBOM", not empty,
          f"without licence files: {empty}")
    index = (licenses / "README.md").read_text() if (licenses / "README.md").exists() else ""
    check("licenses/README.md indexes every crate",
          all(f"| {p[len('pkg:cargo/'):].rsplit('@', 1)[0]} |" in index for p in want))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
