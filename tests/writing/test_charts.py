"""Chart text a reader can read on the site (issue 13): at least 12 CSS pixels when the chart fills the
768 px text column."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from vawg.writing import charts

FONT_SIZE = re.compile(r"font-size: ([\d.]+)px")


def svg_text_sizes(svg: str) -> list[float]:
    """Font sizes of an SVG's text elements, in its own units (points, as matplotlib writes them)."""
    return [float(size) for element in re.findall(r"<text[^>]*>", svg) for size in FONT_SIZE.findall(element)]


def saved_svg(tmp_path: Path, plot, width: float = 8.0) -> str:
    """The chart as SVG with its text as text, so that its sizes can be read."""
    import matplotlib

    tmp_path.mkdir(parents=True)
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        plot.save(tmp_path / "chart.svg", width=width, height=4.8, units="in", verbose=False)
    return (tmp_path / "chart.svg").read_text(encoding="utf-8")


def test_the_text_of_a_line_and_a_bar_chart_is_at_least_12_px_on_the_site(tmp_path) -> None:
    years = pd.DataFrame({"year": [2022, 2023, 2024] * 2, "rate": [1.0, 2.0, 3.0, 2.0, 2.5, 2.7],
                          "area": ["Camden"] * 3 + ["London"] * 3})
    years["label"] = years["rate"].map("{:.1f}".format)
    line = charts.line_chart(years, x="year", y="rate", series="area", label="label", title="Rates rose",
                             subtitle="Offences per 1,000", y_title="Rate", series_order=["Camden", "London"])
    bars = charts.grouped_bar_chart(years.assign(year=years["year"].astype(str)), category="year", value="rate",
                                    series="area", label="label", title="Rates rose", subtitle="Per 1,000",
                                    value_title="Rate", category_order=["2022", "2023", "2024"],
                                    series_order=["Camden", "London"])
    for name, plot in (("line", line), ("bars", bars)):
        svg = saved_svg(tmp_path / name, plot)
        sizes = svg_text_sizes(svg)
        assert len(sizes) > 8, name
        assert min(charts.text_px(size, 8.0) for size in sizes) >= charts.MIN_TEXT_PX, (name, sorted(sizes)[:3])


def test_text_px_follows_the_chart_into_the_text_column() -> None:
    assert charts.text_px(9, 8.0) == 12  # 576 pt of chart drawn 768 px wide
    assert charts.text_px(9, 6.0) == 12  # a narrower chart is not enlarged
    assert round(charts.text_px(9, 9.0), 1) == 10.7  # a wider one is shrunk to the column


def test_a_narrow_forecast_chart_names_its_lines_in_the_legend_and_its_event_under_the_chart(tmp_path) -> None:
    """At 3 and 5 inches the names written on the chart ran across the dashed line and the interval (issue 13)."""
    months = pd.date_range("2020-01-01", "2024-12-01", freq="MS")
    history = pd.DataFrame({"date": months, "rate": 0.15, "part": ["Fitted" if m.year < 2024 else "After"
                                                                    for m in months]})
    ahead = pd.date_range("2025-01-01", "2028-12-01", freq="MS")
    forecast = pd.DataFrame({"date": ahead, "mean": 0.15, "lower": 0.12, "upper": 0.18})
    events = pd.DataFrame({"start": [pd.Timestamp("2024-03-01")], "end": [pd.NaT],
                           "label": ["Police CONNECT system introduced"]})

    def chart(width: float):
        return charts.forecast_chart(history, forecast, x="date", y="rate", part="part", mean="mean", lower="lower",
                                     upper="upper", events=events, title="Little change", subtitle="Per 1,000",
                                     y_title="Rate", part_order=["Fitted", "After"], forecast_label="Forecast",
                                     interval_label="95% prediction interval", width=width)

    for width in (charts.NARROW_WIDTH_IN, charts.MEDIUM_WIDTH_IN):
        svg = saved_svg(tmp_path / str(width), chart(width), width)
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
        assert "Dashed line: Police CONNECT system introduced (Mar 2024)." in " ".join(" ".join(texts).split())
        for name in ("Fitted", "After", "Forecast", "95% prediction interval"):
            assert name in texts, (width, name)  # once, in the legend
        assert not [layer for layer in chart(width).layers if type(layer.geom).__name__ == "geom_text"]
    assert [layer for layer in chart(8.0).layers if type(layer.geom).__name__ == "geom_text"], "named on the chart"
