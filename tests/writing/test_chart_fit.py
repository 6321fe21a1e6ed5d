"""Chart text stays on the canvas and off other text in every render (issue 13, WCAG 1.4.10): the wide
8-inch chart, the medium and the phone renders, and print. Measured from matplotlib's text extents, in the
fonts the SVG is saved in, through the code that saves the site's charts (vawg.writing.artifacts)."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.pyplot
import pandas as pd
import pytest

from vawg.writing import charts
from vawg.writing.artifacts import save_fitted, save_svg_with_text

HEIGHT = 4.8
WIDTHS = (8.0, charts.MEDIUM_WIDTH_IN, charts.NARROW_WIDTH_IN)


def bars_near_100() -> object:
    """Long title, long axis title, long category names and bar-end labels near 100%."""
    names = ["Psychological, emotional or other abuse", "Violent or threatening behaviour", "Stalking"]
    data = pd.DataFrame({"type": names * 2, "share": [99.4, 97.1, 63.1, 98.8, 52.2, 85.7],
                         "area": ["Camden"] * 3 + ["Rest of London"] * 3})
    data["label"] = data["share"].map("{:.1f}%".format)
    return charts.grouped_bar_chart(
        data, category="type", value="share", series="area", label="label",
        title="Almost every offence of these abuse types ended with no positive outcome in Camden last year",
        subtitle="Percentage of VAWG offences with a known outcome that was not positive, by abuse type, 2024",
        value_title="% of offences with no positive outcome, main reason for losing the last settled home",
        category_order=names, series_order=["Camden", "Rest of London"])


def lines_with_long_legend() -> object:
    """A legend whose entries are each wider than a phone's chart."""
    series = ["Main reason for losing the last settled home (older measure)",
              "A support need: victim or at risk (newer flag)", "Shift, trend or two of three near a limit"]
    data = pd.DataFrame([{"year": year, "share": 20 + 3 * n + year % 3, "series": name}
                         for n, name in enumerate(series) for year in range(2019, 2025)])
    data["label"] = data["share"].map("{:.0f}".format)
    return charts.multi_line_chart(data, x="year", y="share", series="series", label="label",
                                   title="Domestic abuse is a growing share of women's homelessness applications",
                                   subtitle="Share of homelessness applications made by women, by measure",
                                   y_title="% of women's applications", series_order=series)


CHARTS = {"bars": bars_near_100, "legend": lines_with_long_legend}


@pytest.mark.parametrize("name", sorted(CHARTS))
@pytest.mark.parametrize("width", WIDTHS)
def test_every_render_keeps_its_text_on_the_canvas_and_apart(tmp_path: Path, name: str, width: float) -> None:
    plot = CHARTS[name]()
    shown = charts.narrow(plot, width) if width < 8 else plot
    problems = save_svg_with_text(shown, tmp_path / "chart.svg", salt=name, width=width,
                                  height=charts.narrow_height(plot, HEIGHT, width) if width < 8 else HEIGHT)
    assert problems == [], problems
    svg = (tmp_path / "chart.svg").read_text(encoding="utf-8")
    assert 'font-size: 9px' in svg  # the text kept its 9 points: fitted by wrapping and room, not shrinking


def test_print_and_png_are_fitted_too(tmp_path: Path) -> None:
    plot = bars_near_100()
    with matplotlib.rc_context({"svg.fonttype": "path"}):
        assert save_fitted(plot, tmp_path / "chart.print.svg", width=8.0, height=HEIGHT) == []


def test_the_charts_above_do_not_fit_without_fitting() -> None:
    """The test charts are hard cases: drawn as plotnine lays them out, text runs off a phone's chart."""
    for name, make in CHARTS.items():
        plot = charts.narrow(make(), charts.NARROW_WIDTH_IN)
        figure = (plot + charts.theme(figure_size=(charts.NARROW_WIDTH_IN, HEIGHT * 1.4))).draw()
        with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": list(charts.CHART_FONTS)}):
            figure.draw_without_rendering()
            found = charts.text_problems(figure)
            kinds = {kind for kind, *_ in found}
            assert "clipped" in kinds, name
            left = charts.fit_text(figure)
        assert left == [], (name, left)
        matplotlib.pyplot.close(figure)


def test_a_number_past_a_bars_end_widens_the_axis_and_keeps_its_place() -> None:
    # the wide chart's room for its labels (narrow() would give it more) on a phone's width
    plot = bars_near_100()
    figure = (plot + charts.theme(figure_size=(charts.NARROW_WIDTH_IN, HEIGHT * 1.4))).draw()
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": list(charts.CHART_FONTS)}):
        figure.draw_without_rendering()
        ax = figure.axes[0]
        before = ax.get_xlim()
        charts.fit_text(figure)
        labels = [text for text in ax.texts if text.get_text().endswith("%")]
    assert ax.get_xlim()[1] > before[1]
    assert all(text.get_horizontalalignment() == "left" for text in labels)  # past the bar's end, not on it
    matplotlib.pyplot.close(figure)
