"""Chart building blocks in the Government Analysis Function style.

Charts carry a headline title (the finding), a statistical subtitle (what is
measured), the Analysis Function palette, and direct labels so that no
information depends on colour alone.
"""

from __future__ import annotations

import copy
import re
import textwrap

import pandas as pd
from matplotlib import patheffects
from matplotlib.transforms import Bbox
from plotnine import (
    aes,
    annotate,
    facet_wrap,
    geom_vline,
    scale_linetype_manual,
    scale_shape_manual,
    scale_x_datetime,
    element_blank,
    element_line,
    element_text,
    expand_limits,
    geom_col,
    geom_errorbar,
    geom_line,
    geom_point,
    geom_ribbon,
    geom_text,
    ggplot,
    labs,
    position_dodge,
    scale_color_manual,
    scale_fill_manual,
    scale_x_continuous,
    scale_y_continuous,
    theme,
    theme_minimal,
    coord_fixed,
    coord_flip,
    guides,
)

# Government Analysis Function colours (docs/design.md).
CATEGORICAL = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
TWO_SERIES = ("#12436D", "#F46A25")
TEXT_COLOUR = "#0B0C0C"
GRID_COLOUR = "#D9D9D9"


TITLE_WIDTH = 60  # characters per line of a chart title at the default 8-inch width
SUBTITLE_WIDTH = 80  # characters per line of a chart subtitle at the default 8-inch width

# The site's text column is 48rem (768 px, templates/html/vawg.css) and an 8-inch chart fills it at
# 96 px an inch, so a point of chart text is 4/3 px there: 9 pt is the 12 px a reader needs.
HTML_TEXT_WIDTH_PX = 768
MIN_TEXT_PX = 12
LABEL_SIZE = 9  # points: value labels, line names, event labels


def text_px(points: float, figure_width_in: float) -> float:
    """How many CSS pixels ``points`` of chart text are on the site, the chart shrunk to the text column."""
    shown = min(HTML_TEXT_WIDTH_PX, figure_width_in * 96)
    return points * shown / (figure_width_in * 72)


# The website shows each chart in one of three renders, by the width of the screen (<picture>, vawg.publishing.render.html,
# whose text_column_px follows templates/html/vawg.css): the 8-inch chart only where the text column is its full
# 768 px; a medium one where the column is narrower, down to 480 px (a window of 40 to 68rem, the contents beside
# the text or above it); a narrow one on a phone, where the column is 288 px at 320 px. Each is drawn that wide
# (96 px an inch: 480 and 288 px), so its 9 pt text is 12 px at the narrowest column it is shown in, and more on
# a wider one.
MEDIUM_SCREEN_PX = 480
MEDIUM_WIDTH_IN = 5.0
NARROW_SCREEN_PX = 288
NARROW_WIDTH_IN = 3.0
NARROW_MIN_TEXT_PX = MIN_TEXT_PX
# A chart inside a service card is narrower than the column by the card's padding and border
# (templates/html/cards.css): 55 px from 48em up, 39 px on a phone.
CARD_INSET_PX = (55, 39)


def render_widths(inset_px: tuple[float, float] = (0, 0)) -> tuple[float, float]:
    """The medium and narrow renders' widths in inches, for a chart ``inset_px`` (medium, phone) narrower
    than the text column."""
    return (MEDIUM_SCREEN_PX - inset_px[0]) / 96, (NARROW_SCREEN_PX - inset_px[1]) / 96
NARROW_HEIGHT_FACTOR = 1.4  # the narrow chart is taller: its titles take more lines


# A map's note when some wards are too small for their labels (vawg.analysis.maps); the narrower renders, which leave
# every ward label out, say so instead.
MAP_LABELS_NOTE = ("Where a ward is too small for its label, the map shows its value or nothing; every ward's "
                   "name and value are in the data below the map.")


class Halo(patheffects.withStroke):
    """A stroke of ``colour`` round text, so a label stays legible over any fill (a matplotlib path effect).

    matplotlib draws text with a path effect as glyph outlines; the website's SVG keeps it as text and
    draws the halo with SVG's own stroke (:func:`vawg.writing.artifacts.save_svg_with_text`), from the colour and
    width kept here.
    """

    def __init__(self, colour: str, width: float = 1.2) -> None:
        super().__init__(linewidth=width, foreground=colour)
        self.colour, self.width = colour, width


def narrow(plot: ggplot, width_in: float = NARROW_WIDTH_IN) -> ggplot:
    """``plot`` for a narrower screen: titles rewrapped to the width, legend underneath, room for end labels.

    The text keeps its size in points. A line is allowed as many characters as the wide chart's
    :data:`TITLE_WIDTH` allows at 8 inches, scaled to ``width_in``; axis titles and legends wrap or stack
    to fit. Labels past the end of a bar or a line take the same points at any width, so the room left for
    them (a continuous scale's expansion) grows as the chart narrows. Labels with a :class:`Halo` (ward
    names and values on a map) cannot fit their wards at this width: they are left out, and the caption
    says where they are.
    """
    labels = {}
    plot = copy.deepcopy(plot)
    kept = [layer for layer in plot.layers
            if not any(isinstance(effect, Halo) for effect in (layer.geom.params.get("path_effects") or ()))]
    caption = getattr(plot.labels, "caption", None) or ""
    if len(kept) < len(plot.layers):
        plot.layers = type(plot.layers)(kept)
        caption = " ".join(caption.split()).replace(" ".join(MAP_LABELS_NOTE.split()), "").strip()
        caption = "Each ward's name and value are in the data below the chart. " + caption
    for name, share, text in (("title", 1.0, getattr(plot.labels, "title", None)),
                              ("subtitle", 1.2, getattr(plot.labels, "subtitle", None)), ("caption", 1.4, caption),
                              ("x", 1.3, getattr(plot.labels, "x", None)), ("y", 1.3, getattr(plot.labels, "y", None))):
        if text:  # smaller text, more characters a line
            width = max(12, round(TITLE_WIDTH * share * width_in / 8.0))
            labels[name] = "\n".join(textwrap.fill(" ".join(part.split()), width)
                                     for part in str(text).split("\n\n"))
    stretch = 8.0 / width_in
    for scale in plot.scales:
        expand = getattr(scale, "expand", None)
        if scale.__class__.__name__.endswith("_continuous") and expand and len(expand) == 4 and expand[2] > 0:
            scale.expand = (expand[0], expand[1], round(expand[2] * stretch, 3), expand[3])
    # Titles start at the chart's left edge, not the panel's: a bar chart's category names would leave them
    # a column a few words wide.
    legend = theme(legend_position="bottom", legend_direction="horizontal", plot_caption_position="plot",
                   plot_title_position="plot")
    if plot.theme is not None and plot.theme.getp("legend_position") == "none":
        legend = theme(plot_caption_position="plot", plot_title_position="plot")  # labelled directly: no legend
    elif sum(len(str(entry)) + 6 for entry in _legend_entries(plot)) > LEGEND_WIDTH * width_in / 8.0:
        legend = theme(legend_position="bottom", legend_direction="vertical", legend_box="vertical",
                       legend_box_just="left", plot_caption_position="plot", plot_title_position="plot")
    return plot + labs(**labels) + legend


def _legend_entries(plot: ggplot) -> list[str]:
    """The names a chart's legend lists: the values of the columns its layers map to colour, fill, shape or
    line type, leaving out those whose legend is turned off. (plotnine keeps a manual scale's names inside a
    closure, so they are read from the data.)"""
    entries: list[str] = []
    off = {aesthetic for scale in plot.scales for aesthetic in scale.aesthetics
           if getattr(scale, "guide", "legend") in (None, False, "none") or "identity" in type(scale).__name__}
    off |= {name for name in ("color", "fill", "shape", "linetype")
            if getattr(plot.guides, name, None) in ("none", False)}
    for layer in plot.layers:
        mapping = {**(plot.mapping if layer.inherit_aes else {}), **layer.mapping}
        data = layer._data if isinstance(getattr(layer, "_data", None), pd.DataFrame) else plot.data
        for aesthetic in ("color", "fill", "shape", "linetype"):
            column = mapping.get(aesthetic)
            if aesthetic in off or not isinstance(column, str) or not isinstance(data, pd.DataFrame) \
                    or column not in data:
                continue
            if not pd.api.types.is_numeric_dtype(data[column]):  # a colour bar's numbers are not entries
                entries += [str(value) for value in pd.unique(data[column].dropna())]
    return list(dict.fromkeys(entries))


def narrow_height(plot: ggplot, height_in: float, width_in: float = NARROW_WIDTH_IN) -> float:
    """A narrower render's height: taller for its titles, but a map (fixed aspect) only as tall as before."""
    if isinstance(plot.coordinates, coord_fixed):
        return height_in
    return height_in * (1 + (NARROW_HEIGHT_FACTOR - 1) * (8.0 - width_in) / (8.0 - NARROW_WIDTH_IN))


def headline(text: str) -> str:
    """Wrap a chart title so a long finding never runs off the chart."""
    return textwrap.fill(text, TITLE_WIDTH)


def subtitle(text: str) -> str:
    """Wrap a chart subtitle to :data:`SUBTITLE_WIDTH` characters a line."""
    return textwrap.fill(text, SUBTITLE_WIDTH)


# Charts are published as SVG with their text kept as text (vawg.writing.artifacts), drawn by the reader's browser in
# the first of these fonts it has: the site's own (templates/html/vawg.css). matplotlib places the text by the
# first it finds here; Liberation Sans has Arial's metrics, so a label placed for it fits in Arial or Helvetica.
CHART_FONTS = ("Liberation Sans", "Arial", "Helvetica", "DejaVu Sans")


class _af_base(theme_minimal):
    """plotnine's minimal theme with the site's fonts (plotnine's own list starts with Helvetica)."""

    def __init__(self, base_size: float = 11) -> None:
        super().__init__(base_size=base_size)
        self._rcParams["font.sans-serif"] = list(CHART_FONTS)  # plotnine's documented way (theme docstring)


def af_theme() -> theme:
    return _af_base(base_size=11) + theme(
        plot_title=element_text(weight="bold", size=13, color=TEXT_COLOUR, ha="left"),
        plot_subtitle=element_text(size=10.5, color=TEXT_COLOUR, ha="left"),
        plot_caption=element_text(size=LABEL_SIZE, color=TEXT_COLOUR, ha="left"),
        axis_text=element_text(size=LABEL_SIZE, color=TEXT_COLOUR),
        axis_title=element_text(size=10, color=TEXT_COLOUR),
        panel_grid_major_x=element_blank(),
        panel_grid_minor=element_blank(),
        panel_grid_major_y=element_line(color=GRID_COLOUR),
        legend_position="top",
        legend_title=element_blank(),
        legend_text=element_text(size=LABEL_SIZE, color=TEXT_COLOUR),
        strip_text=element_text(size=LABEL_SIZE, color=TEXT_COLOUR),  # facet titles (plotnine's: 8.8 pt)
    )


def line_chart(data: pd.DataFrame, *, x: str, y: str, series: str, label: str, title: str,
               subtitle: str, y_title: str, series_order: list[str], lower: str | None = None,
               upper: str | None = None) -> ggplot:
    """Lines over years, each point labelled with its value and each line named at its end.

    With ``lower`` and ``upper`` each point carries an error bar (its 95% confidence interval) and its label
    sits above the bar; a point not drawn (suppressed) draws no bar.
    """
    data = data.assign(**{series: pd.Categorical(data[series], categories=series_order)})
    ends = data[data[x] == data[x].max()]
    colours = dict(zip(series_order, TWO_SERIES if len(series_order) <= 2 else CATEGORICAL))
    years = sorted(data[x].unique())
    reach = float(data[upper].where(data[y].notna()).max()) if upper else float(data[y].max())
    data["_label_at"] = (data[upper].where(data[y].notna()).fillna(data[y]) if upper else data[y]) + 0.04 * reach
    # With intervals, the lower line's labels go under its bars, so they never sit on the other line's bar.
    data["_below"] = bool(upper) & (data[y] < data.groupby(x)[y].transform("max"))
    if lower:
        data.loc[data["_below"], "_label_at"] = data[lower].fillna(data[y]) - 0.04 * reach
    bars = []
    if lower and upper:
        data[lower], data[upper] = data[lower].where(data[y].notna()), data[upper].where(data[y].notna())
        bars = [geom_errorbar(aes(ymin=lower, ymax=upper), width=0.12, size=0.7, na_rm=True)]
    plot = ggplot(data, aes(x=x, y=y, color=series, group=series)) + geom_line(size=1.2)
    for layer in bars:
        plot += layer
    return (
        plot
        + geom_point(size=2.6)
        # Labels are text: TEXT_COLOUR (19.6:1), as the series colours only reach the 3:1 of marks.
        + geom_text(data[~data["_below"]], aes(y="_label_at", label=label), va="bottom" if upper else "center",
                    size=LABEL_SIZE,
                    color=TEXT_COLOUR, show_legend=False)
        + geom_text(data[data["_below"]], aes(y="_label_at", label=label), va="top", size=LABEL_SIZE,
                    color=TEXT_COLOUR, show_legend=False)
        + geom_text(ends, aes(label=series), nudge_x=0.12, ha="left", size=9, fontweight="bold",
                    color=TEXT_COLOUR, show_legend=False)
        + scale_color_manual(values=colours)
        + scale_x_continuous(breaks=years, limits=(min(years) - 0.2, max(years) + 0.9))
        + scale_y_continuous(expand=(0, 0, 0.12, 0))
        + expand_limits(y=0)
        + guides(color="none")
        + labs(title=headline(title), subtitle=subtitle, x="", y=y_title)
        + af_theme()
    )


def grouped_bar_chart(data: pd.DataFrame, *, category: str, value: str, series: str, label: str,
                      title: str, subtitle: str, value_title: str, category_order: list[str],
                      series_order: list[str]) -> ggplot:
    """Horizontal bars, one group per category, every bar labelled with its value.

    A missing value (suppressed) draws no bar; its label says why.
    """
    data = data.assign(
        **{category: pd.Categorical(data[category], categories=list(reversed(category_order))),
           series: pd.Categorical(data[series], categories=list(reversed(series_order)))}
    )
    colours = dict(zip(series_order, TWO_SERIES))
    dodge = position_dodge(width=0.8)
    # plotnine ignores nudges under dodging, so labels get their own position just past the bar.
    # When every bar is suppressed there is no longest bar: offset the "[c]" labels by a unit so they still show.
    reach = data[value].max() if data[value].notna().any() else 1.0
    data["_label_at"] = data[value].fillna(0) + 0.01 * reach
    return (
        ggplot(data, aes(x=category, y=value, fill=series))
        + geom_col(position=dodge, width=0.75, na_rm=True)
        + geom_text(aes(y="_label_at", label=label), position=dodge, ha="left", size=LABEL_SIZE,
                    color=TEXT_COLOUR, show_legend=False)
        + coord_flip()
        + scale_fill_manual(values=colours, breaks=series_order)
        + scale_y_continuous(expand=(0, 0, 0.15, 0))
        + labs(title=headline(title), subtitle=subtitle, x="", y=value_title)
        + af_theme()
        + theme(panel_grid_major_y=element_blank(), panel_grid_major_x=element_line(color=GRID_COLOUR))
    )


# -- control charts ----------------------------------------------------------------------------------

CONTROL_LINE_COLOUR = "#3D3D3D"      # centre line and limits (marks: 10.9:1)
SIGNAL_COLOURS = ("#801650", "#3D3D3D")  # special-cause markers, told apart by shape as well
EVENT_SHADE_COLOUR = "#3D3D3D"       # drawn translucent behind the data; each event is also labelled
SIGNAL_SHAPES = ("D", "^")


def control_chart(data: pd.DataFrame, *, x: str, y: str, panel: str, centre: str, lower: str, upper: str,
                  phase: str, signal: str, events: pd.DataFrame, title: str, subtitle: str, y_title: str,
                  panel_order: list[str], signal_order: list[str], width: float = 8.0) -> ggplot:
    """Statistical process control chart: one panel per area, each with its own centre line and limits.

    ``data`` has one row per point and panel, with the plotted value (missing when suppressed),
    the centre line and limits that apply to it, its ``phase`` (limits are drawn per phase) and
    its ``signal`` ("" for none, else one of ``signal_order``). ``events`` (start, end, label)
    are drawn as a shaded period, or a dashed line when ``end`` is missing. Special-cause points are
    marked with a shape and colour of their own, and the centre line (solid) and limits (dashed) by
    their line, all named in the legend (names at the lines' ends collided where the limits are close).

    ``width`` is the chart's width in inches. At 8 the events are labelled in the first panel and the axis
    marks every half year; narrower (:data:`MEDIUM_WIDTH_IN`, :data:`NARROW_WIDTH_IN`) there is no room
    for their names, which go in the caption under the chart, and the axis marks the years.
    """
    compact = width < 6
    data = data.assign(**{panel: pd.Categorical(data[panel], categories=panel_order)})
    colours = dict(zip(panel_order, TWO_SERIES))
    top = float(pd.concat([data[y], data[upper]]).max())
    signals = data[data[signal].isin(signal_order) & data[y].notna()].copy()
    signals[signal] = pd.Categorical(signals[signal], categories=signal_order)

    periods = events[events["end"].notna() & (events["end"] > events["start"])].copy()
    dates = events[~events.index.isin(periods.index)].copy()
    first_panel = panel_order[0]
    labels = events.assign(**{panel: pd.Categorical([first_panel] * len(events), categories=panel_order)})
    # Stagger the labels of events close together so that they do not overlap: a row is a line of text high.
    labels["_y"] = [top * (1.32 - 0.1 * (position % 3)) for position in range(len(labels))]
    labels["_ha"] = ["right" if pd.isna(end) or end == start else "left"
                     for start, end in zip(labels["start"], labels["end"])]
    labels["_x"] = labels["start"]

    line_names = {"centre": "Average", "upper": "3-sigma limits", "lower": "3-sigma limits"}
    limits = pd.concat([data.assign(_y=data[column], _line=line_names[part],
                                    _group=data[phase].astype(str) + "-" + part)
                        for part, column in (("centre", centre), ("upper", upper), ("lower", lower))],
                       ignore_index=True)

    plot = ggplot(data, aes(x=x))
    for period in periods.itertuples():
        plot += annotate("rect", xmin=period.start, xmax=period.end, ymin=0, ymax=top * 1.05,
                         fill=EVENT_SHADE_COLOUR, alpha=0.12)
    if not dates.empty:
        plot += geom_vline(dates, aes(xintercept="start"), linetype="dashed", color=CONTROL_LINE_COLOUR, size=0.6)
    plot += geom_line(limits, aes(y="_y", linetype="_line", group="_group"), color=CONTROL_LINE_COLOUR, size=0.5)
    plot += geom_line(aes(y=y, color=panel, group=panel), size=1.0, na_rm=True)
    plot += geom_point(signals, aes(y=y, shape=signal, fill=signal), size=3.2, color=TEXT_COLOUR, stroke=0.4)
    caption = ""
    if compact:
        caption = _event_caption(periods, dates)
    else:
        plot += geom_text(labels, aes(x="_x", y="_y", label="label", ha="_ha"), size=LABEL_SIZE, color=TEXT_COLOUR,
                          va="bottom", nudge_x=0)
    first_x, last_x = data[x].min(), data[x].max()
    # On a phone the legend stacks its entries, each no wider than the chart.
    names = [textwrap.fill(name, 30) if width < 4 else name for name in signal_order]
    if compact:
        axis = scale_x_datetime(date_labels="%Y", breaks=_years(first_x, last_x),
                                limits=(first_x, last_x + pd.Timedelta(days=20)))
    else:
        axis = scale_x_datetime(date_labels="%b %Y", breaks=_half_years(first_x, last_x),
                                limits=(first_x, last_x + pd.Timedelta(days=20)))
    return (
        plot
        + facet_wrap(panel, ncol=1)
        + scale_color_manual(values=colours, guide=None)
        + scale_shape_manual(values=dict(zip(signal_order, SIGNAL_SHAPES)), drop=False, name="", labels=names)
        + scale_fill_manual(values=dict(zip(signal_order, SIGNAL_COLOURS)), drop=False, name="", labels=names)
        + scale_linetype_manual(values={"Average": "solid", "3-sigma limits": "dashed"}, name="")
        + axis
        + scale_y_continuous(limits=(0, top * 1.45), expand=(0, 0))
        + labs(title=headline(title), subtitle=textwrap.fill(subtitle, 95), x="", y=y_title,
               caption=caption or None)
        + af_theme()
        + theme(strip_text=element_text(weight="bold", size=11, color=TEXT_COLOUR, ha="left"),
                axis_text_x=element_text(rotation=0, size=LABEL_SIZE, color=TEXT_COLOUR), plot_title_position="plot",
                legend_key_width=24)
    )


def _event_caption(periods: pd.DataFrame, dates: pd.DataFrame) -> str:
    """The events a narrow control chart shades or marks, named under it: "Grey bands: ...; dashed line: ..."."""
    parts = []
    if not periods.empty:
        parts.append(("Grey bands" if len(periods) > 1 else "Grey band") + ": " + "; ".join(
            f"{row.label} ({row.start:%b %Y} to {row.end:%b %Y})" for row in periods.itertuples()))
    if not dates.empty:
        parts.append(("Dashed lines" if len(dates) > 1 else "Dashed line") + ": " + "; ".join(
            f"{row.label} ({row.start:%b %Y})" for row in dates.itertuples()))
    return ". ".join(parts) + "." if parts else ""


def _years(first: pd.Timestamp, last: pd.Timestamp) -> list[pd.Timestamp]:
    """January of each year from ``first`` to ``last`` (axis breaks within the data)."""
    return [date for date in pd.date_range(first.to_period("Y").start_time, last, freq="YS") if date >= first]


def _half_years(first: pd.Timestamp, last: pd.Timestamp) -> list[pd.Timestamp]:
    """January and July of each year from ``first`` to ``last`` (axis breaks within the data)."""
    return [date for date in pd.date_range(first.to_period("Y").start_time, last, freq="6MS") if date >= first]


# -- bars with confidence intervals -----------------------------------------------------------------

INTERVAL_COLOUR = "#0B0C0C"  # error bars (marks)


def interval_bar_chart(data: pd.DataFrame, *, category: str, value: str, lower: str, upper: str, series: str,
                       label: str, title: str, subtitle: str, value_title: str, category_order: list[str],
                       series_order: list[str]) -> ggplot:
    """Horizontal grouped bars with a 95% confidence interval on each, every bar labelled with its value.

    A missing value (suppressed) draws no bar or interval; its label says why.
    """
    data = data.assign(
        **{category: pd.Categorical(data[category], categories=list(reversed(category_order))),
           series: pd.Categorical(data[series], categories=list(reversed(series_order)))}
    )
    data[lower] = data[lower].where(data[value].notna())
    data[upper] = data[upper].where(data[value].notna())
    colours = dict(zip(series_order, TWO_SERIES))
    dodge = position_dodge(width=0.8)
    reach = float(pd.concat([data[value], data[upper]]).max())
    data["_label_at"] = data[upper].fillna(data[value]).fillna(0) + 0.015 * reach
    return (
        ggplot(data, aes(x=category, y=value, fill=series))
        + geom_col(position=dodge, width=0.75, na_rm=True)
        + geom_errorbar(aes(ymin=lower, ymax=upper), position=dodge, width=0.3, color=INTERVAL_COLOUR, size=0.5,
                        na_rm=True)
        + geom_text(aes(y="_label_at", label=label), position=dodge, ha="left", size=LABEL_SIZE,
                    color=TEXT_COLOUR, show_legend=False)
        + coord_flip()
        + scale_fill_manual(values=colours, breaks=series_order)
        + scale_y_continuous(expand=(0, 0, 0.18, 0))
        + labs(title=headline(title), subtitle=textwrap.fill(subtitle, 95), x="", y=value_title)
        + af_theme()
        + theme(panel_grid_major_y=element_blank(), panel_grid_major_x=element_line(color=GRID_COLOUR),
                plot_title_position="plot")
    )


# -- forecasts ----------------------------------------------------------------------------------------

AFTER_CHANGE_COLOUR = "#3D3D3D"  # recorded months after a recording change, not comparable with the forecast


def forecast_chart(history: pd.DataFrame, forecast: pd.DataFrame, *, x: str, y: str, part: str, mean: str,
                   lower: str, upper: str, events: pd.DataFrame, title: str, subtitle: str, y_title: str,
                   part_order: list[str], forecast_label: str, interval_label: str, width: float = 8.0) -> ggplot:
    """A recorded monthly series and its forecast with a shaded prediction interval, every line named.

    ``history`` has a ``part`` column naming each stretch of the recorded series (e.g. the months the model
    was fitted on, and months after a recording change); ``forecast`` has the forecast ``mean`` and its
    interval. The interval is shaded and its edges drawn as dashed lines, so it does not rest on the shade.
    ``events`` without an end are drawn as labelled dashed vertical lines.

    At ``width`` 8 inches the lines and the event are named on the chart; narrower (:data:`MEDIUM_WIDTH_IN`,
    :data:`NARROW_WIDTH_IN`) those names ran across the dashed line and the interval, so the lines are named in
    the legend and the event under the chart, as the control charts do.
    """
    compact = width < 6
    history = history.assign(**{part: pd.Categorical(history[part], categories=part_order)})
    colours = dict(zip(part_order, (TWO_SERIES[0], AFTER_CHANGE_COLOUR)))
    top = float(pd.concat([history[y], forecast[upper]]).max())
    dates = events[events["end"].isna() | (events["end"] == events["start"])]
    plot = (
        ggplot(history, aes(x=x, y=y))
        + geom_ribbon(forecast.assign(_band=interval_label), aes(x=x, ymin=lower, ymax=upper, fill="_band"),
                      inherit_aes=False, alpha=0.18)
        + geom_line(forecast, aes(x=x, y=upper), linetype="dashed", color=TWO_SERIES[1], size=0.6)
        + geom_line(forecast, aes(x=x, y=lower), linetype="dashed", color=TWO_SERIES[1], size=0.6)
        + scale_fill_manual(values={interval_label: TWO_SERIES[1]}, name="", guide="legend" if compact else None)
        + scale_y_continuous(limits=(0, top * (1.1 if compact else 1.35)), expand=(0, 0))
        + labs(title=headline(title), subtitle=textwrap.fill(subtitle, 95), x="", y=y_title,
               caption=(_event_caption(dates.iloc[0:0], dates) or None) if compact else None)
        + af_theme()
        + theme(plot_title_position="plot")
    )
    first_x, last_x = history[x].min(), forecast[x].max()
    if compact:
        names = [textwrap.fill(name, 30) if width < 4 else name for name in [*part_order, forecast_label]]
        return (
            plot
            + geom_line(forecast.assign(_series=forecast_label), aes(x=x, y=mean, color="_series"), size=1.1)
            + geom_vline(dates, aes(xintercept="start"), linetype="dashed", color=CONTROL_LINE_COLOUR, size=0.6)
            + geom_line(aes(color=part, group=part), size=1.0, na_rm=True)
            + scale_color_manual(values={**colours, forecast_label: TWO_SERIES[1]}, breaks=[*part_order, forecast_label],
                                 labels=names, name="")
            + scale_x_datetime(date_labels="%Y", breaks=_years(first_x, last_x),
                               limits=(first_x, last_x + pd.Timedelta(days=20)))
            + theme(legend_direction="vertical", legend_key_width=24)
        )
    labels = history.groupby(part, observed=True).head(1).assign(_x=lambda d: d[x], _y=top * 1.08,
                                                                 _text=lambda d: d[part])
    ends = forecast.tail(1)
    end_labels = pd.concat([
        ends.assign(_y=ends[mean], _text=forecast_label),
        ends.assign(_y=ends[upper], _text=interval_label),
    ])
    return (
        plot
        + geom_line(forecast, aes(x=x, y=mean), color=TWO_SERIES[1], size=1.1)
        + geom_vline(dates, aes(xintercept="start"), linetype="dashed", color=CONTROL_LINE_COLOUR, size=0.6)
        + geom_text(dates.assign(_y=top * 1.2), aes(x="start", y="_y", label="label"), ha="right", va="bottom",
                    size=LABEL_SIZE, color=TEXT_COLOUR, inherit_aes=False)
        + geom_line(aes(color=part, group=part), size=1.0, na_rm=True)
        + geom_text(labels, aes(x="_x", y="_y", label="_text"), ha="left", va="bottom", size=LABEL_SIZE,
                    color=TEXT_COLOUR, inherit_aes=False)
        + geom_text(end_labels, aes(x=x, y="_y", label="_text"), ha="left", nudge_x=25, size=LABEL_SIZE,
                    color=TEXT_COLOUR, inherit_aes=False)
        + scale_color_manual(values=colours, guide=None)
        + scale_x_datetime(date_labels="%Y", breaks=list(pd.date_range(first_x, last_x, freq="YS")),
                           limits=(first_x, last_x + pd.Timedelta(days=640)))
    )


def small_multiple_line_chart(data: pd.DataFrame, *, x: str, y: str, panel: str, label: str, title: str,
                              subtitle: str, y_title: str, panel_order: list[str], ncol: int = 3) -> ggplot:
    """One small line chart per panel (e.g. per abuse type) on a shared scale, every point labelled.

    Easier to read than one chart with many crossing lines. A missing value
    (suppressed) draws no point; its label (e.g. "[c]") sits on the axis.
    """
    # Panel titles wrap so that long names do not run into the next panel.
    wrapped = {name: textwrap.fill(name, 26) for name in panel_order}
    data = data.assign(**{panel: pd.Categorical(data[panel].map(wrapped), categories=list(wrapped.values()))})
    years = sorted(data[x].unique())
    top = data[y].max() if data[y].notna().any() else 1.0
    data["_label_at"] = data[y].fillna(0) + 0.08 * top
    return (
        ggplot(data, aes(x=x, y=y, group=panel))
        + geom_line(color=CATEGORICAL[0], size=1.1, na_rm=True)
        + geom_point(color=CATEGORICAL[0], size=2.2, na_rm=True)
        + geom_text(aes(y="_label_at", label=label), size=LABEL_SIZE, color=TEXT_COLOUR, show_legend=False)
        + facet_wrap(panel, ncol=ncol)
        + scale_x_continuous(breaks=years, labels=[f"'{str(year)[-2:]}" for year in years],
                             limits=(min(years) - 0.4, max(years) + 0.4))
        + scale_y_continuous(expand=(0, 0, 0.15, 0))
        + expand_limits(y=0)
        + labs(title=headline(title), subtitle=subtitle, x="", y=y_title)
        + af_theme()
        + theme(strip_text=element_text(color=TEXT_COLOUR, size=10, weight="bold"))
    )


# -- several areas or measures over years --------------------------------------------------------------

SERIES_SHAPES = ("o", "s", "^", "D", "v", "P")
LEGEND_WIDTH = 95  # characters of legend that fit across an 8-inch chart


def multi_line_chart(data: pd.DataFrame, *, x: str, y: str, series: str, label: str, title: str,
                     subtitle: str, y_title: str, series_order: list[str]) -> ggplot:
    """Lines over years for up to six series told apart by colour and by point shape, named in a legend.

    For charts whose series names are too long, or whose lines too close, to be named at the line ends.
    Points are labelled with ``label`` (give "" to leave a series' points unlabelled); a missing value
    (suppressed) draws no point and breaks the line.
    """
    data = data.assign(**{series: pd.Categorical(data[series], categories=series_order)})
    colours = dict(zip(series_order, TWO_SERIES if len(series_order) <= 2 else CATEGORICAL))
    shapes = dict(zip(series_order, SERIES_SHAPES))
    years = sorted(data[x].unique())
    top = data[y].max()
    nudge = 0.04 * top if pd.notna(top) and top > 0 else 0.5
    return (
        ggplot(data, aes(x=x, y=y, color=series, shape=series, group=series))
        + geom_line(size=1.1, na_rm=True)
        + geom_point(size=2.8, na_rm=True)
        + geom_text(aes(label=label), nudge_y=nudge, size=LABEL_SIZE, color=TEXT_COLOUR, show_legend=False, na_rm=True)
        + scale_color_manual(values=colours, breaks=series_order)
        + scale_shape_manual(values=shapes, breaks=series_order)
        + scale_x_continuous(breaks=years, limits=(min(years) - 0.3, max(years) + 0.3))
        + scale_y_continuous(expand=(0, 0, 0.12, 0))
        + expand_limits(y=0)
        + labs(title=headline(title), subtitle=subtitle, x="", y=y_title)
        + af_theme()
        + theme(legend_position="top", plot_title_position="plot")
        # Long names go one to a line so that the legend never runs off the chart.
        + (theme(legend_direction="vertical") if sum(len(name) + 6 for name in series_order) > LEGEND_WIDTH
           else theme())
    )


def funnel_chart(points: pd.DataFrame, limits: pd.DataFrame, *, x: str, y: str, highlight: str, label: str,
                 average: float, title: str, subtitle: str, x_title: str, y_title: str) -> ggplot:
    """A funnel plot: one point per area (its rate against its population), the average and the control limits.

    ``limits`` has ``line`` (``lower_95``, ``upper_95``, ``lower_998``, ``upper_998``), ``population`` and
    ``rate``; the 95% limits are dashed and the 99.8% limits solid, each named at its right-hand end, so no
    line rests on colour alone. The area where ``highlight`` is True is drawn larger, filled and labelled.
    """
    shown = limits[limits["population"].between(points[x].min() * 0.8, points[x].max() * 1.1)]
    ends = shown.sort_values("population").groupby("line").tail(1)
    names = {"upper_95": "95% limits", "upper_998": "99.8% limits"}
    ends = ends[ends["line"].isin(names)].assign(_text=lambda d: d["line"].map(names))
    others, own = points[~points[highlight]], points[points[highlight]]
    return (
        ggplot(points, aes(x=x, y=y))
        + geom_line(shown[shown["line"].str.endswith("_95")], aes(x="population", y="rate", group="line"),
                    linetype="dashed", color=CONTROL_LINE_COLOUR, size=0.6, inherit_aes=False)
        + geom_line(shown[shown["line"].str.endswith("_998")], aes(x="population", y="rate", group="line"),
                    color=CONTROL_LINE_COLOUR, size=0.7, inherit_aes=False)
        + annotate("segment", x=shown["population"].min(), xend=shown["population"].max(), y=average, yend=average,
                   color=TEXT_COLOUR, size=0.6)
        + geom_text(ends, aes(x="population", y="rate", label="_text"), ha="left", nudge_x=points[x].max() * 0.01,
                    size=LABEL_SIZE, color=TEXT_COLOUR, inherit_aes=False)
        + annotate("text", x=shown["population"].max() * 1.01, y=average, label="London average", ha="left",
                   size=LABEL_SIZE, color=TEXT_COLOUR)
        + geom_point(others, size=2.4, color=TWO_SERIES[0], fill="white", stroke=0.8)
        + geom_point(own, size=4.0, color=TEXT_COLOUR, fill=TWO_SERIES[1], stroke=0.6, shape="D")
        + geom_text(own, aes(label=label), ha="left", nudge_x=points[x].max() * 0.02, size=9, fontweight="bold",
                    color=TEXT_COLOUR)
        + scale_x_continuous(labels=lambda values: [f"{v:,.0f}" for v in values],
                             limits=(shown["population"].min(), points[x].max() * 1.25))
        + labs(title=headline(title), subtitle=textwrap.fill(subtitle, 95), x=x_title, y=y_title)
        + af_theme()
    )


# -- text that stays on the canvas -------------------------------------------------------------------
#
# plotnine lays a chart out around its text but never wraps or moves a text that is wider than the canvas, and
# matplotlib has no wrap to a given width (Text(wrap=True) wraps to the figure's edge from the text's own anchor,
# and not legend entries or axis titles) and no "keep this label inside" for data labels. So after plotnine has
# drawn a render, fit_text measures every text (its window extent at the render's size and in its fonts) and
# rewraps, widens an axis or thins tick labels until they all lie on the canvas and none overlap. plotnine's
# layout engine runs again at each draw, so a title rewrapped here pushes the panel down as it would have
# if plotnine had wrapped it.

FIT_MARGIN_PT = 1.0     # kept clear of the canvas edge: browsers' glyph metrics differ from matplotlib's by a little
OVERLAP_PT = 1.5        # two texts overlapping by more than this both ways is a collision (SVG lines: ~2 CSS px)
FIT_ROUNDS = 10
CATEGORY_SHARE = 0.4    # of the canvas width, at most, for a horizontal tick label (a category's name)


def _drawn_texts(fig):
    """The texts a drawn figure shows, each with its kind: ``"figure"`` (titles, captions, axis titles, strips),
    ``"legend"``, ``"tick"`` or ``"data"`` (labels placed at data coordinates)."""
    from matplotlib.offsetbox import OffsetBox
    from matplotlib.text import Text

    found, seen = [], set()

    def add(text, kind):
        if id(text) in seen or not text.get_visible() or not text.get_text().strip():
            return
        seen.add(id(text))
        found.append((text, kind))

    ticks = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in [*axis.majorTicks, *axis.minorTicks]:
                ticks |= {id(tick.label1), id(tick.label2)}
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
            add(label, "tick")
        for text in ax.texts:
            add(text, "data")
    for artist in [*fig.texts, *fig.artists, *fig.legends]:
        kind = "legend" if isinstance(artist, OffsetBox) or "legend" in type(artist).__name__.lower() else "figure"
        for text in artist.findobj(Text):
            if id(text) not in ticks:
                add(text, kind)
    return found


def text_problems(fig, renderer=None) -> list[tuple]:
    """Texts of a drawn figure outside its canvas (``("clipped", text, bbox)``, bbox in points from the bottom
    left) and pairs that overlap (``("overlap", text, text)``): the check the website's charts pass at every width.
    A block of several lines is measured as a whole, as the SVG's lines are each measured by a browser."""
    renderer = renderer or fig._get_renderer()  # plotnine draws on a bare canvas, which has no public renderer
    scale = 72 / fig.dpi
    width, height = fig.bbox.width, fig.bbox.height
    slack = 0.4 / scale
    boxes = []
    for text, _kind in _drawn_texts(fig):
        box = text.get_window_extent(renderer)
        if box.width > 0 and box.height > 0:
            boxes += [(text, line) for line in _line_boxes(renderer, text, box)]
    problems = []
    for text, box in boxes:
        if box.x0 < -slack or box.y0 < -slack or box.x1 > width + slack or box.y1 > height + slack:
            problems.append(("clipped", text.get_text(), [round(v * scale, 1) for v in box.extents]))
    least = OVERLAP_PT / scale
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1:]:
            if a is b:
                continue
            # a line's box includes its leading: the middle 70% of each is the ink (as the site's check)
            inset_a, inset_b = 0.15 * box_a.height, 0.15 * box_b.height
            across = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            up = min(box_a.y1 - inset_a, box_b.y1 - inset_b) - max(box_a.y0 + inset_a, box_b.y0 + inset_b)
            if across > least and up > least:
                problems.append(("overlap", a.get_text(), b.get_text()))
    return problems


def _line_boxes(renderer, text, box) -> list:
    """Each line of a horizontal text block, as a browser measures the SVG (a ``<text>`` a line); a rotated
    text as a whole."""
    lines = text.get_text().split("\n")
    if len(lines) == 1 or text.get_rotation() % 360 != 0:
        return [box]
    height = box.height / len(lines)
    align = text._multialignment or text.get_horizontalalignment()  # matplotlib has a setter and no getter
    found = []
    for n, line in enumerate(lines):
        width = _measure(renderer, text, line)
        x0 = box.x0 if align == "left" else box.x1 - width if align == "right" else (box.x0 + box.x1 - width) / 2
        top = box.y1 - n * height
        if line.strip():
            found.append(Bbox.from_extents(x0, top - height, x0 + width, top))
    return found


def _measure(renderer, text, line: str) -> float:
    width, _, _ = renderer.get_text_width_height_descent(line or " ", text.get_fontproperties(), ismath=False)
    return width


def _rewrap(renderer, text, room: float) -> bool:
    """Rewrap ``text`` to lines no wider than ``room`` display pixels if one is wider, breaking between words by
    measured width (textwrap counts characters, and a line of capitals is wider than one of small letters).
    Returns whether the text changed."""
    old = text.get_text()
    if all(_measure(renderer, text, line) <= room or " " not in line.strip() for line in old.split("\n")):
        return False
    # Its line breaks are an earlier wrap's (headline, narrow): the words are wrapped afresh, as one paragraph.
    lines, current = [], ""
    for word in re.sub(r"-\n", "-", old).split():  # textwrap breaks after a hyphen: "non-\nphysical"
        trial = f"{current} {word}".strip()
        if current and _measure(renderer, text, trial) > room:
            lines.append(current)
            current = word
        else:
            current = trial
    lines.append(current)
    text.set_text("\n".join(lines))
    return text.get_text() != old


def _frame(text, width: float, height: float):
    """Where ``text`` must lie: the canvas, or for a label clipped to its panel the panel."""
    canvas = Bbox.from_extents(0, 0, width, height)
    clip = text.get_clip_box() if text.get_clip_on() else None
    return Bbox.intersection(canvas, clip) or canvas if clip is not None else canvas


def _room(text, box, frame, margin: float) -> float:
    """How wide ``text`` may be where it is anchored, to stay inside ``frame``."""
    ha = text.get_horizontalalignment()
    if ha == "left":
        return frame.x1 - margin - box.x0
    if ha == "right":
        return box.x1 - frame.x0 - margin
    centre = (box.x0 + box.x1) / 2
    return 2 * min(centre - frame.x0, frame.x1 - centre) - 2 * margin


def _widen_for(text, box, ax, frame, margin: float) -> bool:
    """Widen ``ax``'s data limits so that ``text``, a label at data coordinates past the far edge of its frame
    (a value at a bar's end), comes inside; the label keeps its size, so the axis gives it room (as a scale's
    expansion would), up to 60% more."""
    changed = False
    panel = ax.get_window_extent()
    for horizontal in (True, False):
        low_edge, high_edge = (frame.x0, frame.x1) if horizontal else (frame.y0, frame.y1)
        hi = box.x1 if horizontal else box.y1
        p0, p1 = (panel.x0, panel.x1) if horizontal else (panel.y0, panel.y1)
        get, put = (ax.get_xlim, ax.set_xlim) if horizontal else (ax.get_ylim, ax.set_ylim)
        start, end = get()
        anchor = ax.transData.transform(text.get_unitless_position() if hasattr(text, "get_unitless_position")
                                        else text.get_position())[0 if horizontal else 1]
        share = (anchor - p0) / (p1 - p0)  # where the anchor is across the panel, 0 to 1
        if hi > high_edge - margin:  # past the far edge: the far limit moves out
            wanted = (high_edge - margin - (hi - anchor) - p0) / (p1 - p0)
            first = ax.__dict__.setdefault("_vawg_first_span", end - start)  # the span plotnine gave it
            span = (end - start) * share / wanted if wanted > 0 else float("inf")
            if span <= 1.6 * first:  # the data keeps most of the panel
                put(start, start + span)
                changed = True
    return changed


def fit_text(fig) -> list[tuple]:
    """Make a drawn plotnine figure's text fit its canvas; returns what is still wrong (:func:`text_problems`).

    In turn, until nothing changes: titles, subtitles, captions, axis titles, facet strips and legend entries
    wider than their room are rewrapped by measure; a data label past an edge (a value at a bar's end) widens
    its axis; a tick label past an edge or on another tick label is hidden, every other one from the end,
    so the ticks left are evenly spaced. The text keeps its size.
    """
    fig.draw_without_rendering()
    fig.draw_without_rendering()  # the first draw lays out the panels; labels at data points settle in the second
    renderer = fig._get_renderer()  # plotnine draws on a bare canvas, which has no public renderer
    margin = FIT_MARGIN_PT * fig.dpi / 72
    for _ in range(FIT_ROUNDS):
        texts = _drawn_texts(fig)
        # What moves the layout (titles, legends, category names) first, as the panels depend on it; then, in
        # the panels as laid out, data labels (one widening an axis a round, measured afresh) and ticks.
        changed = _fit_round(fig, renderer, [pair for pair in texts if pair[1] != "data"], margin, layout=True)
        if not changed:
            changed = _fit_round(fig, renderer, texts, margin, layout=False)
        if not changed:
            changed = _thin_colliding_ticks(fig, renderer)
        if not changed:
            changed = _lift_colliding_labels(fig, renderer, [text for text, kind in texts if kind == "data"])
        if not changed:
            break
        fig.draw_without_rendering()
    return text_problems(fig, renderer)


def _fit_round(fig, renderer, texts, margin: float, layout: bool) -> bool:
    """One pass of :func:`fit_text` over ``texts``: the texts plotnine lays out (``layout``), or the others."""
    width, height = fig.bbox.width, fig.bbox.height
    changed, thinned = False, set()
    for text, kind in texts:
        if (kind in ("figure", "legend")) != layout and not (kind == "tick" and layout):
            continue
        box = text.get_window_extent(renderer)
        if kind == "tick" and layout:
            if text.get_rotation() == 0 and box.width > CATEGORY_SHARE * width:
                # a category's name on a bar chart's axis: wrapped, so the bars keep most of the width
                changed |= _wrap_tick_labels(text, renderer, CATEGORY_SHARE * width)
            continue
        box = _grown(box)
        frame = _frame(text, width, height)
        outside = (box.x0 < frame.x0 + margin or box.x1 > frame.x1 - margin or box.y0 < frame.y0 + margin
                   or box.y1 > frame.y1 - margin)
        if not outside:
            continue
        if kind in ("figure", "legend"):
            if abs(text.get_rotation() % 180 - 90) < 1:  # a y-axis title: its room is the canvas height
                changed |= _rewrap(renderer, text, height - 2 * margin)
            elif kind == "legend":
                # plotnine centres a legend on the panel, not the canvas: an entry wraps by what the
                # legend is wider than the room either side of that centre allows.
                legend = next(a for a in [*fig.artists, *fig.legends] if text in a.findobj(type(text)))
                whole = legend.get_window_extent(renderer)
                centre = (whole.x0 + whole.x1) / 2
                over = whole.width - (2 * min(centre, width - centre) - 2 * margin)
                if over > 0 and _rewrap(renderer, text, box.width - over):
                    text.set_multialignment("left")  # an entry's lines start beside its key
                    changed = True
            else:
                changed |= _rewrap(renderer, text, _room(text, box, frame, margin))
        elif kind == "data" and text.axes is not None:
            # A label of words (an event's, a line's name) wraps where it is; a number at a bar's end
            # widens its axis; failing both, a label past the near edge goes to the other side of its point.
            room = _room(text, box, frame, margin)
            if text.get_horizontalalignment() in ("left", "right"):
                text.set_multialignment(text.get_horizontalalignment())  # wrapped lines keep to the anchor
            if " " in text.get_text().strip() and room > 0.25 * width and _rewrap(renderer, text, room):
                changed = True
            elif _widen_for(text, _grown(text.get_window_extent(renderer)), text.axes, frame, margin):
                changed = True  # measured afresh: an axis another label widened this pass has moved it
            else:
                changed |= " " in text.get_text().strip() and _flip(text, box, frame, margin)
        elif kind == "tick" and _axis_of(text) not in thinned:
            thinned.add(_axis_of(text))
            changed |= _thin_ticks(text, renderer)
    return changed


def _grown(box):
    """``box`` 2% wider each side: browsers draw the same font a little wider or narrower than matplotlib."""
    grow = 0.02 * box.width
    return Bbox.from_extents(box.x0 - grow, box.y0, box.x1 + grow, box.y1)


def _flip(text, box, frame, margin: float) -> bool:
    """Put a left- or right-aligned label on the other side of its anchor, if it fits there."""
    ha = text.get_horizontalalignment()
    if ha == "right" and box.x0 < frame.x0 + margin and box.x1 + box.width <= frame.x1 - margin:
        text.set_horizontalalignment("left")
        return True
    if ha == "left" and box.x1 > frame.x1 - margin and box.x0 - box.width >= frame.x0 + margin:
        text.set_horizontalalignment("right")
        return True
    return False


def _wrap_tick_labels(label, renderer, room: float) -> bool:
    """Rewrap the names on ``label``'s axis to ``room``. matplotlib sets a tick's text from the axis's formatter
    at every draw, so the wrapped names replace plotnine's (a FixedFormatter of the scale's labels)."""
    from matplotlib.ticker import FixedFormatter

    for ax in label.figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            formatter = axis.get_major_formatter()
            if not isinstance(formatter, FixedFormatter) or label not in axis.get_ticklabels():
                continue
            names = []
            for name in formatter.seq:
                scratch = copy.copy(label)
                scratch.set_text(name)
                _rewrap(renderer, scratch, room)
                names.append(scratch.get_text())
            if names == list(formatter.seq):
                return False
            axis.set_major_formatter(FixedFormatter(names))
            return True
    return False


def _lift_colliding_labels(fig, renderer, labels) -> bool:
    """Move the higher of two data labels that overlap up, clear of the other, if that keeps it in its panel
    (else the lower one down): matplotlib places each label where it is told and plotnine has no repel."""
    least = OVERLAP_PT * fig.dpi / 72
    boxes = [(text, text.get_window_extent(renderer)) for text in labels]
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1:]:
            if a.axes is not b.axes:
                continue
            across = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            up = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            if across <= least or up <= least:
                continue
            panel = a.axes.get_window_extent(renderer)
            (low, low_box), (high, high_box) = sorted(((a, box_a), (b, box_b)), key=lambda pair: pair[1].y0)
            for text, box, shift in ((high, high_box, low_box.y1 - high_box.y0 + least),
                                     (low, low_box, high_box.y0 - low_box.y1 - least)):
                if panel.y0 <= box.y0 + shift and box.y1 + shift <= panel.y1:
                    x, y = text.get_transform().transform(text.get_position())
                    text.set_position(text.get_transform().inverted().transform((x, y + shift)))
                    return True
    return False


def _thin_ticks(label, renderer) -> bool:
    """Hide every other label on ``label``'s axis, keeping the first: a label past the canvas edge
    (the axis's last) has no room at this width, and hiding it alone would leave the ticks unevenly labelled."""
    for ax in label.figure.axes:
        for axis, labels in ((ax.xaxis, ax.get_xticklabels()), (ax.yaxis, ax.get_yticklabels())):
            if any(other is label for other in labels):
                shown = [other for other in labels if other.get_visible() and other.get_text().strip()]
                # only an axis of numbers or dates: every category's name stays
                if len(shown) <= 2 or any(" " in other.get_text() or len(other.get_text()) > 8 for other in shown):
                    return False
                for other in shown[1::2]:
                    other.set_visible(False)
                return True
    return False


def _thin_colliding_ticks(fig, renderer) -> bool:
    """Thin the axes whose tick labels run into each other, or into a neighbouring facet's (:func:`_thin_ticks`)."""
    least = OVERLAP_PT * fig.dpi / 72
    shown = [label for ax in fig.axes for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]
             if label.get_visible() and label.get_text().strip()]
    boxes = [(label, label.get_window_extent(renderer)) for label in shown]
    for i, (label_a, a) in enumerate(boxes):
        for label_b, b in boxes[i + 1:]:
            if min(a.x1, b.x1) - max(a.x0, b.x0) > least and min(a.y1, b.y1) - max(a.y0, b.y0) > least:
                thinned = _thin_ticks(label_a, renderer)
                if _axis_of(label_b) is not _axis_of(label_a):
                    thinned |= _thin_ticks(label_b, renderer)
                return thinned
    return False


def _axis_of(label):
    return next((axis for ax in label.figure.axes for axis in (ax.xaxis, ax.yaxis)
                 if any(other is label for other in axis.get_ticklabels())), None)
