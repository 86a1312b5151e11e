#!/usr/bin/env python3
"""Packs Authsignal.Terminal.<version>.nupkg without the .NET SDK.

What `dotnet pack bindings/csharp/Authsignal.Terminal` would put in the package, taken
from the .csproj itself so the two cannot drift apart:

- the .nuspec (id, version, authors, description, license expression, readme, tags,
  project URL when the .csproj has one, an empty dependency group for the target
  framework), at the package root as NuGet writes it;
- lib/<tfm>/Authsignal.Terminal.dll and its XML documentation, from the Mono build
  (bindings/csharp/build.sh writes them to target/csharp/);
- every <None Pack="true"> item whose Condition holds (the native library under
  runtimes/<rid>/native/, the build/ and buildTransitive/ .targets, the README);
- the Open Packaging Conventions parts NuGet writes: [Content_Types].xml, _rels/.rels and
  package/services/metadata/core-properties/<id>.psmdcp.

Debian's `nuget` (2.8.7) cannot do this: it rejects a nuspec with a license expression or
a readme. The version must be Cargo.toml's, and the .csproj's <Version> and
Properties/AssemblyInfo.cs must say the same: a mismatch is an error, never a package.

    bindings/csharp/pack-nuget.py [--managed DIR] [--output DIR]
Prints the path of the package it wrote.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import time
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PROJECT_DIR = HERE / "Authsignal.Terminal"
CSPROJ = PROJECT_DIR / "Authsignal.Terminal.csproj"
ASSEMBLY_INFO = PROJECT_DIR / "Properties" / "AssemblyInfo.cs"

sys.path.insert(0, str(ROOT / "scripts"))
from cargo_version import cargo_version  # noqa: E402  (the one reader of the version)

NUSPEC_NS = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"
# NuGet's names for target frameworks in a nuspec dependency group.
TFM_NAMES = {"netstandard2.0": ".NETStandard2.0", "netstandard2.1": ".NETStandard2.1"}


class PackError(Exception):
    pass


def assembly_attribute(source: str, name: str) -> str | None:
    found = re.search(r"\[assembly:\s*" + name + r'\("([^"]*)"\)\]', source)
    return found.group(1) if found else None


class Project:
    """The few MSBuild rules this .csproj uses: properties, Exists() conditions, None items."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = ET.parse(path)
        self.properties: dict[str, str] = {
            "MSBuildThisFileDirectory": str(path.parent) + "/",
            "MSBuildProjectDirectory": str(path.parent),
            # $([MSBuild]::NormalizeDirectory(...)) in the .csproj: the repository root.
            "RepoRoot": str(ROOT) + "/",
        }
        for group in self.tree.getroot().iter("PropertyGroup"):
            for element in group:
                name = element.tag
                if name in ("RepoRoot",):
                    continue
                if element.get("Condition") and not self.condition(element.get("Condition", "")):
                    continue
                self.properties[name] = self.expand((element.text or "").strip())
        native = os.environ.get("NativeArtifactsDir")
        if native:
            self.properties["NativeArtifactsDir"] = native.rstrip("/") + "/"

    def get(self, name: str, default: str | None = None) -> str | None:
        value = self.properties.get(name)
        return value if value else default

    def expand(self, text: str) -> str:
        return re.sub(r"\$\((\w+)\)", lambda m: self.properties.get(m.group(1), ""), text)

    def condition(self, text: str) -> bool:
        """Conditions of the form  [!]Exists('path') [And [!]Exists('path')]...  or  '$(X)' == ''."""
        result = True
        for part in re.split(r"\s+And\s+", text.strip()):
            part = part.strip()
            exists = re.fullmatch(r"(!?)Exists\('([^']*)'\)", part)
            compare = re.fullmatch(r"'([^']*)'\s*(==|!=)\s*'([^']*)'", part)
            if exists:
                holds = Path(self.expand(exists.group(2)).replace("\\", "/")).exists()
                result = result and (holds != bool(exists.group(1)))
            elif compare:
                left, right = self.expand(compare.group(1)), self.expand(compare.group(3))
                result = result and ((left == right) == (compare.group(2) == "=="))
            else:
                raise PackError(f"{self.path.name}: a Condition this packer cannot evaluate: {text}")
        return result

    def packed_files(self) -> list[tuple[Path, str]]:
        """(file, path in the package) for every <None Pack="true"> item whose Condition holds."""
        files = []
        for group in self.tree.getroot().iter("ItemGroup"):
            if group.get("Condition") and not self.condition(group.get("Condition", "")):
                continue
            for item in group.iter("None"):
                if (item.get("Pack") or "").lower() != "true":
                    continue
                if item.get("Condition") and not self.condition(item.get("Condition", "")):
                    continue
                spec = item.get("Include") or item.get("Update") or ""
                source = Path(self.expand(spec).replace("\\", "/"))
                if not source.is_absolute():
                    source = self.path.parent / source
                source = source.resolve()
                if not source.is_file():
                    if item.get("Update"):
                        continue  # Update touches only files that exist
                    raise PackError(f"{self.path.name}: packed file missing: {source}")
                for package_path in (item.get("PackagePath") or "").split(";"):
                    package_path = package_path.strip().replace("\\", "/")
                    if package_path in ("", "/"):
                        target = source.name
                    elif package_path.endswith("/"):
                        target = package_path.lstrip("/") + source.name
                    else:
                        target = package_path.lstrip("/")
                    files.append((source, target))
        return files


def nuspec(project: Project, version: str, tfm: str) -> str:
    def element(name: str, value: str | None, attributes: str = "") -> str:
        return f"    <{name}{attributes}>{escape(value)}</{name}>\n" if value else ""

    license_expression = project.get("PackageLicenseExpression")
    tags = " ".join(t.strip() for t in (project.get("PackageTags") or "").split(";") if t.strip())
    repository = ""
    if project.get("RepositoryUrl"):
        repository = (
            f"    <repository type={quoteattr(project.get('RepositoryType', 'git') or 'git')}"
            f" url={quoteattr(project.get('RepositoryUrl') or '')} />\n"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<package xmlns="{NUSPEC_NS}">\n'
        "  <metadata>\n"
        + element("id", project.get("PackageId"))
        + element("version", version)
        + element("title", project.get("Title"))
        + element("authors", project.get("Authors"))
        + element("license", license_expression, ' type="expression"')
        # What NuGet writes beside a license expression, for clients older than 4.9.
        + element("licenseUrl", license_expression and f"https://licenses.nuget.org/{license_expression}")
        + element("readme", project.get("PackageReadmeFile"))
        + element("projectUrl", project.get("PackageProjectUrl"))
        + element("description", project.get("Description"))
        + element("copyright", project.get("Copyright"))
        + element("tags", tags)
        + repository
        + "    <dependencies>\n"
        + f'      <group targetFramework="{TFM_NAMES.get(tfm, tfm)}" />\n'
        + "    </dependencies>\n"
        "  </metadata>\n"
        "</package>\n"
    )


def core_properties(project: Project, version: str, tags: str) -> str:
    def element(name: str, value: str | None) -> str:
        return f"  <{name}>{escape(value)}</{name}>\n" if value else ""

    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<coreProperties xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xmlns="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">\n'
        + element("dc:creator", project.get("Authors"))
        + element("dc:description", project.get("Description"))
        + element("dc:identifier", project.get("PackageId"))
        + element("version", version)
        + element("keywords", tags)
        + element("lastModifiedBy", "bindings/csharp/pack-nuget.py")
        + "</coreProperties>\n"
    )


def content_types(names: list[str]) -> str:
    defaults = {
        "rels": "application/vnd.openxmlformats-package.relationships+xml",
        "psmdcp": "application/vnd.openxmlformats-package.core-properties+xml",
    }
    overrides = []
    for name in names:
        base = name.rsplit("/", 1)[-1]
        if "." in base.lstrip("."):
            defaults.setdefault(base.rsplit(".", 1)[1].lower(), "application/octet")
        elif base != ".rels":
            overrides.append(name)
    lines = [f'  <Default Extension="{ext}" ContentType="{ct}" />\n' for ext, ct in defaults.items()]
    lines += [f'  <Override PartName="/{name}" ContentType="application/octet" />\n' for name in overrides]
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\n'
        + "".join(lines)
        + "</Types>\n"
    )


def relationships(nuspec_name: str, psmdcp_name: str) -> str:
    def rel_id(target: str) -> str:
        return "R" + hashlib.sha256(target.encode()).hexdigest()[:16].upper()

    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\n'
        f'  <Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest"'
        f' Target="/{nuspec_name}" Id="{rel_id(nuspec_name)}" />\n'
        "  <Relationship"
        ' Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"'
        f' Target="/{psmdcp_name}" Id="{rel_id(psmdcp_name)}" />\n'
        "</Relationships>\n"
    )


def pack(managed: Path, output: Path) -> Path:
    project = Project(CSPROJ)
    try:
        version = cargo_version()
    except RuntimeError as error:
        raise PackError(str(error)) from error
    info = ASSEMBLY_INFO.read_text(encoding="utf-8")
    four_part = version.split("-")[0] + ".0"
    agree = {
        f"{CSPROJ.name} <Version>": (project.get("Version"), version),
        "AssemblyInfo.cs AssemblyInformationalVersion": (
            assembly_attribute(info, "AssemblyInformationalVersion"),
            version,
        ),
        "AssemblyInfo.cs AssemblyVersion": (assembly_attribute(info, "AssemblyVersion"), four_part),
        "AssemblyInfo.cs AssemblyFileVersion": (assembly_attribute(info, "AssemblyFileVersion"), four_part),
    }
    wrong = [f"{where} is {got!r}, not {want!r}" for where, (got, want) in agree.items() if got != want]
    if wrong:
        raise PackError(f"the version must be Cargo.toml's ({version}): " + "; ".join(wrong))

    package_id = project.get("PackageId") or "Authsignal.Terminal"
    tfm = project.get("TargetFramework") or "netstandard2.0"
    assembly = project.get("AssemblyName") or package_id
    files: list[tuple[Path, str]] = [(managed / f"{assembly}.dll", f"lib/{tfm}/{assembly}.dll")]
    if (project.get("GenerateDocumentationFile") or "").lower() == "true":
        files.append((managed / f"{assembly}.xml", f"lib/{tfm}/{assembly}.xml"))
    files += project.packed_files()
    for source, _ in files:
        if not source.is_file():
            raise PackError(f"missing: {source} (run bindings/csharp/build.sh and make build)")
    targets = [target for _, target in files]
    if len(set(targets)) != len(targets):
        raise PackError(f"two files for one package path: {sorted(targets)}")
    readme = project.get("PackageReadmeFile")
    if readme and readme not in targets:
        raise PackError(f"PackageReadmeFile {readme} is not packed at the package root")

    tags = " ".join(t.strip() for t in (project.get("PackageTags") or "").split(";") if t.strip())
    nuspec_name = f"{package_id}.nuspec"
    manifest = nuspec(project, version, tfm)
    ET.fromstring(manifest)  # well-formed, or no package
    # NuGet names the core properties part with a fresh GUID; a digest of the manifest
    # gives the same kind of name and a reproducible package.
    psmdcp_name = (
        "package/services/metadata/core-properties/"
        + uuid.UUID(hashlib.sha256(manifest.encode()).hexdigest()[:32]).hex
        + ".psmdcp"
    )
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))
    stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip cannot say before 1980

    output.mkdir(parents=True, exist_ok=True)
    path = output / f"{package_id}.{version}.nupkg"
    partial = path.with_suffix(".nupkg.partial")

    def add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
        entry = zipfile.ZipInfo(name, date_time=stamp)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o644 << 16
        archive.writestr(entry, data)

    with zipfile.ZipFile(partial, "w") as archive:
        add(archive, "_rels/.rels", relationships(nuspec_name, psmdcp_name).encode())
        add(archive, nuspec_name, manifest.encode())
        for source, target in sorted(files, key=lambda f: f[1]):
            add(archive, target, source.read_bytes())
        add(archive, psmdcp_name, core_properties(project, version, tags).encode())
        names = ["_rels/.rels", nuspec_name, *sorted(targets), psmdcp_name]
        add(archive, "[Content_Types].xml", content_types(names).encode())
    partial.replace(path)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--managed",
        type=Path,
        default=ROOT / "target" / "csharp",
        help="where build.sh put Authsignal.Terminal.dll and .xml (default: target/csharp)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=ROOT / "target" / "dist",
        help="where to write the .nupkg (default: target/dist)",
    )
    args = parser.parse_args()
    try:
        print(pack(args.managed.resolve(), args.output.resolve()))
    except PackError as error:
        print(f"pack-nuget.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
