"""What a reader sees names sources and methods, never the repository's files (issue 13, item 3).

A fast check over the hand-written book sources; `{{< include >}}` lines are Quarto's, not the reader's.
"""

from __future__ import annotations

import re
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
BOOK_SOURCES = ("index.qmd", "references.qmd", "chapters", "appendices")
REPOSITORY_PATH = re.compile(
    r"\b(?:data|src|notebooks|templates|tests|build)/[\w./<>-]+"
    r"|\b[\w-]+\.(?:yaml|yml|json|csv|py|ipynb|parquet)\b")


def repository_paths(text: str) -> list[str]:
    return [match.group(0) for line in text.splitlines() if "{{< include" not in line
            for match in REPOSITORY_PATH.finditer(line)]


def test_the_check_finds_a_path_and_passes_prose() -> None:
    assert repository_paths("The list is kept in `data/reference/glossary.yaml`.") == ["data/reference/glossary.yaml"]
    assert repository_paths("Entries live in references.json.") == ["references.json"]
    assert repository_paths("Rates per 1,000 women (ONS mid-2023 estimates), e.g. 7.4 in 2024.") == []


def test_no_book_source_shows_a_repository_path() -> None:
    found = []
    for name in BOOK_SOURCES:
        base = REPOSITORY / name
        for path in [base] if base.is_file() else sorted(base.rglob("*.qmd")):
            found += [f"{path.relative_to(REPOSITORY)}: {hit}" for hit in repository_paths(path.read_text("utf-8"))]
    assert found == []
