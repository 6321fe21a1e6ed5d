"""Chart building blocks in the Government Analysis Function style.

Charts carry a headline title (the finding), a statistical subtitle (what is
measured), the Analysis Function palette, and direct labels so that no
information depends on colour alone.
"""

from __future__ import annotations

import textwrap

import pandas as pd
from plotnine import (
    aes,
    element_blank,
    element_line,
    element_text,
    expand_limits,
    geom_col,
    geom_line,
    geom_point,
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
    coord_flip,
    guides,
)

# Government Analysis Function colours (DESIGN.md).
CATEGORICAL = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
TWO_SERIES = ("#12436D", "#F46A25")
TEXT_COLOUR = "#0B0C0C"
GRID_COLOUR = "#D9D9D9"


TITLE_WIDTH = 60  # characters per line of a chart title at the default 8-inch width


def headline(text: str) -> str:
    """Wrap a chart title so a long finding never runs off the chart."""
    return textwrap.fill(text, TITLE_WIDTH)


def af_theme() -> theme:
    return theme_minimal(base_size=11) + theme(
        plot_title=element_text(weight="bold", size=13, color=TEXT_COLOUR, ha="left"),
        plot_subtitle=element_text(size=10.5, color=TEXT_COLOUR, ha="left"),
        plot_caption=element_text(size=9, color=TEXT_COLOUR, ha="left"),
        axis_text=element_text(color=TEXT_COLOUR),
        axis_title=element_text(color=TEXT_COLOUR),
        panel_grid_major_x=element_blank(),
        panel_grid_minor=element_blank(),
        panel_grid_major_y=element_line(color=GRID_COLOUR),
        legend_position="top",
        legend_title=element_blank(),
        legend_text=element_text(color=TEXT_COLOUR),
    )


def line_chart(data: pd.DataFrame, *, x: str, y: str, series: str, label: str, title: str,
               subtitle: str, y_title: str, series_order: list[str]) -> ggplot:
    """Lines over years, each point labelled with its value and each line named at its end."""
    data = data.assign(**{series: pd.Categorical(data[series], categories=series_order)})
    ends = data[data[x] == data[x].max()]
    colours = dict(zip(series_order, TWO_SERIES if len(series_order) <= 2 else CATEGORICAL))
    years = sorted(data[x].unique())
    return (
        ggplot(data, aes(x=x, y=y, color=series, group=series))
        + geom_line(size=1.2)
        + geom_point(size=2.6)
        # Labels are text: TEXT_COLOUR (19.6:1), as the series colours only reach the 3:1 of marks.
        + geom_text(aes(label=label), nudge_y=0.04 * data[y].max(), size=8, color=TEXT_COLOUR,
                    show_legend=False)
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
    data["_label_at"] = data[value].fillna(0) + 0.01 * data[value].max()
    return (
        ggplot(data, aes(x=category, y=value, fill=series))
        + geom_col(position=dodge, width=0.75, na_rm=True)
        + geom_text(aes(y="_label_at", label=label), position=dodge, ha="left", size=8,
                    color=TEXT_COLOUR, show_legend=False)
        + coord_flip()
        + scale_fill_manual(values=colours, breaks=series_order)
        + scale_y_continuous(expand=(0, 0, 0.15, 0))
        + labs(title=headline(title), subtitle=subtitle, x="", y=value_title)
        + af_theme()
        + theme(panel_grid_major_y=element_blank(), panel_grid_major_x=element_line(color=GRID_COLOUR))
    )
