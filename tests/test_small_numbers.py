"""No category of 1 to 6 people appears as a number in anything a build publishes.

Two checks on whole builds:

- planted: the extract is changed so that known categories hold exactly a small number of people
  (say, 4 female victims of mixed ethnicity); the label of each is then looked for in every
  output (HTML text and alt text, PDF text, Word paragraphs and tables, the CSV downloads) and
  the small number must not stand next to it;
- structural: on the 5% extract, where small categories arise by themselves, no cell of a count
  column of any published table or chart data (CSV, HTML, Word) and no count the prose quotes
  holds 1 to 6.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from docx import Document
from pypdf import PdfReader

from vawg.build import build
from vawg.parameters import parse_parameters

CAMDEN = "E09000007"
REPORT_YEAR = 2024


@dataclass(frozen=True)
class Plant:
    """A category made to hold exactly ``people`` people, and the label the report gives it."""

    name: str
    label: str
    people: int
    apply: Callable[[Path], None]
    shown_in: tuple[str, ...]  # the output formats that must carry the label
    artifact: str  # the figure or table whose data hold the category


def plant_category(path: Path, scope: Callable[[pd.DataFrame], pd.Series], column: str, category: str,
                   people: int, elsewhere: str) -> None:
    """Rewrite ``column`` so that exactly ``people`` rows in ``scope`` hold ``category``; the rest move to ``elsewhere``."""
    frame = pd.read_parquet(path)
    in_scope = scope(frame)
    holding = frame.index[in_scope & (frame[column] == category)]
    frame.loc[holding[people:], column] = elsewhere
    short = people - min(people, len(holding))
    donors = frame.index[in_scope & (frame[column] == elsewhere)]
    assert len(donors) >= short, f"too few rows in {path.name} to plant {people} x {category!r}"
    frame.loc[donors[:short], column] = category
    frame.to_parquet(path, index=False)


def camden_in_report_year(frame: pd.DataFrame) -> pd.Series:
    return (frame["borough_code"] == CAMDEN) & (pd.to_datetime(frame["recorded_date"]).dt.year == REPORT_YEAR)


def plant_victims_of_mixed_ethnicity(raw: Path) -> None:
    """Camden's female VAWG victims of the report year: exactly 4 of mixed ethnicity (seed Figure 18)."""
    plant_category(raw / "police_victims" / "police_victims.parquet",
                   lambda f: camden_in_report_year(f) & (f["victim_sex"] == "F"),
                   "victim_ethnicity", "Mixed", 4, elsewhere="White")


def plant_middle_eastern_suspects(raw: Path) -> None:
    """Camden's suspects of the report year: exactly 5 of Middle Eastern appearance (the suspect profile table)."""
    plant_category(next((raw / "police_suspects").glob("*.parquet")), camden_in_report_year,
                   "suspect_ethnic_appearance", "Middle Eastern", 5, elsewhere="White North European")


# Each plant's label must show in the formats listed: a chart's data table is in the HTML and the CSV
# download only; a table is in every format.
PLANTS = (
    Plant("police victims of mixed ethnicity", "Mixed or multiple ethnic groups", 4,
          plant_victims_of_mixed_ethnicity, ("HTML", "CSV"), "fig-victim-ethnicity-profile"),
    Plant("suspects of Middle Eastern appearance", "Middle Eastern", 5,
          plant_middle_eastern_suspects, ("HTML", "PDF", "Word", "CSV"), "tbl-suspect-profile"),
)


def standalone(number: int) -> re.Pattern:
    """The number on its own: not part of a longer number, a decimal, a percentage or a year."""
    return re.compile(rf"(?<![\d.,]){number}(?![\d.,]*\d)(?!%)")


@pytest.fixture(scope="module")
def planted_edition(small_extract, tmp_path_factory):
    raw = tmp_path_factory.mktemp("planted-raw")
    shutil.copytree(small_extract, raw, dirs_exist_ok=True)
    for plant in PLANTS:
        plant.apply(raw)
    params = parse_parameters(data_dir=raw)
    return build(params, build_dir=tmp_path_factory.mktemp("planted-build"))


# -- reading the outputs: (where, text) pairs, one per table row, paragraph or line -------------------------------

def html_fragments(site: Path) -> Iterator[tuple[str, str]]:
    for page in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        for row in soup.find_all("tr"):
            yield f"{page.name} table row", " | ".join(cell.get_text(" ", strip=True)
                                                      for cell in row.find_all(["th", "td"]))
        for block in soup.find_all(["p", "li", "figcaption", "caption", "summary"]):
            yield f"{page.name} text", block.get_text(" ", strip=True)
        for image in soup.find_all("img"):
            yield f"{page.name} alt text", image.get("alt", "")


def pdf_fragments(path: Path) -> Iterator[tuple[str, str]]:
    for number, page in enumerate(PdfReader(path).pages, start=1):
        for line in page.extract_text().splitlines():
            yield f"PDF page {number}", line


def docx_fragments(path: Path) -> Iterator[tuple[str, str]]:
    document = Document(path)
    for paragraph in document.paragraphs:
        yield "Word paragraph", paragraph.text
    for table in document.tables:
        for row in table.rows:
            yield "Word table row", " | ".join(cell.text for cell in row.cells)
    # Alt text lives on the drawing's document properties (wp:docPr/@descr).
    for element in document.element.body.iter():
        if element.tag.endswith("}docPr") and element.get("descr"):
            yield "Word alt text", element.get("descr")


def csv_fragments(site: Path) -> Iterator[tuple[str, str]]:
    for path in sorted((site / "artifacts" / "data").glob("*.csv")):
        with path.open(encoding="utf-8") as handle:
            for number, row in enumerate(csv.reader(handle), start=1):
                yield f"{path.name} row {number}", " | ".join(row)


def all_fragments(result) -> Iterator[tuple[str, str, str]]:
    """(format, where, text) for every row, paragraph, line and alt text of the edition's outputs."""
    site = result.outputs["html"].parent
    sources = {"HTML": html_fragments(site), "PDF": pdf_fragments(result.outputs["pdf"]),
               "Word": docx_fragments(result.outputs["docx"]), "CSV": csv_fragments(site)}
    for output_format, fragments in sources.items():
        for where, text in fragments:
            yield output_format, where, text


def test_a_planted_small_category_is_never_published_as_a_number(planted_edition):
    for plant in PLANTS:
        pattern, found_in, leaks = standalone(plant.people), set(), []
        for output_format, where, text in all_fragments(planted_edition):
            if plant.label not in text:
                continue
            found_in.add(output_format)
            # Only what follows the label: a number before it belongs to something else.
            if pattern.search(text[text.index(plant.label) + len(plant.label):]):
                leaks.append(f"{output_format}, {where}: {text[:200]}")
        assert not leaks, f"{plant.name} ({plant.people} people) published as a number:\n" + "\n".join(leaks)
        # Where the label was not found, the check above proved nothing.
        assert set(plant.shown_in) <= found_in, f"{plant.name}: label found only in {sorted(found_in)}"


def test_the_planted_category_shows_the_suppression_marker_in_the_published_data(planted_edition):
    data = planted_edition.outputs["html"].parent / "artifacts" / "data"
    for plant in PLANTS:
        frame = pd.read_csv(data / f"{plant.artifact}.csv", dtype=str, keep_default_na=False)
        rows = frame[frame.apply(lambda row: plant.label in " ".join(row), axis=1)]
        assert len(rows) == 1, f"{plant.artifact}.csv should have one row for {plant.label!r}"
        assert "<7" in rows.iloc[0].tolist(), rows.iloc[0].tolist()


# -- structural: count columns and quoted counts of the 5% build ---------------------------------------------------

SMALL = re.compile(r"^[1-6]$")


def count_columns(artifacts: Path) -> dict[str, list[str]]:
    manifest = json.loads((artifacts / "manifest.json").read_text(encoding="utf-8"))
    return {entry["id"]: entry.get("count_columns", []) for kind in ("figures", "tables") for entry in manifest[kind]}


def test_no_count_column_of_any_published_csv_holds_1_to_6(built_edition):
    site = built_edition.outputs["html"].parent
    columns = count_columns(built_edition.root / "artifacts")
    assert sum(map(len, columns.values())) > 20, "too few count columns registered to prove anything"
    suppressed, leaks = 0, []
    for artifact, headers in columns.items():
        frame = pd.read_csv(site / "artifacts" / "data" / f"{artifact}.csv", dtype=str, keep_default_na=False)
        for header in headers:
            cells = frame[header].str.replace(",", "")
            suppressed += int((cells == "<7").sum())
            leaks += [f"{artifact}.csv, column {header!r}, row {i + 2}: {cell}"
                      for i, cell in cells.items() if SMALL.match(cell)]
    assert not leaks, "\n".join(leaks)
    assert suppressed > 0, "the 5% extract produced no suppressed cell: the check proved nothing"


def table_cells_under(headers: list[str], rows: list[list[str]], wanted: set[str]) -> Iterator[tuple[str, str]]:
    for row in rows:
        for header, cell in zip(headers, row):
            if header in wanted:
                yield header, cell.replace(",", "").strip()


def test_no_count_column_of_any_html_or_word_table_holds_1_to_6(built_edition):
    wanted = {header for headers in count_columns(built_edition.root / "artifacts").values() for header in headers}
    leaks, checked = [], 0
    site = built_edition.outputs["html"].parent
    for page in sorted(site.rglob("*.html")):
        for table in BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").find_all("table"):
            rows = [[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
                    for row in table.find_all("tr")]
            if not rows:
                continue
            for header, cell in table_cells_under(rows[0], rows[1:], wanted):
                checked += 1
                if SMALL.match(cell):
                    leaks.append(f"{page.name}: {header} = {cell}")
    for table in Document(built_edition.outputs["docx"]).tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        for header, cell in table_cells_under(rows[0], rows[1:], wanted):
            checked += 1
            if SMALL.match(cell):
                leaks.append(f"Word: {header} = {cell}")
    assert checked > 100, f"only {checked} count cells found: the tables were not read"
    assert not leaks, "\n".join(leaks)


def test_no_count_the_prose_quotes_is_1_to_6(built_edition):
    values = json.loads((built_edition.root / "artifacts" / "values.json").read_text(encoding="utf-8"))
    counts = {key: entry for key, entry in values.items() if entry["kind"] == "count"}
    assert len(counts) > 20
    leaks = [f"{key} = {entry['text']}" for key, entry in counts.items()
             if entry["value"] is not None and 1 <= entry["value"] <= 6]
    assert not leaks, "\n".join(leaks)
    assert all(entry["text"] == "<7" for entry in counts.values() if entry["value"] is None
               and entry["text"] not in ("–",)), "a hidden count shows something other than <7"
