"""What this edition's analysis actually used: data sources read, metrics computed, statistical tests run.

Appendix 6a, 6d and 6e print exactly what is recorded here, so they cannot list a method no analysis
ran nor miss one that ran. A method registers itself where it is used:

- a function that computes a metric or runs a test is decorated with :func:`uses`
  (``@uses(test="wilson_interval", metric="share_confidence_interval")``): every call records it;
- a reader of a staged table or another source calls :func:`record` (``record("source", "police_offences")``):
  a staged table is recorded by its name, other sources by the name the data-source register gives them.

Records are kept per process (one notebook's kernel) and written, through the notebook's
:class:`vawg.writing.artifacts.ArtifactWriter`, to ``methods.json`` beside ``values.json``. The build merges
every notebook's file into the edition's, cached notebooks' included (their file is part of their
result), and the appendix notebook reads the merged file (:func:`read`). The ids are the keys of the
catalogues in ``data/reference/`` (``data_sources.csv``, ``metric_definitions.csv``,
``statistical_tests.csv``), which describe each in words; :func:`check_catalogued` fails the build on
an id a catalogue lacks.

Hand-written: a set and a JSON file; nothing in the standard library or our dependencies records which
functions a run called in a form a later process can read.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TypeVar

from vawg.foundations.errors import DataError

LEDGER = "methods.json"
KINDS = ("source", "metric", "test")
CATALOGUES = {"source": "data_sources.csv", "metric": "metric_definitions.csv", "test": "statistical_tests.csv"}

_recorded: set[tuple[str, str]] = set()
_sink: Path | None = None

F = TypeVar("F", bound=Callable)


def _key(kind: str, identifier: str) -> str:
    return f"{kind}.{identifier}"


def record(kind: str, *identifiers: str) -> None:
    """Record that this run used ``identifiers`` of ``kind`` (``source``, ``metric`` or ``test``)."""
    if kind not in KINDS:
        raise ValueError(f"method kind {kind!r} must be one of {', '.join(KINDS)}")
    new = [(kind, identifier) for identifier in identifiers if (kind, identifier) not in _recorded]
    if not new:
        return
    _recorded.update(new)
    if _sink is not None:
        _write(_sink, new)


def uses(**methods: str | tuple[str, ...]) -> Callable[[F], F]:
    """Decorator: each call of the function records ``methods`` (``test=``, ``metric=``, ``source=``)."""
    pairs = [(kind, identifier) for kind, identifiers in methods.items()
             for identifier in ((identifiers,) if isinstance(identifiers, str) else identifiers)]
    for kind, _ in pairs:
        if kind not in KINDS:
            raise ValueError(f"method kind {kind!r} must be one of {', '.join(KINDS)}")

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def recorded(*args, **kwargs):
            for kind, identifier in pairs:
                record(kind, identifier)
            return function(*args, **kwargs)

        recorded.registers = tuple(pairs)  # for the tests: which ids a function registers
        return recorded  # type: ignore[return-value]

    return decorate


def attach(artifacts_dir: Path | str) -> None:
    """Write this run's records, now and from now on, to ``artifacts_dir/methods.json`` (the notebook's writer)."""
    global _sink
    _sink = Path(artifacts_dir)
    if _recorded:
        _write(_sink, sorted(_recorded))


def detach() -> None:
    """Stop writing records to a folder (they are still kept in memory)."""
    global _sink
    _sink = None


def reset() -> None:
    """Forget every record and the folder (for tests)."""
    _recorded.clear()
    detach()


def recorded() -> dict[str, set[str]]:
    """This process's records, by kind."""
    return {kind: {identifier for k, identifier in _recorded if k == kind} for kind in KINDS}


def _write(folder: Path, pairs: Iterable[tuple[str, str]]) -> None:
    global _sink
    if not folder.is_dir():  # the writer's folder is gone (a test's): keep the records in memory only
        _sink = None
        return
    path = folder / LEDGER
    content = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    content.update({_key(kind, identifier): {"kind": kind, "id": identifier} for kind, identifier in pairs})
    path.write_text(json.dumps(content, indent=2, sort_keys=True), encoding="utf-8")


def read(artifacts_dir: Path | str) -> dict[str, set[str]]:
    """The records of every notebook merged into ``artifacts_dir`` (the edition's, or a notebook's seed), by kind."""
    path = Path(artifacts_dir) / LEDGER
    content = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    found: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for entry in content.values():
        found.setdefault(entry["kind"], set()).add(entry["id"])
    return found


def check_catalogued(kind: str, used: Iterable[str], catalogued: Iterable[str]) -> None:
    """Fail when the analysis used a method (or read a source) its catalogue does not describe.

    Raises
    ------
    DataError
        Naming the ids and the catalogue file to add them to.
    """
    missing = sorted(set(used) - set(catalogued))
    if missing:
        noun = {"source": "read data", "metric": "computed metrics", "test": "ran statistical tests"}[kind]
        raise DataError(f"data/reference/{CATALOGUES[kind]}: this edition's analysis {noun} the catalogue does not "
                        f"describe: {', '.join(missing)}; add a row for each so Appendix 6 can list it")


def recorded_after(results: Mapping[str, Mapping[str, set[str]]], order: list[str], appendix: str) -> dict[str, list[str]]:
    """Records first made by notebooks that run after the appendix notebook, which it therefore could not list.

    ``results``: each notebook's own records (:func:`read` of its result folder), ``order``: the notebooks in
    build order. Returns notebook → the keys (``kind.id``) only it and later notebooks recorded.
    """
    if appendix not in order:
        return {}
    position = order.index(appendix)
    seen = {_key(kind, identifier) for name in order[:position + 1]
            for kind, identifiers in results.get(name, {}).items() for identifier in identifiers}
    late: dict[str, list[str]] = {}
    for name in order[position + 1:]:
        keys = sorted(_key(kind, identifier) for kind, identifiers in results.get(name, {}).items()
                      for identifier in identifiers if _key(kind, identifier) not in seen)
        if keys:
            late[name] = keys
    return late
