"""Chapter 3, "Recorded VAWG offences": whether the suspect of a VAWG offence was known to the victim.

Artifact ids and the functions that make them:

- ``fig-suspect-relationship``   :func:`figure_suspect_relationship`   (share known to the victim by crime group)
- ``tbl-suspect-relationship``   :func:`table_suspect_relationship`    (the same with counts, intervals and tests)
- values ``relationship.*``      :func:`prose_values`

The measure is the share of the report year's VAWG offences with an identified
suspect in which the police recorded the suspect as known to the victim
(``suspect_known_to_victim`` of the offences extract; offences with no
identified suspect have no relationship and are left out). The borough is
compared with the rest of London by a pooled two-proportion z-test; shares
carry 95% Wilson score intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from vawg.foundations.wording import direction, join_words, phrase, sentence_case, significance, slug
from vawg.foundations.methods_used import uses
from vawg.foundations.periods import report_year
from vawg.foundations.stats.intervals import share_row
from vawg.writing import charts
from vawg.foundations import reference
from vawg.writing.artifacts import Column, Figure, Table, format_value
from vawg.foundations.errors import DataError
from vawg.foundations.suppression import interval_texts
from vawg.foundations.stats.comparisons import ztest_columns
from vawg.foundations.stats.profiles import holm_within
from vawg.writing.supply import read_staged, staged_columns
from vawg.foundations.suppression import (
    disclosure_basis,
    significance_columns,
    count_texts,
    chart_values,
    is_small,
    secondary_suppression,
)

SOURCE = "Metropolitan Police Service recorded crime"
KNOWN = "Known to victim"
ALL_VAWG = "All VAWG offences"
MIN_LONDON_SHARE_CHARTED = 1.0  # crime groups with under 1% of London's VAWG offences with a suspect are not charted
OFFENCE_COLUMNS = ["recorded_date", "borough_code", "crime_group", "vawg_offence_name", "vawg", "dva_flag",
                   "fgm_flag", "forced_marriage_flag", "hbv_flag", "outcome_category", "outcome_known",
                   "suspect_known_to_victim"]


def load_vawg_offences(staged_dir: Path | str, year: int, *, needs: tuple[str, ...]) -> pd.DataFrame:
    """The VAWG offences recorded in ``year`` across London, with the outcome and relationship fields.

    Raises
    ------
    DataError
        If the staged offences lack a column in ``needs`` (the extract's optional outcome and
        relationship columns were not delivered).
    """
    available = set(staged_columns(staged_dir, "police_offences"))
    missing = [column for column in needs if column not in available]
    if missing:
        raise DataError(f"police_offences: column(s) {', '.join(missing)} not delivered; the outcomes and "
                        f"victim–suspect relationship sections need them (see vawg.intake.contracts.police)")
    columns = [column for column in OFFENCE_COLUMNS if column in available]
    start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(year + 1, 1, 1)
    frame = read_staged(staged_dir, "police_offences", columns,
                        filters=[("vawg", "==", True), ("recorded_date", ">=", start), ("recorded_date", "<", end)])
    return frame.reset_index(drop=True)








@dataclass
class Relationships:
    """VAWG offences with an identified suspect, by borough and crime group, and how many suspects were known."""

    borough: str
    borough_code: str
    year: int
    counts: pd.DataFrame   # (borough_code, crime_group) → vawg, with_suspect, known
    threshold: int

    @classmethod
    def compute(cls, staged_dir: Path | str, *, borough: str, period_end: str, threshold: int) -> Relationships:
        boroughs = reference.boroughs().set_index("borough_name")["borough_code"]
        year = report_year(period_end)
        offences = load_vawg_offences(staged_dir, year, needs=("suspect_known_to_victim",))
        return cls(borough=borough, borough_code=boroughs[borough], year=year,
                   counts=relationship_counts(offences), threshold=threshold)

    def _area(self, area: str) -> pd.DataFrame:
        """Counts by crime group for the borough, the rest of London or London."""
        if area == "borough":
            frame = self.counts[self.counts.index.get_level_values("borough_code") == self.borough_code]
        elif area == "rest":
            frame = self.counts[self.counts.index.get_level_values("borough_code") != self.borough_code]
        else:
            frame = self.counts
        return frame.groupby(level="crime_group").sum()

    @uses(metric="known_to_victim_share")
    def group_table(self) -> pd.DataFrame:
        """One row for all VAWG offences, then one per crime group (most offences with a suspect across London first)."""
        borough, rest, london = self._area("borough"), self._area("rest"), self._area("london")
        groups = london.sort_values("with_suspect", ascending=False).index
        borough, rest = borough.reindex(groups, fill_value=0), rest.reindex(groups, fill_value=0)
        total_london = int(london["with_suspect"].sum())
        rows = [self._row(ALL_VAWG, "all", borough.sum(), rest.sum(), london.sum(), total_london)]
        for group in groups:
            rows.append(self._row(sentence_case(group), slug(group), borough.loc[group], rest.loc[group],
                                  london.loc[group], total_london))
        table = pd.DataFrame(rows)
        # The crime groups are one family of tests (Holm); all VAWG offences are a test of their own.
        return self._suppression(holm_within(table, rows=table["key"] != "all"))

    def _suppression(self, table: pd.DataFrame) -> pd.DataFrame:
        """What the borough's columns may show, with secondary suppression across the crime groups.

        ``basis`` is the count a group's share of known suspects rests on (the smaller of the known
        and the strangers); ``total_hidden`` marks offence counts hidden so that the total cannot reveal
        a small one. Groups add up to the first row, so when exactly one group is hidden the next
        smallest is hidden too, and the hidden values can only be recovered as a sum.
        """
        table["basis"] = [disclosure_basis(known, total) for known, total in zip(table["known"], table["with_suspect"])]
        table["total_hidden"] = False
        return self._protect_parts(table)

    def _protect_parts(self, table: pd.DataFrame) -> pd.DataFrame:
        """Hide further groups until no hidden one can be worked out from the first row (the total) and the
        other rows: shares by their ``basis``, offence counts by ``total_hidden``. What is hidden stays hidden."""
        groups = table.index[1:]
        split = secondary_suppression(table.loc[groups, "basis"], self.threshold)
        table.loc[groups, "basis"] = [1 if hidden and not is_small(basis, self.threshold) else basis
                                      for basis, hidden in zip(table.loc[groups, "basis"], split)]
        totals = secondary_suppression(table.loc[groups, "with_suspect"], self.threshold)
        table.loc[groups, "total_hidden"] = [bool(before) or (hidden and not is_small(count, self.threshold))
                                             for before, count, hidden in zip(table.loc[groups, "total_hidden"],
                                                                              table.loc[groups, "with_suspect"], totals)]
        return table

    def _row(self, name: str, key: str, borough: pd.Series, rest: pd.Series, london: pd.Series,
             total_london: int) -> dict:
        n, known = int(borough["with_suspect"]), int(borough["known"])
        n_rest, known_rest = int(rest["with_suspect"]), int(rest["known"])
        n_london, known_london = int(london["with_suspect"]), int(london["known"])
        share, rest_share, london_share = share_row(known, n), share_row(known_rest, n_rest), \
            share_row(known_london, n_london)
        return {
            "crime_group": name, "key": key, "vawg": int(borough["vawg"]),
            "with_suspect": n, "known": known, "not_known": n - known,
            "known_share": share["share"], "known_lower": share["lower"], "known_upper": share["upper"],
            "not_known_share": 100 - share["share"],
            "rest_with_suspect": n_rest, "rest_known": known_rest, "rest_known_share": rest_share["share"],
            "london_with_suspect": n_london, "london_known": known_london,
            "london_known_share": london_share["share"], "london_known_lower": london_share["lower"],
            "london_known_upper": london_share["upper"],
            "london_share_of_suspects": n_london / total_london * 100 if total_london else float("nan"),
            "identified_share": n / int(borough["vawg"]) * 100 if int(borough["vawg"]) else float("nan"),
            "london_identified_share": n_london / int(london["vawg"]) * 100 if int(london["vawg"]) else float("nan"),
            **ztest_columns(known, n, known_rest, n_rest),
        }

    def charted(self, table: pd.DataFrame | None = None) -> pd.DataFrame:
        """All VAWG offences and the crime groups with at least 1% of London's VAWG offences with a suspect
        (of ``table``, the group table when given, so a caller that has it does not compute it again)."""
        table = self.group_table() if table is None else table
        # The chart shows the table's cells as the table decided them (one decision for both); where it leaves
        # groups out, its groups do not add up to its total and it says so (figure_suspect_relationship).
        return table[(table["key"] == "all") | (table["london_share_of_suspects"] >= MIN_LONDON_SHARE_CHARTED)].copy()


def relationship_counts(offences: pd.DataFrame) -> pd.DataFrame:
    """VAWG offences, those with an identified suspect and those whose suspect was known, by borough and crime group."""
    relationship = offences["suspect_known_to_victim"].astype("string")
    counts = pd.DataFrame({
        "vawg": 1,
        "with_suspect": relationship.notna().astype("int64"),
        "known": (relationship == KNOWN).fillna(False).astype("int64"),
    }).groupby([offences["borough_code"], offences["crime_group"]]).sum()
    return counts.astype("int64")


# -- artifacts -----------------------------------------------------------------------

def _published(value: float, count: int, threshold: int) -> str:
    return format_value(value, "percent", decimals=1, threshold=threshold, basis=count)


def figure_suspect_relationship(analysis: Relationships) -> Figure:
    every_group = analysis.group_table()
    table = analysis.charted(every_group)
    a = analysis
    london_basis = [disclosure_basis(n, total) for n, total in zip(table["london_known"], table["london_with_suspect"])]
    long = pd.concat([
        table.assign(area=a.borough, value=table["known_share"], lower=table["known_lower"],
                     upper=table["known_upper"], n=table["known"], total=table["with_suspect"],
                     total_text=count_texts(table["with_suspect"], a.threshold,
                                            hidden=table["total_hidden"])),
        table.assign(area="London", value=table["london_known_share"], lower=table["london_known_lower"],
                     upper=table["london_known_upper"], n=table["london_known"], total=table["london_with_suspect"],
                     basis=london_basis, total_text=[f"{n:,}" for n in table["london_with_suspect"]]),
    ])[["crime_group", "area", "n", "total", "total_text", "basis", "value", "lower", "upper"]].reset_index(drop=True)
    # A share rests on both counts: it is hidden when either the known or the stranger count is small.
    long["plotted"], long["label"] = chart_values(long["value"], long["basis"], a.threshold, "{:.1f}%")
    overall = table.iloc[0]
    groups = table.iloc[1:]
    shown = groups[[not is_small(basis, a.threshold) for basis in groups["basis"]]]
    strangers = shown.sort_values("not_known_share", ascending=False)
    most = overall["known_share"] > 50
    if not strangers.empty:
        title = phrase("relationships", "title", "most_strangers" if most else "fewer_strangers", borough=a.borough,
                       group=strangers.iloc[0]["crime_group"].lower())
    else:
        title = phrase("relationships", "title", "most" if most else "fewer", borough=a.borough)
    plot = charts.interval_bar_chart(
        long, category="crime_group", value="plotted", lower="lower", upper="upper", series="area", label="label",
        title=title,
        subtitle=phrase("relationships", "subtitle", year=a.year),
        value_title="% of offences with a suspect: suspect known to the victim",
        category_order=table["crime_group"].tolist(), series_order=[a.borough, "London"])
    overall_words = {"borough": a.borough, "year": a.year,
                     "share": _published(overall["known_share"], overall["known"], a.threshold),
                     "london_share": f"{overall['london_known_share']:.1f}%"}
    alt = (phrase("relationships", "alt", "groups", **overall_words, groups=join_words([
        phrase("relationships", "alt_group", group=row.crime_group.lower(),
               share=_published(row.known_share, row.known, a.threshold)) for row in shown.itertuples()]))
        if not shown.empty else phrase("relationships", "alt", "overall", **overall_words))
    left_out = len(every_group) - len(table)
    return Figure(
        id="fig-suspect-relationship", plot=plot, height=5.0,
        rows_do_not_add_up=(phrase("relationships", "left_out", min_share=f"{MIN_LONDON_SHARE_CHARTED:g}",
                                   left_out=left_out) if left_out else ""),
        caption=phrase("relationships", "caption", borough=a.borough, year=a.year),
        alt=alt, source=SOURCE, data=long,
        columns=[Column("Crime group", "crime_group", "text"), Column("Area", "area", "text"),
                 Column("Offences with a suspect known to the victim", "n", "number", 0, basis="basis"),
                 Column("Offences with an identified suspect", "total_text", "text"),
                 Column("% known to the victim", "value", "number", 1, basis="basis"),
                 Column("95% CI lower", "lower", "number", 1, basis="basis"),
                 Column("95% CI upper", "upper", "number", 1, basis="basis")],
    )


def table_suspect_relationship(analysis: Relationships) -> Table:
    table = analysis.group_table()
    table = table[table["london_with_suspect"] > 0].copy()
    threshold = analysis.threshold
    # A share of known suspects also reveals the strangers: it rests on the smaller of the two counts.
    table["total_text"] = count_texts(table["with_suspect"], threshold, hidden=table["total_hidden"])
    table["known_ci"] = interval_texts(table["known_lower"], table["known_upper"], table["basis"], threshold, 1, "%")
    table = table.assign(**significance_columns(table, threshold))
    return Table(
        id="tbl-suspect-relationship",
        caption=phrase("relationships", "table_caption", borough=analysis.borough, year=analysis.year),
        data=table,
        columns=[
            Column("Crime group", "crime_group", "text"),
            Column("With a suspect", "total_text", "text"),
            Column("Known to the victim", "known", "number", 0, basis="basis"),
            Column("% known", "known_share", "number", 1, basis="basis"),
            Column("95% CI", "known_ci", "text"),
            Column("Rest of London % known", "rest_known_share", "number", 1, basis="rest_known"),
            Column("p-value", "p", "pvalue", 3, basis="basis"),
            Column("p < 0.05", "significant_text", "text"),
        ],
        source=SOURCE,
        notes=(phrase("relationships", "table_note_offences"), phrase("relationships", "table_note_method"),
               phrase("relationships", "table_note_hidden", threshold=threshold)),
        emphasis="bold",
    )


def prose_values(analysis: Relationships) -> dict[str, tuple]:
    """Every number and data-driven word the section's prose quotes: ``{key: (value, kind, decimals[, basis])}``."""
    a = analysis
    table = a.group_table()
    overall = table.iloc[0]
    overall_basis = overall["basis"]
    groups = table.iloc[1:]
    publishable = groups[(groups["known"] >= a.threshold) & (groups["not_known"] >= a.threshold)
                         & (groups["basis"] >= a.threshold) & ~groups["total_hidden"]]
    higher_strangers = publishable[publishable["not_known_share"] > overall["not_known_share"]] \
        .sort_values("not_known_share", ascending=False)
    most_known = publishable.sort_values("known_share", ascending=False)
    values: dict[str, tuple] = {
        "relationship.year": (str(a.year), "text", 0),
        "relationship.vawg": (overall["vawg"], "count", 0),
        "relationship.with_suspect": (overall["with_suspect"], "count", 0),
        "relationship.identified_share": (overall["identified_share"], "percent", 1, overall["with_suspect"]),
        "relationship.london_identified_share": (overall["london_identified_share"], "percent", 1),
        "relationship.known": (overall["known"], "number", 0, overall_basis),
        "relationship.known_share": (overall["known_share"], "percent", 1, overall_basis),
        "relationship.known_share_whole": (overall["known_share"], "percent", 0, overall_basis),
        "relationship.not_known_share": (overall["not_known_share"], "percent", 1, overall_basis),
        "relationship.known_ci": (interval_texts([overall["known_lower"]], [overall["known_upper"]], [overall_basis],
                                                 a.threshold, 1, "%")[0], "text", 0),
        "relationship.london_known_share": (overall["london_known_share"], "percent", 1),
        "relationship.rest_known_share": (overall["rest_known_share"], "percent", 1),
        "relationship.comparison": (direction(overall["known_share"] - overall["rest_known_share"]), "text", 0),
        "relationship.significance": (significance(overall["p"]) if pd.notna(overall["p"]) else "not tested",
                                      "text", 0),
        "relationship.majority": (_proportion_words(overall["known_share"]), "text", 0),
    }
    if most_known.empty:
        values["relationship.most_known_sentence"] = (phrase("relationships", "most_known", "none"), "text", 0)
    else:
        top = most_known.iloc[0]
        values["relationship.most_known_sentence"] = (phrase(
            "relationships", "most_known", "top", group=top["crime_group"].lower(), share=f"{top['known_share']:.1f}%",
            with_suspect=format_value(top["with_suspect"], "count", threshold=a.threshold),
            london_share=f"{top['london_known_share']:.1f}%"), "text", 0)
    values["relationship.stranger_sentence"] = (
        phrase("relationships", "strangers", "some", groups=join_words([
            phrase("relationships", "stranger_group", group=row.crime_group.lower(),
                   share=f"{row.not_known_share:.1f}%", london_share=f"{100 - row.london_known_share:.1f}%")
            for row in higher_strangers.itertuples()]))
        if not higher_strangers.empty else phrase("relationships", "strangers", "none"), "text", 0)
    significant = publishable[publishable["significant"]]
    values["relationship.group_significance_sentence"] = (
        phrase("relationships", "group_significance", "some", groups=join_words([
            phrase("relationships", "significant_group", "higher" if row.known_share - row.rest_known_share > 0
                   else "lower", group=row.crime_group.lower(), borough=a.borough)
            for row in significant.itertuples()]))
        if not significant.empty else phrase("relationships", "group_significance", "none"), "text", 0)
    for row in groups.itertuples():
        basis = row.basis
        key = f"relationship.groups.{row.key}"
        values[f"{key}.with_suspect"] = (row.with_suspect, "number", 0, 1) if row.total_hidden else \
            (row.with_suspect, "count", 0)
        values[f"{key}.known_share"] = (row.known_share, "percent", 1, basis)
        values[f"{key}.not_known_share"] = (row.not_known_share, "percent", 1, basis)
        values[f"{key}.london_known_share"] = (row.london_known_share, "percent", 1)
    return values


def _proportion_words(share: float) -> str:
    """"about two in three" …: a share of offences in words."""
    for fraction, words in ((0.25, "one_in_four"), (1 / 3, "one_in_three"), (0.4, "two_in_five"), (0.5, "half"),
                            (0.6, "three_in_five"), (2 / 3, "two_in_three"), (0.75, "three_in_four"),
                            (0.8, "four_in_five")):
        if abs(share / 100 - fraction) < 0.025:
            return phrase("relationships", "proportion", words)
    return phrase("relationships", "proportion", "more_than_half" if share > 50 else "fewer_than_half")
