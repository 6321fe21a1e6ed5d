"""Ward maps in the Government Analysis Function style: real boundaries or an honest tile map.

Wards are drawn from the ONS ward boundaries of the reference folder (by
default the shipped ``data/open/``; May 2022, super generalised;
``geo/london_wards_2022_ons_bsc.geojson``, read through its contract, projected
to the British National Grid), with the Open Government Licence attribution
under the map. Only when no boundaries are available, or the extract's wards
are not ONS wards, each ward is drawn as an
equal square on a grid: a tile map, which says so in its subtitle, because a
tile's position and size say nothing about the place.

Colours: every fill is white or at least 3:1 against the white page (WCAG 2.2
1.4.11), so rate maps use the darker three colours of the Analysis Function
sequential palette (darker = higher) and wards whose rate is suppressed are
left white with a grey outline and labelled "[c]". Every ward is labelled with
its name (and value), so nothing depends on colour alone.

- :func:`load_ward_boundaries`  the boundaries, or None without the reference folder
- :func:`ward_shapes`           real shapes of the given wards, or None if any is missing
- :func:`tile_layout`, :func:`tile_shapes`  the tile map's grid and squares
- :func:`value_map`             a choropleth of a continuous value
- :func:`category_map`          a map of categories (e.g. Moran's I clusters)
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
from plotnine import (
    aes,
    coord_fixed,
    element_blank,
    element_line,
    element_text,
    geom_map,
    geom_text,
    ggplot,
    guide_colorbar,
    guide_legend,
    guides,
    labs,
    scale_color_identity,
    scale_fill_gradientn,
    scale_fill_manual,
    theme,
)

from vawg.writing import charts
from vawg.writing.supply import is_staged, read_staged

# Government Analysis Function sequential palette, dark to light (docs/design.md).
SEQUENTIAL = ("#092135", "#12436D", "#2073BC", "#6BACE6", "#ADD1F1")
# A map's fills must reach 3:1 against the page: the three darker sequential colours, low → high.
RATE_RAMP = (SEQUENTIAL[2], SEQUENTIAL[1], SEQUENTIAL[0])
HIDDEN_FILL = "#FFFFFF"      # a ward whose value is suppressed or not significant: no colour at all
OUTLINE_COLOUR = "#505A5F"   # outline of white wards (7:1 on white)
BORDER_COLOUR = "#FFFFFF"    # borders between coloured wards
LIGHT_TEXT = "#FFFFFF"
DARK_TEXT = charts.TEXT_COLOUR
BRITISH_NATIONAL_GRID = "EPSG:27700"
BOUNDARIES_FILE = Path("geo") / "london_wards_2022_ons_bsc.geojson"
TILE_NOTE = "Tile map: each square is one ward, all the same size; positions are not geographic"
# Contrast a label needs against the ward it sits on (WCAG 2.2 1.4.3).
TEXT_CONTRAST = 4.5


# -- boundaries ------------------------------------------------------------------------------------

def load_ward_boundaries(reference_dir: Path | str | None, staged_dir: Path | str | None = None):
    """The London ward boundaries as a GeoDataFrame in British National Grid metres, or None.

    Read from the staged ``reference_ward_boundaries.parquet`` when the build
    staged it, else from the reference folder through its contract (validated
    the same way); None when neither is there.
    """
    from vawg.intake.contracts.reference_data import WARD_BOUNDARIES

    if is_staged(staged_dir, WARD_BOUNDARIES.name):
        table = read_staged(staged_dir, WARD_BOUNDARIES.name)
    elif reference_dir and (Path(reference_dir) / BOUNDARIES_FILE).is_file():
        from vawg.intake.staging import read_table

        table = read_table(WARD_BOUNDARIES, Path(reference_dir))
    else:
        return None
    return _geodataframe(table)


def _geodataframe(table: pd.DataFrame):
    import geopandas as gpd
    from shapely.geometry import shape

    geometries = [shape(json.loads(text)) for text in table["geometry"]]
    frame = gpd.GeoDataFrame(table.drop(columns=["geometry", "geometry_type"], errors="ignore"),
                             geometry=geometries, crs="OGC:CRS84")
    return frame.to_crs(BRITISH_NATIONAL_GRID)


def ward_shapes(boundaries, ward_codes: Sequence[str]):
    """Real shapes of ``ward_codes`` (in that order), or None when boundaries are missing or lack a ward."""
    if boundaries is None:
        return None
    indexed = boundaries.set_index("ward_code")
    if not set(ward_codes) <= set(indexed.index):
        return None
    return indexed.loc[list(ward_codes), ["geometry"]].reset_index()


# -- tile maps -------------------------------------------------------------------------------------

def tile_layout(ward_codes: Sequence[str]) -> pd.DataFrame:
    """Equal square tiles on a near-square grid, in the order given (left to right, top to bottom).

    Returns a frame indexed by ward code with integer ``column`` and ``row``
    (row 0 at the top).
    """
    codes = list(ward_codes)
    columns = max(1, math.ceil(math.sqrt(len(codes))))
    return pd.DataFrame({"column": [i % columns for i in range(len(codes))],
                         "row": [i // columns for i in range(len(codes))]},
                        index=pd.Index(codes, name="ward_code"))


def tile_shapes(layout: pd.DataFrame, gap: float = 0.06):
    """Square polygons for a tile layout (unit squares with a gap; row 0 drawn at the top)."""
    import geopandas as gpd
    from shapely.geometry import box

    squares = [box(c + gap / 2, -r + gap / 2, c + 1 - gap / 2, -r + 1 - gap / 2)
               for c, r in zip(layout["column"], layout["row"])]
    return gpd.GeoDataFrame({"ward_code": list(layout.index)}, geometry=squares)


# -- drawing ---------------------------------------------------------------------------------------

def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(fill: str) -> str:
    """White text on dark fills, near-black on light ones: whichever contrasts more."""
    return LIGHT_TEXT if contrast_ratio(LIGHT_TEXT, fill) >= contrast_ratio(DARK_TEXT, fill) else DARK_TEXT


def wrap_name(name: str, width: int = 11) -> str:
    """A ward name broken over lines so it fits inside the ward."""
    return "\n".join(textwrap.wrap(name, width=width, break_long_words=False)) or name


# Ward labels are the charts' 9 pt: 12 px on the site, where only the 8-inch map shows them (its narrower
# renders leave them out, vawg.writing.charts.narrow), and 7.4 pt printed across the PDF's 16.6 cm column. A label
# is kept only where it fits inside its ward; the map is drawn about MAP_PANEL_IN inches at most (an 8 by
# 7 inch figure less its titles, caption and legend), and a character of 9 pt Liberation Sans is about half
# an em wide.
LABEL_POINTS = charts.LABEL_SIZE
LABEL_LINE_HEIGHT = 1.1
MAP_PANEL_IN = (6.1, 5.1)
CHAR_EM = 0.55
FIT_SHARE = 0.9  # of the label's box that must lie inside its ward
LABELS_LEFT_OUT = charts.MAP_LABELS_NOTE


def label_size(wards: int) -> float:
    """Label size in points, whatever the number of wards: a label that does not fit is shortened instead."""
    return LABEL_POINTS


def fitting_labels(shapes, labels: pd.DataFrame, label: str, size: float = LABEL_POINTS, *,
                   codes_only: bool = False) -> tuple[pd.DataFrame, bool]:
    """``labels`` with each ward's ``label`` kept where its box fits inside the ward, else its last line
    (the value; with ``codes_only``, only a code such as "HH" or "[c]": a name's last word alone would
    mislead), else nothing; and whether any was shortened.

    The box is the label's lines at ``size`` points, scaled as the map will be drawn (its bounds fitted
    to :data:`MAP_PANEL_IN`).
    """
    minx, miny, maxx, maxy = shapes.total_bounds
    width, height = max(maxx - minx, 1e-9), max(maxy - miny, 1e-9)
    units_per_pt = max(width / (MAP_PANEL_IN[0] * 72), height / (MAP_PANEL_IN[1] * 72))
    geometry = dict(zip(shapes["ward_code"], shapes.geometry))
    from shapely.geometry import box

    def fits(text: str, code: str, x: float, y: float) -> bool:
        lines = text.split("\n")
        half_w = max(len(line) for line in lines) * CHAR_EM * size * units_per_pt / 2
        half_h = len(lines) * LABEL_LINE_HEIGHT * size * units_per_pt / 2
        area = box(x - half_w, y - half_h, x + half_w, y + half_h)
        return area.intersection(geometry[code]).area >= FIT_SHARE * area.area

    shown, shortened = [], False
    for row in labels.itertuples(index=False):
        text = getattr(row, label)
        text = "" if not isinstance(text, str) else text
        keep = ""
        last = text.split("\n")[-1] if "\n" in text else ""
        if codes_only and not (last.isupper() or last.startswith("[")):
            last = ""
        for candidate in dict.fromkeys([text, last]):
            if candidate and fits(candidate, row.ward_code, row.label_x, row.label_y):
                keep = candidate
                break
        shortened |= keep != text
        shown.append(keep)
    return labels.assign(**{label: shown}), shortened


def _label_points(shapes, tile: bool) -> pd.DataFrame:
    """Where each ward's label goes: the tile's centre, or the point deepest inside the ward's largest part."""
    from shapely.ops import polylabel

    points = []
    for geometry in shapes.geometry:
        if tile:
            points.append(geometry.centroid)
            continue
        largest = max(getattr(geometry, "geoms", [geometry]), key=lambda part: part.area)
        points.append(polylabel(largest, tolerance=10.0))
    return pd.DataFrame({"ward_code": shapes["ward_code"].to_numpy(), "label_x": [p.x for p in points],
                         "label_y": [p.y for p in points]})


def _labels(labels: pd.DataFrame, label: str, size: float) -> list:
    """Ward labels with a halo in the opposite colour, so a label that spills past its ward stays legible."""
    layers = []
    for text, halo in ((LIGHT_TEXT, DARK_TEXT), (DARK_TEXT, LIGHT_TEXT)):
        subset = labels[labels["_text"] == text]
        if subset.empty:
            continue
        layers.append(geom_text(subset, aes(x="label_x", y="label_y", label=label), color=text, size=size,
                                lineheight=LABEL_LINE_HEIGHT,
                                path_effects=[charts.Halo(halo, 1.2)]))
    return layers


def _map_theme(legend_position: str = "right") -> theme:
    return charts.af_theme() + theme(
        axis_text=element_blank(), axis_title=element_blank(), axis_ticks=element_blank(),
        panel_grid_major=element_blank(), panel_grid_minor=element_blank(),
        legend_position=legend_position,
        legend_title=element_text(size=9, color=DARK_TEXT),
        # Tick marks across the colour bar: white (plotnine's grey would fall short of 3:1 on the page).
        legend_ticks=element_line(color=LIGHT_TEXT),
    )


def value_map(shapes, data: pd.DataFrame, *, value: str, label: str, title: str, subtitle: str,
              legend_title: str, tile: bool = False, caption: str = ""):
    """A choropleth: wards shaded by ``value`` (darker = higher), each labelled with ``label``.

    A missing value (suppressed) is drawn white with a grey outline: no fill
    reveals it. ``data`` has one row per ward with ``ward_code``.
    """
    frame = shapes.merge(data, on="ward_code", how="left")
    frame["_border"] = frame[value].isna().map({True: OUTLINE_COLOUR, False: BORDER_COLOUR})
    labels = _label_points(shapes, tile).merge(data, on="ward_code", how="left")
    labels["_text"] = frame[value].isna().map({True: DARK_TEXT, False: LIGHT_TEXT}).to_numpy()
    size = label_size(len(frame))
    labels, shortened = fitting_labels(shapes, labels, label, size)
    caption = _with_note(caption, LABELS_LEFT_OUT if shortened else "")
    shown = frame[value].dropna()
    limits = (float(shown.min()), float(shown.max())) if not shown.empty else (0.0, 1.0)
    if limits[0] == limits[1]:
        limits = (limits[0], limits[0] + 1.0)
    plot = (
        ggplot(frame)
        + geom_map(aes(fill=value, color="_border"), size=0.35)
        + _labels(labels, label, size)
        + scale_fill_gradientn(colors=list(RATE_RAMP), limits=limits, na_value=HIDDEN_FILL, name=legend_title)
        + scale_color_identity()
        + guides(fill=guide_colorbar(display="rectangles", nbin=48))
        + coord_fixed()
        + labs(title=charts.headline(title), subtitle=_wrap_subtitle(subtitle), caption=caption, x="", y="")
        + _map_theme()
    )
    return plot


def category_map(shapes, data: pd.DataFrame, *, category: str, label: str, colours: Mapping[str, str],
                 title: str, subtitle: str, legend_title: str, tile: bool = False, caption: str = ""):
    """Wards filled by category (``colours`` in legend order); labels contrast with their fill."""
    frame = shapes.merge(data, on="ward_code", how="left")
    order = list(colours)
    frame[category] = pd.Categorical(frame[category], categories=order)
    fills = frame[category].astype(str).map(dict(colours)).fillna(HIDDEN_FILL)
    frame["_border"] = [OUTLINE_COLOUR if fill == HIDDEN_FILL else BORDER_COLOUR for fill in fills]
    labels = _label_points(shapes, tile).merge(data, on="ward_code", how="left")
    labels["_text"] = [text_colour_on(fill) for fill in fills]
    labels, shortened = fitting_labels(shapes, labels, label, label_size(len(frame)), codes_only=True)
    caption = _with_note(caption, LABELS_LEFT_OUT if shortened else "")
    present = [name for name in order if name in set(frame[category].dropna().astype(str))]
    plot = (
        ggplot(frame)
        + geom_map(aes(fill=category, color="_border"), size=0.35)
        + _labels(labels, label, label_size(len(frame)))
        + scale_fill_manual(values=dict(colours), breaks=present, name=legend_title, drop=False,
                            na_value=HIDDEN_FILL)
        + scale_color_identity()
        + guides(fill=guide_legend(override_aes={"color": OUTLINE_COLOUR}))
        + coord_fixed()
        + labs(title=charts.headline(title), subtitle=_wrap_subtitle(subtitle), caption=caption, x="", y="")
        + _map_theme()
    )
    return plot


def _with_note(caption: str, note: str) -> str:
    """A map's caption with ``note`` as its first line (wrapped as the caption is)."""
    return "\n".join(part for part in (wrap_caption(note) if note else "", caption) if part)


def _wrap_subtitle(text: str, width: int = 90) -> str:
    return textwrap.fill(text, width)


def wrap_caption(text: str, width: int = 110) -> str:
    """A note under a map (e.g. the open data attribution) broken into lines that fit the figure."""
    return textwrap.fill(text, width)
