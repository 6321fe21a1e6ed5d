"""Hidden counts cannot be recovered from what an edition publishes: the recoveries of issue 11, each planted
in small fixtures of published files, found by the audit before the change and impossible after it.

Each fixture is an edition folder as a build leaves it (``output/site`` with its pages and CSV downloads,
``artifacts/values.json`` with the numbers the prose quotes). "Before" fixtures are written as the old code
published them; "after" fixtures come from the project's own functions. Every "after" fixture is also
checked by :func:`subtraction_leaks`, an attacker written here independently of the audit: it solves, line by
line, every published sum that has one unknown left.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import build_with_stubbed_steps

from vawg.analysis import appendix
from vawg.writing.artifacts import Column, format_frame
from vawg.publishing.audit import audit_edition
from vawg.analysis.demand.csn import suppress_flows
from vawg.foundations.suppression import HIDDEN, Relation, feasible_ranges, protect, secondary_suppression

T = 7
HIDDEN_TEXTS = ("<7", "[c]")


def edition(root: Path, csvs: dict[str, pd.DataFrame], values: dict[str, tuple[str, str]],
            pages: dict[str, str] | None = None) -> Path:
    """An edition folder holding the given CSV downloads (published frames), prose values and pages."""
    data = root / "output" / "site" / "artifacts" / "data"
    data.mkdir(parents=True)
    for name, frame in csvs.items():
        frame.to_csv(data / f"{name}.csv", index=False)
    for name, html in (pages or {"index.html": "<html><body><p>Report</p></body></html>"}).items():
        (root / "output" / "site" / name).write_text(html, encoding="utf-8")
    entries = {"edition.borough": {"text": "Camden", "value": None, "kind": "text"},
               "edition.suppression_threshold": {"text": str(T), "value": T, "kind": "number"}}
    for key, (text, kind) in values.items():
        value = None if text in HIDDEN_TEXTS or kind == "text" else float(text.replace(",", ""))
        entries[key] = {"text": text, "value": value, "kind": kind}
    (root / "artifacts").mkdir()
    (root / "artifacts" / "values.json").write_text(json.dumps(entries), encoding="utf-8")
    return root


def number(text: str) -> float | None:
    text = str(text).replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def subtraction_leaks(lines: list[tuple[str, list[str]]], cells: dict[str, str]) -> dict[str, float]:
    """Peel published sums: while a line (total, parts) has one unknown left, work it out. Returns the cells
    shown as "<7" that come out, with their values."""
    known = {name: number(text) for name, text in cells.items() if number(text) is not None}
    found: dict[str, float] = {}
    changed = True
    while changed:
        changed = False
        for total, parts in lines:
            unknown = [c for c in [total, *parts] if c not in known]
            if len(unknown) != 1:
                continue
            cell = unknown[0]
            rest = sum(known[p] for p in parts if p in known)
            known[cell] = rest if cell == total else known[total] - rest
            changed = True
            if cells.get(cell) == "<7":
                found[cell] = known[cell]
    return found


def findings(root: Path) -> list[str]:
    return [finding.line() for finding in audit_edition(root).findings]


# -- the shared mechanism ------------------------------------------------------------------------------------

def test_protect_hides_a_second_area_when_london_minus_the_rest_would_give_the_borough():
    cells = {"borough": 3, "rest": 77, "london": 80}
    hidden = protect(cells, [Relation("london", ("borough", "rest"))], T, keep=("borough", "rest"))
    assert hidden == {"borough", "london"}


def test_protect_builds_a_rectangle_so_no_flow_of_a_two_way_table_can_be_worked_out():
    flows = {("Housing", "Declined"): 10, ("Housing", "Referred"): 2, ("Housing", "Client"): 44,
             ("Police", "Declined"): 205, ("Police", "Referred"): 30, ("Police", "Client"): 100}
    cells = dict(flows)
    relations = []
    for side, position in (("source", 0), ("outcome", 1)):
        for name in {key[position] for key in flows}:
            parts = tuple(key for key in flows if key[position] == name)
            cells[(side, name)] = sum(flows[p] for p in parts)
            relations.append(Relation((side, name), parts))
    hidden = protect(cells, relations, T, keep=[c for c in cells if isinstance(c[0], str) and c[0] in ("source", "outcome")])
    assert ("Housing", "Referred") in hidden and len(hidden) == 4
    lines = [(str(r.total), [str(p) for p in r.parts]) for r in relations]
    shown = {str(c): ("<7" if c == ("Housing", "Referred") else "[c]" if c in hidden else str(v)) for c, v in cells.items()}
    assert subtraction_leaks(lines, shown) == {}


def test_secondary_suppression_hides_the_next_smallest_part_of_a_published_total():
    hidden = secondary_suppression(pd.Series({"a": 3, "b": 10, "c": 20, "d": 0}), T)
    assert hidden.to_dict() == {"a": True, "b": True, "c": False, "d": False}


def test_a_value_or_cell_derived_from_a_hidden_count_is_hidden():
    frame = pd.DataFrame({"label": ["x", "y"], "n": [12, 9], "flag": [False, True], "rate": [1.2, 0.9],
                          "p": [0.3, 0.4], "p_text": ["p = 0.30", "p = 0.40"]})
    shown = format_frame(frame, [Column("Group", "label", "text"), Column("Offences", "n", "count", hidden="flag"),
                                 Column("Rate", "rate", "number", 1, basis="n"),
                                 Column("p-value", "p", "pvalue", 3, basis=("n",)),
                                 Column("Test", "p_text", "text", basis="n")], T)
    assert shown.iloc[1].tolist() == ["y", "[c]", "[c]", "[c]", "[c]"]
    assert shown.iloc[0].tolist() == ["x", "12", "1.2", "0.300", "p = 0.30"]
    from vawg.writing.artifacts import format_value
    assert format_value("p = 0.74", "text", threshold=T, basis=3) == "[c]"
    assert format_value(80, "count", threshold=T, basis=HIDDEN) == "[c]"


# -- forced marriage: London's count in the prose, the rest of London in Figure 5's data ----------------------

def figure5(borough: str, rest: str) -> pd.DataFrame:
    return pd.DataFrame({"Abuse type": ["Forced marriage", "Forced marriage"], "Area": ["Camden", "Rest of London"],
                         "Offences": [borough, rest], "Rate per 1,000 female residents": ["[c]", "0.02"]})


def test_before_london_minus_the_rest_of_london_in_another_table_reveals_the_borough(tmp_path):
    root = edition(tmp_path, {"fig-abuse-type-rates": figure5("<7", "77")},
                   {"types.forced_marriage.count": ("<7", "count"),
                    "types.forced_marriage.london_count": ("80", "count")})
    found = findings(root)
    assert any("= 3" in line and "types.forced_marriage.london_count" in line and "fig-abuse-type-rates.csv" in line
               for line in found), found


def test_after_the_london_count_is_hidden_with_the_borough(tmp_path):
    from vawg.writing.artifacts import format_value

    count, london = 3, 80
    areas = protect({"borough": count, "rest": london - count, "london": london},
                    [Relation("london", ("borough", "rest"))], T, keep=("borough", "rest"))
    london_text = format_value(london, "count", threshold=T, basis=HIDDEN if "london" in areas else None)
    root = edition(tmp_path, {"fig-abuse-type-rates": figure5("<7", "77")},
                   {"types.forced_marriage.count": ("<7", "count"),
                    "types.forced_marriage.london_count": (london_text, "count")})
    assert findings(root) == []
    assert subtraction_leaks([("london", ["borough", "rest"])],
                             {"borough": "<7", "rest": "77", "london": london_text}) == {}


def test_a_prose_value_and_a_table_that_together_reveal_a_cell_stop_the_build(tmp_path, monkeypatch):
    """The build's gate: the audit runs on the rendered edition, a finding stops the build with one line naming
    both figures, and the last edition is left as it was."""
    import vawg.running.build as build_module
    from vawg.foundations.errors import DisclosureError

    def publish(paths, params, report=None):  # what the notebooks and the renderer would leave: a leaky pair
        edition(paths.root / "_tmp", {"fig-abuse-type-rates": figure5("<7", "77")},
                {"types.forced_marriage.count": ("<7", "count"),
                 "types.forced_marriage.london_count": ("80", "count")})
        for part in ("output", "artifacts"):
            target = paths.root / part
            if target.exists():
                import shutil
                shutil.rmtree(target)
            (paths.root / "_tmp" / part).rename(target)

    params, build_dir, last = build_with_stubbed_steps(monkeypatch, tmp_path, publish)
    with pytest.raises(DisclosureError) as raised:
        build_module.build(params, build_dir=build_dir)
    message = str(raised.value)
    assert "\n" not in message
    assert "types.forced_marriage.london_count" in message and "fig-abuse-type-rates.csv" in message
    assert (last / "output" / "last.txt").read_text() == "the last good edition"
    assert not (build_dir / f".{params.edition}.partial").exists()
    assert json.loads((build_dir / f".{params.edition}.audit-failed.json").read_text())["clean"] is False


# -- the DVA service's referral pathways: "declined" in the prose, source totals from the shares --------------

SOURCES, OUTCOMES = ["Police", "Housing", "Self-referral"], ["DVA client", "Declined services", "Referred to another service"]
FLOWS = [[120, 180, 30], [44, 10, 2], [60, 25, 12]]  # Housing → Referred = 2; Declined's total 215


def sankey_csv(flows: pd.DataFrame) -> pd.DataFrame:
    published = flows[(flows["referrals"] > 0) | flows["hidden"]]
    return format_frame(published, [Column("Referral source", "source", "text"), Column("Outcome", "outcome", "text"),
                                    Column("Referrals", "count_text", "text"),
                                    Column("% of the source's referrals", "share_of_source", "percent", 1,
                                           basis="basis")], T)


def test_before_the_declined_total_and_the_shares_reveal_a_flow(tmp_path):
    matrix = pd.DataFrame(FLOWS, index=SOURCES, columns=OUTCOMES)
    flows = suppress_flows(matrix, T)
    # The old rule: only lines whose hidden flows add up to a small number got a second hidden flow.
    flows["hidden"] = [(s, o) in {("Housing", "Referred to another service"), ("Housing", "Declined services")}
                       for s, o in zip(flows["source"], flows["outcome"])]
    flows["basis"] = [1 if h else n for h, n in zip(flows["hidden"], flows["referrals"])]
    flows["count_text"] = ["<7" if 0 < n < T else "[c]" if h else str(n) for n, h in zip(flows["referrals"], flows["hidden"])]
    root = edition(tmp_path, {"fig-csn-referral-pathways": sankey_csv(flows)},
                   {"csn.outcomes_sentence": ("Of all referrals (343), 174 (50.7%) were taken on as DVA clients and "
                                              "215 (62.7%) declined the service.", "text")})
    found = findings(root)
    assert any("= 2" in line and "declined the service" in line for line in found), found


def test_after_no_flow_of_the_pathways_can_be_worked_out(tmp_path):
    matrix = pd.DataFrame(FLOWS, index=SOURCES, columns=OUTCOMES)
    flows = suppress_flows(matrix, T)
    published = sankey_csv(flows)
    assert (published["Referrals"] == "[c]").sum() >= 3
    root = edition(tmp_path, {"fig-csn-referral-pathways": published},
                   {"csn.outcomes_sentence": ("Of all referrals (343), 224 (65.3%) were taken on as DVA clients and "
                                              "215 (62.7%) declined the service.", "text")})
    assert findings(root) == []
    # Independent: every source and outcome total is published (node labels, prose).
    cells = {f"{s}>{o}": text for s, o, text in zip(published["Referral source"], published["Outcome"],
                                                     published["Referrals"])}
    lines = []
    for i, s in enumerate(SOURCES):
        cells[s] = str(sum(FLOWS[i]))
        lines.append((s, [f"{s}>{o}" for o in OUTCOMES]))
    for j, o in enumerate(OUTCOMES):
        cells[o] = str(sum(row[j] for row in FLOWS))
        lines.append((o, [f"{s}>{o}" for s in SOURCES]))
    assert subtraction_leaks(lines, cells) == {}


# -- the December comparison: a p-value beside a hidden count -------------------------------------------------

def december(columns_basis: dict[str, object]) -> pd.DataFrame:
    frame = pd.DataFrame({"label": ["Controlling or coercive behaviour"], "before": [0], "after": [1],
                          "smaller": [0], "change": [float("nan")], "p": [0.319], "rest_before": [250],
                          "rest_after": [232], "rest_smaller": [232], "rest_change": [-10.6], "rest_p": [0.729]})
    return format_frame(frame, [
        Column("Abuse type", "label", "text"), Column("Camden, Dec 2023", "before", "count"),
        Column("Camden, Dec 2024", "after", "count"),
        Column("Camden change in rate", "change", "change", 1, basis=columns_basis["change"]),
        Column("p-value", "p", "pvalue", 3, basis=columns_basis["p"]),
        Column("Rest of London change in rate", "rest_change", "change", 1, basis=columns_basis["rest"]),
        Column("p-value (rest of London)", "rest_p", "pvalue", 3, basis=columns_basis["rest"])], T)


def test_before_a_one_cell_tests_p_value_is_published_beside_its_hidden_count(tmp_path):
    table = december({"change": "smaller", "p": "smaller", "rest": "rest_smaller"})
    assert table.iloc[0]["p-value"] == "0.319"
    found = findings(edition(tmp_path, {"tbl-december-changes": table}, {}))
    assert any("p-value" in line and "Dec 2024" in line for line in found), found


def test_after_the_p_value_rests_on_both_months(tmp_path):
    from vawg.analysis.police.abuse_types import table_december_changes  # noqa: F401  (the columns below are its own)
    import inspect

    import vawg.analysis.police.abuse_types as abuse_types
    assert 'basis=("before", "after")' in inspect.getsource(abuse_types.table_december_changes)
    table = december({"change": ("before", "after"), "p": ("before", "after"), "rest": ("rest_before", "rest_after")})
    assert table.iloc[0]["p-value"] == "[c]" and table.iloc[0]["p-value (rest of London)"] == "0.729"
    assert findings(edition(tmp_path, {"tbl-december-changes": table}, {})) == []


def test_a_prose_p_value_beside_a_hidden_count_is_found(tmp_path):
    root = edition(tmp_path, {}, {"types.ccb.count": ("<7", "count"), "types.ccb.p": ("p = 0.92", "text")})
    assert any("types.ccb.p" in line for line in findings(root))


# -- reasons for no positive outcome: a hidden total with every share but one at 0% ---------------------------

def reasons_table(bases: list[int]) -> pd.DataFrame:
    frame = pd.DataFrame({"label": ["Psychological, emotional or other abuse"], "no_positive": [4],
                          "share_withdrew": [100.0], "share_no_suspect": [0.0], "share_other": [0.0],
                          "basis_withdrew": [bases[0]], "basis_no_suspect": [bases[1]], "basis_other": [bases[2]]})
    return format_frame(frame, [Column("Abuse type", "label", "text"),
                                Column("No positive outcome", "no_positive", "count")]
                        + [Column(f"% {name}", f"share_{name}", "number", 1, basis=f"basis_{name}")
                           for name in ("withdrew", "no_suspect", "other")], T)


def test_before_all_in_one_reason_is_published_for_a_hidden_total(tmp_path):
    table = reasons_table([4, 0, 0])
    assert table.iloc[0].tolist()[2:] == ["[c]", "0.0", "0.0"]
    found = findings(edition(tmp_path, {"tbl-no-positive-outcome-reasons": table}, {}))
    assert any(line.startswith("all in one group") for line in found), found


def test_after_the_distribution_of_a_hidden_total_is_hidden_whole(tmp_path):
    from vawg.foundations.suppression import degenerate

    whole = degenerate([4, 0, 0])
    table = reasons_table([1 if whole else n for n in (4, 0, 0)])
    assert table.iloc[0].tolist()[2:] == ["[c]", "[c]", "[c]"]
    assert findings(edition(tmp_path, {"tbl-no-positive-outcome-reasons": table}, {})) == []


# -- ward tables: the borough's total is published ------------------------------------------------------------

WARDS = [14, 2, 10, 27, 9, 12, 0, 8]


def ward_table(hidden: list[bool]) -> pd.DataFrame:
    frame = pd.DataFrame({"ward": [f"Camden ward {i + 1:02d}" for i in range(len(WARDS))], "count": WARDS,
                          "rate": [n / 6 for n in WARDS], "rank": range(1, len(WARDS) + 1), "hidden": hidden})
    return format_frame(frame, [Column("Ward", "ward", "text"), Column("Offences", "count", "count", hidden="hidden"),
                                Column("Rate per 1,000 female residents", "rate", "number", 2, basis="count"),
                                Column("Rank of London wards (1 = highest)", "rank", "rank", basis="count")], T)


def with_total(table: pd.DataFrame) -> pd.DataFrame:
    total = pd.DataFrame([{"Ward": "Total", "Offences": f"{sum(WARDS)}",
                           "Rate per 1,000 female residents": "", "Rank of London wards (1 = highest)": ""}])
    return pd.concat([table, total], ignore_index=True)


def test_before_one_hidden_ward_is_the_total_minus_the_others(tmp_path):
    table = ward_table([0 < n < T for n in WARDS])
    found = findings(edition(tmp_path, {"fig-ward-vawg-rate": with_total(table)}, {}))
    assert any("= 2" in line and "fig-ward-vawg-rate.csv" in line for line in found), found


def test_after_a_second_ward_is_hidden(tmp_path):
    hidden = secondary_suppression(pd.Series(WARDS), T).tolist()
    assert sum(hidden) == 2
    table = ward_table(hidden)
    assert (table["Rank of London wards (1 = highest)"] == "[c]").sum() == 2
    assert findings(edition(tmp_path, {"fig-ward-vawg-rate": with_total(table)}, {})) == []
    cells = {f"w{i}": text for i, text in enumerate(table["Offences"])} | {"total": str(sum(WARDS))}
    assert subtraction_leaks([("total", [f"w{i}" for i in range(len(WARDS))])], cells) == {}


# -- Appendix 6f: rates NHS England computed from its own "*" --------------------------------------------------

def test_nhs_fgm_rates_resting_on_a_count_nhs_england_suppressed_are_hidden(tmp_path):
    population = pd.DataFrame({"area_code": ["E09000007", "E09000007"], "area_name": "Camden", "year": 2023,
                               "sex": ["F", "M"], "age_band": "20-24", "population": [100_000, 90_000]})
    population.to_parquet(tmp_path / "population.parquet", index=False)
    counts = {"Under 18": None, "18-24": 40, "25-29": None, "30-34": 3}  # None: "*" in NHS England's publication
    fgm = pd.DataFrame({"period_start": pd.Timestamp("2023-04-01"), "period_end": pd.Timestamp("2024-03-31"),
                        "area": "Camden", "question": "Age at attendance", "response": list(counts),
                        "count": pd.array(list(counts.values()), dtype="Int64")})
    fgm.to_parquet(tmp_path / "nhs_fgm.parquet", index=False)
    table = appendix.table_nhs_fgm(tmp_path, "Camden", T)
    shown = format_frame(table.data, table.columns, T).set_index("Response")["Camden"]
    assert shown.to_dict() == {"Under 18": "[c]", "18-24": "0.40", "25-29": "[c]", "30-34": "[c]"}
    assert not (shown == "0.00").any()  # a suppressed count is never shown as a rate of 0
    assert any("NHS England suppressed" in note for note in table.notes)


# -- identifiers and private files ----------------------------------------------------------------------------

def test_a_record_level_identifier_or_a_notebook_on_the_site_is_found(tmp_path):
    root = edition(tmp_path, {}, {}, pages={
        "index.html": '<html><body><p>Offence MPS0000000042 was recorded.</p>'
                      '<a href="notebooks/41-csn.ipynb">notebook</a></body></html>'})
    (root / "staged").mkdir()
    pd.DataFrame({"offence_id": ["MPS0000000042", "MPS0000000043"], "ward_code": ["E05000001"] * 2}).to_parquet(
        root / "staged" / "police_offences.parquet")
    (root / "output" / "site" / "notebooks").mkdir()
    (root / "output" / "site" / "notebooks" / "41-csn.ipynb").write_text("{}")
    found = findings(root)
    assert any("record-level identifier" in line and "MPS0000000042" in line for line in found), found
    assert any("private file" in line and "41-csn.ipynb" in line for line in found), found


def test_the_audit_reads_a_separate_suppression_flag_column(tmp_path):
    """Numbers stored as numbers with a flag column (issue 13's CSVs) are read as hidden where flagged."""
    table = pd.DataFrame({"Abuse type": ["Forced marriage"] * 2, "Area": ["Camden", "Rest of London"],
                          "Offences": ["", "77"], "Offences suppressed": ["<7", ""]})
    root = edition(tmp_path, {"fig-abuse-type-rates": table},
                   {"types.forced_marriage.london_count": ("80", "count")})
    assert any("= 3" in line for line in findings(root))


def test_the_audit_finds_a_planted_small_count_in_a_download_as_the_writer_lays_it_out(tmp_path):
    """The CSV downloads keep numbers and flags apart (issue 13): the audit still works out a small part
    from its total and the other parts, when the writer leaves it recoverable."""
    import shutil

    from vawg.writing.artifacts import ArtifactWriter, Table

    data = pd.DataFrame({"type": ["Total", "Domestic abuse", "Stalking", "Forced marriage"],
                         "count": [100, 50, 47, 3], "share": [100.0, 50.0, 47.0, 3.0]})
    writer = ArtifactWriter(tmp_path / "written", T)
    writer.table(Table(id="tbl-planted-total", caption="Planted", data=data, source="Test", columns=[
        Column("Abuse type", "type", "text"), Column("Offences", "count", "count"),
        Column("% of offences", "share", "percent", 1, basis="count")]))
    root = edition(tmp_path / "edition", {}, {})
    shutil.copy(tmp_path / "written" / "data" / "tbl-planted-total.csv", root / "output" / "site" / "artifacts" / "data")
    assert "fewer than 7" in (root / "output" / "site" / "artifacts" / "data" / "tbl-planted-total.csv").read_text(
        encoding="utf-8-sig")
    found = findings(root)
    assert any("total difference" in line and "= 3" in line and "tbl-planted-total.csv" in line for line in found), found


def test_the_methods_appendix_summarises_this_editions_suppression_and_its_clean_audit(built_edition):
    """Appendix 6j's tally is the edition's own ledger, summed here independently, and the audit kept with the
    edition found nothing."""
    from bs4 import BeautifulSoup

    ledger = json.loads((built_edition.root / "artifacts" / "disclosure.json").read_text(encoding="utf-8"))
    totals = {how: sum(tally.get(how, 0) for tally in ledger.values()) for how in ("primary", "secondary", "derived")}
    assert totals["primary"] > 0 and totals["derived"] > 0
    page = built_edition.root / "output" / "site" / "appendices" / "a6-quantitative-methods.html"
    text = " ".join(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text(" ").split())
    assert (f"In this edition {totals['primary']:,} cells were hidden because they were small, "
            f"{totals['secondary']:,} more so that none of those could be recovered by subtraction, and "
            f"{totals['derived']:,} values because they were built on a hidden count.") in text
    audit = json.loads((built_edition.root / "audit.json").read_text(encoding="utf-8"))
    assert audit["clean"] and audit["findings"] == [] and audit["hidden"]["primary"] == totals["primary"]


# -- a test's verdict in words ---------------------------------------------------------------------------------

def table2_row(significant_basis: str | None) -> pd.DataFrame:
    frame = pd.DataFrame({"label": ["Honour-based violence", "Stalking and harassment"], "borough_count": [3, 412],
                          "p": [0.012, 0.003], "significant_text": ["Yes", "Yes"], "bold": [True, True]})
    columns = [Column("Abuse type", "label", "text"), Column("Offences", "borough_count", "count"),
               Column("p-value", "p", "pvalue", 3, basis="borough_count"),
               Column("Significant (p < 0.05)", "significant_text", "text", basis=significant_basis)]
    return frame, columns


def test_before_a_significance_verdict_beside_a_hidden_count_is_found(tmp_path):
    frame, columns = table2_row(None)
    table = format_frame(frame, columns, T)
    assert table.iloc[0]["Significant (p < 0.05)"] == "Yes" and table.iloc[0]["p-value"] == "[c]"
    found = findings(edition(tmp_path, {"tbl-abuse-type-rates": table}, {}))
    assert any("Significant (p < 0.05)" in line for line in found), found


def test_after_the_verdict_and_the_bold_row_are_hidden_with_the_count(tmp_path):
    from vawg.writing.artifacts import Table, emphasised_rows

    frame, columns = table2_row("borough_count")
    table = format_frame(frame, columns, T)
    assert table["Significant (p < 0.05)"].tolist() == ["[c]", "Yes"]
    assert findings(edition(tmp_path, {"tbl-abuse-type-rates": table}, {})) == []
    # Bold marks the significant rows: not the one whose p-value is hidden.
    spec = Table("tbl-abuse-type-rates", "Rates", frame, columns, "Police", emphasis="bold")
    assert emphasised_rows(spec, table, T) == [False, True]


def test_table_2_hides_every_comparison_resting_on_a_hidden_rest_of_london_count():
    """Camden 0 forced marriages against 3 in the rest of London: the z-score and p-value would give the 3 back."""
    from types import SimpleNamespace

    from vawg.analysis.police.recorded_offences import table_abuse_type_rates

    frame = pd.DataFrame({
        "abuse_type": ["all_vawg", "forced_marriage"], "label": ["Overall", "Forced marriage"],
        "borough_count": [173, 0], "rest_count": [5100, 3], "borough_rate": [1.45, 0.0], "rest_rate": [1.32, 0.001],
        "london_rate": [1.32, 0.001], "percent_difference": [9.8, -100.0], "z": [1.21, -0.33], "p": [0.227, 1.0],
        "significant": [False, False], "borough_lower": [1.24, 0.0], "borough_upper": [1.68, 0.03],
        "rest_lower": [1.29, 0.0], "rest_upper": [1.36, 0.002], "rate_ratio": [1.1, 0.0],
        "ratio_lower": [0.94, float("nan")], "ratio_upper": [1.28, float("nan")]})
    analysis = SimpleNamespace(abuse_type_comparison=lambda: frame.copy(), threshold=T, borough="Camden", year=2024,
                               denominator_note=lambda years: "")
    table = table_abuse_type_rates(analysis)
    shown = format_frame(table.data, table.columns, T).iloc[1]
    for header in ("z-score", "p-value", "Significant (p < 0.05)", "% difference (Camden to rest of London)",
                   "Rest of London rate"):
        assert shown[header] == "[c]", (header, shown[header])
    assert shown["Camden rate per 1,000"] == "0.00"


# -- rows that overlap: abuse types, whose flags an offence can carry several of ----------------------------

def december_table() -> pd.DataFrame:
    """Bromley's December table of a 5% synthetic edition: the overall row and the abuse types' rows."""
    rows = [("Overall (all VAWG offences)", "13"), ("Domestic abuse", "8"), ("Female genital mutilation", "0"),
            ("Forced marriage", "0"), ("Sexual exploitation", "0"), ("Sexual violence", "<7"),
            ("Stalking and harassment", "<7"), ("Physical or sexual abuse", "<7"),
            ("Violent or threatening behaviour", "<7"), ("Controlling or coercive behaviour", "<7")]
    return pd.DataFrame(rows, columns=["Abuse type", "Bromley, Dec 2024"])


def with_manifest(root: Path, partial: bool) -> Path:
    entry = {"id": "tbl-december-changes", "csv": "artifacts/data/tbl-december-changes.csv",
             "count_columns": ["Bromley, Dec 2024"], "key_columns": ["Abuse type"], "rows_do_not_add_up": partial}
    (root / "artifacts" / "manifest.json").write_text(json.dumps({"tables": [entry], "figures": []}))
    return root


def test_rows_that_add_up_to_their_total_give_five_hidden_cells_away_together():
    # 13 = 8 + five cells of 1 to 6: each must be 1, if the rows were parts of the overall row.
    counts = {"overall": 13, "da": 8, **{f"t{i}": 1 for i in range(5)}}
    known = {"overall": 13, "da": 8}
    bounds = {f"t{i}": (1.0, 6.0) for i in range(5)}
    adding_up = feasible_ranges(known, bounds, [Relation("overall", ("da", *bounds))])
    assert all(adding_up[cell] == pytest.approx((1.0, 1.0)) for cell in bounds)
    overlapping = feasible_ranges(known, bounds, [Relation("overall", ("da", *bounds), partial=True)])
    assert all(overlapping[cell] == pytest.approx((1.0, 6.0)) for cell in bounds), overlapping
    assert protect(counts, [Relation("overall", ("da", *bounds), partial=True)], T) == set(bounds)


def test_overlapping_parts_still_bound_each_other():
    # Each part is at most the total: a hidden total above a part shown as 6 or more is no longer "1 to 6".
    ranges = feasible_ranges({"part": 6}, {"total": (1.0, 6.0)}, [Relation("total", ("part",), partial=True)])
    assert ranges["total"] == pytest.approx((6.0, 6.0))


def test_the_audit_treats_abuse_type_rows_as_overlapping_only_where_the_table_says_so(tmp_path):
    csvs = {"tbl-december-changes": december_table()}
    adding_up = findings(with_manifest(edition(tmp_path / "sum", csvs, {}), partial=False))
    assert len([line for line in adding_up if "= 1" in line]) == 5, adding_up
    assert findings(with_manifest(edition(tmp_path / "overlap", csvs, {}), partial=True)) == []


def test_every_table_by_abuse_type_says_its_rows_do_not_add_up(built_edition):
    manifest = json.loads((built_edition.root / "artifacts" / "manifest.json").read_text())
    by_type = [entry for kind in ("tables", "figures") for entry in manifest[kind]
               if "Abuse type" in entry.get("key_columns", []) and entry["count_columns"]]
    assert by_type and all(entry["rows_do_not_add_up"] for entry in by_type), \
        [entry["id"] for entry in by_type if not entry["rows_do_not_add_up"]]
