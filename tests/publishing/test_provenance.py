"""The data-quality statement (Appendix 6a) and the colophon, written from the staging log and edition record."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from vawg.publishing.check.published import text_faults
from vawg.publishing.editions import EditionRecord
from vawg.publishing.provenance import colophon_text, data_quality_table, rounded_records


def test_record_counts_are_never_exact():
    assert [rounded_records(n) for n in (6, 99, 149, 497, 3554, 268982)] == [
        "under 100", "under 100", "about 100", "about 500", "about 3,600", "about 270,000"]


def test_each_source_has_its_period_rounded_records_repairs_and_what_validation_noted(tmp_path):
    offences = pd.DataFrame({"recorded_date": pd.to_datetime(["2019-01-03", "2024-12-30", "2022-06-01"])})
    offences.to_parquet(tmp_path / "police_offences.parquet")
    pd.DataFrame({"year": [2019, 2024]}).to_parquet(tmp_path / "marac.parquet")
    raw = "/data/raw"
    log = {"sources": [
        {"name": "police_offences", "title": "Metropolitan Police recorded offences", "status": "staged",
         "files": [f"{raw}/police/offences.csv"], "rows": 3, "staged_rows": 268_982, "reference": False},
        {"name": "marac", "title": "MARAC annual figures", "status": "staged", "files": [f"{raw}/marac/marac.csv"],
         "rows": 2, "staged_rows": 24, "reference": False}],
        "repairs": [{"file": f"{raw}/police/offences.csv", "column": None, "action": "byte-order mark removed",
                     "example": "E09000007"}],
        "notices": [{"file": f"{raw}/marac", "column": "year", "message": "2024 counts are provisional"},
                    {"file": f"{raw}/marac", "column": "cases", "message": "column cases_heard renamed"}]}
    table = data_quality_table(log, tmp_path, "Camden").data.set_index("source")
    police = table.loc["Metropolitan Police recorded offences"]
    assert (police["period"], police["records"], police["repairs"]) == (
        "January 2019 to December 2024", "about 270,000", "1")
    assert police["notes"] == "byte-order mark removed" and "E09000007" not in " ".join(table.to_numpy().ravel())
    marac = table.loc["MARAC annual figures"]
    assert (marac["period"], marac["records"]) == ("2019 to 2024", "under 100")
    assert marac["notes"] == "2024 counts are provisional"  # the note naming a column is for the analyst
    assert "Not supplied this edition" in set(table["status"])  # extracts this edition lacks are listed too


def test_the_colophon_names_build_date_code_data_and_parameters():
    record = EditionRecord(edition="camden-2024-12-31", borough="Camden", period_end=dt.date(2024, 12, 31),
                           report_year=2024, built_on=dt.date(2025, 1, 15), suppression_threshold=7,
                           formats=("html",), code_version="0.1.0+db05f96d6c6a", data_fingerprint="893ce841c01b9acc")
    text = colophon_text(record, "London")
    for said in ("15 January 2025", "Camden, data to 31 December 2024", "compared with London", "1 to 6",
                 "`893ce841c01b9acc`", "`0.1.0+db05f96d6c6a`"):
        assert said in text, said
    assert not text_faults(text)
