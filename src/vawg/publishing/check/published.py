"""Nothing unfinished or internal in what a reader gets (issue 13): one rule for the build and ``vawg check``.

A published page (the site's HTML, the PDF's pages, the Word document) must not show

- a repository path (``data/reference/events.csv``, ``references.json``): readers get sources, not files;
- a Python identifier (``two_proportion_ztest``, ``vawg.foundations.stats``): tables name methods, not functions;
- an empty value where a number belongs ("against – of residents"): a value the edition lacked;
- a placeholder ("TODO", "not configured", an unresolved ``{{< var >}}``): a page left unfinished;
- a sentence built of withheld values ("a [c] rise ([c], [c])"): prose that needs its hidden-number
  version (:mod:`vawg.writing.prose_blocks`).

The build refuses an edition with any of these (the audit at the end of :func:`vawg.running.build.build` reads the
pages once for both jobs: :attr:`vawg.publishing.audit.AuditReport.unfinished`); ``vawg check`` reports them. The book sources are held to the repository-path rule in the tests.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from vawg.publishing.check.results import Section

REPOSITORY_PATH = re.compile(
    r"(?<![\w/.-])(?:data|src|notebooks|templates|tests|build)/[\w./<>-]+"
    r"|\b[\w-]+\.(?:yaml|yml|json|csv|py|ipynb|parquet|qmd)\b")
# snake_case with at least two parts (a function or column name), or a dotted name of the package.
PYTHON_IDENTIFIER = re.compile(r"(?<![\w@./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@-])|\bvawg\.[a-z_.]+\b")
# A dash standing in for a number: between a word that wants one and the unit or preposition after it.
EMPTY_VALUE = re.compile(
    r"\b(?:against|was|were|is|are|of|from|to|at|by|with|and)\s+[–—]\s+(?:of|per|in|and|to|a|an|the)\b"
    r"|[–—]\s?%|\(\s*[–—]\s*\)")
PLACEHOLDER = re.compile(
    r"\b(?:TODO|TBC|TBD|FIXME|XXX|lorem ipsum)\b|not configured|\bplaceholder\b|\{\{<|\?var:|\$[a-z][\w.-]*\$",
    re.IGNORECASE)
# "[c]" where the sentence needed a word, not a number: a direction, a comparison or a verdict.
WITHHELD_SENTENCE = re.compile(
    r"\[c\] (?:rise|fall|increase|decrease|higher|lower|than|the)\b|\(\[c\], \[c\]\)")
RULES = {
    "repository path": REPOSITORY_PATH,
    "Python identifier": PYTHON_IDENTIFIER,
    "empty value": EMPTY_VALUE,
    "placeholder": PLACEHOLDER,
    "sentence of withheld values": WITHHELD_SENTENCE,
}
CONTEXT = 40  # characters either side of a fault in its message


@dataclass(frozen=True)
class Fault:
    rule: str
    where: str
    text: str

    def line(self) -> str:
        return f"{self.where}: {self.rule} {self.text!r}"


def text_faults(text: str, where: str = "text") -> list[Fault]:
    """Every match of every rule in ``text``, each with the words around it."""
    faults = []
    for rule, pattern in RULES.items():
        for match in pattern.finditer(text):
            start, end = max(0, match.start() - CONTEXT), min(len(text), match.end() + CONTEXT)
            faults.append(Fault(rule, where, " ".join(text[start:end].split())))
    return faults


def published_texts(output: Path) -> Iterator[tuple[str, str]]:
    """``(where, text)`` for each page of the site, each page of the PDF and the Word document's body."""
    from bs4 import BeautifulSoup

    site = output / "site"
    for page in sorted(site.rglob("*.html")) if site.is_dir() else []:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        for hidden in soup(["script", "style"]):
            hidden.decompose()
        yield str(page.relative_to(output)), soup.get_text(" ")
    pdf = output / "report.pdf"
    if pdf.is_file():
        for number, text in enumerate(pdf_page_texts(pdf), start=1):
            yield f"report.pdf page {number}", text
    docx = output / "report.docx"
    if docx.is_file():
        from docx import Document

        document = Document(str(docx))
        yield "report.docx", "\n".join([p.text for p in document.paragraphs] + [
            cell.text for table in document.tables for row in table.rows for cell in row.cells])


def pdf_page_texts(pdf: Path) -> list[str]:
    """Each page's text: poppler's ``pdftotext`` where it is installed (about 20 times faster than pypdf on a
    200-page report, and the audit reads every page of every build), else pypdf."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        done = subprocess.run([pdftotext, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=False)
        if done.returncode == 0:
            return done.stdout.decode("utf-8", errors="replace").split("\f")[:-1]
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(pdf).pages]


def published_faults(output: Path) -> list[Fault]:
    """The faults of an edition's published output folder (``<edition>/output``)."""
    return [fault for where, text in published_texts(Path(output)) for fault in text_faults(text, where)]


def check_published_text(output: Path, section: Section) -> None:
    for fault in published_faults(output):
        section.add(f"published-{fault.rule.lower().replace(' ', '-')}", fault.where, fault.text,
                    f"a published page shows a {fault.rule}")
