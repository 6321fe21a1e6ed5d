"""Words the prose chooses from results: lists, directions and test verdicts, phrased one way everywhere.

The sentences a section builds from its results are worded in a file beside the chapter that prints them
(``chapters/_03-marac.wording.yml``, :func:`wording_sections`): one entry per sentence, one template per case,
with ``{named}`` placeholders. The code chooses the case (rose, fell, hidden ...) and fills the placeholders
through :func:`phrase`; an author changes the words without reading Python. :func:`phrase` refuses a template
that lacks a placeholder the code supplies, or asks for one it does not, naming the file, entry and case.
"""

from __future__ import annotations

import ast
import functools
import os
import re
import string
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from vawg.foundations.errors import DataError
from vawg.foundations.paths import project_root

if TYPE_CHECKING:  # vawg.foundations.stats loads statsmodels: 2 s that `vawg --help` need not wait
    from vawg.foundations.stats.comparisons import TestResult


def join_words(words: Sequence[str]) -> str:
    """"a, b and c"; with a serial comma when an item has its own "and" ("x, y and z, and w")."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    serial = "," if len(words) > 2 and any(" and " in word for word in words) else ""
    return ", ".join(words[:-1]) + f"{serial} and " + words[-1]


def significance(test: TestResult | float) -> str:
    """"statistically significant (p < 0.001)" or "not statistically significant (p = 0.45)"."""
    p = getattr(test, "p_value", test)
    if p < 0.001:
        return "statistically significant (p < 0.001)"
    if p < 0.01:
        return "statistically significant (p < 0.01)"
    if p < 0.05:
        return f"statistically significant (p = {p:.3f})"
    return f"not statistically significant (p = {p:.2f})"


# Initialisms the police write in title case ("Nfib Fraud"), printed in capitals.
ACRONYMS = ("NFIB",)


def keep_acronyms(text: str) -> str:
    """"Nfib fraud" → "NFIB fraud": initialisms in capitals whatever case the rest of ``text`` is in.

    >>> keep_acronyms("nfib fraud"), keep_acronyms("Nfib Fraud")
    ('NFIB fraud', 'NFIB Fraud')
    """
    for acronym in ACRONYMS:
        text = re.sub(rf"\b{acronym}\b", acronym, text, flags=re.IGNORECASE)
    return text


def sentence_case(name: str) -> str:
    """"Violence Against The Person" → "Violence against the person" (the police write groups in title case)."""
    return name[:1].upper() + name[1:].lower()


def slug(text: str) -> str:
    """A name as part of a value key or an id: "Violence Against The Person" → "violence_against_the_person"."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def direction(value: float, up: str = "higher", down: str = "lower") -> str:
    return up if value > 0 else down


def with_article(phrase: str) -> str:
    """"a" or "an" before a phrase, by how it is read aloud: "an 11.2% rise", "an 8% fall", "a 1.5% rise".

    Numbers are said as words, so the article follows the sound of the first word: 8, 11, 18 and
    80–89 (and 800…, 8,000…, 11,000…) start with a vowel sound. Written by hand: no library in the
    stack chooses English articles.

    >>> with_article("11.2% rise"), with_article("8.0% fall"), with_article("1.5% rise"), with_article("18% rise")
    ('an 11.2% rise', 'an 8.0% fall', 'a 1.5% rise', 'an 18% rise')
    >>> with_article("110% rise"), with_article("increase")
    ('a 110% rise', 'an increase')
    """
    first = phrase.split()[0] if phrase.split() else ""
    digits = "".join(ch for ch in first.split(".")[0] if ch.isdigit() or ch == ",")
    if digits:
        groups = digits.split(",")
        lead = groups[0]
        vowel = lead.startswith("8") or lead in ("11", "18")
    else:
        vowel = first[:1].lower() in "aeiou" if first else False
    return f"{'an' if vowel else 'a'} {phrase}"


def markdown_escape(text: str) -> str:
    """Escape characters pandoc markdown would read as markup inside a table cell."""
    return re.sub(r"([\\`*_{}\[\]<>|#])", r"\\\1", text)


def not_supplied(borough: str, what: str) -> str:
    """The plain sentence a reader sees where the borough has not supplied ``what``.

    Readers are never told which file to write (the publish check refuses repository paths):
    :func:`vawg.analysis.borough_content.missing_content_line` tells the analyst, in the build's output.
    """
    return f"{markdown_escape(borough)} has not supplied {what} for this edition."


# -- wording files --------------------------------------------------------------------------------------------------

# A section's wording file sits beside the chapter (or root page) that prints its sentences; the build reruns the
# section's notebook when it changes (vawg.running.build), and tests/foundations/test_wording.py checks every entry and case is
# asked for by the code.
WORDING_SUFFIX = ".wording.yml"
WORDING_FOLDERS = (".", "chapters", "appendices")
# "_03-", "90-", "_": what a page's file name carries before the section's name (its order, or the underscore
# that keeps Quarto from rendering an included file as a page of its own).
ORDER_PREFIX = re.compile(r"^_?(?:\d+[a-z]?-)?")


def wording_sections() -> dict[str, str]:
    """Every wording file of the report (project-relative), by the section name :func:`phrase` is given: the name of
    the page file it sits beside, without its order prefix (``chapters/_03-adult-safeguarding.wording.yml`` is
    section ``adult-safeguarding``). Found on disk, so a new chapter's wording file needs no line of Python."""
    root = project_root()
    # Listed on every call (a file may be added while a kernel runs); the checks below run once per listing.
    names = tuple(tuple(sorted(entry.name for entry in os.scandir(root / folder) if entry.name.endswith(WORDING_SUFFIX)))
                  if (root / folder).is_dir() else () for folder in WORDING_FOLDERS)
    return dict(_wording_sections(root, names))


@functools.lru_cache(maxsize=8)
def _wording_sections(root: Path, names: tuple[tuple[str, ...], ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for folder, files in zip(WORDING_FOLDERS, names):
        for path in (root / folder / name for name in files):
            section = ORDER_PREFIX.sub("", path.name.removesuffix(WORDING_SUFFIX))
            relative = path.relative_to(root).as_posix()
            if section in found:
                raise DataError(f"{relative} and {found[section]} are both the wording of section {section!r}: "
                                "rename one")
            found[section] = relative
    return found


def wording_file(section: str) -> Path:
    sections = wording_sections()
    if section not in sections:
        raise DataError(f"no wording file for section {section!r}: write chapters/_NN-{section}{WORDING_SUFFIX} "
                        "beside the chapter that prints its sentences")
    return project_root() / sections[section]


def placeholders(template: str) -> list[str]:
    """The ``{names}`` a template asks for, in order (``{{`` and ``}}`` are literal braces)."""
    return [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]


def wording(section: str) -> dict[str, str | dict[str, str]]:
    """The entries of a section's wording file: ``{entry: template}`` or ``{entry: {case: template}}``."""
    path = wording_file(section)
    try:
        stamp = path.stat()
    except FileNotFoundError:
        raise DataError(f"{path}: the wording file of section {section!r} is missing") from None
    # Read again when the file changes: an author edits it while a notebook's kernel is running.
    return _read(path, stamp.st_mtime_ns, stamp.st_size)


@functools.lru_cache(maxsize=64)
def _read(path: Path, mtime_ns: int, size: int) -> dict[str, str | dict[str, str]]:
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise DataError(f"{path}: not readable YAML ({error}); put a template in double quotes") from None
    if not isinstance(entries, dict):
        raise DataError(f"{path}: must map each sentence's name to its wording")
    for entry, wordings in entries.items():
        cases = wordings.items() if isinstance(wordings, dict) else [(None, wordings)]
        for case, template in cases:
            if not isinstance(template, str):
                where = f"entry {entry!r}" + (f", case {case!r}" if case is not None else "")
                raise DataError(f"{path}: {where} must be a sentence in quotes, not {template!r}")
            for field in placeholders(template):
                if not field.isidentifier():
                    where = f"entry {entry!r}" + (f", case {case!r}" if case is not None else "")
                    raise DataError(f"{path}: {where}: {{{field}}} is not a placeholder name; write {{name}}, "
                                    "or {{ and }} for a brace")
    return entries


def phrase(section: str, entry: str, case: str | None = None, /, **names: Any) -> str:
    """The sentence ``entry`` of ``section``'s wording file, in ``case``, its placeholders filled from ``names``.

    Refuses (:class:`DataError`, naming file, entry and case) a missing entry or case, a placeholder the code does
    not supply and a supplied name the template does not use, so a misspelt placeholder never reaches a reader.
    Call it with the section, entry and case written out (``phrase("marac", "change", "same", ...)``): the tests
    and the build find the calls by reading the code.
    """
    path = wording_file(section)
    entries = wording(section)
    where = f"{path.relative_to(project_root()).as_posix()}: entry {entry!r}" + (f", case {case!r}" if case is not None else "")
    if entry not in entries:
        raise DataError(f"{where}: no such entry (the file has {', '.join(map(repr, entries))})")
    template = entries[entry]
    if isinstance(template, dict):
        if case is None:
            raise DataError(f"{where}: the entry has cases ({', '.join(map(repr, template))}); the code names none")
        if case not in template:
            raise DataError(f"{where}: no such case (the entry has {', '.join(map(repr, template))})")
        template = template[case]
    elif case is not None:
        raise DataError(f"{where}: the entry has one wording, no cases")
    asked = set(placeholders(template))
    missing, unused = sorted(asked - set(names)), sorted(set(names) - asked)
    if missing:
        raise DataError(f"{where}: the template asks for {', '.join('{' + n + '}' for n in missing)}, which the code "
                        f"does not supply (it supplies {', '.join('{' + n + '}' for n in sorted(names)) or 'none'}); "
                        f"check the spelling ({path})")
    if unused:
        raise DataError(f"{where}: the template leaves out {', '.join('{' + n + '}' for n in unused)}, which the "
                        f"code supplies; keep every placeholder ({path})")
    return template.format(**names)


def phrase_calls(source: str | ast.AST) -> Iterator[tuple[str, str, set[str] | None, int]]:
    """The :func:`phrase` calls in Python ``source`` (text, or its parsed tree): (section, entry, cases it may name, line).

    The cases are those written in the call (``"rose" if up else "fell"`` names both); ``None`` when the code
    computes the case (e.g. from a column name). A call whose section or entry is not written out is
    reported with ``""`` in their place, so the tests can refuse it.
    """
    for node in ast.walk(ast.parse(source) if isinstance(source, str) else source):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if name != "phrase" or not node.args:
            continue
        section, entry = (_literal(arg) for arg in (list(node.args) + [None, None])[:2])
        cases = _cases(node.args[2]) if len(node.args) > 2 else set()
        yield section or "", entry or "", cases, node.lineno


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _cases(node: ast.expr) -> set[str] | None:
    if isinstance(node, ast.IfExp):
        body, orelse = _cases(node.body), _cases(node.orelse)
        return None if body is None or orelse is None else body | orelse
    if isinstance(node, ast.Constant) and node.value is None:
        return set()
    value = _literal(node)
    return {value} if value is not None else None


def sections_used(source: str | ast.AST) -> set[str]:
    """The sections whose wording ``source`` reads."""
    return {section for section, *_ in phrase_calls(source) if section}
