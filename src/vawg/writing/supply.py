"""What an edition was supplied with, the one way sections read staged tables, and what they say without them.

Staging records in its log (``staged/staging-log.json``) what became of every extract:
staged, not delivered, or withheld because its rows name another borough's council
(:data:`vawg.intake.contracts._spec.OWNER`). Everything that asks whether a section can run asks
here, so a missing optional extract and another borough's extract are one case:

- sections read a staged table with :func:`staged_table` (which raises :class:`NotSupplied`,
  naming the extract and why) or :func:`optional_table`;
- a section's notebook calls :func:`skip_unless_supplied` before its analysis;
- chapters mark the prose that quotes a section's values with a fenced div,
  ``::: {.if-supplied section="marac"}`` … ``:::``, which :func:`apply_to_project` replaces
  with a "not supplied this edition" note when the section cannot run;
- recommendations treat evidence from such a section as not supplied (:func:`left_out_prefixes`).

Examples
--------
>>> note_for(["marac"], {"marac": ExtractSupply("marac", "MARAC annual figures", "marac", NOT_DELIVERED)}, "Camden")
'The MARAC extract was not supplied for this edition. This part of the report has no figures from it.'
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from vawg.intake.contracts import CONTRACTS
from vawg.foundations import methods_used
from vawg.foundations.errors import DataError
from vawg.foundations.memory import release_freed_memory
from vawg.foundations.paths import staged_file
from vawg.foundations.sections import EXTRACT_GROUPS, NAVIGATORS, ExtractGroup
from vawg.foundations.wording import markdown_escape, phrase

STAGING_LOG = "staging-log.json"
SUPPLIED, NOT_DELIVERED, WITHHELD = "staged", "not delivered", "withheld"


@dataclass(frozen=True)
class ExtractSupply:
    """What became of one extract in this edition."""

    name: str
    title: str
    folder: str
    status: str
    owner: str | None = None  # for a withheld extract: the borough whose council's records it holds

    @property
    def supplied(self) -> bool:
        return self.status == SUPPLIED

    @property
    def where(self) -> str:
        """The folder an extract is delivered to (the Navigators' file itself)."""
        return f"`{self.folder}`" if self.name == NAVIGATORS else f"`{self.folder}/`"


class NotSupplied(DataError):
    """A section asked for a staged table this edition does not have."""


def extract_supply(staged_dir: Path | str, borough: str | None = None) -> dict[str, ExtractSupply]:
    """Every extract's fate in this edition, from the staging log (and the Navigators' reference file)."""
    log = Path(staged_dir) / STAGING_LOG
    entries = json.loads(log.read_text(encoding="utf-8")).get("sources", []) if log.is_file() else []
    folders = {contract.name: contract.folder for contract in CONTRACTS}
    found = {entry["name"]: ExtractSupply(entry["name"], entry["title"], folders.get(entry["name"], ""),
                                          entry["status"], entry.get("owner"))
             for entry in entries}
    for contract in CONTRACTS:
        if contract.name not in found:
            staged = is_staged(staged_dir, contract.name)
            found[contract.name] = ExtractSupply(contract.name, contract.title, contract.folder,
                                                 SUPPLIED if staged else NOT_DELIVERED)
    found[NAVIGATORS] = _navigators_supply(borough)
    return found


def _navigators_supply(borough: str | None) -> ExtractSupply:
    from vawg.intake.contracts.da_navigators import FILE_NAME, figures_owner

    owner = figures_owner()
    title = "Domestic Abuse Navigators' annual report"
    where = f"data/reference/{FILE_NAME}"
    if owner is None:
        return ExtractSupply(NAVIGATORS, title, where, NOT_DELIVERED)
    if borough is not None and owner != borough:
        return ExtractSupply(NAVIGATORS, title, where, WITHHELD, owner)
    return ExtractSupply(NAVIGATORS, title, where, SUPPLIED, owner)


def missing_extracts(section: str, supply: Mapping[str, ExtractSupply]) -> list[ExtractSupply]:
    """The extracts ``section`` needs that this edition lacks."""
    return [supply[name] for name in EXTRACT_GROUPS[section].extracts if not supply[name].supplied]


def note_for(sections: Iterable[str], supply: Mapping[str, ExtractSupply], borough: str) -> str | None:
    """The sentence shown in place of prose that needs ``sections``; None when all can run.

    Another borough's extracts are "another council's records", never named: the report is this borough's alone.
    Worded in ``chapters/_03-local-picture.wording.yml``: the chapter whose sections print it.
    """
    gaps = [(EXTRACT_GROUPS[name], missing) for name in dict.fromkeys(sections)
            if (missing := missing_extracts(name, supply))]
    if not gaps:
        return None
    withheld = [(section, missing) for section, missing in gaps if all(i.status == WITHHELD for i in missing)]
    absent = [gap for gap in gaps if gap not in withheld]
    sentences = []
    if absent:
        sentences.append(phrase("local-picture", "absent", "one" if _one(absent) else "several",
                                extracts=_named(absent)))
    if withheld:
        sentences.append(phrase("local-picture", "withheld", "one" if _one(withheld) else "several",
                                extracts=_named(withheld), borough=markdown_escape(borough)))
    sentences.append(phrase("local-picture", "no_figures", "one" if _one(gaps) else "several"))
    return " ".join(sentences)


def _named(gaps: Sequence[tuple[ExtractGroup, list[ExtractSupply]]]) -> str:
    # Readers get the extract's name; its delivery folder is for the analyst (:func:`supply_lines`).
    named = [section.what for section, _ in gaps]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def _one(gaps: Sequence[tuple[ExtractGroup, list[ExtractSupply]]]) -> bool:
    """One extract ("was", "it"), not several ("were", "them"): a single section whose data is not plural."""
    return len(gaps) == 1 and not gaps[0][0].what.endswith("s")


def supply_lines(staged_dir: Path | str, borough: str) -> list[str]:
    """Lines for the build's output: the extracts not delivered, and those another borough's council supplied."""
    supply = extract_supply(staged_dir, borough)
    lines = []
    absent = [item for item in supply.values() if item.status == NOT_DELIVERED]
    if absent:
        places = ", ".join(dict.fromkeys(item.where.strip("`") for item in absent))
        lines.append(f"Extracts not supplied this edition: {places}; their sections say so in the report")
    withheld = [item for item in supply.values() if item.status == WITHHELD]
    if withheld:
        owners = sorted({item.owner for item in withheld if item.owner})
        places = ", ".join(dict.fromkeys(item.where.strip("`") for item in withheld))
        lines.append(f"Council extracts {places} belong to {' and '.join(owners)}, not {borough}: not used, and "
                     f"their sections say not supplied this edition")
    return lines


def left_out_prefixes(staged_dir: Path | str, borough: str) -> tuple[str, ...]:
    """Prefixes of the value keys and figure and table ids of every section that cannot run in this edition."""
    supply = extract_supply(staged_dir, borough)
    return tuple(prefix for section in EXTRACT_GROUPS.values() if missing_extracts(section.name, supply)
                 for prefix in section.outputs)


# -- reading staged tables -----------------------------------------------------------------------------


Filters = Sequence[tuple[str, str, object]]


def is_staged(staged_dir: Path | str | None, name: str) -> bool:
    """True when this edition has the staged table ``name``."""
    return staged_dir is not None and staged_file(staged_dir, name).is_file()


def staged_columns(staged_dir: Path | str, name: str) -> list[str]:
    """The columns the staged table ``name`` holds, read from its schema alone."""
    import pyarrow.parquet as pq

    return list(pq.read_schema(staged_file(staged_dir, name)).names)


def read_staged(staged_dir: Path | str, name: str, columns: Sequence[str] | None = None, *,
                filters: Filters | None = None, categories: Sequence[str] = ()) -> pd.DataFrame:
    """The staged table ``name``: only ``columns`` and the rows ``filters`` keep (pyarrow's ``(column, op, value)``).

    Text ``categories`` are read as pandas categories (Parquet keeps them dictionary-encoded) with their
    categories in sorted order, so grouping by them orders groups as grouping by the text would: a column of
    5.4 M short codes then takes 5 MB rather than 100.

    The one reader of staged tables for analysis: it records the table as a source this edition used, which
    Appendix 6a lists, and the build checks it against the section's declared tables
    (:mod:`vawg.foundations.methods_used`, :mod:`vawg.foundations.sections`).
    """
    methods_used.record("source", name)
    table = pd.read_parquet(staged_file(staged_dir, name), columns=list(columns) if columns is not None else None,
                            filters=list(filters) if filters is not None else None,
                            **({"read_dictionary": list(categories)} if categories else {}))
    for column in categories:
        table[column] = table[column].cat.reorder_categories(sorted(table[column].cat.categories))
    release_freed_memory()  # the Arrow table the frame was converted from
    return table


def optional_table(staged_dir: Path | str, name: str, columns: Sequence[str] | None = None, *,
                   filters: Filters | None = None) -> pd.DataFrame | None:
    """A staged table, or None when this edition has none."""
    return read_staged(staged_dir, name, columns, filters=filters) if is_staged(staged_dir, name) else None


def staged_table(staged_dir: Path | str, name: str, columns: Sequence[str] | None = None, *,
                 filters: Filters | None = None) -> pd.DataFrame:
    """A staged table a section cannot do without.

    Raises
    ------
    NotSupplied
        Naming the extract, its folder and why it is absent (not delivered, or another borough's).
    """
    table = optional_table(staged_dir, name, columns, filters=filters)
    if table is not None:
        return table
    item = extract_supply(staged_dir)[name]
    why = (f"its records are {item.owner}'s council's, so it was not staged" if item.status == WITHHELD else
           "it was not delivered")
    raise NotSupplied(f"the {item.title} extract ({item.folder}/) is not in this edition: {why}")


# -- notebooks ---------------------------------------------------------------------------------------------


def skip_unless_supplied(section: str, staged_dir: Path | str, borough: str) -> bool:
    """In a section's notebook: True if the section can run; else say why and skip the notebook's other cells.

    The chapter shows the "not supplied" note in the section's place (:func:`apply_to_project`), so the
    notebook writes nothing.
    """
    note = note_for([section], extract_supply(staged_dir, borough), borough)
    if note is None:
        return True
    print(f"{note} The rest of this notebook is skipped.")
    try:
        from IPython import get_ipython
    except ImportError:  # outside a kernel there are no further cells to skip
        return False
    shell = get_ipython()
    if shell is not None:
        # Each later cell's source is emptied before it runs: the notebook ends cleanly here.
        shell.input_transformers_cleanup.append(lambda lines: [])
    return False


# -- chapters ----------------------------------------------------------------------------------------------

SECTION_ATTRIBUTE = re.compile(r'\bsection="([^"]*)"')
NOTE_HEADING = "Not supplied this edition"
NoteFor = Callable[[list[str]], "str | None"]


def filter_blocks(text: str, note: NoteFor, *, where: str = "") -> str:
    """``text`` with each ``.if-supplied`` div unwrapped, or replaced by ``note(sections)`` when it returns one.

    A block that is a list item becomes a list item; any other block becomes a callout.
    """
    from vawg.writing.prose_blocks import resolve_blocks

    notes: set[str] = set()

    def resolve(attributes: str, inner: str, at: str) -> str:
        sections = SECTION_ATTRIBUTE.search(attributes)
        if sections is None:
            raise DataError(f"{at}: an .if-supplied block names no section=\"…\"")
        names = sections.group(1).split()
        unknown = [name for name in names if name not in EXTRACT_GROUPS]
        if unknown:
            raise DataError(f"{at}: unknown section {', '.join(unknown)} (choose from {', '.join(EXTRACT_GROUPS)})")
        sentence = note(names)
        if sentence is None:
            return inner
        if inner.lstrip().startswith("- "):
            notes.add(f"- {sentence}\n")
            return f"- {sentence}\n"
        return f"::: {{.callout-note}}\n## {NOTE_HEADING}\n\n{sentence}\n:::\n"

    lines = resolve_blocks(text, {"if-supplied": resolve}, where=where).splitlines(keepends=True)
    # Neighbouring list items of the same section share one note.
    return "".join(line for i, line in enumerate(lines) if not (i and line in notes and line == lines[i - 1]))


def apply_to_project(project_dir: Path | str, staged_dir: Path | str, borough: str) -> list[Path]:
    """Resolve the ``.if-supplied`` blocks of a staged book project in place; returns the files changed."""
    supply = extract_supply(staged_dir, borough)
    changed = []
    for path in sorted(Path(project_dir).rglob("*.qmd")):
        text = path.read_text(encoding="utf-8")
        if ".if-supplied" not in text:
            continue
        path.write_text(filter_blocks(text, lambda names: note_for(names, supply, borough),
                                      where=str(path.relative_to(project_dir))), encoding="utf-8")
        changed.append(path)
    return changed
