"""The executive summary: its words follow each finding's direction and significance; its numbers are the sections'."""

from __future__ import annotations

import re

import pytest

from vawg.analysis import executive_summary as summary
from vawg.foundations.paths import project_root

VAR = re.compile(r"\{\{< var ([a-z0-9_.]+) >\}\}")


def entry(text, value=None):
    return {"text": text, "value": value, "kind": "text" if value is None else "number"}


def edition(*, borough_rate=1.45, london_rate=1.32, p=0.01, trend="rose", trend_p=0.02,
            sexual_violence=("higher", 0.001), stalking=("lower", 0.03), dva=("higher", 0.4),
            csn="fewer", marac_rate=40.0, forecast="rise") -> dict:
    """Values as the sections write them (values.json), for one made-up edition."""
    values = {
        "offences.year": entry("2024"), "offences.borough_rate": entry(f"{borough_rate:.2f}", borough_rate),
        "offences.london_rate": entry(f"{london_rate:.2f}", london_rate),
        "offences.difference_vs_london": entry("9.5%", 9.5), "offences.rank": entry("11th", 11),
        "offences.boroughs": entry("32", 32), "offences.p_value": entry("0.010", p),
        "offences.base_year": entry("2020"), "offences.comparable_end_year": entry("2023"),
        "offences.change_to_end": entry("8.4%", 8.4), "offences.change_to_end_direction": entry(trend),
        "offences.london_change_to_end": entry("6.4%", 6.4), "offences.london_change_to_end_direction": entry("rose"),
        "offences.change_difference_p": entry("0.020", trend_p), "offences.recording_change": entry("March 2024"),
        "csn.referrals": entry("56", 56), "csn.year": entry("2024"), "csn.change_since_baseline": entry("51.7%", 51.7),
        "csn.change_direction": entry(csn), "csn.baseline_year": entry("2019"),
        "marac.cases": entry("120", 120), "marac.year": entry("2024"), "marac.rate": entry(f"{marac_rate:.1f}", marac_rate),
        "marac.rate_unit": entry("cases per 10,000 adult women"), "marac.national_rate": entry("35.0", 35.0),
        "forecast.direction": entry(forecast), "forecast.change": entry("3.3%", 3.3),
        "forecast.end_month": entry("December 2028"), "forecast.level": entry("95%", 95),
        "forecast.change_lower": entry("a 5.5% fall"), "forecast.change_upper": entry("a 12.0% rise"),
        "forecast.interval_verdict": entry("so the rate could also stay level or fall"),
    }
    for key, label, (direction, p_value) in (("sexual_violence", "Sexual violence", sexual_violence),
                                              ("stalking_harassment", "Stalking and harassment", stalking),
                                              ("dva", "Domestic abuse", dva)):
        values[f"abuse.{key}.label"] = entry(label)
        values[f"abuse.{key}.direction"] = entry(direction)
        values[f"abuse.{key}.difference"] = entry("40.9%", 40.9)
        values[f"abuse.{key}.p"] = entry(f"{p_value:.3f}", p_value)
    values["abuse.all_vawg.p"] = entry("0.010", 0.01)
    return values


def text_of(values, borough="Camden") -> str:
    return summary.findings_partial(values, borough)


def test_rate_wording_follows_the_direction_and_significance():
    higher = summary.rate_finding(edition(), "Camden")
    assert "{{< var offences.difference_vs_london >}} higher than London's rate" in higher
    assert "is statistically significant" in higher
    lower = summary.rate_finding(edition(borough_rate=1.10, p=0.30), "Camden")
    assert "{{< var offences.difference_vs_london >}} lower than London's rate" in lower
    assert "is not statistically significant" in lower
    assert "higher" not in lower.replace("highest", "")


def test_trend_wording_flips_when_the_rate_falls():
    assert "the borough's rate rose by" in summary.trend_finding(edition())
    assert "was significantly different" in summary.trend_finding(edition())
    fell = summary.trend_finding(edition(trend="fell", trend_p=0.5))
    assert "the borough's rate fell by" in fell and "was not significantly different" in fell


def test_abuse_types_are_sorted_by_direction_and_only_significant_ones_are_named():
    text = summary.abuse_type_finding(edition(), "Camden")
    more, less = text.split("significantly less common")
    assert "sexual violence" in more and "stalking and harassment" in less
    assert "domestic abuse" not in text  # p = 0.4
    flipped = summary.abuse_type_finding(edition(sexual_violence=("lower", 0.001), stalking=("higher", 0.03)), "Camden")
    more, less = flipped.split("significantly less common")
    assert "stalking and harassment" in more and "sexual violence" in less
    none = summary.abuse_type_finding(edition(sexual_violence=("higher", 0.2), stalking=("lower", 0.2)), "Camden")
    assert none.startswith("No abuse type was significantly more or less common in Camden")


def test_service_wording_follows_each_direction():
    text = text_of(edition())
    assert "{{< var csn.change_since_baseline >}} fewer than" in text
    assert "above the England and Wales rate" in text and "will rise by" in text
    flipped = text_of(edition(csn="more", marac_rate=20.0, forecast="fall"))
    assert "{{< var csn.change_since_baseline >}} more than" in flipped
    assert "below the England and Wales rate" in flipped and "will fall by" in flipped


def test_an_edition_without_service_data_says_so_and_quotes_only_its_own_values():
    police_only = {k: v for k, v in edition().items() if k.split(".")[0] in ("offences", "abuse")}
    text = text_of(police_only, "Hackney")
    assert "No council service data were supplied for Hackney" in text
    assert set(VAR.findall(text)) <= set(police_only)


def test_every_number_the_summary_quotes_is_a_value_a_chapter_3_section_quotes():
    """Same key, so the same number: the summary never makes a figure of its own."""
    sections = " ".join(path.read_text(encoding="utf-8") for path in (project_root() / "chapters").glob("_03-*.qmd"))
    quoted_by_sections = set(VAR.findall(sections))
    quoted = set(VAR.findall(text_of(edition())))
    words_only = {key for key in quoted if key.endswith((".year", "_year", ".recording_change", ".rate_unit",
                                                         ".end_month", ".interval_verdict"))}
    assert quoted - words_only <= quoted_by_sections, sorted(quoted - words_only - quoted_by_sections)


def test_no_summary_line_is_a_block_shortcode():
    for line in text_of(edition()).splitlines():
        assert not (line.strip().startswith("{{<") and line.strip().endswith(">}}"))


@pytest.mark.parametrize("key", ["offences.borough_rate", "offences.london_rate"])
def test_a_hidden_rate_is_not_compared(key):
    values = edition()
    values[key] = {"text": "[c]", "value": None, "kind": "number"}
    assert "too few offences were recorded to compare" in summary.rate_finding(values, "Camden")


def test_rates_equal_as_published_read_the_same():
    values = edition(marac_rate=35.04)
    values["marac.rate"]["text"] = "35.0"
    assert "the same as the England and Wales rate" in text_of(values)
    values = edition(borough_rate=1.3201, london_rate=1.3199)
    assert "the same as London's rate" in summary.rate_finding(values, "Camden")
