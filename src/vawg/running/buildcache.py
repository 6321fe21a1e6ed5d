"""What a build can reuse: staged tables and each notebook's artifacts, kept under a key of their inputs.

A result is kept in ``<build>/.cache/<edition>/<kind>/<name>/<key>/``: its files, and ``entry.json``
naming each input's fingerprint and each file's SHA-256. The key is the digest of the inputs, so any
change to an input misses; every reuse checks the files (:class:`DigestMemo` re-reads any that changed), so a
damaged entry is deleted and rerun, never published. Only the newest entry of each name is kept, and it tells which inputs changed.

Why hand-written rather than jupyter-cache or doit: jupyter-cache keys a notebook on its code cells
and keeps the executed notebook, but our notebooks' results are the files they write beside it, and
their inputs (staged tables, package modules, borough files) are outside the notebook. doit keys a
task on files, but every notebook writes into the same three JSON ledgers, and it checks a target by
its presence rather than its content. The part we need (a key from declared inputs, a folder per key,
a hash per file checked on reuse) is short and has no state beside the files.
"""

from __future__ import annotations

import ast
import functools
import json
import shutil
import sys
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import nbformat

import vawg
from vawg.foundations.digests import (  # noqa: F401 (re-exported: the build's callers hash through buildcache)
    DigestMemo,
    digest,
    file_digest,
    paths_digest,
    project_digest,
    remembered_digests,
    tree_files,
)
from vawg.foundations.wording import sections_used, wording_sections

PACKAGE = Path(vawg.__file__).resolve().parent
ENTRY = "entry.json"
FILES = "files"
# Libraries whose version can change what a notebook draws or computes.
LIBRARIES = ("numpy", "pandas", "pyarrow", "scipy", "statsmodels", "matplotlib", "plotnine", "papermill")


@functools.cache
def software_digest() -> str:
    versions = {"python": sys.version}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return digest(versions)


# -- package code a notebook calls ------------------------------------------------------------

@functools.cache  # every notebook's closure asks for the same few hundred names: one look at the disk each
def _module_file(name: str) -> Path | None:
    if name != "vawg" and not name.startswith("vawg."):
        return None
    base = PACKAGE.joinpath(*name.split(".")[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(tree: ast.AST, package: str = "") -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):  # imports inside functions count: they run when the function does
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([base] if base else [])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)  # a name may be a submodule
    return names


@functools.cache  # parsed once for both questions asked of it: what it imports and whose wording it reads
def _syntax(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


@functools.cache
def _module_imports(path: Path) -> frozenset[str]:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    package = ".".join(parts if path.name == "__init__.py" else parts[:-1])
    return frozenset(_imports(_syntax(path), package))


def code_closure(modules: Iterable[str]) -> list[Path]:
    """The package's source files that importing ``modules`` can run, parent packages included."""
    seen: set[Path] = set()
    todo = list(modules)
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for depth in range(1, len(parts) + 1):
            path = _module_file(".".join(parts[:depth]))
            if path is not None and path not in seen:
                seen.add(path)
                todo.extend(_module_imports(path))
    return sorted(seen)


def wording_files(modules: Iterable[str]) -> list[str]:
    """The wording files (project-relative) that the code importing ``modules`` reads (:mod:`vawg.foundations.wording`)."""
    sections = set().union(*(_wording_sections(path) for path in code_closure(modules)))
    files = wording_sections()
    return sorted(files[section] for section in sections if section in files)


@functools.cache
def _wording_sections(path: Path) -> frozenset[str]:
    return frozenset(sections_used(_syntax(path)))


def notebook_modules(notebook: Path) -> set[str]:
    cells = nbformat.read(str(notebook), as_version=4).cells
    source = "\n".join(line for cell in cells if cell.cell_type == "code"
                       for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
    return _imports(ast.parse(source))


def code_digest(modules: Iterable[str]) -> str:
    return paths_digest(code_closure(modules), PACKAGE)


# -- the cache ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Lookup:
    folder: Path | None  # the verified entry, or None: run it
    reason: str  # why it is reused or reruns, for the progress line
    files: Mapping[str, str] | None = None  # relative path → SHA-256 of a reused entry
    meta: dict | None = None  # what the step recorded beside its files (e.g. an audit's report)


class ResultCache:
    """One edition's cached results of one kind (``staged`` or ``notebooks``)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def lookup(self, name: str, inputs: Mapping[str, str]) -> Lookup:
        key = digest(inputs)
        folder = self.root / name / key
        entry = _read_entry(folder)
        if entry is None:
            return Lookup(None, self._why_missed(name, inputs))
        damaged = _damaged(folder, entry["files"])
        if damaged:
            shutil.rmtree(folder, ignore_errors=True)
            return Lookup(None, f"cached result damaged ({damaged}): discarded")
        return Lookup(folder / FILES, "unchanged", entry["files"], entry.get("meta"))

    def store(self, name: str, inputs: Mapping[str, str], source: Path | None, meta: dict | None = None) -> dict[str, str]:
        """Keep a copy of ``source`` (none: no files) and ``meta`` under the key of ``inputs``, in place of older
        entries; returns its files."""
        key = digest(inputs)
        temporary = self.root / name / f".{key}.{uuid.uuid4().hex}"
        if source is None:
            (temporary / FILES).mkdir(parents=True)
        else:
            shutil.copytree(source, temporary / FILES)
        files = tree_files(temporary / FILES)
        entry = {"inputs": dict(inputs), "files": files, **({"meta": meta} if meta is not None else {})}
        (temporary / ENTRY).write_text(json.dumps(entry, indent=1, sort_keys=True), encoding="utf-8")
        final = temporary.parent / key
        shutil.rmtree(final, ignore_errors=True)
        temporary.rename(final)
        for older in temporary.parent.iterdir():
            if older != final:
                shutil.rmtree(older, ignore_errors=True)
        return files

    def _why_missed(self, name: str, inputs: Mapping[str, str]) -> str:
        previous = [entry for folder in sorted((self.root / name).glob("[!.]*")) if (entry := _read_entry(folder))]
        if not previous:
            return "no cached result"
        before = previous[-1]["inputs"]
        changed = [part for part in sorted(set(inputs) | set(before)) if inputs.get(part) != before.get(part)]
        return "changed: " + ", ".join(changed) if changed else "no cached result"


def _read_entry(folder: Path) -> dict | None:
    try:
        entry = json.loads((folder / ENTRY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return entry if isinstance(entry, dict) and isinstance(entry.get("files"), dict) else None


def _damaged(folder: Path, files: Mapping[str, str]) -> str | None:
    """The first file of an entry missing or not as stored, if any."""
    for name, sha in files.items():
        path = folder / FILES / name
        if not path.is_file() or file_digest(path) != sha:
            return name
    return None


def restore(files: Path, target: Path) -> None:
    shutil.copytree(files, target, dirs_exist_ok=True)
