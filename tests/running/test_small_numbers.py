"""No category of 1 to 6 people appears as a number in anything a build publishes.

Two checks on whole builds:

- planted: the extract is changed so that known categories hold exactly a small number of people
  (say, 4 female victims of mixed ethnicity, or 3 referrals to the council's DVA service for
  intimate partner violence), at least one in every source (police and each Chapter 3 service),
  all in one planted build; the label of each is then looked for in every
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from docx import Document
from pypdf import PdfReader
from conftest import REPOSITORY

from vawg.writing.artifacts import read_download
from vawg.running.build import build
from vawg.foundations.parameters import parse_parameters

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


MULTI_SEPARATOR = "; "  # between the values of a multi-select field in a delivered file
REFERENCE = REPOSITORY / "data" / "reference"


def read_extract(path: Path) -> pd.DataFrame:
    """A delivered file as it stands: a CSV is read as text, so that writing it back changes nothing else."""
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def write_extract(frame: pd.DataFrame, path: Path) -> None:
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)


def replace(frame: pd.DataFrame, rows: pd.Index, change: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    """Apply ``change`` to ``rows`` of ``frame`` in place, writing back only the columns it changed."""
    before = frame.loc[rows]
    after = change(before.copy())
    for column in after.columns:
        if not after[column].equals(before[column]):
            frame.loc[rows, column] = after[column]


def plant_rows(path: Path, scope: Callable[[pd.DataFrame], pd.Series], holds: Callable[[pd.DataFrame], pd.Series],
               people: int, *, give: Callable[[pd.DataFrame], pd.DataFrame],
               take: Callable[[pd.DataFrame], pd.DataFrame], unit: str | None = None) -> None:
    """Make exactly ``people`` units in ``scope`` hold a category (``holds``): later holders lose it (``take``);
    when too few hold it, others are given it (``give``).

    A unit is a row, or with ``unit`` every row in scope sharing that column's value (a child with several forms).
    """
    frame = read_extract(path)
    in_scope = scope(frame).astype(bool)
    units = frame[unit] if unit else pd.Series(frame.index, index=frame.index)
    holders = list(dict.fromkeys(units[in_scope & holds(frame).astype(bool)]))
    kept = holders[:people]
    losing = frame.index[in_scope & units.isin(holders[people:])]
    replace(frame, losing, take)
    short = people - len(kept)
    donors = list(dict.fromkeys(units[in_scope & ~units.isin(holders)]))[:short]
    assert len(donors) == short, f"too few units in {path.name} to plant {people}"
    gaining = frame.index[in_scope & units.isin(donors)]
    replace(frame, gaining, give)
    write_extract(frame, path)


def plant_category(path: Path, scope: Callable[[pd.DataFrame], pd.Series], column: str, category: str,
                   people: int, elsewhere: str) -> None:
    """Rewrite ``column`` so that exactly ``people`` rows in ``scope`` hold ``category``; the rest move to ``elsewhere``."""
    plant_rows(path, scope, lambda f: f[column] == category, people,
               give=lambda rows: rows.assign(**{column: category}),
               take=lambda rows: rows.assign(**{column: elsewhere}))


def plant_tag(path: Path, scope: Callable[[pd.DataFrame], pd.Series], column: str, tags: list[str], people: int,
              *, unit: str | None = None, emptied: str = "") -> None:
    """Make exactly ``people`` units in ``scope`` carry any of ``tags`` in the multi-select ``column``.

    The others lose every one of the tags (a list left empty becomes ``emptied``); units given the category
    get the first tag.
    """
    def values(cell) -> list[str]:
        return [value for value in str(cell or "").split(MULTI_SEPARATOR) if value]

    def taken(cell) -> str:
        return MULTI_SEPARATOR.join(value for value in values(cell) if value not in tags) or emptied

    plant_rows(path, scope, lambda f: f[column].map(lambda cell: bool(set(values(cell)) & set(tags))), people,
               unit=unit, give=lambda rows: rows.assign(**{column: rows[column].map(
                   lambda cell: MULTI_SEPARATOR.join([*values(cell), tags[0]]))}),
               take=lambda rows: rows.assign(**{column: rows[column].map(taken)}))


def set_count(path: Path, where: Callable[[pd.DataFrame], pd.Series], column: str, count: int,
              *, balance: Callable[[pd.DataFrame], pd.Series] | None = None) -> None:
    """In an aggregate extract, set ``column`` of the one row ``where`` selects to ``count``; the difference is
    moved to the one row ``balance`` selects, so that the breakdown still adds up to its total."""
    frame = read_extract(path)
    row = frame.index[where(frame)]
    assert len(row) == 1, f"{path.name}: {len(row)} rows to plant in, not 1"
    numbers = pd.to_numeric(frame[column])
    difference = count - int(numbers[row[0]])
    numbers[row[0]] = count
    if balance is not None:
        other = frame.index[balance(frame)]
        assert len(other) == 1 and numbers[other[0]] >= difference, f"{path.name}: cannot balance the plant"
        numbers[other[0]] -= difference
    frame[column] = numbers.astype(int) if path.suffix == ".parquet" else numbers.astype(int).astype(str)
    write_extract(frame, path)


def in_year(column: str, year: int = REPORT_YEAR) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda frame: pd.to_datetime(frame[column]).dt.year == year


def camden_in_report_year(frame: pd.DataFrame) -> pd.Series:
    return (frame["borough_code"] == CAMDEN) & in_year("recorded_date")(frame)


def reference_values(file: str, column: str, **where: str) -> list[str]:
    """The raw values Appendix 6 maps to a flag (read from the reference file, not from the analysis)."""
    table = pd.read_csv(REFERENCE / file, dtype=str)
    for key, value in where.items():
        table = table[table[key] == value]
    return table[column].tolist()


def plant_victims_of_mixed_ethnicity(raw: Path) -> None:
    """Camden's female VAWG victims of the report year: exactly 4 of mixed ethnicity (seed Figure 18)."""
    plant_category(raw / "police_victims" / "police_victims.parquet",
                   lambda f: camden_in_report_year(f) & (f["victim_sex"] == "F"),
                   "victim_ethnicity", "Mixed", 4, elsewhere="White")


def plant_middle_eastern_suspects(raw: Path) -> None:
    """Camden's suspects of the report year: exactly 5 of Middle Eastern appearance (the suspect profile table)."""
    plant_category(next((raw / "police_suspects").glob("*.parquet")), camden_in_report_year,
                   "suspect_ethnic_appearance", "Middle Eastern", 5, elsewhere="White North European")


def plant_intimate_partner_referrals(raw: Path) -> None:
    """The council DVA service's referrals of the report year: exactly 3 record intimate partner violence (Table 3)."""
    plant_tag(raw / "csn" / "csn_workflows.csv", in_year("referral_date"), "abuse_types",
              ["DVA - Intimate partner violence"], 3)


def plant_asian_referrals(raw: Path) -> None:
    """The council DVA service's referrals of the report year: exactly 6 of Asian people (seed Figure 19 and the
    odds by ethnic group)."""
    plant_category(raw / "csn" / "csn_workflows.csv", in_year("referral_date"), "ethnicity", "Asian", 6,
                   elsewhere="White")


def plant_early_help_children(raw: Path) -> None:
    """Early Help family assessments of the report year (brief closures aside): exactly 5 children with a VAWG
    factor (seed Table 4's Early Help row)."""
    plant_tag(raw / "early_help" / "early_help_forms.csv",
              lambda f: in_year("completed_date")(f) & (f["eh_brief_closure"] != "True"), "assessment_factors",
              reference_values("children_safeguarding_flags.csv", "assessment_factor", form="eh_assessment"), 5,
              unit="person_id")


def plant_economic_abuse_cases(raw: Path) -> None:
    """Women's adult safeguarding cases of the report year: exactly 2 with an economic abuse type."""
    plant_tag(raw / "asc_safeguarding" / "asc_safeguarding_cases.csv",
              lambda f: in_year("concern_date")(f) & (f["sex"] == "Female"), "abuse_types",
              reference_values("adult_safeguarding_flags.csv", "asc_abuse_type", vawg_flag="economic"), 2,
              emptied="Neglect And Acts Of Omission")


def plant_young_applicants_with_dva_points(raw: Path) -> None:
    """Housing register applications of the report year awarded DVA points: exactly 4 by applicants aged 16-24."""
    plant_rows(raw / "housing" / "housing_register_applications.csv",
               lambda f: in_year("application_date")(f) & (f["dva_points"] == "True"),
               lambda f: pd.to_numeric(f["age"], errors="coerce").between(16, 24), 4,
               give=lambda rows: rows.assign(age="20"), take=lambda rows: rows.assign(age="30"))


MARAC_CASES = 97  # Camden's cases heard in the report year, planted too so that the row's label is known


def plant_marac_victims_aged_16_17(raw: Path) -> None:
    """Camden's MARAC in the report year: 97 cases heard, exactly 3 with a victim aged 16 or 17 (seed Figure 24)."""
    path = raw / "marac" / "marac_annual.csv"

    def camden(f: pd.DataFrame) -> pd.Series:
        return (f["year"] == str(REPORT_YEAR)) & (f["area"] == "Camden")

    frame = read_extract(path)
    row = frame.index[camden(frame)][0]
    added = MARAC_CASES - int(frame.loc[row, "cases_heard"])
    # The referral sources must add up to the cases heard: the extra cases came from "other" referrers.
    frame.loc[row, "other_referrals"] = str(int(frame.loc[row, "other_referrals"]) + added)
    frame.loc[row, "cases_heard"] = str(MARAC_CASES)
    write_extract(frame, path)
    set_count(path, camden, "victims_16_17", 3)


def plant_muslim_victim_support_referrals(raw: Path) -> None:
    """Victim Support's referrals in Camden, April to June of the report year: exactly 4 of Muslim people."""
    def camden_religion(category: str) -> Callable[[pd.DataFrame], pd.Series]:
        return lambda f: ((f["borough_code"] == CAMDEN) & (f["quarter_start"] == f"{REPORT_YEAR}-04-01")
                          & (f["measure"] == "referrals") & (f["dimension"] == "religion")
                          & (f["category"] == category))

    set_count(raw / "victim_support" / "victim_support_quarterly.csv", camden_religion("Muslim"), "count", 4,
              balance=camden_religion("Not disclosed"))


# Each plant's label must show in the formats listed: a chart's data table is in the HTML and the CSV
# download only; a table is in every format. A label may join cells with " | " (a row of a table or CSV).
ALL_FORMATS = ("HTML", "PDF", "Word", "CSV")
PLANTS = (
    Plant("police victims of mixed ethnicity", "Mixed or multiple ethnic groups", 4,
          plant_victims_of_mixed_ethnicity, ("HTML", "CSV"), "fig-victim-ethnicity-profile"),
    Plant("suspects of Middle Eastern appearance", "Middle Eastern", 5,
          plant_middle_eastern_suspects, ALL_FORMATS, "tbl-suspect-profile"),
    Plant("DVA service referrals recording intimate partner violence", "DVA: intimate partner", 3,
          plant_intimate_partner_referrals, ALL_FORMATS, "tbl-csn-abuse-types"),
    Plant("DVA service referrals of Asian people", "Asian or Asian British", 6,
          plant_asian_referrals, ("HTML", "CSV"), "fig-csn-ethnicity-profile"),
    Plant("children with a VAWG factor at an Early Help assessment", "Early Help family assessment (EH)", 5,
          plant_early_help_children, ALL_FORMATS, "tbl-children-persons"),
    Plant("women's adult safeguarding cases of economic abuse", "Economic abuse", 2,
          plant_economic_abuse_cases, ALL_FORMATS, "tbl-asc-abuse-types"),
    Plant("housing register applicants aged 16-24 awarded DVA points", "16-24", 4,
          plant_young_applicants_with_dva_points, ALL_FORMATS, "tbl-housing-register-dva-age"),
    Plant("MARAC cases with a victim aged 16 or 17", f"{REPORT_YEAR} | Camden | {MARAC_CASES}", 3,
          plant_marac_victims_aged_16_17, ("HTML", "CSV"), "fig-marac-aged-16-17"),
    Plant("Victim Support referrals of Muslim people", "Religion: Muslim", 4,
          plant_muslim_victim_support_referrals, ALL_FORMATS, "tbl-victim-support-comparison"),
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
        frame = read_download(data / f"{plant.artifact}.csv")
        rows = frame[frame.apply(lambda row, label=plant.label: label in " | ".join(row), axis=1)]
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
        frame = read_download(site / "artifacts" / "data" / f"{artifact}.csv")
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
    # A count of 1 to 6 reads "<7"; a larger count hidden so that one cannot be worked out from it reads "[c]".
    shown = {key: entry["text"] for key, entry in counts.items() if entry["value"] is None}
    assert set(shown.values()) <= {"<7", "[c]", "–"}, shown


# -- disclosure: statistics never beside a hidden count; the audit of the planted build is clean --------------

STATISTIC_HEADER = re.compile(r"p-value|95% CI|CI lower|CI upper|Rank|z-score|Odds ratio", re.I)


def _area(header: str) -> str:
    lower = header.lower()
    return "rest" if "rest of london" in lower else "other" if re.search(r"london|england|other|without", lower) \
        else "borough"


def test_no_p_value_interval_or_rank_is_published_beside_a_hidden_count(planted_edition):
    site = planted_edition.outputs["html"].parent
    columns = count_columns(planted_edition.root / "artifacts")
    leaks, checked = [], 0
    for artifact, headers in columns.items():
        frame = read_download(site / "artifacts" / "data" / f"{artifact}.csv")
        statistics = [h for h in frame.columns if STATISTIC_HEADER.search(h)]
        for number, row in frame.iterrows():
            for count in headers:
                if row[count] not in ("<7", "[c]"):
                    continue
                for header in statistics:
                    if _area(header) == _area(count) and re.search(r"\d", row[header]):
                        leaks.append(f"{artifact}.csv row {number + 2}: {header} = {row[header]} beside {count} = "
                                     f"{row[count]}")
                    checked += 1
    values = json.loads((planted_edition.root / "artifacts" / "values.json").read_text(encoding="utf-8"))
    for key, entry in values.items():
        if key.endswith(".count") and entry["text"] in ("<7", "[c]"):
            prefix = key[: -len(".count")]
            for last in ("p", "share_p", "rank", "rate_ci", "share_ci"):
                quoted = values.get(f"{prefix}.{last}")
                checked += quoted is not None
                if quoted and re.search(r"\d", quoted["text"]):
                    leaks.append(f"values {prefix}.{last} = {quoted['text']} beside {key} = {entry['text']}")
    assert checked > 20, "too few statistics beside hidden counts were looked at to prove anything"
    assert not leaks, "\n".join(leaks)


def test_the_disclosure_audit_of_the_planted_build_is_clean_and_kept_with_the_edition(planted_edition):
    report = json.loads((planted_edition.root / "audit.json").read_text(encoding="utf-8"))
    assert report["clean"], "\n".join(str(f) for f in report["findings"])
    assert report["hidden"]["primary"] > 0 and report["checked"]["CSV files"] > 20
    assert not list((planted_edition.root / "output").rglob("audit.json"))
    assert planted_edition.audit["clean"]
