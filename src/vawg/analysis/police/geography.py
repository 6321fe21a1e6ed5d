"""Chapter 3, "Geographical variation" and "Deprivation": Figures 11–14 and the sections' prose values.

Artifact ids and the functions that make them:

- ``fig-ward-vawg-rate``                 :func:`figure_ward_vawg_rate`                 (seed Figure 11)
- ``fig-ward-vawg-clusters``             :func:`figure_ward_vawg_clusters`             (seed Figure 11, Local Moran's I)
- ``fig-ward-dva-rate``                  :func:`figure_ward_dva_rate`                  (seed Figure 12)
- ``fig-ward-sexual-violence-rate``      :func:`figure_ward_sexual_violence_rate`      (seed Figure 12)
- ``fig-ward-stalking-harassment-rate``  :func:`figure_ward_stalking_harassment_rate`  (seed Figure 13)
- ``fig-ward-deprivation``               :func:`figure_ward_deprivation`               (seed Figure 14)
- values ``geography.*`` and ``deprivation.*``  :func:`prose_values`

Ward rates cover the last 12 months of the edition and count offences where
they were recorded as happening. The borough's female population (the latest
mid-year estimate before the period) is shared among its wards in proportion
to their female residents at mid-2020 (:func:`vawg.analysis.denominators.ward_female_estimates`:
the ONS ward estimate where the ward is unchanged since 2020, else the Census
2021 households of its best-fit LSOAs). Without the ONS ward estimates the
shares follow the households alone, and without either they are equal (then a
ward's rate only restates its count). :attr:`WardGeography.apportionment`
says which.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from plotnine import (
    aes,
    element_blank,
    geom_line,
    geom_point,
    geom_text,
    ggplot,
    labs,
    scale_color_manual,
    scale_shape_manual,
    scale_size_manual,
    scale_x_continuous,
    theme,
)

from vawg.writing import charts
from vawg.analysis import maps
from vawg.foundations import reference
from vawg.foundations.methods_used import uses
from vawg.analysis.denominators import HOUSEHOLD_SHARE, WARD_ESTIMATE, ward_female_estimates
from vawg.writing.artifacts import Column, Figure, MissingFigure, format_value, ordinal
from vawg.writing.supply import is_staged, read_staged
from vawg.foundations.wording import join_words, phrase, significance
from vawg.analysis.police.offences import abuse_type_flags, count_groups, load_offences, measured_abuse_types
from vawg.foundations.spatial import (
    NOT_SIGNIFICANT,
    PERMUTATIONS,
    global_morans_i,
    local_morans_i,
    pearson_correlation,
    queen_neighbours,
    tile_neighbours,
)
from vawg.foundations.levels import ALPHA
from vawg.foundations.stats.comparisons import TestResult, rank_highest_first
from vawg.foundations.stats.intervals import byar_interval
from vawg.foundations.stats.profiles import holm_within
from vawg.foundations.suppression import CONFIDENTIAL, chart_values, is_small, secondary_suppression

SOURCE = ("Metropolitan Police Service recorded crime; ONS mid-year population estimates (borough) and mid-2020 "
          "small area estimates (wards); ONS Census 2021 (TS011, households); ONS ward boundaries (May 2022). "
          "Open data: " + reference.OPEN_DATA_ATTRIBUTION)
TILE_SOURCE = "Metropolitan Police Service recorded crime; ONS mid-year population estimates"
DEPRIVATION_SOURCE = ("Metropolitan Police Service recorded crime; ONS mid-year population estimates; "
                      "ONS Census 2021, TS011 households by deprivation dimensions (best-fit 2022 wards). "
                      "Open data: " + reference.OPEN_DATA_ATTRIBUTION)
MAPPED = ("all_vawg", "dva", "sexual_violence", "stalking_harassment")
# Words for each mapped measure inside a sentence ("the ___ rate", "___ offences").
# Each measure's name in a sentence: chapters/_03-geography.wording.yml, entry (measure).
CLUSTER_COLOURS = {"High–high": "#801650", "Low–low": "#12436D", "High–low": "#F46A25",
                   "Low–high": "#28A197", NOT_SIGNIFICANT: maps.HIDDEN_FILL}
CLUSTER_CODES = {"High–high": "HH", "Low–low": "LL", "High–low": "HL", "Low–high": "LH"}
BOROUGH_POINT, LONDON_POINT, LONDON_LINE = "#12436D", "#8A8A8A", "#3D3D3D"
TOP_SHARE = 10  # "among the highest tenth of London wards"


@dataclass
class WardGeography:
    """Ward rates, ranks, clusters and the deprivation link, computed once from the staged data."""

    borough: str
    borough_code: str
    start: pd.Timestamp
    end: pd.Timestamp
    population_year: int
    wards: pd.DataFrame          # every London (police) ward: names, households, female_population, counts, rates, ranks
    apportionment: str           # "estimates", "households" or "equal"
    shapes: object               # GeoDataFrame of the borough's wards (real shapes or tiles), ward_code + geometry
    tile: bool
    neighbours: object           # libpysal W over the borough's ward codes
    deprivation: pd.DataFrame | None  # ward_code → households, deprived, deprived_share (%)
    threshold: int

    @classmethod
    def compute(cls, staged_dir: Path | str, *, borough: str, period_end: str, threshold: int,
                reference_dir: Path | str | None = None) -> "WardGeography":
        staged_dir = Path(staged_dir)
        reference_dir = Path(reference_dir) if reference_dir else None
        boroughs = reference.boroughs()
        borough_code = boroughs.set_index("borough_name")["borough_code"][borough]
        police = boroughs.loc[boroughs["police_force"] == "Metropolitan Police Service", "borough_code"]
        end = pd.Timestamp(period_end)
        start = (end + pd.Timedelta(days=1)) - pd.DateOffset(years=1)

        offences = load_offences(staged_dir, since=start)
        offences = offences[offences["recorded_date"] <= end]  # read from ``start`` on
        ward_list = _ward_list(staged_dir, reference_dir)
        ward_list = ward_list[ward_list["borough_code"].isin(police)]
        names = boroughs.set_index("borough_code")["borough_name"]
        ward_list = ward_list.assign(borough_name=ward_list["borough_code"].map(names))

        flags = abuse_type_flags(offences)
        counts = count_groups(flags, [offences["ward_code"]])
        wards = ward_list.merge(counts, left_on="ward_code", right_index=True, how="left")
        measured = measured_abuse_types()["abuse_type"].tolist()
        wards[measured] = wards[measured].fillna(0).astype("int64")

        deprivation = read_ward_deprivation(staged_dir, reference_dir)
        estimates = read_ward_estimates(staged_dir, reference_dir, ward_list, deprivation)
        population, population_year = _female_population(staged_dir, start)
        wards, apportionment = apportion_female_population(wards, population, deprivation, estimates)
        for measure in MAPPED:
            wards[f"{measure}_rate"] = wards[measure] / wards["female_population"] * 1000
            wards[f"{measure}_rank"] = rank_highest_first(wards[f"{measure}_rate"])
        wards = wards.sort_values(["borough_code", "ward_name"]).reset_index(drop=True)

        in_borough = wards.loc[wards["borough_code"] == borough_code, "ward_code"].tolist()
        real = maps.ward_shapes(maps.load_ward_boundaries(reference_dir, staged_dir), in_borough)
        if real is not None:
            shapes, tile = real, False
            neighbours = queen_neighbours(shapes.geometry, shapes["ward_code"])
        else:
            layout = maps.tile_layout(in_borough)
            shapes, tile = maps.tile_shapes(layout), True
            neighbours = tile_neighbours(layout)
        if deprivation is not None and not set(in_borough) <= set(deprivation.index):
            deprivation = None  # the extract's wards are not the Census wards (e.g. synthetic wards)
        return cls(borough=borough, borough_code=borough_code, start=start, end=end,
                   population_year=population_year, wards=wards, apportionment=apportionment,
                   shapes=shapes, tile=tile, neighbours=neighbours, deprivation=deprivation, threshold=threshold)

    # -- building blocks -----------------------------------------------------------------------
    @property
    def period(self) -> str:
        """"2024" for a calendar year, else e.g. "April 2024 to March 2025"."""
        if self.start.month == 1 and self.start.day == 1:
            return str(self.end.year)
        return f"{self.start:%B %Y} to {self.end:%B %Y}"

    @property
    def london_wards(self) -> int:
        return int(len(self.wards))

    def borough_wards(self) -> pd.DataFrame:
        return self.wards[self.wards["borough_code"] == self.borough_code].reset_index(drop=True)

    def small(self, counts: pd.Series) -> pd.Series:
        return counts.apply(lambda n: is_small(n, self.threshold))

    def hidden_wards(self, wards: pd.DataFrame, measure: str) -> pd.Series:
        """Wards whose count is not shown: small, or hidden so that the borough's total (published) cannot
        reveal a small one by subtraction."""
        hidden = pd.Series(False, index=wards.index)
        for _, rows in wards.groupby("borough_code"):
            hidden[rows.index] = secondary_suppression(rows[measure], self.threshold).to_numpy()
        return hidden

    @uses(metric=("ward_rate", "ward_rank"))
    def ward_table(self, measure: str) -> pd.DataFrame:
        """The borough's wards with count, population, rate and London rank of one measure."""
        wards = self.borough_wards()
        interval = byar_interval(wards[measure].to_numpy(), wards["female_population"].to_numpy())
        return pd.DataFrame({
            "ward_code": wards["ward_code"], "ward_name": wards["ward_name"], "count": wards[measure],
            "female_population": wards["female_population"], "rate": wards[f"{measure}_rate"],
            "lower": interval.lower, "upper": interval.upper,
            "rank": wards[f"{measure}_rank"], "london_wards": self.london_wards,
            "hidden": self.hidden_wards(wards, measure),
        })

    def highest(self, measure: str, n: int = 1) -> pd.DataFrame:
        """The ``n`` borough wards with the highest rate among those whose rate may be published."""
        table = self.ward_table(measure)
        return table[~table["hidden"]].sort_values("rate", ascending=False).head(n)

    def lowest(self, measure: str) -> pd.Series | None:
        table = self.ward_table(measure)
        shown = table[~table["hidden"]]
        return None if shown.empty else shown.sort_values("rate").iloc[0]

    def among_top_tenth(self, measure: str) -> int:
        cutoff = math.ceil(self.london_wards / TOP_SHARE)
        table = self.ward_table(measure)
        return int(((table["rank"] <= cutoff) & ~table["hidden"]).sum())

    def clusters(self) -> pd.DataFrame:
        """Local Moran's I of the borough's ward VAWG rates, with the cluster hidden where the rate is."""
        table = self.ward_table("all_vawg").set_index("ward_code")
        result = local_morans_i(table["rate"], self.neighbours)
        # The wards' tests are one family (MULTIPLICITY_POLICY): Holm-adjusted, and a ward is in a cluster
        # only when its adjusted pseudo p-value is below 0.05.
        result = holm_within(result, p="p_value", significant="significant")
        result["cluster"] = result["quadrant"].where(result["significant"], NOT_SIGNIFICANT)
        table = table.join(result)
        hidden = table["hidden"]
        table["cluster_shown"] = table["cluster"].where(~hidden, None)
        return table.reset_index()

    def global_moran(self) -> TestResult:
        table = self.ward_table("all_vawg").set_index("ward_code")
        return global_morans_i(table["rate"], self.neighbours)

    def deprivation_table(self) -> pd.DataFrame | None:
        """Every London ward with its VAWG rate and share of households deprived in at least one dimension."""
        if self.deprivation is None:
            return None
        wards = self.wards.merge(self.deprivation[["deprived_share"]], left_on="ward_code", right_index=True,
                                 how="inner")
        wards["area"] = np.where(wards["borough_code"] == self.borough_code, f"{self.borough} wards",
                                 "Other London wards")
        wards["hidden"] = self.hidden_wards(wards, "all_vawg")
        return wards[["ward_code", "ward_name", "borough_name", "area", "all_vawg", "female_population",
                      "all_vawg_rate", "deprived_share", "hidden"]].rename(columns={"all_vawg": "count",
                                                                          "all_vawg_rate": "rate"})

    def correlation(self, scope: str) -> TestResult:
        """Pearson r of ward VAWG rate against deprivation: ``scope`` "borough" or "london" (every ward)."""
        table = self.deprivation_table()
        if table is None:
            return TestResult(float("nan"), 1.0)
        if scope == "borough":
            table = table[table["area"] == f"{self.borough} wards"]
        return pearson_correlation(table["deprived_share"], table["rate"])

    def fitted_line(self, scope: str) -> tuple[float, float]:
        """Least-squares slope and intercept of rate on deprivation (for the chart's lines)."""
        table = self.deprivation_table()
        if scope == "borough":
            table = table[table["area"] == f"{self.borough} wards"]
        slope, intercept = np.polyfit(table["deprived_share"], table["rate"], 1)
        return float(slope), float(intercept)

    def type_mix(self, ward_code: str, n: int = 3) -> pd.DataFrame:
        """The ``n`` commonest abuse types among one ward's VAWG offences, with their shares."""
        ward = self.wards.set_index("ward_code").loc[ward_code]
        types = measured_abuse_types()
        types = types[~types["abuse_type"].isin(["all_vawg", "dva"])]
        rows = [{"label": row.label, "count": int(ward[row.abuse_type]),
                 "share": ward[row.abuse_type] / ward["all_vawg"] * 100 if ward["all_vawg"] else float("nan")}
                for row in types.itertuples()]
        return pd.DataFrame(rows).sort_values("count", ascending=False).head(n)


# -- reading ---------------------------------------------------------------------------------------

def _ward_list(staged_dir: Path, reference_dir: Path | None) -> pd.DataFrame:
    """Every ward with its name and borough: the delivered ward list, else the ONS lookup, else the offences."""
    columns = ["ward_code", "ward_name", "borough_code"]
    from vawg.intake.contracts.reference_data import WARD_LOOKUP

    for name in ("wards", WARD_LOOKUP.name):
        if is_staged(staged_dir, name):
            return read_staged(staged_dir, name, columns)
    if reference_dir is not None and (reference_dir / WARD_LOOKUP.folder / WARD_LOOKUP.files).is_file():
        from vawg.intake.staging import read_table

        return read_table(WARD_LOOKUP, reference_dir)[columns]
    offences = read_staged(staged_dir, "police_offences", columns)
    return offences.drop_duplicates("ward_code").reset_index(drop=True)


@uses(metric="household_deprivation_share")
def read_ward_deprivation(staged_dir: Path, reference_dir: Path | None) -> pd.DataFrame | None:
    """Census 2021 TS011 by best-fit 2022 ward: households and the share deprived in at least one dimension."""
    from vawg.intake.contracts.reference_data import DEPRIVATION_WARD

    if is_staged(staged_dir, DEPRIVATION_WARD.name):
        table = read_staged(staged_dir, DEPRIVATION_WARD.name)
    elif reference_dir is not None and (reference_dir / DEPRIVATION_WARD.folder / DEPRIVATION_WARD.files).is_file():
        from vawg.intake.staging import read_table

        table = read_table(DEPRIVATION_WARD, reference_dir)
    else:
        return None
    table = table.set_index("ward_code")
    deprived = table["total_households"] - table["hh_deprived_0"]
    return pd.DataFrame({"households": table["total_households"].astype("int64"), "deprived": deprived,
                         "deprived_share": deprived / table["total_households"] * 100})


def _female_population(staged_dir: Path, start: pd.Timestamp) -> tuple[pd.Series, int]:
    """Female residents by borough at the latest mid-year (30 June) estimate before the period starts."""
    population = read_staged(staged_dir, "population")
    female = population[population["sex"] == "F"]
    wanted = start.year - 1 if (start.month, start.day) <= (6, 30) else start.year
    available = sorted(year for year in female["year"].unique() if year <= wanted)
    if not available:
        raise ValueError(f"no female population estimate for mid-{wanted} or earlier")
    year = int(available[-1])
    return female[female["year"] == year].groupby("area_code")["population"].sum(), year


def read_ward_estimates(staged_dir: Path, reference_dir: Path | None, wards: pd.DataFrame,
                        deprivation: pd.DataFrame | None) -> pd.DataFrame | None:
    """Female residents of the given 2022 wards at mid-2020 (ONS ward estimates, else households); None without them."""
    from vawg.intake.contracts.reference_data import POPULATION_WARD_2020
    from vawg.analysis.people.population import load_reference_table

    if deprivation is None or not wards["ward_code"].isin(deprivation.index).all():
        return None  # not the Census wards (e.g. synthetic wards)
    table = load_reference_table(staged_dir, reference_dir, POPULATION_WARD_2020)
    if table is None:
        return None
    return ward_female_estimates(wards, table, deprivation["households"])


def apportion_female_population(wards: pd.DataFrame, population: pd.Series, deprivation: pd.DataFrame | None,
                                estimates: pd.DataFrame | None = None) -> tuple[pd.DataFrame, str]:
    """Share each borough's female population among its wards: by mid-2020 ward estimates, households or equally."""
    wards = wards.copy()
    households = deprivation["households"] if deprivation is not None else None
    if households is not None and wards["ward_code"].isin(households.index).all():
        wards["households"] = wards["ward_code"].map(households).astype("int64")
    else:
        households = None
        wards["households"] = pd.NA
    if estimates is not None and wards["ward_code"].isin(estimates["ward_code"]).all():
        indexed = estimates.set_index("ward_code")
        weight, method = wards["ward_code"].map(indexed["female_2020"]), "estimates"
        wards["population_method"] = wards["ward_code"].map(indexed["method"])
    elif households is not None:
        weight, method = wards["households"].astype("float64"), "households"
        wards["population_method"] = HOUSEHOLD_SHARE
    else:
        weight, method = pd.Series(1.0, index=wards.index), "equal"
        wards["population_method"] = "equal"
    share = weight / weight.groupby(wards["borough_code"]).transform("sum")
    wards["female_population"] = wards["borough_code"].map(population) * share
    return wards, method


# -- artifacts -------------------------------------------------------------------------------------

def _source(analysis: WardGeography) -> str:
    return TILE_SOURCE if analysis.tile and analysis.apportionment == "equal" else SOURCE


def _with_attribution(analysis: WardGeography, caption: str) -> str:
    """A map drawn on ONS boundaries carries the licence's attribution in the image itself."""
    if analysis.tile:
        return caption
    return "\n".join(part for part in (caption, maps.wrap_caption(reference.MAP_ATTRIBUTION)) if part)


def _tile_caption(analysis: WardGeography) -> str:
    return (" (tile map: no ward boundaries match this extract's wards, so each ward is an equal square)"
            if analysis.tile else "")


def _listing(rows: pd.DataFrame, decimals: int = 1) -> str:
    return join_words([f"{row.ward_name} ({row.rate:.{decimals}f})" for row in rows.itertuples()])


def _rate_map(analysis: WardGeography, measure: str, figure_id: str) -> Figure:
    a = analysis
    table = a.ward_table(measure)
    table["plotted"], table["label_value"] = chart_values(table["rate"], table["count"].mask(table["hidden"], 1), a.threshold,
                                                               "{:.1f}")
    table["map_label"] = [f"{maps.wrap_name(name)}\n{value}" for name, value in
                          zip(table["ward_name"], table["label_value"])]
    what = phrase("geography", "measure", measure)
    top = a.highest(measure, 3)
    hidden = int(table["hidden"].sum())
    if top.empty:
        title = f"Too few {what} offences in {a.borough}'s wards to show their rates"
    else:
        title = f"{top.iloc[0]['ward_name']} has the highest {what} rate of {a.borough}'s wards"
    subtitle = f"{_capital(what)} offences per 1,000 female residents (estimated) by ward, {a.period}"
    if a.tile:
        subtitle += f". {maps.TILE_NOTE}"
    caption = (f"White wards marked {CONFIDENTIAL}: fewer than {a.threshold} offences, rate not shown."
               if hidden else "")
    caption = _with_attribution(a, caption)
    plot = maps.value_map(a.shapes, table, value="plotted", label="map_label", title=title, subtitle=subtitle,
                          legend_title="Per 1,000\nfemale\nresidents", tile=a.tile, caption=caption)
    kind = ("Tile map (every ward an equal square; positions are not geographic)" if a.tile else "Map")
    alt = (f"{kind} of {a.borough}'s {len(table)} wards shaded by {what} offences per 1,000 female residents "
           f"in {a.period}; darker wards have higher rates.")
    if not top.empty:
        first = top.iloc[0]
        alt += (f" Highest: {_listing(top)}. {first['ward_name']} ranks {ordinal(int(first['rank']))} of "
                f"{a.london_wards} London wards.")
        low = a.lowest(measure)
        alt += f" Lowest: {low['ward_name']} ({low['rate']:.1f})."
    if hidden:
        alt += f" {hidden} ward(s) with fewer than {a.threshold} offences are left unshaded."
    label = reference.abuse_type_label(measure) if measure != "all_vawg" else "VAWG"
    return Figure(
        id=figure_id, plot=plot, width=8.0, height=7.0,
        caption=f"{label} offences per 1,000 female residents by ward, {a.borough}, {a.period}{_tile_caption(a)}",
        alt=alt, source=_source(a), data=table,
        columns=[Column("Ward", "ward_name", "text"), Column("Offences", "count", "count", hidden="hidden"),
                 Column("Female residents (estimated)", "female_population", "number", 0),
                 Column("Rate per 1,000 female residents", "rate", "number", 2, basis="count"),
                 Column("95% CI lower", "lower", "number", 2, basis="count"),
                 Column("95% CI upper", "upper", "number", 2, basis="count"),
                 Column("Rank of London wards (1 = highest)", "rank", "rank", basis="count"),
                 Column("London wards ranked", "london_wards", "number", 0)],
        description=("95% CI: confidence interval of each ward's rate, by Byar's method (the exact Poisson "
                     "interval below 10 offences), taking the estimated female residents as fixed."),
    )


def figure_ward_vawg_rate(analysis: WardGeography) -> Figure:
    return _rate_map(analysis, "all_vawg", "fig-ward-vawg-rate")


def figure_ward_dva_rate(analysis: WardGeography) -> Figure:
    return _rate_map(analysis, "dva", "fig-ward-dva-rate")


def figure_ward_sexual_violence_rate(analysis: WardGeography) -> Figure:
    return _rate_map(analysis, "sexual_violence", "fig-ward-sexual-violence-rate")


def figure_ward_stalking_harassment_rate(analysis: WardGeography) -> Figure:
    return _rate_map(analysis, "stalking_harassment", "fig-ward-stalking-harassment-rate")


def figure_ward_vawg_clusters(analysis: WardGeography) -> Figure:
    a = analysis
    table = a.clusters()
    table["cluster_text"] = table["cluster_shown"].fillna(CONFIDENTIAL)
    table["map_label"] = [
        maps.wrap_name(name) + (f"\n{CLUSTER_CODES[c]}" if c in CLUSTER_CODES else
                                f"\n{CONFIDENTIAL}" if pd.isna(c) else "")
        for name, c in zip(table["ward_name"], table["cluster_shown"])]
    high = table[table["cluster_shown"] == "High–high"]
    low = table[table["cluster_shown"] == "Low–low"]
    outliers = table[table["cluster_shown"].isin(["High–low", "Low–high"])]
    if not high.empty:
        title = (f"High VAWG rates cluster in {_names(high)}" if len(high) <= 3
                 else f"{len(high)} of {a.borough}'s wards form a cluster of high VAWG rates")
    elif not low.empty:
        title = (f"Low VAWG rates cluster in {_names(low)}" if len(low) <= 3
                 else f"{len(low)} of {a.borough}'s wards form a cluster of low VAWG rates")
    elif not outliers.empty:
        title = (f"No clusters of high or low VAWG rates among {a.borough}'s wards; "
                 f"{_names(outliers)} {'differs' if len(outliers) == 1 else 'differ'} from "
                 f"{'its' if len(outliers) == 1 else 'their'} neighbours")
    else:
        title = f"No significant clusters of VAWG rates among {a.borough}'s wards"
    subtitle = (f"Local Moran's I of the ward VAWG rate per 1,000 female residents, {a.period}; "
                f"{_neighbour_phrase(a)}; {PERMUTATIONS} permutations, Holm-adjusted p < {ALPHA}")
    if a.tile:
        subtitle += f". {maps.TILE_NOTE}, so clusters are not geographic"
    hidden = int(table["cluster_shown"].isna().sum())
    caption = (f"Wards marked {CONFIDENTIAL}: fewer than {a.threshold} offences, not shown." if hidden else "")
    caption = _with_attribution(a, caption)
    plot = maps.category_map(a.shapes, table, category="cluster_shown", label="map_label",
                             colours=CLUSTER_COLOURS, title=title, subtitle=subtitle, legend_title="Cluster",
                             tile=a.tile, caption=caption)
    kind = ("Tile map (every ward an equal square; positions are not geographic)" if a.tile else "Map")
    parts = []
    for name, rows in table.groupby("cluster_shown", sort=False):
        if name != NOT_SIGNIFICANT:
            parts.append(f"{name.lower()}: {_names(rows)}")
    found = ("Significant clusters: " + "; ".join(parts) + ".") if parts else "No ward is in a significant cluster."
    alt = (f"{kind} of {a.borough}'s {len(table)} wards coloured by Local Moran's I cluster of the VAWG rate in "
           f"{a.period}. {found} Other wards are white (not significant).")
    return Figure(
        id="fig-ward-vawg-clusters", plot=plot, width=8.0, height=7.0,
        caption=f"Clusters of ward VAWG rates (Local Moran's I), {a.borough}, {a.period}{_tile_caption(a)}",
        alt=alt, source=_source(a), data=table,
        columns=[Column("Ward", "ward_name", "text"), Column("VAWG offences", "count", "count", hidden="hidden"),
                 Column("Rate per 1,000 female residents", "rate", "number", 2, basis="count"),
                 Column("Local Moran's I", "statistic", "number", 2, basis="count"),
                 Column("Pseudo p-value (Holm-adjusted)", "p_value", "pvalue", 3, basis="count"),
                 Column(f"Cluster (adjusted p < {ALPHA})", "cluster_text", "text")],
    )


def figure_ward_deprivation(analysis: WardGeography) -> Figure | MissingFigure:
    a = analysis
    table = a.deprivation_table()
    if table is None:
        return _deprivation_unavailable(a)
    borough_name = f"{a.borough} wards"
    table["plotted"], table["label_value"] = chart_values(table["rate"], table["count"].mask(table["hidden"], 1), a.threshold,
                                                               "{:.1f}")
    table["in_borough"] = table["area"] == borough_name
    table = table.sort_values(["in_borough", "ward_name"]).reset_index(drop=True)
    borough_r, london_r = a.correlation("borough"), a.correlation("london")
    xs = np.linspace(table["deprived_share"].min(), table["deprived_share"].max(), 2)
    lines = []
    for scope, name in (("london", "All London wards"), ("borough", borough_name)):
        slope, intercept = a.fitted_line(scope)
        scope_x = xs if scope == "london" else np.linspace(
            table.loc[table["in_borough"], "deprived_share"].min(), table.loc[table["in_borough"], "deprived_share"].max(), 2)
        lines.append(pd.DataFrame({"x": scope_x, "y": slope * scope_x + intercept, "line": name}))
    lines = pd.concat(lines, ignore_index=True)
    ends = lines.groupby("line").tail(1).copy()
    ends["text"] = [f"{'London' if name == 'All London wards' else a.borough}: r = {test.statistic:.2f}"
                    for name, test in zip(ends["line"], (london_r, borough_r))]
    top = table[table["in_borough"] & table["plotted"].notna()].sort_values("plotted", ascending=False).head(3)
    direction = "higher" if borough_r.statistic > 0 else "lower"
    title = (f"VAWG rates are {direction} in {a.borough}'s more deprived wards" if borough_r.significant
             else f"No clear link between deprivation and VAWG rates across {a.borough}'s wards")
    subtitle = (f"Ward VAWG offences per 1,000 female residents ({a.period}) against households deprived in at "
                f"least one dimension (Census 2021); {a.borough}: r = {borough_r.statistic:.2f}, "
                f"{_p_text(borough_r.p_value)}; London: r = {london_r.statistic:.2f}, {_p_text(london_r.p_value)}")
    colours = {"Other London wards": LONDON_POINT, borough_name: BOROUGH_POINT}
    points = table[table["plotted"].notna()]
    plot = (
        ggplot(points, aes(x="deprived_share", y="plotted"))
        + geom_point(aes(color="area", shape="area", size="area"), alpha=0.75)
        + geom_line(aes(x="x", y="y", group="line"), data=lines[lines["line"] == "All London wards"],
                    color=LONDON_LINE, linetype="dashed", size=0.9, inherit_aes=False)
        + geom_line(aes(x="x", y="y", group="line"), color=BOROUGH_POINT,
                    data=lines[lines["line"] == borough_name], size=1.2, inherit_aes=False)
        + geom_text(aes(x="x", y="y", label="text"), data=ends, ha="left", nudge_x=0.6, size=charts.LABEL_SIZE,
                    color=charts.TEXT_COLOUR, inherit_aes=False)
        + scale_color_manual(values=colours, breaks=[borough_name, "Other London wards"])
        + scale_shape_manual(values={"Other London wards": "o", borough_name: "D"},
                             breaks=[borough_name, "Other London wards"])
        + scale_size_manual(values={"Other London wards": 1.4, borough_name: 3.0},
                            breaks=[borough_name, "Other London wards"])
        + scale_x_continuous(expand=(0.02, 0, 0.26, 0))
        + labs(title=charts.headline(title), subtitle=maps._wrap_subtitle(subtitle, 95),
               x="Households deprived in at least one dimension (%)",
               y="VAWG offences per 1,000 female residents")
        + charts.af_theme()
        + theme(panel_grid_major_x=element_blank())
    )
    # The three highest wards are named beside their points, except on a phone, where the names run into the
    # axis; the alt text and the data table name them there.
    named = plot + geom_text(aes(label="ward_name"), data=top, ha="right", nudge_x=-0.6, size=charts.LABEL_SIZE,
                             color=charts.TEXT_COLOUR)
    hidden = int(table["hidden"].sum())
    alt = (f"Scatter plot of the VAWG rate per 1,000 female residents in {a.period} against the percentage of "
           f"households deprived in at least one dimension, for {len(table)} London wards, with {a.borough}'s "
           f"{int(table['in_borough'].sum())} wards highlighted and a fitted straight line for each group. "
           f"Among {a.borough}'s wards the correlation is {_strength(borough_r.statistic)} and "
           f"{_sign(borough_r.statistic)} (r = {borough_r.statistic:.2f}, {_p_text(borough_r.p_value)}); across "
           f"London it is {_strength(london_r.statistic)} and {_sign(london_r.statistic)} "
           f"(r = {london_r.statistic:.2f}, {_p_text(london_r.p_value)}).")
    if not top.empty:
        first = top.iloc[0]
        alt += (f" The borough's highest rate is in {first['ward_name']} ({first['rate']:.1f} per 1,000, "
                f"{first['deprived_share']:.1f}% of households deprived).")
    if hidden:
        alt += f" {hidden} ward(s) with fewer than {a.threshold} offences are not plotted."
    return Figure(
        id="fig-ward-deprivation", plot=named, width=8.0, height=5.6,
        redraw=lambda width: named if width > charts.NARROW_WIDTH_IN + 0.5 else plot,
        caption=(f"Ward VAWG rate against the share of households deprived in at least one dimension, "
                 f"{a.borough} and all London wards, {a.period}"),
        alt=alt, source=DEPRIVATION_SOURCE, data=table.sort_values(["in_borough", "borough_name", "ward_name"],
                                                                     ascending=[False, True, True]),
        columns=[Column("Ward", "ward_name", "text"), Column("Borough", "borough_name", "text"),
                 Column("VAWG offences", "count", "count", hidden="hidden"),
                 Column("Rate per 1,000 female residents", "rate", "number", 2, basis="count"),
                 Column("Households deprived in at least one dimension (%)", "deprived_share", "number", 1)],
        description=(f"The correlations and fitted lines use every ward; wards with fewer than {a.threshold} "
                     f"VAWG offences are not plotted and their rates are not published."),
    )


def _deprivation_unavailable(a: WardGeography) -> MissingFigure:
    return MissingFigure(
        id="fig-ward-deprivation",
        reason=("This edition has no chart of ward VAWG rates against household deprivation: it needs the "
                "Census 2021 table of household deprivation by ward (TS011), which was not supplied with this "
                "edition or does not cover the extract's wards."),
    )


# -- prose -----------------------------------------------------------------------------------------

def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _names(rows: pd.DataFrame) -> str:
    return join_words(rows["ward_name"].tolist())


def _neighbour_phrase(a: WardGeography) -> str:
    return ("neighbours are tiles that touch at a side or corner" if a.tile
            else "neighbours share a boundary or a corner (queen contiguity)")


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


def _strength(r: float) -> str:
    """Words for the size of a correlation (Cohen's conventions)."""
    size = abs(r)
    if math.isnan(size):
        return phrase("geography", "strength", "not_measurable")
    if size < 0.1:
        return phrase("geography", "strength", "negligible")
    if size < 0.3:
        return phrase("geography", "strength", "weak")
    if size < 0.5:
        return phrase("geography", "strength", "moderate")
    return phrase("geography", "strength", "strong")


def _sign(r: float) -> str:
    return phrase("geography", "sign", "positive" if r > 0 else "negative")


def _significance(test: TestResult) -> str:
    return significance(test)


def prose_values(analysis: WardGeography) -> dict[str, tuple]:
    """Every number and data-driven word the sections' prose quotes: ``{key: (value, kind, decimals[, basis])}``."""
    a = analysis
    values: dict[str, tuple] = {
        "geography.period": (a.period, "text", 0),
        "geography.population_year": (str(a.population_year), "text", 0),
        "geography.wards": (len(a.borough_wards()), "number", 0),
        "geography.london_wards": (a.london_wards, "number", 0),
        "geography.top_tenth_rank": (math.ceil(a.london_wards / TOP_SHARE), "number", 0),
        "geography.denominator_note": (_denominator_note(a), "text", 0),
        "geography.map_note": (_map_note(a), "text", 0),
        "geography.neighbour_note": (_neighbour_note(a), "text", 0),
        # The method's settings, quoted by the chapter, so the text cannot drift from the code.
        "geography.permutations": (PERMUTATIONS, "number", 0),
        "geography.alpha": (str(ALPHA), "text", 0),
        "geography.population_method": (_population_method(a), "text", 0),
    }
    for measure in MAPPED:
        key = f"geography.{measure}"
        top = a.highest(measure, 2)
        values[f"{key}.top_tenth"] = (a.among_top_tenth(measure), "number", 0)
        if top.empty:  # every ward's count is suppressed: the keys exist, the numbers are not shown
            values[f"{key}.top_ward"] = (phrase("geography", "no_ward"), "text", 0)
            values[f"{key}.top_count"] = (0, "count", 0)
            values[f"{key}.top_rate"] = (float("nan"), "number", 2)
            values[f"{key}.top_rate_lower"] = (float("nan"), "number", 2)
            values[f"{key}.top_rate_upper"] = (float("nan"), "number", 2)
            values[f"{key}.top_rank"] = (float("nan"), "number", 0)
            values[f"{key}.sentence"] = (
                phrase("geography", "top_hidden", What=_capital(phrase("geography", "measure", measure))), "text", 0)
            continue
        first = top.iloc[0]
        values[f"{key}.top_ward"] = (first["ward_name"], "text", 0)
        values[f"{key}.top_count"] = (int(first["count"]), "count", 0)
        values[f"{key}.top_rate"] = (first["rate"], "number", 2, first["count"])
        values[f"{key}.top_rate_lower"] = (first["lower"], "number", 2, first["count"])
        values[f"{key}.top_rate_upper"] = (first["upper"], "number", 2, first["count"])
        values[f"{key}.top_rank"] = (int(first["rank"]), "rank", 0, first["count"])
        values[f"{key}.sentence"] = (_top_sentence(a, measure, top), "text", 0)
    values["geography.all_vawg.top_mix_sentence"] = (_mix_sentence(a), "text", 0)
    low = a.lowest("all_vawg")
    values["geography.all_vawg.lowest_ward"] = (low["ward_name"] if low is not None else phrase("geography", "no_ward"),
                                                "text", 0)
    values["geography.all_vawg.lowest_rate"] = ((low["rate"], "number", 2, low["count"]) if low is not None
                                                else (float("nan"), "number", 2))
    values["geography.all_vawg.top_tenth_sentence"] = (_top_tenth_sentence(a), "text", 0)
    values["geography.cluster_sentence"] = (_cluster_sentence(a), "text", 0)
    values["geography.global_moran_sentence"] = (_global_sentence(a), "text", 0)
    values.update(_deprivation_values(a))
    return values


def _denominator_note(a: WardGeography) -> str:
    if a.apportionment == "estimates":
        wards = a.borough_wards()
        direct = int((wards["population_method"] == WARD_ESTIMATE).sum())
        how = phrase("geography", "denominator_how", "all_unchanged" if direct == len(wards) else
                     "some_unchanged" if direct else "all_changed")
        return phrase("geography", "denominator_note", "estimates", year=a.population_year, how=how)
    if a.apportionment == "households":
        return phrase("geography", "denominator_note", "households", year=a.population_year)
    return phrase("geography", "denominator_note", "equal", year=a.population_year)


def _population_method(a: WardGeography) -> str:
    """Appendix 6d: how this edition's ward populations were made, with the number of wards of each kind."""
    if a.apportionment != "estimates":
        return _denominator_note(a)
    wards = a.wards
    direct = int((wards["population_method"] == WARD_ESTIMATE).sum())
    borough = a.borough_wards()
    own = int((borough["population_method"] == WARD_ESTIMATE).sum())
    return phrase("geography", "population_method", wards=f"{len(wards):,}", direct=f"{direct:,}",
                  borough_method=_borough_method(a.borough, len(borough), own), year=a.population_year)


def _borough_method(borough: str, wards: int, direct: int) -> str:
    if direct == 0:
        return phrase("geography", "borough_method", "all_changed", wards=wards, borough=borough)
    if direct == wards:
        return phrase("geography", "borough_method", "all_unchanged", wards=wards, borough=borough)
    return phrase("geography", "borough_method", "some_changed", wards=wards, borough=borough, direct=direct,
                  shared=wards - direct)


def _map_note(a: WardGeography) -> str:
    return phrase("geography", "map_note", "tile" if a.tile else "boundaries")


def _neighbour_note(a: WardGeography) -> str:
    return phrase("geography", "neighbour_note", "tile" if a.tile else "boundaries")


def _top_sentence(a: WardGeography, measure: str, top: pd.DataFrame) -> str:
    first = top.iloc[0]
    t = a.threshold
    rate = format_value(first["rate"], "number", decimals=2, threshold=t, basis=first["count"])
    rank = format_value(int(first["rank"]), "rank", threshold=t, basis=first["count"])
    low = format_value(first["lower"], "number", decimals=2, threshold=t, basis=first["count"])
    high = format_value(first["upper"], "number", decimals=2, threshold=t, basis=first["count"])
    words = {"what": phrase("geography", "measure", measure), "ward": first["ward_name"], "rate": rate, "lower": low,
             "upper": high, "rank": rank, "london_wards": f"{a.london_wards:,}"}
    if len(top) > 1:
        second = top.iloc[1]
        rate2 = format_value(second["rate"], "number", decimals=2, threshold=t, basis=second["count"])
        return phrase("geography", "top", "two", **words, second_ward=second["ward_name"], second_rate=rate2)
    return phrase("geography", "top", "one", **words)


def _mix_sentence(a: WardGeography) -> str:
    top = a.highest("all_vawg")
    if top.empty:
        return ""
    ward = top.iloc[0]
    mix = a.type_mix(ward["ward_code"])
    parts = [f"{row.label.lower()} ({format_value(row.share, 'percent', decimals=1, threshold=a.threshold, basis=row.count)})"
             for row in mix.itertuples() if row.count > 0]
    if not parts:
        return ""
    return phrase("geography", "mix", ward=ward["ward_name"], types=join_words(parts))


def _top_tenth_sentence(a: WardGeography) -> str:
    n = a.among_top_tenth("all_vawg")
    cutoff = math.ceil(a.london_wards / TOP_SHARE)
    wards = len(a.borough_wards())
    if n == 0:
        return phrase("geography", "top_tenth", "none", wards=wards, cutoff=cutoff)
    return phrase("geography", "top_tenth", "one" if n == 1 else "several", wards=wards, count=n, cutoff=cutoff,
                  london_wards=f"{a.london_wards:,}")


def _cluster_sentence(a: WardGeography) -> str:
    table = a.clusters()
    shown = table["cluster_shown"]
    clusters = []
    for name in ("High–high", "Low–low"):
        rows = table[shown == name]
        if not rows.empty:
            clusters.append(phrase("geography", "cluster", name, wards=_names(rows)))
    outliers = []
    for name in ("High–low", "Low–high"):
        rows = table[shown == name]
        if len(rows) == 1:
            outliers.append(phrase("geography", "outlier_one", name, wards=_names(rows)))
        elif len(rows):
            outliers.append(phrase("geography", "outlier_several", name, wards=_names(rows)))
    if clusters:
        sentence = phrase("geography", "clusters", "found", alpha=ALPHA, clusters=join_words(clusters))
    else:
        sentence = phrase("geography", "clusters", "none", borough=a.borough)
    if outliers:
        sentence += " " + _capital("; ".join(outliers)) + "."
    return sentence


def _global_sentence(a: WardGeography) -> str:
    test = a.global_moran()
    if math.isnan(test.statistic):
        return ""
    return phrase("geography", "global_moran", "alike" if test.significant and test.statistic > 0
                  else "unlike" if test.significant else "no_tendency",
                  statistic=f"{test.statistic:.2f}", p=_p_text(test.p_value))


def _deprivation_values(a: WardGeography) -> dict[str, tuple]:
    table = a.deprivation_table()
    if table is None:
        return {
            "deprivation.available": ("no", "text", 0),
            "deprivation.summary": (phrase("geography", "deprivation_missing"), "text", 0),
            "deprivation.comparison": ("", "text", 0),
            "deprivation.context": ("", "text", 0),
        }
    borough_r, london_r = a.correlation("borough"), a.correlation("london")
    in_borough = table[table["area"] == f"{a.borough} wards"]
    households = a.deprivation

    def share(codes: pd.Series, column: str) -> float:
        chosen = households.loc[codes]
        return chosen[column].sum() / chosen["households"].sum() * 100

    borough_share, london_share = share(in_borough["ward_code"], "deprived"), share(table["ward_code"], "deprived")
    context = phrase("geography", "deprivation_context", borough_share=f"{borough_share:.1f}%", borough=a.borough,
                     london_share=f"{london_share:.1f}%")
    summary = phrase("geography", "deprivation_summary", wards=f"{len(table):,}",
                     london_strength=_strength(london_r.statistic), london_sign=_sign(london_r.statistic),
                     london_r=f"{london_r.statistic:.2f}", london_p=_p_text(london_r.p_value), borough=a.borough,
                     borough_wards=len(in_borough), borough_strength=_strength(borough_r.statistic),
                     borough_sign=_sign(borough_r.statistic), borough_r=f"{borough_r.statistic:.2f}",
                     significance=_significance(borough_r))
    ratio = abs(borough_r.statistic) / abs(london_r.statistic) if london_r.statistic else float("nan")
    if not borough_r.significant:
        comparison = phrase("geography", "deprivation_comparison", "chance", wards=len(in_borough))
    elif not london_r.significant:
        comparison = phrase("geography", "deprivation_comparison", "no_london_link", borough=a.borough)
    elif (borough_r.statistic > 0) != (london_r.statistic > 0):  # opposite signs
        comparison = phrase("geography", "deprivation_comparison", "opposite", borough=a.borough)
    elif math.isnan(ratio) or ratio >= 2:
        comparison = phrase("geography", "deprivation_comparison", "twice", borough=a.borough)
    elif ratio >= 1.2:
        comparison = phrase("geography", "deprivation_comparison", "stronger", borough=a.borough)
    elif ratio <= 1 / 1.2:
        comparison = phrase("geography", "deprivation_comparison", "weaker", borough=a.borough)
    else:
        comparison = phrase("geography", "deprivation_comparison", "similar", borough=a.borough)
    return {
        "deprivation.available": ("yes", "text", 0),
        "deprivation.summary": (summary, "text", 0),
        "deprivation.comparison": (comparison, "text", 0),
        "deprivation.context": (context, "text", 0),
        "deprivation.borough_r": (borough_r.statistic, "number", 2),
        "deprivation.borough_p": (borough_r.p_value, "pvalue", 3),
        "deprivation.london_r": (london_r.statistic, "number", 2),
        "deprivation.london_p": (london_r.p_value, "pvalue", 3),
        "deprivation.borough_share": (borough_share, "percent", 1),
        "deprivation.london_share": (london_share, "percent", 1),
    }
