"""Editions kept side by side, "What changed since the last edition", and the analyst's quarterly check."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from statsmodels.stats import rates

from vawg.running.cli import main
from vawg.publishing.editions import EditionRecord, list_editions, previous_edition, read_record, write_record
from vawg.publishing.qa import quarterly_check
from vawg.publishing.what_changed import Headline, PublishedEdition, compare, period_end_of, write_what_changed

from conftest import copy_project


def record(period_end: str, borough: str = "Camden", **extra) -> EditionRecord:
    day = dt.date.fromisoformat(period_end)
    return EditionRecord(edition=f"{borough.lower()}-{period_end}", borough=borough, period_end=day,
                         report_year=day.year if day.month == 12 else day.year - 1, built_on=dt.date(2025, 1, 15),
                         suppression_threshold=7, formats=("html",), code_version="0.1.0+test",
                         data_fingerprint="f" * 16, **extra)


def value(text: str, number=None, kind: str = "count") -> dict:
    return {"text": text, "value": number, "kind": kind}


def edition(period_end: str, values: dict, data: dict | None = None, cards=None, stale=()) -> PublishedEdition:
    counts = {artifact: ["Offences"] for artifact in (data or {})}
    return PublishedEdition(record(period_end), values, data or {}, cards or {}, set(stale), counts)


HEADLINES = [Headline(label="VAWG offences", count="offences.count", rate="offences.rate", rate_unit="per 1,000",
                      year="offences.year"),
             Headline(label="Rank", rank="offences.rank", year="offences.year"),
             Headline(label="MARAC cases", count="marac.cases", year="marac.year")]


def test_periods_named_in_rows_are_read_as_their_last_day():
    assert period_end_of("2023") == dt.date(2023, 12, 31)
    assert period_end_of("2023/24") == dt.date(2024, 3, 31)
    assert period_end_of("March 2024") == dt.date(2024, 3, 31)
    assert period_end_of("Feb 2024") == dt.date(2024, 2, 29)
    assert period_end_of("Camden") is None and period_end_of("16-24") is None


def test_headline_changes_are_tested_as_two_poisson_rates():
    before = edition("2024-09-30", {"offences.count": value("3,000", 3000), "offences.rate": value("25.0", 25.0, "number"),
                                    "offences.year": value("2023", kind="text"), "offences.rank": value("9th", 9, "rank"),
                                    "marac.cases": value("200", 200), "marac.year": value("2023", kind="text")})
    after = edition("2024-12-31", {"offences.count": value("3,300", 3300), "offences.rate": value("27.0", 27.0, "number"),
                                   "offences.year": value("2024", kind="text"), "offences.rank": value("7th", 7, "rank"),
                                   "marac.cases": value("<7"), "marac.year": value("2024", kind="text")})
    rows = {row["measure"]: row for row in compare(before, after, HEADLINES, 7).headlines}
    # Independently: the populations behind the rates, and statsmodels' score test.
    expected = rates.test_poisson_2indep(3300, 3300 * 1000 / 27.0, 3000, 3000 * 1000 / 25.0, method="score").pvalue
    offences = rows["VAWG offences"]
    assert offences["previous"] == "3,000 (25.0 per 1,000) in 2023" and offences["current"] == "3,300 (27.0 per 1,000) in 2024"
    assert offences["change"] == "+8.0% in the rate"
    assert offences["significance"] == f"{'Yes' if expected < 0.05 else 'No'} (p = {expected:.3f})"
    assert rows["Rank"]["change"] == "2 places higher" and rows["Rank"]["significance"].startswith("Not tested")
    # A count hidden in either edition is neither compared nor tested.
    assert rows["MARAC cases"]["current"] == "<7 in 2024" and rows["MARAC cases"]["change"] == "–"
    assert rows["MARAC cases"]["significance"] == "Not tested: not published in both editions"


def test_revised_past_values_newly_hidden_cells_new_categories_and_cards_are_found():
    old = pd.DataFrame({"Year": ["2022", "2023", "2022", "2023"], "Area": ["Camden"] * 2 + ["London"] * 2,
                        "Offences": ["410", "455", "9,000", "9,400"], "Rate": ["3.4", "3.8", "2.0", "2.1"]})
    new = pd.DataFrame({"Year": ["2022", "2023", "2024", "2022", "2023", "2024", "2024"],
                        "Area": ["Camden", "Camden", "Camden", "London", "London", "London", "Westminster"],
                        "Offences": ["<7", "470", "480", "9,000", "9,400", "9,500", "800"],
                        "Rate": ["3.4", "3.9", "4.0", "2.0", "2.1", "2.1", "5.0"]})
    types_old = pd.DataFrame({"Abuse type": ["Stalking", "FGM"], "Offences": ["12", "<7"]})
    types_new = pd.DataFrame({"Abuse type": ["Stalking", "FGM"], "Offences": ["<7", "<7"]})
    cards_old = {"a": {"id": "a", "name": "Alpha", "fingerprint": "1"}, "b": {"id": "b", "name": "Beta", "fingerprint": "2"}}
    cards_new = {"a": {"id": "a", "name": "Alpha", "fingerprint": "9"}, "c": {"id": "c", "name": "Gamma", "fingerprint": "3"}}
    before = edition("2024-09-30", {}, {"tbl-types": ("Types", ["Abuse type"], types_old),
                                        "fig-trend": ("Trend", ["Year", "Area"], old)}, cards_old)
    after = edition("2024-12-31", {}, {"tbl-types": ("Types", ["Abuse type"], types_new),
                                       "fig-trend": ("Trend", ["Year", "Area"], new)}, cards_new, stale={"c"})
    changes = compare(before, after, [], 7)
    # 2023 is past for both editions: its Camden count was revised (a rate moves with it and is not listed);
    # 2024 is new, not a revision.
    assert changes.revised_counts == {"fig-trend": 1}
    assert changes.revised["fig-trend"] == ["2023, Camden, Offences: 455 to 470"]
    # A past year's figure now hidden comes before this period's small category, whatever the table order.
    assert changes.newly_suppressed == ["2022, Camden, Offences (@fig-trend)", "Stalking, Offences (@tbl-types)"]
    assert changes.new_categories == ["Westminster (@fig-trend)"]
    assert changes.cards == {"added": ["Gamma"], "removed": ["Beta"], "updated": ["Alpha"], "stale": ["Gamma"]}


def test_the_first_edition_says_there_is_nothing_to_compare_with(tmp_path):
    from vawg.writing.artifacts import ArtifactWriter

    writer = ArtifactWriter(tmp_path, 7)
    current = record("2024-12-31")
    path = write_what_changed(writer, compare(None, edition("2024-12-31", {}), HEADLINES, 7), current)
    assert "first edition of Camden's needs assessment" in path.read_text(encoding="utf-8")


def test_editions_are_listed_and_the_previous_one_is_the_latest_earlier_of_the_same_borough(tmp_path):
    for name, rec in (("camden-2024-06-30", record("2024-06-30")), ("camden-2024-09-30", record("2024-09-30")),
                      ("hackney-2024-09-30", record("2024-09-30", "Hackney")), ("camden-2024-12-31", record("2024-12-31"))):
        (tmp_path / name).mkdir()
        write_record(tmp_path / name, rec)
    (tmp_path / ".camden-2025-03-31.partial").mkdir()  # a build in progress is not an edition
    assert [r.edition for _, r in list_editions(tmp_path)] == [
        "camden-2024-06-30", "camden-2024-09-30", "camden-2024-12-31", "hackney-2024-09-30"]
    folder, found = previous_edition(tmp_path, "Camden", dt.date(2024, 12, 31))
    assert found.edition == "camden-2024-09-30" and folder.name == "camden-2024-09-30"
    assert previous_edition(tmp_path, "Hackney", dt.date(2024, 9, 30)) is None
    assert read_record(tmp_path / ".camden-2025-03-31.partial") is None


# ----------------------------------------------------------------------------- two editions built


def _marac(data: Path, changes: dict[tuple[int, str], int]) -> None:
    path = next((data / "marac").glob("*.csv"))
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for (year, column), number in changes.items():
        row = (frame["year"] == str(year)) & (frame["area"] == "Camden")
        if column == "cases_heard":  # the referral sources add up to the cases heard
            extra = number - int(frame.loc[row, column].iloc[0])
            frame.loc[row, "other_referrals"] = str(int(frame.loc[row, "other_referrals"].iloc[0]) + extra)
        frame.loc[row, column] = str(number)
    frame.to_csv(path, index=False)


@pytest.fixture(scope="module")
def two_editions(small_extract, tmp_path_factory):
    """Camden to September 2024, then to December 2024 from a refreshed extract: one past MARAC figure revised,
    one past count now under the threshold, a MARAC caseload that doubled, and one service card edited."""
    from vawg.running.build import build
    from vawg.foundations.parameters import parse_parameters

    root = tmp_path_factory.mktemp("editions")
    build_dir = root / "build"
    first = build(parse_parameters(data_dir=small_extract, period_end="2024-09-30", formats="html"),
                  build_dir=build_dir)
    refreshed = root / "raw"
    shutil.copytree(small_extract, refreshed)
    marac = pd.read_csv(next((small_extract / "marac").glob("*.csv")), dtype=str, keep_default_na=False)
    camden = marac[marac["area"] == "Camden"].set_index("year")
    cases_2023 = int(camden.loc["2023", "cases_heard"])
    _marac(refreshed, {(2021, "cases_heard"): int(camden.loc["2021", "cases_heard"]) + 2,
                       (2022, "children_in_households"): 3,
                       (2024, "cases_heard"): cases_2023 * 3})
    project = copy_project(root / "project")
    card = next((project / "data" / "boroughs" / "camden" / "services").glob("[!_]*.yml"))
    text = card.read_text(encoding="utf-8")
    assert "description: |\n" in text
    card.write_text(text.replace("description: |\n", "description: |\n  Opening hours changed this quarter.\n", 1),
                    encoding="utf-8")
    import os

    os.environ["VAWG_PROJECT"] = str(project)
    try:
        second = build(parse_parameters(data_dir=refreshed, period_end="2024-12-31"), build_dir=build_dir)
    finally:
        del os.environ["VAWG_PROJECT"]
    return first, second, camden, cases_2023


def _print_section_text(text: str) -> str:
    """The "What changed" section of a PDF's or Word file's text, up to the chapter after it."""
    text = " ".join(text.split()).replace("’", "'")
    start = text.rindex("What changed since the last edition")  # the heading itself, after any contents list
    return text[start:text.index("Background", start)]


def test_what_changed_is_in_the_pdf_and_the_word_file_too(two_editions):
    from docx import Document
    from pypdf import PdfReader

    _, second, camden, cases_2023 = two_editions
    revised = int(camden.loc["2021", "cases_heard"])
    expected = rates.test_poisson_2indep(cases_2023 * 3, 1, cases_2023, 1, method="score").pvalue
    significant = f"Yes ({'p < 0.001' if expected < 0.001 else f'p = {expected:.3f}'})"
    pdf = "\n".join(page.extract_text() for page in PdfReader(second.outputs["pdf"]).pages)
    document = Document(second.outputs["docx"])
    word = "\n".join(paragraph.text for paragraph in document.paragraphs)
    # The headline table: the doubled MARAC caseload, tested and significant, in both.
    assert significant in " ".join(_print_section_text(pdf).split())
    rows = [[cell.text.strip() for cell in row.cells] for table in document.tables for row in table.rows]
    marac = next(row for row in rows if row[0].startswith("Cases heard at the MARAC"))
    assert marac[1:3] == [f"{cases_2023} in 2023", f"{cases_2023 * 3:,} in 2024"] and marac[-1] == significant
    for text in (_print_section_text(pdf), _print_section_text(word)):
        assert "with data to 30 September 2024" in text
        assert f"{revised} to {revised + 2}" in text
        assert "2022, Children in the households" in text.split("Newly below the threshold")[1]
        assert "Cards updated:" in text


def _section_text(result) -> str:
    page = result.outputs["html"].parent / "chapters" / "00-executive-summary.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    heading = soup.find(id="sec-what-changed")
    section = heading.find_parent("section") or heading.parent
    return " ".join(section.get_text(" ", strip=True).split()).replace("’", "'")


def test_the_second_edition_reports_what_changed_since_the_first(two_editions):
    first, second, camden, cases_2023 = two_editions
    first_text = _section_text(first)
    assert "first edition of Camden's needs assessment" in first_text
    text = _section_text(second)
    assert "with data to 30 September 2024" in text
    # The doubled MARAC caseload: tested, and significant.
    expected = rates.test_poisson_2indep(cases_2023 * 3, 1, cases_2023, 1, method="score").pvalue
    assert expected < 0.05
    assert f"Cases heard at the MARAC {cases_2023} in 2023 {cases_2023 * 3:,} in 2024" in text
    assert f"Yes ({'p < 0.001' if expected < 0.001 else f'p = {expected:.3f}'})" in text
    # The revised past value, and the past count now under the threshold.
    revised = int(camden.loc["2021", "cases_heard"])
    assert f"2021, Cases heard: {revised} to {revised + 2}" in text
    assert "2022, Children in the households" in text.split("Newly below the threshold")[1]
    assert "Cards updated:" in text
    records = {r.edition: r for _, r in list_editions(second.root.parent)}
    assert set(records) == {"camden-2024-09-30", "camden-2024-12-31"}
    assert records["camden-2024-12-31"].data_fingerprint != records["camden-2024-09-30"].data_fingerprint


def test_vawg_editions_and_vawg_qa_on_the_two_editions(two_editions, capsys):
    _, second, camden, cases_2023 = two_editions
    build_dir = second.root.parent
    with pytest.raises(SystemExit) as exit_info:
        main(["editions", "--build-dir", str(build_dir)])
    assert exit_info.value.code == 0
    listing = capsys.readouterr().out
    assert "camden-2024-09-30" in listing and "camden-2024-12-31" in listing
    report = quarterly_check(second.root)
    moved = {key for key, *_ in report.moved_values}
    assert "marac.cases" in moved
    assert ("tbl-marac-borough-trend", 5, 6) in report.changed_rows or any(
        artifact.startswith("tbl-marac") for artifact, *_ in report.changed_rows)
    with pytest.raises(SystemExit) as exit_info:
        main(["qa", "camden-2024-12-31", "--build-dir", str(build_dir)])
    assert exit_info.value.code == 0
    assert (second.root / "qa.md").is_file() and not (second.root / "output" / "qa.md").exists()
    assert "marac.cases" in (second.root / "qa.md").read_text(encoding="utf-8")
    assert json.loads((second.root / "edition.json").read_text())["borough"] == "Camden"
