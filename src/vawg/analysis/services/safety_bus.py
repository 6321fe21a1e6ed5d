"""The Camden Safety Bus: people supported by sex and year (``fig-safety-bus-users``) and its card figures.

The bus's activity log has one row per person supported and one per
engagement activity (see :mod:`vawg.running.synth.safety_bus` for the columns). This
module turns it into the figure of Chapter 4 (Figure 35 of the reference web
edition) and into the computed sections of the Safety Bus card
(``computed_from: safety_bus``), so that the card's numbers follow the data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from plotnine import (
    aes,
    element_blank,
    geom_col,
    geom_text,
    ggplot,
    labs,
    position_stack,
    scale_fill_manual,
    scale_y_continuous,
    theme,
)

from vawg.foundations import suppression as sup
from vawg.writing.artifacts import Column, Figure
from vawg.writing.charts import CARD_INSET_PX, TWO_SERIES, af_theme
from vawg.foundations.errors import DataError
from vawg.writing.supply import optional_table
from vawg.analysis.services.render import add_months, period_text
from vawg.analysis.services.schema import Item, Period, Section
from vawg.foundations.paths import staged_file
from vawg.foundations.wording import phrase

FIGURE_ID = "fig-safety-bus-users"
STAGED_TABLE = "safety_bus_contacts"
COLUMNS = ("contact_id", "contact_date", "contact_type", "sex")
CONTACT_TYPES = ("person_supported", "engagement")
SEXES = {"F": "Women", "M": "Men"}


def load_safety_bus(staged_dir: Path | str) -> pd.DataFrame | None:
    """The staged activity log, or None when this edition has none (not delivered, or another borough's).

    Never read from a raw folder: only staging knows whose council's records a log holds.
    """
    contacts = optional_table(staged_dir, "safety_bus_contacts")
    return None if contacts is None else tidy_contacts(contacts, source=staged_file(staged_dir, STAGED_TABLE))


def tidy_contacts(frame: pd.DataFrame, *, source: Path | str = "safety bus extract") -> pd.DataFrame:
    """Check the log's columns and values and type its dates.

    Raises
    ------
    DataError
        Naming the file, the column and the first bad values.
    """
    missing = [column for column in COLUMNS if column not in frame.columns]
    if missing:
        raise DataError(f"{source}: missing column(s) {', '.join(missing)}")
    frame = frame.loc[:, list(COLUMNS)].copy()
    dates = pd.to_datetime(frame["contact_date"].astype("string").str.strip(), format="%Y-%m-%d", errors="coerce") \
        if not pd.api.types.is_datetime64_any_dtype(frame["contact_date"]) else frame["contact_date"]
    problems = []
    if dates.isna().any():
        problems.append(f"column 'contact_date': {frame.loc[dates.isna(), 'contact_date'].head(3).tolist()} "
                        "are not dates written as YYYY-MM-DD")
    types = frame["contact_type"].astype("string").str.strip()
    if not types.isin(CONTACT_TYPES).all():
        problems.append(f"column 'contact_type': {types[~types.isin(CONTACT_TYPES)].head(3).tolist()} "
                        f"are not one of {', '.join(CONTACT_TYPES)}")
    sex = frame["sex"].fillna("").astype("string").str.strip().str.upper()
    people = types == "person_supported"
    if not sex[people].isin(list(SEXES)).all():
        problems.append(f"column 'sex': {sex[people & ~sex.isin(list(SEXES))].head(3).tolist()} "
                        "are not F or M for a person supported")
    if problems:
        raise DataError(f"{source}: " + "; ".join(problems))
    frame["contact_date"] = dates.astype("datetime64[ns]")
    frame["contact_type"] = types.astype(str)
    frame["sex"] = sex.where(people, "").astype(str)
    return frame


def _in_edition(contacts: pd.DataFrame, period_end: dt.date) -> pd.DataFrame:
    return contacts[contacts["contact_date"] <= pd.Timestamp(period_end)]


def people_by_year(contacts: pd.DataFrame, period_end: dt.date) -> pd.DataFrame:
    """People supported each year by sex: ``year``, ``year_label``, ``women``, ``men``, ``total``.

    The last year is labelled with its months when the log stops before December.
    """
    people = _in_edition(contacts, period_end)
    people = people[people["contact_type"] == "person_supported"]
    counts = (people.groupby([people["contact_date"].dt.year.rename("year"), "sex"]).size()
              .unstack(fill_value=0).reindex(columns=list(SEXES), fill_value=0))
    counts = counts.rename(columns={"F": "women", "M": "men"}).reset_index()
    counts["total"] = counts["women"] + counts["men"]

    def label(year: int) -> str:
        if year == period_end.year and period_end.month < 12:
            return f"{year} (January to {period_end:%B})"
        return str(year)

    counts["year_label"] = [label(int(year)) for year in counts["year"]]
    return counts[["year", "year_label", "women", "men", "total"]].astype({"year": int})


def _first_month(contacts: pd.DataFrame) -> dt.date:
    first = contacts["contact_date"].min()
    return dt.date(first.year, first.month, 1)


def card_sections(contacts: pd.DataFrame | None, period_end: dt.date) -> dict[str, Section]:
    """The Safety Bus card's computed sections, keyed ``safety_bus.<section>`` (see ``render_card``)."""
    if contacts is None:
        return {}
    contacts = _in_edition(contacts, period_end)
    people = contacts[contacts["contact_type"] == "person_supported"]
    if people.empty:
        return {}
    whole = Period(start=_first_month(contacts), end=period_end)
    women = int((people["sex"] == "F").sum())
    men = int((people["sex"] == "M").sum())
    total = women + men
    half_start = add_months(period_end, -6) + dt.timedelta(days=1)
    recent = int((people["contact_date"] >= pd.Timestamp(half_start)).sum())
    engagements = int((contacts["contact_type"] == "engagement").sum())
    demographics = Section(
        period=whole,
        text=phrase("local-response", "safety_bus_users", "women" if women > men else "even" if women == men
                    else "men"),
        items=[Item(label="Women", count=women, percent=round(women / total * 100)),
               Item(label="Men", count=men, percent=round(men / total * 100))],
    )
    service_data = Section(
        period=whole,
        items=[
            Item(label="People supported", count=total),
            Item(label=f"People supported from {period_text(Period(start=half_start, end=period_end))}",
                 count=recent),
            Item(label="Engagement activities with members of the public and with venues", count=engagements),
        ],
    )
    return {"safety_bus.demographics": demographics, "safety_bus.service_data": service_data}


def figure_safety_bus_users(contacts: pd.DataFrame, *, period_end: dt.date, threshold: int,
                            service_name: str = "the Safety Bus") -> Figure | None:
    """``fig-safety-bus-users``: people supported by sex and year, stacked columns.

    A count the artifact writer will suppress (under ``threshold``) draws no
    segment and is labelled as suppressed, so the chart never shows what the
    data table hides. Returns None when the log has no one supported by ``period_end``.
    """
    counts = people_by_year(contacts, period_end)
    if counts.empty or counts["total"].sum() == 0:
        return None
    long = counts.melt(id_vars=["year", "year_label"], value_vars=["women", "men"], var_name="sex",
                       value_name="people")
    long["sex"] = long["sex"].map({"women": "Women", "men": "Men"})
    hidden = long["people"].apply(lambda n: sup.is_small(n, threshold))
    long["shown"] = long["people"].where(~hidden)
    long["label"] = [sup.suppressed_count_text(threshold) if hide else (sup.format_count(n) if n else "")
                     for n, hide in zip(long["people"], hidden)]
    # A hidden segment has no height; its label sits at the bottom of the column.
    long["shown_or_zero"] = long["shown"].fillna(0)
    order = counts["year_label"].tolist()
    long["year_label"] = pd.Categorical(long["year_label"], categories=order)
    long["sex"] = pd.Categorical(long["sex"], categories=["Men", "Women"])
    plot = (
        ggplot(long, aes(x="year_label", y="shown_or_zero", fill="sex"))
        + geom_col(width=0.6)
        + geom_text(aes(label="label"), position=position_stack(vjust=0.5), size=9, color="#FFFFFF",
                    fontweight="bold")
        + scale_fill_manual(values={"Women": TWO_SERIES[0], "Men": TWO_SERIES[1]}, breaks=["Women", "Men"])
        + scale_y_continuous(expand=(0, 0, 0.08, 0))
        + labs(title=_headline(counts, service_name),
               subtitle=phrase("local-response", "safety_bus_subtitle",
                               period=period_text(Period(start=_first_month(contacts), end=period_end))),
               x="", y="People supported")
        + af_theme()
        + theme(panel_grid_major_x=element_blank())
    )
    years = f"{order[0]} to {order[-1]}" if len(order) > 1 else order[0]
    women_more = (counts["women"] > counts["men"]).all()
    if hidden.any():
        alt = phrase("local-response", "safety_bus_alt", "women_more_hidden" if women_more else "varies_hidden",
                     service=service_name, years=years)
    else:
        alt = phrase("local-response", "safety_bus_alt", "women_more" if women_more else "varies",
                     service=service_name, years=years)
    return Figure(
        id=FIGURE_ID,
        plot=plot,
        caption=phrase("local-response", "safety_bus_caption", service=service_name),
        alt=alt,
        source=f"{service_name[0].upper()}{service_name[1:]} activity log",
        data=counts,
        columns=[Column("Year", "year_label", "text"), Column("Women", "women", "count"),
                 Column("Men", "men", "count")],
        width=7.0,
        height=4.2,
        inset_px=CARD_INSET_PX,  # shown inside its service card
    )


def _headline(counts: pd.DataFrame, service_name: str) -> str:
    women, men = int(counts["women"].sum()), int(counts["men"].sum())
    if women > men:
        return phrase("local-response", "safety_bus_title", "women", service=service_name)
    if men > women:
        return phrase("local-response", "safety_bus_title", "men", service=service_name)
    return phrase("local-response", "safety_bus_title", "even", service=f"{service_name[0].upper()}{service_name[1:]}")

