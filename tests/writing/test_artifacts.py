"""Artifacts suppress small numbers once, for every output: values, tables, CSVs and partials."""

import json

import pandas as pd
import pytest

from vawg.writing.artifacts import ArtifactWriter, Column, Table, format_value, nest_values, pipe_table, read_download, read_values


@pytest.fixture
def writer(tmp_path):
    return ArtifactWriter(tmp_path, threshold=7)


@pytest.mark.parametrize("count,shown", [(0, "0"), (1, "<7"), (6, "<7"), (7, "7"), (3466, "3,466")])
def test_counts_below_the_threshold_are_suppressed(count, shown):
    assert format_value(count, "count", threshold=7) == shown


def test_values_built_on_small_counts_are_marked_confidential():
    assert format_value(0.05, "number", decimals=2, threshold=7, basis=6) == "[c]"
    assert format_value(0.06, "number", decimals=2, threshold=7, basis=7) == "0.06"


def test_suppressed_prose_values_keep_no_number(writer, tmp_path):
    writer.value("offences.hbv_count", 6, "count")
    writer.value("offences.hbv_rate", 0.05, "number", decimals=2, basis=6)
    writer.value("offences.total", 3466, "count")
    values = read_values(tmp_path)
    assert values["offences.hbv_count"] == {"text": "<7", "value": None, "kind": "count", "made_by": ""}
    assert values["offences.hbv_rate"]["value"] is None
    assert values["offences.total"]["value"] == 3466
    assert nest_values(values) == {"offences": {"hbv_count": "<7", "hbv_rate": "[c]", "total": "3,466"}}


def test_tables_suppress_cells_in_the_partial_and_the_csv(writer, tmp_path):
    data = pd.DataFrame({"type": ["Overall", "Forced marriage"], "count": [3466, 3], "rate": [29.05, 0.03],
                         "significant": [True, False]})
    writer.table(Table(id="tbl-example", caption="Example", data=data, source="Test",
                       columns=[Column("Type", "type", "text"), Column("Count", "count", "count"),
                                Column("Rate", "rate", "number", 2, basis="count")],
                       emphasis="significant"))
    partial = (tmp_path / "partials" / "tbl-example.qmd").read_text()
    csv = (tmp_path / "data" / "tbl-example.csv").read_text()
    assert "**3,466**" in partial and "**29.05**" in partial  # significant row in bold
    assert "\\<7" in partial and "\\[c\\]" in partial
    assert ": Example {#tbl-example}" in partial
    assert "0.03" not in partial and "0.03" not in csv and ",3," not in csv
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["tables"][0]["id"] == "tbl-example"


def test_artifact_ids_and_value_keys_are_checked(writer):
    with pytest.raises(ValueError, match="artifact id"):
        writer.table(Table(id="Table 2", caption="x", data=pd.DataFrame({"a": [1]}), source="",
                           columns=[Column("A", "a", "count")]))
    with pytest.raises(ValueError, match="value key"):
        writer.value("Rate", 1.0)


def test_pipe_table_escapes_markdown():
    table = pipe_table(pd.DataFrame({"name": ["a|b", "*x*"], "n": ["<7", "1"]}))
    assert "a\\|b" in table and "\\*x\\*" in table and "\\<7" in table


def test_chart_values_hide_both_the_mark_and_the_label_of_a_small_count():
    from vawg.foundations.suppression import chart_values

    plotted, labels = chart_values(pd.Series([29.05, 0.03, 0.0]), pd.Series([3466, 3, 0]), 7, "{:.2f}")
    assert plotted.isna().tolist() == [False, True, False]
    assert labels.tolist() == ["29.05", "[c]", "0.00"]


FORMULAS = ["=HYPERLINK(\"http://example.com\",\"click\")", "+9.8%", "-1+2", "@SUM(A1:A2)", "\tnote", "\rnote"]


def test_planted_formula_cells_are_published_as_text_not_formulas(writer, tmp_path):
    """CSV injection (OWASP): a text cell that would start a formula gets a leading apostrophe in the download;
    a signed number is a plain number there ("+9.8%" is 9.8), which no spreadsheet reads as a formula."""
    import csv

    data = pd.DataFrame({"ward": FORMULAS + ["Camden Town"], "change": [9.8, -2.0, 0.0, 0.1, 0.2, 0.3, 0.4]})
    writer.table(Table(id="tbl-planted", caption="Planted", data=data, source="Test",
                       columns=[Column("=Ward", "ward", "text"), Column("Change", "change", "change", 1)]))
    with (tmp_path / "data" / "tbl-planted.csv").open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["'=Ward", "Change (%)"]
    assert [row[0] for row in rows[1:]] == ["'" + text.replace("\r", "\n") for text in FORMULAS] + ["Camden Town"]
    assert [row[1] for row in rows[1:]] == ["9.8", "-2.0", "0.0", "0.1", "0.2", "0.3", "0.4"]
    assert not [cell for row in rows for cell in row if cell[:1] in FORMULA_STARTS and not is_number(cell)]
    partial = (tmp_path / "partials" / "tbl-planted.qmd").read_text()
    assert "'=HYPERLINK" not in partial  # the page itself shows the text as delivered


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_no_published_csv_of_the_built_edition_starts_a_cell_with_a_formula(built_edition):
    import csv

    files = sorted((built_edition.root / "artifacts" / "data").glob("*.csv"))
    assert files
    for path in files:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for number, row in enumerate(csv.reader(handle), start=1):
                bad = [cell for cell in row if cell[:1] in FORMULA_STARTS and not is_number(cell)]
                assert not bad, (path.name, number, bad)


def test_a_csv_download_opens_in_a_spreadsheet_with_numbers_as_numbers_and_flags_beside_them(writer, tmp_path):
    """Issue 13: UTF-8 with a byte-order mark (Excel needs it for "’" and "–"), no separators or "%" in the
    numbers, a suppressed cell empty with its flag in a column of its own, every row naming its group."""
    data = pd.DataFrame({"group": ["Sex", "", "Age – women’s"], "type": ["Female", "Male", "16 to 24"],
                         "count": [22278, 3, 40], "share": [54.01, 0.4, 12.0], "low": [1.24, 0.1, 9.0],
                         "high": [1.68, 0.9, 15.5], "rank": [1, 2, 3], "p": [0.0001, 0.5, 0.25]})
    data["ci"] = [f"{a:.2f}–{b:.2f}" for a, b in zip(data["low"], data["high"])]
    writer.table(Table(id="tbl-download", caption="Download", data=data, source="Test", columns=[
        Column("Characteristic", "group", "text"), Column("Group", "type", "text"),
        Column("Offences", "count", "count"), Column("Share", "share", "percent", 2, basis="count"),
        Column("95% CI", "ci", "text", basis="count"), Column("Rank", "rank", "rank", basis="count"),
        Column("p-value", "p", "pvalue")]))
    path = tmp_path / "data" / "tbl-download.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(path, encoding="utf-8-sig")
    assert table["Characteristic"].tolist() == ["Sex", "Sex", "Age – women’s"]
    for column in ("Offences", "Share (%)", "95% CI lower", "95% CI upper", "Rank", "p-value"):
        assert pd.api.types.is_numeric_dtype(table[column]), column
    assert table.loc[0, "Offences"] == 22278 and table.loc[0, "Share (%)"] == 54.01 and table.loc[2, "Rank"] == 3
    assert table.loc[0, "95% CI lower"] == 1.24 and table.loc[0, "95% CI upper"] == 1.68
    male = table.loc[1]
    assert pd.isna(male["Offences"]) and male["Offences (flag)"] == "fewer than 7"
    assert pd.isna(male["Share (%)"]) and male["Share (flag)"] == "withheld [c]"
    assert pd.isna(male["95% CI lower"]) and male["95% CI (flag)"] == "withheld [c]"
    assert pd.isna(table.loc[0, "p-value"]) and table.loc[0, "p-value (flag)"] == "below 0.001"
    assert "3" not in path.read_text(encoding="utf-8-sig").splitlines()[2].split(",")
    # Read back as the page prints it (how editions are compared): the marks are in the cells again.
    printed = read_download(path)
    assert not [name for name in printed.columns if name.endswith("(flag)")]
    assert (printed.loc[1, "Offences"], printed.loc[1, "Share (%)"]) == ("<7", "[c]")
    assert (printed.loc[1, "95% CI lower"], printed.loc[1, "95% CI upper"]) == ("[c]", "[c]")
    assert (printed.loc[0, "Offences"], printed.loc[0, "p-value"]) == ("22278", "<0.001")


def test_a_signed_interval_kept_together_by_a_no_break_space_downloads_as_two_numbers():
    """The December changes table prints "−43.0%\u00a0– +196.5%" (SIGNED_RANGE); the download still splits it."""
    from vawg.analysis.police.recorded_offences import SIGNED_RANGE
    from vawg.writing.artifacts import csv_download

    shown = pd.DataFrame({"95% CI": [f"−43.0%{SIGNED_RANGE}+196.5%", "[c]"]})
    download = csv_download(shown, threshold=7)
    assert download["95% CI lower"].tolist() == ["-43.0", ""]
    assert download["95% CI upper"].tolist() == ["196.5", ""]
    assert download["95% CI (flag)"].tolist() == ["", "withheld [c]"]


def test_a_figure_saved_twice_gives_the_same_bytes(tmp_path):
    """No date in the SVG and deterministic SVG ids: the same inputs give byte-identical figures."""
    from plotnine import aes, geom_col, ggplot

    from vawg.writing.artifacts import Figure

    data = pd.DataFrame({"year": ["2023", "2024"], "count": [120, 140]})
    outputs = []
    for run in ("a", "b"):
        writer = ArtifactWriter(tmp_path / run, threshold=7)
        writer.figure(Figure(id="fig-twice", caption="Twice", alt="Two bars", source="Test", data=data,
                             columns=[Column("Year", "year", "text"), Column("Count", "count", "count")],
                             plot=ggplot(data, aes("year", "count")) + geom_col()))
        outputs.append({name: (tmp_path / run / "figures" / f"fig-twice.{name}").read_bytes()
                        for name in ("svg", "narrow.svg", "print.svg", "png")})
    assert outputs[0] == outputs[1]
    assert b"<dc:date>" not in outputs[0]["svg"]


def test_the_build_date_honours_source_date_epoch(monkeypatch):
    import datetime as dt

    from vawg.foundations.clock import build_date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735603200")  # 2024-12-31 00:00 UTC
    assert build_date() == dt.date(2024, 12, 31)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build_date() == dt.datetime.now(dt.timezone.utc).date()


CONTROL_ALT = ("Control chart: two line charts, one above the other, of the monthly rate of domestic abuse offences per "
               "1,000 female residents in Camden and in London, January 2020 to December 2024, each with its average "
               "and 3-sigma control limits set on January 2020 to February 2024. Camden's monthly rate ranged from "
               "0.02 to 0.09 around an average of 0.06; in December 2024 it was 0.06, against London's 0.05. "
               "Special causes: none in Camden. Events: the police recording change in March 2024.")


def test_a_long_alt_text_keeps_the_chart_type_and_the_finding_and_the_page_prints_the_rest(writer, tmp_path):
    from plotnine import aes, geom_col, ggplot

    from vawg.writing.artifacts import Figure, short_alt

    alt = short_alt(CONTROL_ALT, 7)
    assert len(alt) <= 250 and alt.startswith("Control chart") and "0.02 to 0.09" in alt, alt
    assert short_alt("Line chart of shares: [c] in 2019 and <7 cases in 2024.", 7) == \
        "Line chart of shares: withheld in 2019 and fewer than 7 cases in 2024."
    data = pd.DataFrame({"year": ["2023", "2024"], "count": [120, 140]})
    writer.figure(Figure(id="fig-long-alt", caption="Long", alt=CONTROL_ALT, source="Test", data=data,
                         columns=[Column("Year", "year", "text"), Column("Count", "count", "count")],
                         plot=ggplot(data, aes("year", "count")) + geom_col()))
    partial = (tmp_path / "partials" / "fig-long-alt.qmd").read_text()
    assert f'fig-alt="{alt}"' in partial
    assert "Events: the police recording change in March 2024." in partial  # the detail, in the text
    entry = json.loads((tmp_path / "manifest.json").read_text())["figures"][0]
    assert entry["alt"] == alt and entry["description"] == CONTROL_ALT


def test_every_chart_of_a_build_has_a_short_alt_text_with_no_suppression_marks(built_edition):
    """Issue 13: at most about 250 characters, the chart type and the main finding, "<7" and "[c]" in words."""
    from bs4 import BeautifulSoup

    figures = json.loads((built_edition.root / "artifacts" / "manifest.json").read_text())["figures"]
    assert figures
    for figure in figures:
        assert len(figure["alt"]) <= 250, (figure["id"], figure["alt"])
        assert "[c]" not in figure["alt"] and "<7" not in figure["alt"], figure["id"]
    site = built_edition.outputs["html"].parent
    images = [img for page in site.rglob("*.html")
              for img in BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").select("figure img")]
    assert len(images) >= len(figures)
    for image in images:
        assert 20 < len(image["alt"]) <= 250 and "[c]" not in image["alt"], image["alt"]
