"""The executive summary's findings, written from the values the report's sections already wrote.

Nothing is recomputed: each number is the section's own value, quoted by key
(``{{< var key >}}``), so the summary and the section cannot disagree. Only the words are
chosen here, from the values' signs and p-values, so the summary reads right for any borough
and quarter: "higher" or "lower", "rose" or "fell", "a statistically significant difference"
or "not a statistically significant difference". A finding whose values an edition lacks (for
example service data another borough has not supplied) is left out, and the summary says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vawg.foundations.levels import ALPHA
from vawg.foundations.wording import join_words

Values = Mapping[str, Mapping[str, Any]]


def var(key: str) -> str:
    """The shortcode quoting one value (inside a sentence, never on a line of its own)."""
    return f"{{{{< var {key} >}}}}"


def _has(values: Values, *keys: str) -> bool:
    return all(key in values for key in keys)


def _number(values: Values, key: str) -> float | None:
    entry = values.get(key)
    return None if entry is None else entry.get("value")


def _text(values: Values, key: str) -> str:
    return str(values[key]["text"])


def _significant(values: Values, key: str) -> bool | None:
    p = _number(values, key)
    return None if p is None else bool(p < ALPHA)


def rate_finding(values: Values, borough: str) -> str | None:
    """The borough's VAWG rate against London's, whether the gap is significant, and its rank."""
    if not _has(values, "offences.borough_rate", "offences.london_rate", "offences.rank", "offences.boroughs",
                "offences.year"):
        return None
    rate, london = _number(values, "offences.borough_rate"), _number(values, "offences.london_rate")
    opening = (f"In {var('offences.year')} the police recorded {var('offences.borough_rate')} VAWG offences "
               f"for every 1,000 female residents of {borough}")
    if rate is None or london is None:
        return opening + "; too few offences were recorded to compare the rate with London's."
    if rate == london or _text(values, "offences.borough_rate") == _text(values, "offences.london_rate"):
        comparison = f"the same as London's rate of {var('offences.london_rate')}"
    else:
        comparison = (f"{var('offences.difference_vs_london')} {'higher' if rate > london else 'lower'} than "
                      f"London's rate of {var('offences.london_rate')}")
    significant = _significant(values, "offences.p_value")
    verdict = ("" if significant is None or "the same as" in comparison else
               " The difference from the rest of London is statistically significant." if significant else
               " The difference from the rest of London is not statistically significant, so it may be chance.")
    return (f"{opening}: {comparison}. That was the {var('offences.rank')} highest rate of the "
            f"{var('offences.boroughs')} London boroughs.{verdict}")


def trend_finding(values: Values) -> str | None:
    """How the rate changed to the last comparable year, against London, and whether it differed."""
    keys = ("offences.base_year", "offences.comparable_end_year", "offences.change_to_end",
            "offences.change_to_end_direction", "offences.london_change_to_end",
            "offences.london_change_to_end_direction")
    if not _has(values, *keys):
        return None
    rose = _text(values, "offences.change_to_end_direction") == "rose"
    london_rose = _text(values, "offences.london_change_to_end_direction") == "rose"
    sentence = (f"Between {var('offences.base_year')} and {var('offences.comparable_end_year')} the borough's rate "
                f"{'rose' if rose else 'fell'} by {var('offences.change_to_end')}, while London's "
                f"{'rose' if london_rose else 'fell'} by {var('offences.london_change_to_end')}.")
    significant = _significant(values, "offences.change_difference_p")
    if significant is not None:
        sentence += (" The borough's change was significantly different from the rest of London's."
                     if significant else
                     " The borough's change was not significantly different from the rest of London's.")
    if "offences.recording_change" in values:
        sentence += (f" The trend stops at {var('offences.comparable_end_year')} because the police changed how "
                     f"they record crime in {var('offences.recording_change')}.")
    return sentence


def abuse_type_finding(values: Values, borough: str) -> str | None:
    """Which abuse types were significantly more, or less, common than in the rest of London."""
    types = sorted({key.split(".")[1] for key in values if key.startswith("abuse.") and key.endswith(".p")
                    and key.count(".") == 2} - {"all_vawg"})
    if not types:
        return None
    higher, lower = [], []
    for abuse_type in types:
        base = f"abuse.{abuse_type}"
        if not _significant(values, f"{base}.p") or not _has(values, f"{base}.label", f"{base}.direction"):
            continue
        # Named, not quantified: Chapter 3's prose names these types too, and its table gives the numbers.
        phrase = _text(values, f"{base}.label").lower()
        (higher if _text(values, f"{base}.direction") == "higher" else lower).append(phrase)
    if not higher and not lower:
        return (f"No abuse type was significantly more or less common in {borough} than in the rest of London; "
                f"@tbl-abuse-type-rates gives each type's rate.")
    parts = []
    if higher:
        parts.append(f"significantly more common in {borough} than in the rest of London: {join_words(higher)}")
    if lower:
        parts.append(f"significantly less common: {join_words(lower)}")
    return "Abuse types " + "; ".join(parts) + " (@tbl-abuse-type-rates)."


def service_findings(values: Values) -> list[str]:
    """Demand on services, for each service whose values this edition has."""
    found = []
    if _has(values, "csn.referrals", "csn.year", "csn.change_since_baseline", "csn.change_direction",
            "csn.baseline_year"):
        more = _text(values, "csn.change_direction") == "more"
        found.append(f"The council's DVA service received {var('csn.referrals')} referrals in {var('csn.year')}, "
                     f"{var('csn.change_since_baseline')} {'more' if more else 'fewer'} than in "
                     f"{var('csn.baseline_year')} (@sec-csn).")
    if _has(values, "marac.cases", "marac.year", "marac.rate", "marac.rate_unit", "marac.national_rate"):
        rate, national = _number(values, "marac.rate"), _number(values, "marac.national_rate")
        # Equal as published reads "the same as", whatever the unrounded numbers say.
        same = rate == national or _text(values, "marac.rate") == _text(values, "marac.national_rate")
        comparison = ("" if rate is None or national is None else
                      ", the same as the England and Wales rate" if same else
                      f", {'above' if rate > national else 'below'} the England and Wales rate of "
                      f"{var('marac.national_rate')}")
        found.append(f"The MARAC heard {var('marac.cases')} high-risk domestic abuse cases in {var('marac.year')}: "
                     f"{var('marac.rate')} {var('marac.rate_unit')}{comparison} (@sec-marac).")
    if _has(values, "children.total_workflows_vawg_share", "children.year"):
        found.append(f"In children's safeguarding and Early Help, {var('children.total_workflows_vawg_share')} of "
                     f"workflows in {var('children.year')} carried a VAWG flag (@sec-children-services).")
    if _has(values, "housing.homelessness_involved_share", "housing.year"):
        found.append(f"Domestic abuse was involved in {var('housing.homelessness_involved_share')} of women's "
                     f"homelessness applications in {var('housing.year')} (@sec-housing).")
    if _has(values, "asc.vawg_share", "asc.year"):
        found.append(f"VAWG was involved in {var('asc.vawg_share')} of women's adult safeguarding cases in "
                     f"{var('asc.year')} (@sec-adult-safeguarding).")
    if _has(values, "forecast.direction", "forecast.change", "forecast.end_month", "forecast.level",
            "forecast.change_lower", "forecast.change_upper", "forecast.interval_verdict"):
        rise = _text(values, "forecast.direction") == "rise"
        found.append(f"If past patterns hold, the monthly VAWG rate will {'rise' if rise else 'fall'} by "
                     f"{var('forecast.change')} by {var('forecast.end_month')}. The {var('forecast.level')} "
                     f"prediction interval runs from {var('forecast.change_lower')} to "
                     f"{var('forecast.change_upper')}, {var('forecast.interval_verdict')} (@sec-future-demand).")
    return found


def findings(values: Values, borough: str) -> list[str]:
    """The summary of findings, one Markdown bullet each, in the order of Chapter 3."""
    police = [rate_finding(values, borough), trend_finding(values), abuse_type_finding(values, borough)]
    if _has(values, "outcomes.rate", "outcomes.london_rate"):
        police.append(f"Only {var('outcomes.rate')} of offences with a final outcome ended in a charge, caution "
                      f"or other positive outcome, against {var('outcomes.london_rate')} across London "
                      f"(@sec-outcomes).")
    return [item for item in police if item] + service_findings(values)


def findings_partial(values: Values, borough: str) -> str:
    """The Markdown the executive summary includes."""
    items = findings(values, borough)
    lines = [f"- {item}" for item in items]
    if not service_findings(values):
        lines.append(f"- No council service data were supplied for {borough} in this edition, so demand on "
                     f"services is not summarised.")
    return "\n".join(lines) + "\n"
