"""Appendix 6 tables, generated from the reference data the analysis reads.

- ``tbl-data-sources``                 :func:`table_data_sources` (Appendix 6a)
- ``tbl-crime-categorisation``         :func:`table_crime_categorisation` (Appendix 6b)
- ``tbl-vawg-flags``                   :func:`table_vawg_flags` (Appendix 6c)
- ``tbl-metric-definitions``           :func:`table_metric_definitions` (Appendix 6d)
- ``tbl-statistical-tests``            :func:`table_statistical_tests` (Appendix 6e)
- ``tbl-nhs-fgm``                      :func:`table_nhs_fgm` (Appendix 6f)
- ``tbl-children-safeguarding-flags``  :func:`table_children_safeguarding_flags` (Appendix 6g)
- ``tbl-adult-safeguarding-flags``     :func:`table_adult_safeguarding_flags` (Appendix 6h)

Each table reads one file of ``data/reference/`` through :func:`vawg.reference.reference_path`,
the same folder (and, for 6b and 6c, the same cached loaders) the analysis uses, so the appendix
always shows what this edition did. 6a, 6d and 6e carry a ``status`` column: ``in_use`` rows
name the code that implements them (``implemented_by``), which the tests check exists and is
used; only rows in use are printed as used.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from vawg import reference
from vawg.artifacts import Column, Table
from vawg.errors import DataError
from vawg.wording import keep_acronyms

SOURCE = "The assessment's reference data, as this edition's analysis uses it"
STATUSES = ("in_use", "planned", "not_used")


# -- loaders ------------------------------------------------------------------------------


def _read(name: str, required: list[str]) -> pd.DataFrame:
    path = reference.reference_path(name)
    table = reference.read_text_table(path, required)
    table = table.apply(lambda column: column.str.strip())
    if "status" in table.columns:
        bad = table.loc[~table["status"].isin(STATUSES), "status"]
        if not bad.empty:
            raise DataError(f"{path}: column 'status': {bad.iloc[0]!r} is not one of {', '.join(STATUSES)}")
    return table


def data_sources() -> pd.DataFrame:
    """The data-source register (Appendix 6a): every source the report uses or will use."""
    return _read("data_sources.csv", ["source_id", "type", "source", "provides", "extract_folder", "used_for",
                                      "status", "link"])


def metric_definitions() -> pd.DataFrame:
    """Metric definitions and formulas (Appendix 6d), with the code that computes each."""
    return _read("metric_definitions.csv", ["metric_id", "metric", "definition", "formula", "implemented_by",
                                            "status"])


def statistical_tests() -> pd.DataFrame:
    """Statistical tests (Appendix 6e), with the ``vawg.stats`` function that implements each (not printed)."""
    return _read("statistical_tests.csv", ["test_id", "test", "what_it_does", "used_for", "implemented_by",
                                           "status"])


def nhs_fgm() -> pd.DataFrame:
    """NHS FGM Enhanced Dataset rates per 1,000 female residents, by area, question and response (6f)."""
    table = _read("nhs_fgm.csv", ["period_start", "period_end", "area", "question", "response",
                                  "rate_per_1000_female"])
    table["rate_per_1000_female"] = pd.to_numeric(table["rate_per_1000_female"], errors="raise")
    # Rates NHS England could only have computed from a count it shows as "*" (1 to 7) stay hidden.
    flags = table["suppressed_at_source"] if "suppressed_at_source" in table.columns else pd.Series("no", table.index)
    table["suppressed_at_source"] = flags.str.lower().isin(("yes", "true", "*"))
    return table


def children_safeguarding_flags() -> pd.DataFrame:
    """Assessment factors counted as VAWG in children's safeguarding and Early Help forms (6g)."""
    return _read("children_safeguarding_flags.csv", ["form", "form_label", "assessment_factor"])


def adult_safeguarding_flags() -> pd.DataFrame:
    """Adult Social Care safeguarding abuse types mapped to each VAWG flag (6h)."""
    table = _read("adult_safeguarding_flags.csv", ["vawg_flag", "asc_abuse_type"])
    unknown = sorted(set(table["vawg_flag"]) - set(reference.abuse_types()["abuse_type"]))
    if unknown:
        raise DataError(f"{reference.reference_path('adult_safeguarding_flags.csv')}: column 'vawg_flag': "
                        f"{unknown} are not abuse types of abuse_types.csv")
    return table


def _joined(values: pd.Series) -> str:
    return "; ".join(values)


def table_crime_categorisation() -> Table:
    categorisation = reference.crime_categorisation()
    rows = (categorisation.assign(name=categorisation["vawg_offence_name"].fillna("(no VAWG offence name)"))
            .groupby(["crime_group", "crime_subgroup"], sort=True)["name"]
            .apply(lambda names: "; ".join(sorted(names, key=lambda n: (n.startswith("("), n))))
            .reset_index())
    for column in ("crime_group", "crime_subgroup"):
        rows[column] = rows[column].map(keep_acronyms)
    return Table(
        id="tbl-crime-categorisation",
        caption="Police crime groups and subgroups, with the VAWG offence names in each",
        data=rows,
        columns=[Column("Crime group", "crime_group", "text"), Column("Subgroup", "crime_subgroup", "text"),
                 Column("VAWG offence names", "name", "text")],
        source=SOURCE,
    )


def table_vawg_flags() -> Table:
    types = reference.abuse_types()
    names = reference.abuse_type_offences().groupby("abuse_type")["vawg_offence_name"].apply(
        lambda column: "; ".join(sorted(column)))
    rules = []
    for row in types.itertuples():
        if row.rule == "all_vawg":
            rule = "Every offence the police mark as VAWG"
        elif row.rule == "extract_flag":
            rule = "Flagged by the police in the extract"  # the field name is the analysts', not the reader's
        elif row.rule == "offence_name":
            rule = names.get(row.abuse_type, "")
        else:
            rule = "Not measurable from police data"
        rules.append({"label": row.label, "rule": rule})
    return Table(
        id="tbl-vawg-flags",
        caption="How each VAWG abuse type is identified in the police data",
        data=pd.DataFrame(rules),
        columns=[Column("Abuse type", "label", "text"), Column("Set by", "rule", "text")],
        source=SOURCE,
    )


def table_data_sources(staged_dir: Path | str | None = None, borough: str | None = None) -> Table:
    """``tbl-data-sources`` (Appendix 6a): the register, with whether each source is used in this edition.

    For a source delivered as an extract, "used" is what this edition received (:mod:`vawg.supply`), not
    what the register planned: a missing or another council's extract says so.
    """
    sources = data_sources()
    order = {"Internal": 0, "External": 1, "Other": 2}
    sources["in_use"] = sources["status"].map({"in_use": "Yes", "planned": "Not yet", "not_used": "No"})
    if staged_dir is not None and borough is not None:
        from vawg import supply
        from vawg.contracts import CONTRACTS

        received = supply.extract_supply(staged_dir, borough)
        for row, folder in sources["extract_folder"].items():
            statuses = {received[c.name].status for c in CONTRACTS if c.folder and c.folder == folder}
            if statuses:
                sources.loc[row, "in_use"] = (
                    "Yes" if supply.SUPPLIED in statuses else
                    "No: another council's records" if statuses == {supply.WITHHELD} else "Not supplied this edition")
    sources = sources.assign(_order=sources["type"].map(order).fillna(3), _used=sources["in_use"] != "Yes")
    sources = sources.sort_values(["_used", "_order", "source"], kind="stable")
    return Table(
        id="tbl-data-sources",
        caption="Data sources of the needs assessment and whether this edition uses them",
        data=sources.reset_index(drop=True),
        columns=[Column("Source", "source", "text"), Column("Type", "type", "text"),
                 Column("What it provides", "provides", "text"), Column("Used for", "used_for", "text"),
                 Column("Used in this edition", "in_use", "text")],
        source=SOURCE,
        notes=["'Not yet': a source the later chapters of the assessment will use once their analysis is added."],
    )


def table_metric_definitions() -> Table:
    """``tbl-metric-definitions`` (Appendix 6d): each metric in use, its definition and formula."""
    metrics = metric_definitions()
    used = metrics[metrics["status"] == "in_use"].reset_index(drop=True)
    planned = metrics.loc[metrics["status"] == "planned", "metric"].tolist()
    notes = [f"Also defined for later chapters: {'; '.join(planned)}."] if planned else []
    return Table(
        id="tbl-metric-definitions",
        caption="Metrics used in this edition, with their definitions and formulas",
        data=used,
        columns=[Column("Metric", "metric", "text"), Column("Definition", "definition", "text"),
                 Column("Formula", "formula", "text")],
        source=SOURCE,
        notes=notes,
    )


MULTIPLICITY_POLICY = (
    "Several tests at once: the tests reported together as one family (the rows of one table, such as the abuse "
    "types of Table 2 or the crime groups, or the age bands compared on one measure) have their p-values adjusted "
    "by Holm's method, which keeps the chance of any false finding in the family at 5% without assuming the tests "
    "are independent. The adjusted p-value is the one printed. The families are: the abuse types compared with the "
    "rest of London, the "
    "crime groups (their rates, and separately their VAWG shares), the December changes (the borough's, the rest of "
    "London's and the difference, each across the abuse types), the abuse types' changes between years, the wards "
    "tested by Local Moran's I, outcomes by abuse type, and the groups of each profile or comparison table (victim "
    "support, housing, adult safeguarding, the MARAC comparators, children's services). A test that stands alone, such as the borough's overall rate against "
    "the rest of London, is not adjusted. Confidence intervals (of rates, shares and rate ratios) are not adjusted, "
    "so an interval can leave out 1 (or 0) while the adjusted p-value is above 0.05.")


def table_statistical_tests() -> Table:
    """``tbl-statistical-tests`` (Appendix 6e): the tests this edition actually uses, what each does, where."""
    tests = statistical_tests()
    used = tests[tests["status"] == "in_use"].reset_index(drop=True)
    planned = tests.loc[tests["status"] == "planned", "test"].tolist()
    notes = ["Every test is two-sided at the 5% level; a difference the report calls significant has p < 0.05.",
             MULTIPLICITY_POLICY]
    if planned:
        notes.append(f"Later chapters will add: {'; '.join(planned)}.")
    return Table(
        id="tbl-statistical-tests",
        caption="Statistical tests used in this edition and what each does",
        data=used,
        columns=[Column("Test", "test", "text"), Column("What it does", "what_it_does", "text"),
                 Column("Used for", "used_for", "text")],  # the code behind each is for developers, not readers
        source=SOURCE,
        notes=notes,
    )


def table_nhs_fgm(borough: str, comparators: tuple[str, ...] = ("London", "England")) -> Table:
    """``tbl-nhs-fgm`` (Appendix 6f): FGM recorded by the NHS, rates per 1,000 female residents.

    When the reference file has no rows for ``borough`` the table shows the
    comparators only and says so.
    """
    fgm = nhs_fgm()
    start, end = dt.date.fromisoformat(fgm["period_start"].min()), dt.date.fromisoformat(fgm["period_end"].max())
    areas = [area for area in (borough, *comparators) if area in set(fgm["area"])]
    shown = fgm[fgm["area"].isin(areas)]
    wide = (shown.pivot_table(index=["question", "response"], columns="area", values="rate_per_1000_female",
                              aggfunc="first", sort=True)
            .reindex(columns=areas).reset_index())
    flags = (shown.pivot_table(index=["question", "response"], columns="area", values="suppressed_at_source",
                               aggfunc="any", sort=True).reindex(columns=areas).fillna(False).reset_index())
    for area in areas:
        wide[f"{area} suppressed"] = flags[area].astype(bool).to_numpy()
    notes = [("Rates per 1,000 female residents, as published by NHS England; each woman or girl can be "
              "counted under several questions.")]
    if borough not in areas:
        notes.append(f"The NHS England figures held for this report do not include {borough}.")
    columns = [Column("Question", "question", "text"), Column("Response", "response", "text")]
    columns += [Column(area, area, "number", 2, hidden=f"{area} suppressed") for area in areas]
    if wide[[f"{area} suppressed" for area in areas]].to_numpy().any():
        notes.append("[c]: a rate resting on a count NHS England suppressed (1 to 7 women and girls, shown "
                     "as * in its publication).")
    return Table(
        id="tbl-nhs-fgm",
        caption=f"Female genital mutilation recorded by the NHS, {start:%B %Y} to {end:%B %Y}: "
                "rates per 1,000 female residents",
        data=wide,
        columns=columns,
        source="NHS England, Female Genital Mutilation Enhanced Dataset",
        notes=notes,
    )


def table_children_safeguarding_flags() -> Table:
    """``tbl-children-safeguarding-flags`` (Appendix 6g): assessment factors counted as VAWG, by form."""
    flags = children_safeguarding_flags()
    order = list(dict.fromkeys(flags["form_label"]))
    rows = (flags.groupby("form_label", sort=False)["assessment_factor"].apply(lambda v: _joined(sorted(v)))
            .reindex(order).reset_index())
    return Table(
        id="tbl-children-safeguarding-flags",
        caption="Assessment factors in children's safeguarding and Early Help forms that count as VAWG",
        data=rows,
        columns=[Column("Form", "form_label", "text"),
                 Column("Factors counted as VAWG", "assessment_factor", "text")],
        source=SOURCE,
    )


def table_adult_safeguarding_flags() -> Table:
    """``tbl-adult-safeguarding-flags`` (Appendix 6h): ASC abuse types behind each VAWG flag."""
    flags = adult_safeguarding_flags()
    types = reference.abuse_types()
    order = [key for key in types["abuse_type"] if key in set(flags["vawg_flag"])]
    labels = types.set_index("abuse_type")["label"]
    rows = (flags.groupby("vawg_flag")["asc_abuse_type"].apply(lambda v: _joined(sorted(v)))
            .reindex(order).reset_index())
    rows["label"] = rows["vawg_flag"].map(labels)
    return Table(
        id="tbl-adult-safeguarding-flags",
        caption="Adult Social Care safeguarding abuse types that set each VAWG flag",
        data=rows,
        columns=[Column("VAWG flag", "label", "text"),
                 Column("Adult Social Care abuse types", "asc_abuse_type", "text")],
        source=SOURCE,
        notes=["An abuse type can set more than one flag."],
    )
