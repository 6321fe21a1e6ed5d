"""Chapter 5 (stakeholder views) and Appendix 3 (stakeholder recommendations), from the borough's content.

The engagement register is ``tbl-engagement-register`` (seed Table 10); the themes are headings
``sec-theme-<id>`` that Chapter 6 cites; survey figures become values ``survey.<key>``. A
borough without a content folder gets, in each partial, the sentence saying what to add.
"""

from __future__ import annotations

import pandas as pd

from vawg.writing.artifacts import ArtifactWriter, Column, Table, format_value
from vawg.analysis.borough_content import BoroughContent, EngagementActivity
from vawg.foundations.wording import not_supplied

KIND_LABELS = {
    "survivors": "New: victim/survivors and communities",
    "professionals": "New: professionals",
    "local-evidence": "Existing: local",
    "wider-evidence": "Existing: regional or national",
}


def how_many_text(activity: EngagementActivity, threshold: int) -> str:
    """"19", "About 40", "27 to 30", "Over 80", "<7" or "Not recorded"; small counts suppressed."""
    if activity.how_many is None:
        return "Not recorded"
    shown = format_value(activity.how_many, "count", threshold=threshold)
    if activity.how_many_upper is not None:
        shown = f"{shown} to {format_value(activity.how_many_upper, 'count', threshold=threshold)}"
    if shown.startswith("<") or activity.how_many_qualifier == "exactly":
        return shown
    return f"{activity.how_many_qualifier.capitalize()} {shown}"


def table_engagement(content: BoroughContent, threshold: int) -> Table:
    """tbl-engagement-register: what engagement informed the report (seed Table 10)."""
    rows = [{
        "activity": activity.activity,
        "kind": KIND_LABELS[activity.kind],
        "who": activity.who,
        "when": activity.when_text,
        "how_many": how_many_text(activity, threshold),
        "method": activity.method + (f" ({activity.run_by})" if activity.run_by else ""),
    } for activity in content.engagement.activities]
    columns = [Column("Activity", "activity", "text"), Column("Type", "kind", "text"),
               Column("Who took part", "who", "text"), Column("When", "when", "text"),
               Column("How many", "how_many", "text"), Column("Method (run by)", "method", "text")]
    return Table(
        id="tbl-engagement-register",
        caption=f"Engagement and existing insight that informed the needs assessment, {content.borough}",
        data=pd.DataFrame(rows), columns=columns,
        source=f"{content.borough} Council engagement records",
        notes=(f"Numbers of people below {threshold} are shown as <{threshold} to protect the people who took part.",),
    )


def engagement_partial(artifacts: ArtifactWriter, content: BoroughContent | None, borough: str) -> str:
    """The register and the engagement still planned (or the not-supplied sentence)."""
    if content is None or content.engagement is None:
        return not_supplied(borough, "a record of its engagement")
    table_path = artifacts.table(table_engagement(content, artifacts.threshold))
    new = sum(a.kind in ("survivors", "professionals") for a in content.engagement.activities)
    lines = [
        f"@tbl-engagement-register lists the {new} sessions held for this needs assessment and the "
        f"{len(content.engagement.activities) - new} existing reports and surveys it also draws on.",
        "",
        table_path.read_text(encoding="utf-8").strip(),
        "",
    ]
    if content.engagement.planned:
        lines += ["Not every group could be reached in time. Engagement still planned includes:", ""]
        lines += [f"- {item}" for item in content.engagement.planned] + [""]
    return "\n".join(lines)


def themes_partial(content: BoroughContent | None, borough: str) -> str:
    """One heading per theme (``sec-theme-<id>``, cited by Chapter 6) and the enabling factors."""
    if content is None or content.themes is None:
        return not_supplied(borough, "the themes from its engagement")
    lines = []
    for number, theme in enumerate(content.themes.themes, start=1):
        lines += [f"### {number}. {theme.title} {{#sec-theme-{theme.id}}}", "", theme.summary, ""]
    if content.themes.enablers:
        lines += ["### What helps {#sec-theme-enablers}", "",
                  "People also described what works when prevention and support go well:", ""]
        lines += [f"- **{enabler.title}.** {enabler.summary}" for enabler in content.themes.enablers] + [""]
    return "\n".join(lines)


def insights_partial(content: BoroughContent | None, borough: str) -> str:
    """Each source's insights under its own heading; survey figures stay ``{{< var survey.* >}}``."""
    if content is None or content.insights is None:
        return not_supplied(borough, "the insights from its engagement")
    lines = []
    for section in content.insights.sections:
        lines += [f"### {section.title}", "", section.text.strip(), ""]
    return "\n".join(lines)


def survey_values(content: BoroughContent | None) -> dict[str, tuple]:
    """``survey.<key>`` values, as ``ArtifactWriter.values`` takes them (empty when not supplied)."""
    if content is None or content.survey_values is None:
        return {}
    return {f"survey.{v.key}": (v.value, v.kind, v.decimals) for v in content.survey_values.values}


def appendix_3_partial(content: BoroughContent | None, borough: str) -> str:
    """Appendix 3: every stakeholder recommendation, numbered within its theme, with its sources."""
    if content is None or content.stakeholder_recommendations is None:
        return not_supplied(borough, "the recommendations people made during its engagement")
    recs = content.stakeholder_recommendations
    key = content.sources_key([item for theme in recs.themes for item in theme.recommendations])
    lines = [f"These are the {recs.count} recommendations made in the insight sessions, in "
             f"{len(recs.themes)} themes. The report's own recommendations are in "
             f"[Chapter 6](#sec-recommendations).", "", *([key, ""] if key else [])]
    for number, theme in enumerate(recs.themes, start=1):
        lines += [f"## {number}. {theme.title} {{#sec-a3-{theme.id}}}", "", theme.aim, ""]
        for index, item in enumerate(theme.recommendations, start=1):
            lines.append(f"{index}. {item.text}{item.sources_text or ' (Source not recorded.)'}")
        lines.append("")
    return "\n".join(lines)


def summary_views_partial(content: BoroughContent | None, borough: str) -> str:
    """The executive summary's paragraph on what people told us: the themes, linked to Chapter 5."""
    if content is None or content.themes is None:
        return not_supplied(borough, "the views gathered in its engagement")
    titles = [f"[{theme.title[0].lower() + theme.title[1:]}](#sec-theme-{theme.id})" for theme in content.themes.themes]
    sessions = (sum(a.kind in ("survivors", "professionals") for a in content.engagement.activities)
                if content.engagement else None)
    heard = (f"In the {sessions} sessions held for this assessment and in earlier reports, "
             if sessions else "In the engagement for this assessment, ")
    return (f"{heard}victim/survivors, community groups and professionals raised {len(titles)} recurring "
            f"themes: {', '.join(titles[:-1])} and {titles[-1]} ([Chapter 5](#sec-stakeholder-views)).\n")
