"""Appendix 6 tables, generated from what this edition's analysis read and ran.

- ``tbl-data-sources``                 :func:`table_data_sources` (Appendix 6a)
- ``tbl-crime-categorisation``         :func:`table_crime_categorisation` (Appendix 6b)
- ``tbl-vawg-flags``                   :func:`table_vawg_flags` (Appendix 6c)
- ``tbl-metric-definitions``           :func:`table_metric_definitions` (Appendix 6d)
- ``tbl-statistical-tests``            :func:`table_statistical_tests` (Appendix 6e)
- ``tbl-nhs-fgm``                      :func:`table_nhs_fgm` (Appendix 6f)
- ``tbl-children-safeguarding-flags``  :func:`table_children_safeguarding_flags` (Appendix 6g)
- ``tbl-adult-safeguarding-flags``     :func:`table_adult_safeguarding_flags` (Appendix 6h)

6b, 6c, 6g and 6h read one file of ``data/reference/`` through :func:`vawg.foundations.reference.reference_path`,
the same folder (and, for 6b and 6c, the same cached loaders) the analysis uses. 6a, 6d and 6e list
exactly the sources, metrics and tests the edition's notebooks recorded as they used them
(:mod:`vawg.foundations.methods_used`, ``methods.json``); the registers ``data_sources.csv``,
``metric_definitions.csv`` and ``statistical_tests.csv`` only describe each in words, and a record
the register lacks stops the build. 6f is computed from the staged NHS FGM extract and this
edition's female population.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from vawg.foundations import methods_used, reference
from vawg.writing.artifacts import Column, Table
from vawg.foundations.errors import DataError
from vawg.foundations.wording import keep_acronyms

SOURCE = "The assessment's reference data, as this edition's analysis uses it"
METHODS_SOURCE = "The analysis of this edition, as it recorded what it used; descriptions from the assessment's registers"


# -- loaders ------------------------------------------------------------------------------


def _read(name: str, required: list[str]) -> pd.DataFrame:
    path = reference.reference_path(name)
    table = reference.read_text_table(path, required)
    return table.apply(lambda column: column.str.strip())


def _unique_ids(table: pd.DataFrame, column: str, name: str) -> pd.DataFrame:
    repeated = table.loc[table[column].duplicated(), column]
    if not repeated.empty:
        raise DataError(f"{reference.reference_path(name)}: column {column!r}: {repeated.iloc[0]!r} is on two rows")
    return table


def data_sources() -> pd.DataFrame:
    """The data-source register (Appendix 6a): every source the assessment draws on, in words.

    ``reads``: the names the analysis records a source under when it reads it (staged tables, ``service_cards``,
    ``da_navigators``), separated by ``;``.
    """
    table = _read("data_sources.csv", ["source_id", "type", "source", "provides", "reads", "used_for", "link"])
    return _unique_ids(table, "source_id", "data_sources.csv")


def source_reads(sources: pd.DataFrame) -> dict[str, str]:
    """Each name a source is read under → the register row (``source_id``) it belongs to."""
    owners: dict[str, str] = {}
    for row in sources.itertuples():
        for name in filter(None, (part.strip() for part in row.reads.split(";"))):
            if name in owners:
                raise DataError(f"{reference.reference_path('data_sources.csv')}: column 'reads': {name!r} is "
                                f"listed by both {owners[name]!r} and {row.source_id!r}")
            owners[name] = row.source_id
    return owners


def metric_definitions() -> pd.DataFrame:
    """Metric definitions and formulas (Appendix 6d), keyed by the id the computing code records."""
    table = _read("metric_definitions.csv", ["metric_id", "metric", "definition", "formula"])
    return _unique_ids(table, "metric_id", "metric_definitions.csv")


def statistical_tests() -> pd.DataFrame:
    """Statistical tests (Appendix 6e), keyed by the id the ``vawg.foundations.stats`` (or ``vawg.foundations.spatial``) function records."""
    table = _read("statistical_tests.csv", ["test_id", "test", "what_it_does", "used_for"])
    return _unique_ids(table, "test_id", "statistical_tests.csv")


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


def _listed_by(frame: pd.DataFrame, by: str, values: str, order: list) -> pd.DataFrame:
    """One row for each ``by`` in ``order``: its ``values``, sorted and joined."""
    return frame.groupby(by, sort=False)[values].apply(lambda v: _joined(sorted(v))).reindex(order).reset_index()


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


def _used(kind: str, artifacts_dir: Path | str, catalogued: set[str]) -> set[str]:
    """What the edition's notebooks recorded of ``kind``; a record the register lacks stops the build."""
    used = methods_used.read(artifacts_dir)[kind]
    methods_used.check_catalogued(kind, used, catalogued)
    return used


def table_data_sources(artifacts_dir: Path | str, staged_dir: Path | str | None = None,
                       borough: str | None = None) -> Table:
    """``tbl-data-sources`` (Appendix 6a): the sources this edition's analysis read, as recorded in ``artifacts_dir``.

    A note names the register's other sources and, for an extract, why this edition did not use it (not
    delivered, or another council's records: :mod:`vawg.writing.supply`).
    """
    sources = data_sources()
    owners = source_reads(sources)
    read = _used("source", artifacts_dir, set(owners))
    used_ids = {owners[name] for name in read}
    order = {"Internal": 0, "External": 1, "Other": 2}
    sources = sources.assign(_order=sources["type"].map(order).fillna(3))
    used = sources[sources["source_id"].isin(used_ids)].sort_values(["_order", "source"], kind="stable")
    others = sources[~sources["source_id"].isin(used_ids)].sort_values(["_order", "source"], kind="stable")
    notes = []
    if not others.empty:
        from vawg.writing import supply

        received = supply.extract_supply(staged_dir, borough) if staged_dir is not None else {}
        described = []
        for row in others.itertuples():
            statuses = {received[name].status for name in row.reads.split("; ") if name in received}
            why = ("not supplied this edition" if statuses & {supply.NOT_DELIVERED} else
                   "another council's records" if statuses == {supply.WITHHELD} else None) if statuses else None
            described.append(f"{row.source} ({why})" if why else row.source)
        notes.append(f"In the register but not used in this edition: {'; '.join(described)}.")
    return Table(
        id="tbl-data-sources",
        caption="Data sources this edition's analysis used",
        data=used.drop(columns="_order").reset_index(drop=True),
        columns=[Column("Source", "source", "text"), Column("Type", "type", "text"),
                 Column("What it provides", "provides", "text"), Column("Used for", "used_for", "text")],
        source=METHODS_SOURCE,
        notes=notes,
    )


def table_metric_definitions(artifacts_dir: Path | str) -> Table:
    """``tbl-metric-definitions`` (Appendix 6d): each metric this edition computed, its definition and formula."""
    metrics = metric_definitions()
    used = _used("metric", artifacts_dir, set(metrics["metric_id"]))
    return Table(
        id="tbl-metric-definitions",
        caption="Metrics used in this edition, with their definitions and formulas",
        data=metrics[metrics["metric_id"].isin(used)].reset_index(drop=True),
        columns=[Column("Metric", "metric", "text"), Column("Definition", "definition", "text"),
                 Column("Formula", "formula", "text")],
        source=METHODS_SOURCE,
    )


MULTIPLICITY_POLICY = (
    "Several tests at once: the tests reported together as one family (the rows of one table, such as the abuse "
    "types compared with the rest of London or the crime groups, or the age bands compared on one measure) have their p-values adjusted "
    "by Holm's method, which keeps the chance of any false finding in the family at 5% without assuming the tests "
    "are independent. The adjusted p-value is the one printed. The families are: the abuse types compared with the "
    "rest of London, the "
    "crime groups (their rates, and separately their VAWG shares), the December changes (the borough's, the rest of "
    "London's and the difference, each across the abuse types), the abuse types' changes between years, the wards "
    "tested by Local Moran's I, outcomes by abuse type, and the groups of each profile or comparison table (victim "
    "support, housing, adult safeguarding, the MARAC comparators, children's services). A test that stands alone, such as the borough's overall rate against "
    "the rest of London, is not adjusted. Confidence intervals (of rates, shares and rate ratios) are not adjusted, "
    "so an interval can leave out 1 (or 0) while the adjusted p-value is above 0.05.")


def table_statistical_tests(artifacts_dir: Path | str) -> Table:
    """``tbl-statistical-tests`` (Appendix 6e): the tests this edition ran, what each does and where."""
    tests = statistical_tests()
    used = _used("test", artifacts_dir, set(tests["test_id"]))
    notes = ["Every test is two-sided at the 5% level; a difference the report calls significant has p < 0.05.",
             MULTIPLICITY_POLICY]
    return Table(
        id="tbl-statistical-tests",
        caption="Statistical tests used in this edition and what each does",
        data=tests[tests["test_id"].isin(used)].reset_index(drop=True),
        columns=[Column("Test", "test", "text"), Column("What it does", "what_it_does", "text"),
                 Column("Used for", "used_for", "text")],  # the code behind each is for developers, not readers
        source=METHODS_SOURCE,
        notes=notes,
    )


# -- 6f: NHS FGM ------------------------------------------------------------------------------

LONDON = "London"
LONDON_CODES = "E09"  # the 33 London local authorities (32 boroughs and the City): NHS England's London region
FGM_SOURCE = "NHS England, Female Genital Mutilation Enhanced Dataset; ONS mid-year population estimates"


def nhs_fgm_rates(staged_dir: Path | str, borough: str) -> tuple[pd.DataFrame, dict] | None:
    """The staged NHS FGM figures of the latest reporting year as rates per 1,000 female residents; None if not staged.

    Long form: one row per area (the borough and London, where NHS England published them and the population
    covers them), question and response, with ``count`` as published (missing where NHS England shows "*"),
    ``female`` (this edition's female residents at the reporting year's mid-year estimate, or the latest
    earlier one, as every rate of the report), ``rate`` and ``suppressed_at_source``. The second value says
    what the rates rest on: ``start``, ``end``, ``estimate`` (the mid-year used) and ``areas`` left out.
    """
    from vawg.writing import supply
    from vawg.analysis.denominators import denominators, estimate_years, load_population

    fgm = supply.optional_table(staged_dir, "nhs_fgm")
    if fgm is None or fgm.empty:
        return None
    end = fgm["period_end"].max()
    fgm = fgm[fgm["period_end"] == end]
    start = pd.Timestamp(fgm["period_start"].min())
    population = load_population(staged_dir)
    year = int(start.year)
    estimate = estimate_years(population, [year])[year]
    female = denominators(population, [year])[year]
    codes = reference.boroughs().set_index("borough_name")["borough_code"]
    residents = {LONDON: float(female[female.index.str.startswith(LONDON_CODES)].sum())}
    if borough in codes and codes[borough] in female.index:
        residents[borough] = float(female[codes[borough]])
    published = list(dict.fromkeys(fgm["area"]))
    areas = [area for area in (borough, LONDON) if area in published and residents.get(area)]
    rows = fgm[fgm["area"].isin(areas)].copy()
    rows["female"] = rows["area"].map(residents)
    rows["suppressed_at_source"] = rows["count"].isna()
    rows["rate"] = rows["count"].astype("Float64") / rows["female"] * 1000
    left_out = [area for area in published if area not in areas]
    return rows.reset_index(drop=True), {"start": start, "end": pd.Timestamp(end), "estimate": estimate,
                                         "areas": areas, "left_out": left_out}


def table_nhs_fgm(staged_dir: Path | str, borough: str, threshold: int) -> Table | None:
    """``tbl-nhs-fgm`` (Appendix 6f): FGM recorded by the NHS, as rates per 1,000 female residents of this edition.

    A rate rests on NHS England's count: where NHS England shows "*" (1 to 7), the rate is hidden ("[c]"), and a
    count this report would hide itself (1 to the threshold minus one) hides its rate too. None when the
    edition has no NHS FGM extract.
    """
    computed = nhs_fgm_rates(staged_dir, borough)
    if computed is None:
        return None
    rows, about = computed
    areas = about["areas"]
    keys = ["question", "response"]
    frame = rows[keys].drop_duplicates().sort_values(keys).reset_index(drop=True)
    for area in areas:
        own = rows[rows["area"] == area].set_index(keys)
        index = pd.MultiIndex.from_frame(frame[keys])
        hidden = own["suppressed_at_source"].reindex(index).fillna(False).astype(bool).to_numpy()
        # A rate NHS England's suppression leaves uncomputable is shown as "[c]"; 0 only stands in for it here.
        frame[area] = own["rate"].reindex(index).astype(float).fillna(0.0).to_numpy()
        frame[f"{area} count"] = own["count"].reindex(index).astype(float).fillna(0.0).to_numpy()
        frame[f"{area} suppressed"] = hidden
    notes = [(f"Rates per 1,000 female residents: NHS England's counts divided by this edition's mid-{about['estimate']} "
              "population estimate of female residents; each woman or girl can be counted under several questions.")]
    if borough not in areas:
        notes.append(f"NHS England's figures in this edition's extract do not include {borough}.")
    if about["left_out"]:
        notes.append(f"Not shown: {', '.join(about['left_out'])}, whose female residents this edition's population "
                     "estimates (London's local authorities) do not cover.")
    columns = [Column("Question", "question", "text"), Column("Response", "response", "text")]
    columns += [Column(area, area, "number", 2, basis=f"{area} count", hidden=f"{area} suppressed") for area in areas]
    suppressed = frame[[f"{area} suppressed" for area in areas]].to_numpy().any()
    small = rows["count"].between(1, threshold - 1).fillna(False).any()
    if suppressed or small:
        reasons = (["a count NHS England suppressed (1 to 7 women and girls, shown as * in its publication)"]
                   if suppressed else []) + ([f"a count under {threshold}, which this report does not publish"]
                                             if small else [])
        notes.append(f"[c]: a rate resting on {' or on '.join(reasons)}.")
    start, end = about["start"], about["end"]
    return Table(
        id="tbl-nhs-fgm",
        caption=f"Female genital mutilation recorded by the NHS, {start:%B %Y} to {end:%B %Y}: "
                "rates per 1,000 female residents",
        data=frame,
        columns=columns,
        source=FGM_SOURCE,
        notes=notes,
    )


def table_children_safeguarding_flags() -> Table:
    """``tbl-children-safeguarding-flags`` (Appendix 6g): assessment factors counted as VAWG, by form."""
    flags = children_safeguarding_flags()
    order = list(dict.fromkeys(flags["form_label"]))
    rows = _listed_by(flags, "form_label", "assessment_factor", order)
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
    rows = _listed_by(flags, "vawg_flag", "asc_abuse_type", order)
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
