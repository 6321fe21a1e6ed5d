"""Service cards in the three published outputs: every card findable, small counts never shown."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docx import Document
from pypdf import PdfReader

from vawg.analysis import services
from vawg.running.build import build
from vawg.foundations.parameters import parse_parameters

from conftest import FIXTURES, copy_project, warm_start

SMALL_COUNT_CARD = FIXTURES / "services" / "small-count.yml"


def html_text(site: Path) -> str:
    return " ".join(BeautifulSoup(p.read_text(encoding="utf-8"), "lxml").get_text(" ") for p in site.rglob("*.html"))


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def word_text(path: Path) -> str:
    document = Document(path)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join([p.text for p in document.paragraphs] + cells)


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'"))


def test_every_card_is_in_all_three_outputs_and_in_the_chapter_index(built_edition):
    cards = services.load_cards()
    names = [card.name for card in cards]
    chapter_4 = [card.name for card in cards if card.category != "additional"]
    assert len(chapter_4) == 33
    outputs = {
        "html": normalise(html_text(built_edition.outputs["html"].parent)),
        "pdf": normalise(pdf_text(built_edition.outputs["pdf"])),
        "docx": normalise(word_text(built_edition.outputs["docx"])),
    }
    for fmt, text in outputs.items():
        missing = [name for name in names if normalise(name) not in text]
        assert not missing, f"{fmt} lacks {missing}"
    chapter = next(built_edition.outputs["html"].parent.rglob("04-local-response.html"))
    soup = BeautifulSoup(chapter.read_text(encoding="utf-8"), "lxml")
    linked = {normalise(a.get_text()) for a in soup.find_all("a") if a.get("href", "").startswith("#")}
    assert not [name for name in chapter_4 if normalise(name) not in linked]


@pytest.fixture(scope="module")
def edition_with_small_counts(small_extract, built_edition, tmp_path_factory):
    """The default edition built from a copy of the project that holds one more card, with counts of 3."""
    project = copy_project(tmp_path_factory.mktemp("project"))
    shutil.copy2(SMALL_COUNT_CARD, project / "data" / "boroughs" / "camden" / "services" / "small-count-service.yml")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VAWG_PROJECT", str(project))
        yield build(parse_parameters(data_dir=small_extract),
                    build_dir=warm_start(built_edition, tmp_path_factory.mktemp("build")))


def card_window(text: str, name: str, length: int = 700) -> str:
    start = normalise(text).rindex(name)  # the card itself comes after the index and contents
    return normalise(text)[start:start + length]


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_a_card_count_of_3_is_suppressed_in_every_format(edition_with_small_counts, fmt):
    outputs = edition_with_small_counts.outputs
    text = {"html": lambda: html_text(outputs["html"].parent), "pdf": lambda: pdf_text(outputs["pdf"]),
            "docx": lambda: word_text(outputs["docx"])}[fmt]()
    card = card_window(text, "Small count service")
    assert "People supported" in card and "20" in card  # the card is there, with its publishable count
    assert "fewer than" in card
    assert not re.search(r"(?<![\d.,])3(?![\d.,])", card), card
