"""Report prose is our own: no run of 13 words (a sentence of more than twelve) is copied from the seeds.

Covers every chapter and appendix source and the data files whose text the report prints
(registers, glossary, further documents, borough content, service cards), so it guards every
author's files. Text is compared after lower-casing, folding typographic quotes and dashes,
and dropping Markdown, shortcodes and citations, so formatting cannot hide a copy.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SEEDS

from vawg.foundations.paths import project_root

SHINGLE = 13
SOURCES = ("index.qmd", "references.qmd", "chapters", "appendices", "data/reference", "data/boroughs",
           "data/services")
SUFFIXES = (".qmd", ".md", ".yaml", ".yml")
# Lookup tables (offence names, flags, published counts) are data the seed's tables also hold, not
# prose; the one reference CSV the report prints as sentences is checked.
PROSE_CSVS = ("data/reference/why_vawg_matters.csv",)
# A document's own title or name is a fact, not our sentence.
TITLE_LINE = re.compile(r"^\s*-?\s*(title|name):.*$", re.MULTILINE)
# Attribution lists (`sources: [CVAA, Solace, ...]`) are codes, not prose: the seed lists the same codes.
SOURCE_LIST = re.compile(r"sources:\s*\[[^\]]*\]")


def words(text: str) -> list[str]:
    text = text.casefold()
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": " ", "—": " "}))
    text = re.sub(r"\{\{<.*?>\}\}", " ", text)            # shortcodes
    text = re.sub(r"\[[^\[\]]*@[^\[\]]*\]", " ", text)    # citations
    text = re.sub(r"\]\([^)]*\)", " ", text)              # link targets
    text = re.sub(r"https?://\S+", " ", text)
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text)


def shingles(tokens: list[str], size: int = SHINGLE) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}


def copied_runs(text: str, seed: set[tuple[str, ...]]) -> list[str]:
    tokens = words(text)
    return [" ".join(tokens[i:i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)
            if tuple(tokens[i:i + SHINGLE]) in seed]


@pytest.fixture(scope="module")
def seed_shingles() -> set[tuple[str, ...]]:
    files = sorted(SEEDS.glob("*.txt"))
    if not files:
        pytest.skip(f"no seed files in {SEEDS}")
    found: set[tuple[str, ...]] = set()
    for path in files:
        # Paragraph by paragraph, so a run never spans two of the seed's paragraphs.
        for paragraph in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            found |= shingles(words(paragraph))
    return found


def report_sources() -> list[Path]:
    root = project_root()
    files = []
    for name in SOURCES:
        base = root / name
        files += [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.suffix in SUFFIXES)
    files += [root / name for name in PROSE_CSVS]
    return [path for path in files if path.is_file()]


def test_the_checker_catches_a_copied_sentence_and_passes_a_rewritten_one(seed_shingles):
    copied = ("Globally, it is estimated that almost one in three women have experienced physical and/or "
              "sexual violence at least once in their lifetime")
    ours = "Around the world, almost one woman in three has experienced physical or sexual violence."
    assert copied_runs(f"Some text. **{copied}** [@who2021violence].", seed_shingles)
    assert not copied_runs(ours, seed_shingles)


def test_sources_cover_every_chapter_and_appendix():
    names = {path.relative_to(project_root()).as_posix() for path in report_sources()}
    for book_file in ("chapters/01-background.qmd", "chapters/02-policy-context.qmd",
                      "chapters/03-local-picture.qmd", "appendices/a1-glossary.qmd",
                      "data/reference/policy_register.yaml", "data/reference/glossary.yaml"):
        assert book_file in names


def test_no_sentence_of_more_than_twelve_words_is_copied_from_the_seeds(seed_shingles):
    problems = []
    for path in report_sources():
        text = path.read_text(encoding="utf-8")
        if path.suffix in (".yaml", ".yml"):
            text = SOURCE_LIST.sub("", TITLE_LINE.sub("", text))
        runs = copied_runs(text, seed_shingles)
        if runs:
            problems.append(f"{path.relative_to(project_root())}: {len(runs)} copied 13-word run(s): "
                            + " | ".join(runs))
    assert not problems, "\n".join(problems)
