"""Artifacts: the only way analysis results leave a notebook.

Every figure, table and prose value the report shows is written here, with
small numbers suppressed on the way out (so no later chapter can forget to),
and registered in ``manifest.json`` (figures and tables) and ``values.json``
(numbers the prose quotes). The assembler turns values into Quarto's
``_variables.yml`` and includes the generated partials.

Layout of ``artifacts_dir``::

    figures/<id>.svg, <id>.png      the chart
    data/<id>.csv                   the figure's or table's data, suppressed
    partials/<id>.qmd               markdown a chapter includes
    manifest.json, values.json
    methods.json                    the sources, metrics and tests the notebook used (:mod:`vawg.foundations.methods_used`)
"""

from __future__ import annotations

import ast
import json
import linecache
import math
import re
import shutil
import sys
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Literal

import pandas as pd

from vawg.foundations import methods_used
from vawg.foundations import suppression as sup
from vawg.foundations.wording import markdown_escape

ValueKind = Literal["count", "rate", "percent", "change", "number", "rank", "pvalue", "text"]
DISCLOSURE_LEDGER = "disclosure.json"
ARTIFACT_ID = re.compile(r"^(fig|tbl)-[a-z0-9]+(-[a-z0-9]+)*$")
VALUE_KEY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


@dataclass(frozen=True)
class Column:
    """How one column of a published table or figure data file is shown.

    ``basis`` names the field (or fields) holding the counts a derived value is
    built on; when any of them is small, or is a count column of the same table
    hidden secondarily, the derived value is shown as ``[c]``. ``hidden`` names a
    boolean field marking cells hidden secondarily (:func:`vawg.foundations.suppression.protect`):
    a count there shows ``[c]``.
    """

    header: str
    field: str
    kind: ValueKind = "number"
    decimals: int = 0
    basis: str | tuple[str, ...] | None = None
    signed: bool = False
    hidden: str | None = None


@dataclass
class Figure:
    """A chart with everything a reader needs to use it without seeing it."""

    id: str
    plot: Any  # a plotnine ggplot
    caption: str
    alt: str
    source: str
    data: pd.DataFrame
    columns: Sequence[Column]
    width: float = 8.0
    height: float = 4.8
    description: str = ""
    rows_do_not_add_up: str = ""  # as Table.rows_do_not_add_up
    # The chart drawn again for a narrower render, given its width in inches (vawg.writing.charts.MEDIUM_WIDTH_IN,
    # NARROW_WIDTH_IN): for a chart whose labels need another layout there (a control chart's events, a
    # Sankey's nodes). Without it the narrower renders are ``plot`` rewrapped (vawg.writing.charts.narrow).
    redraw: Callable[[float], Any] | None = None
    inset_px: tuple[float, float] = (0, 0)  # how much narrower its box is than the text column (charts.CARD_INSET_PX)


@dataclass
class MissingFigure:
    """A chart this edition cannot draw: the report says why in a sentence instead of printing it.

    Never a placeholder image: a reader (or a screen reader) should not meet a "figure" that holds
    no data. The partial a chapter includes holds only the sentence.
    """

    id: str
    reason: str


@dataclass
class Table:
    """A table of the report, shown the same way in HTML, PDF and Word."""

    id: str
    caption: str
    data: pd.DataFrame
    columns: Sequence[Column]
    source: str
    notes: Sequence[str] = field(default_factory=tuple)
    emphasis: str | None = None  # boolean field: rows shown in bold
    # Rows that do not add up to the total row (they share members, as abuse types do, or some are left out):
    # the sentence saying so, printed as the first note and recorded in the manifest for the disclosure audit,
    # which then takes each row as at most the total instead of the rows as its sum.
    rows_do_not_add_up: str = ""


def format_value(value: Any, kind: ValueKind, *, decimals: int = 0, threshold: int,
                 basis: Any = None, signed: bool = False) -> str:
    """Format one number for publication, suppressing it if it is or rests on a small or hidden count.

    ``basis`` is the count (or counts) the value is built on, or :data:`vawg.foundations.suppression.HIDDEN`; a text
    given a basis (a p-value written out, a verdict) is hidden like a number.
    """
    if kind == "count":
        if value is not None and sup.is_small(value, threshold):
            return sup.suppressed_count_text(threshold)
        if basis is not None and sup.hidden_basis(basis, threshold):
            return sup.CONFIDENTIAL
    if kind == "text":
        return sup.CONFIDENTIAL if basis is not None and sup.hidden_basis(basis, threshold) else str(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kind == "count":
        return sup.format_count(value)
    if basis is not None and sup.hidden_basis(basis, threshold):
        return sup.CONFIDENTIAL
    if kind in ("percent", "change"):
        return sup.format_percent(value, decimals, signed=signed or kind == "change")
    if kind == "rank":
        return ordinal(int(value))
    if kind == "pvalue":
        floor = 10 ** -max(decimals, 3)
        return f"<{floor:.{max(decimals, 3)}f}" if value < floor else f"{value:.{max(decimals, 3)}f}"
    return sup.format_number(value, decimals, signed=signed and value > 0)


def ordinal(number: int) -> str:
    suffix = "th" if 11 <= number % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _bases(data: pd.DataFrame, column: Column, hidden_counts: Mapping[str, pd.Series]) -> list:
    """Per row, what the column's cells rest on: the basis fields' counts, HIDDEN where one is hidden."""
    fields = [column.basis] if isinstance(column.basis, str) else list(column.basis or ())
    if column.hidden:
        fields.append(column.hidden)
    if not fields:
        return [None] * len(data)
    rows = []
    for position in range(len(data)):
        basis = []
        for name in fields:
            if name == column.hidden or data[name].dtype == bool:
                basis.append(sup.HIDDEN if bool(data[name].iloc[position]) else 0)
            else:
                hidden = name in hidden_counts and bool(hidden_counts[name].iloc[position])
                basis.append(sup.HIDDEN if hidden else data[name].iloc[position])
        rows.append(basis)
    return rows


def format_frame(data: pd.DataFrame, columns: Sequence[Column], threshold: int,
                 tally: dict[str, int] | None = None) -> pd.DataFrame:
    """The published (string) form of ``data``: one column per :class:`Column`.

    A cell derived from a count column hidden in the same row (small, or by its ``hidden`` field) is hidden
    too. ``tally`` counts the cells hidden: ``primary`` (small counts), ``secondary`` (counts hidden so that
    none can be worked out) and ``derived`` (values resting on a hidden count).
    """
    shown, hidden_counts = {}, {}
    for column in sorted(columns, key=lambda c: c.kind != "count"):  # counts first: derived cells look them up
        cells = [format_value(value, column.kind, decimals=column.decimals, threshold=threshold,
                              basis=basis, signed=column.signed)
                 for value, basis in zip(data[column.field], _bases(data, column, hidden_counts))]
        shown[column.header] = cells
        if column.kind == "count":
            hidden_counts[column.field] = pd.Series([cell in hidden_texts(threshold) for cell in cells])
        if tally is not None:
            for cell in cells:
                if cell == sup.suppressed_count_text(threshold):
                    tally["primary"] = tally.get("primary", 0) + 1
                elif cell == sup.CONFIDENTIAL:
                    key = "secondary" if column.kind == "count" else "derived"
                    tally[key] = tally.get(key, 0) + 1
    return pd.DataFrame({column.header: shown[column.header] for column in columns}, index=data.index)


def emphasised_rows(table: Table, shown: pd.DataFrame, threshold: int) -> list[bool] | None:
    """Which rows are bold. Bold that marks a significant test says what a hidden p-value would: a row whose
    p-value is hidden is never bold."""
    if not table.emphasis:
        return None
    bold = [bool(flag) for flag in table.data[table.emphasis]]
    tests = [column.header for column in table.columns if column.kind == "pvalue"]
    hidden = shown[tests].isin(hidden_texts(threshold)).any(axis=1).tolist() if tests else [False] * len(bold)
    return [flag and not withheld for flag, withheld in zip(bold, hidden)]


def hidden_texts(threshold: int) -> tuple[str, str]:
    return (sup.CONFIDENTIAL, sup.suppressed_count_text(threshold))


# A cell a spreadsheet would read as a formula (OWASP, "CSV Injection"): =, +, -, @, tab or carriage return first.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe_cell(value: Any) -> Any:
    """A text cell with a leading apostrophe if it would start a formula; other values as they are.

    A carriage return inside a cell becomes a line feed: pandas does not quote it, and a
    spreadsheet would break the row there.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START):
        value = "'" + value
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


# -- CSV downloads -------------------------------------------------------------------------------------
# The download holds what the page prints, laid out for a spreadsheet: numbers without thousands separators
# or "%" so Excel reads them as numbers, and everything that is not a number (a suppression mark, "not
# available", "below 0.001", the area a comparator covers) in a "<header> (flag)" column beside them.

FLAG_SUFFIX = " (flag)"
WITHHELD = "withheld"  # "[c]" in words: a value hidden so that no small count can be worked out
_NUMBER = r"[+\-−]?\d[\d,]*(?:\.\d+)?%?"
NUMBER_CELL = re.compile(rf"^(?P<number>{_NUMBER})(?: \((?P<note>[^()]+)\))?$")
# The space before the dash may be a no-break space (SIGNED_RANGE keeps the dash with its first limit).
RANGE_CELL = re.compile(rf"^(?P<lower>{_NUMBER})[ \u00a0]?– ?(?P<upper>{_NUMBER})$")
ORDINAL_CELL = re.compile(r"^(?P<number>\d+)(?:st|nd|rd|th)$")
BELOW_CELL = re.compile(r"^<(?P<floor>0\.\d+)$")
NO_NUMBER = {"", "–", "not available", "n/a"}


def fewer_than(threshold: int) -> str:
    return f"fewer than {threshold}"


def hidden_flag(text: str, threshold: int) -> str | None:
    """The flag a download gives a hidden cell ("fewer than 7", "withheld [c]"), or None if it is not hidden."""
    if text == sup.suppressed_count_text(threshold):
        return fewer_than(threshold)
    if text == sup.CONFIDENTIAL:
        return f"{WITHHELD} {sup.CONFIDENTIAL}"
    return None


def in_words(text: str, threshold: int) -> str:
    """``text`` with its suppression marks written as words, as a screen reader should read them."""
    text = re.sub(rf"(?<![\w<])<{threshold}\b", fewer_than(threshold), text)
    return text.replace(sup.CONFIDENTIAL, WITHHELD)


ALT_LIMIT = 250  # characters: a screen reader user hears the chart type and the main finding, no more
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _cut_points(sentence: str, lists: bool = False) -> list[int]:
    """Where a sentence may end early: "; ", ": " or ", " before a lower-case word, never inside brackets nor
    inside a list (names, a ", and" or what follows a colon), which would then name only some of its items."""
    points, depth, listing = [], 0, False
    for position, char in enumerate(sentence[:-2]):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth or sentence[position + 1] != " " or char not in ",;:":
            continue
        after = sentence[position + 2:]
        if char != "," or lists or (not listing and after[:1].islower() and not after.startswith(("and ", "or "))):
            points.append(position)
        listing = listing or char == ":"
    return points


def _clip(sentence: str, room: int, lists: bool = False) -> str | None:
    """``sentence`` ended at its last cut point that leaves it within ``room``; None if there is none."""
    if len(sentence) <= room:
        return sentence
    cuts = [point for point in _cut_points(sentence, lists) if point + 1 <= room]
    return sentence[:cuts[-1]] + "." if cuts else None


def _truncate(text: str, room: int) -> str:
    return text if len(text) <= room else text[:room - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def short_alt(alt: str, threshold: int, limit: int = ALT_LIMIT) -> str:
    """Alt text of at most ``limit`` characters: the first sentence (the chart type and what it shows) and the
    second (the main finding), each ended early at a clause where both do not fit; suppression marks in
    words. The whole description is printed under the chart (:meth:`ArtifactWriter.figure`)."""
    alt = " ".join(in_words(alt, threshold).split())
    if len(alt) <= limit:
        return alt
    kind, *rest = SENTENCE_END.split(alt)
    if not rest:  # one sentence: keep its first findings (a list's first items are its largest)
        return _clip(kind, limit, lists=True) or _truncate(kind, limit)
    finding = rest[0]
    if len(finding) > limit - 51:  # keep room for the chart type; a finding cut to a stub says nothing
        clipped = _clip(finding, limit - 51)
        finding = clipped if clipped and len(clipped) >= 60 else _truncate(finding, limit - 51)
    room = limit - len(finding) - 1
    kind = _clip(kind, room) or _truncate(kind, room)
    return f"{kind} {finding}"


def _plain_number(text: str) -> str:
    """ "−1,234.5%" -> "-1234.5": the digits as published (same decimals), no separator, sign or percent."""
    text = text.replace("−", "-").replace(",", "").rstrip("%")
    return text[1:] if text.startswith("+") else text


def _numeric_cells(cells: Sequence[str], threshold: int) -> tuple[list[str], list[str], bool] | None:
    """A column's cells as (numbers, flags, all percentages), or None when a cell is text, not a number."""
    numbers, flags, percent, seen = [], [], True, False
    for text in cells:
        flag = hidden_flag(text, threshold)
        if flag is not None or text.lower() in NO_NUMBER:
            numbers.append("")
            flags.append(flag or ("" if text in ("", "–") else text))
            continue
        number = NUMBER_CELL.match(text) or ORDINAL_CELL.match(text)
        below = BELOW_CELL.match(text)
        if number:
            numbers.append(_plain_number(number.group("number")))
            flags.append(number.groupdict().get("note") or "")
            percent = percent and number.group("number").endswith("%")
        elif below:
            numbers.append("")
            flags.append(f"below {below.group('floor')}")
            percent = False
        else:
            return None
        seen = True
    return (numbers, flags, percent) if seen else None


def csv_download(shown: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """The CSV download of a published (text) frame: numbers as numbers, flags in their own columns.

    A column of numbers loses its separators and "%" (the header says "(%)" instead); a range
    ("1.24–1.68") becomes a lower and an upper column; a suppressed cell is left empty with
    "fewer than 7" or "withheld [c]" in the flag column, so no mark sits among the numbers. Label
    columns before the first number column are filled down, so every row names its group. Text
    cells are neutralised for spreadsheets (:func:`spreadsheet_safe_cell`).
    """
    columns: dict[str, list[str]] = {}
    labels = True
    for position in range(shown.shape[1]):
        header = str(shown.columns[position])
        raw = ["" if pd.isna(cell) else str(cell) for cell in shown.iloc[:, position]]
        cells = [text.strip() for text in raw]
        numeric = _numeric_cells(cells, threshold)
        ranges = [RANGE_CELL.match(text) for text in cells]
        if numeric is not None:
            numbers, flags, percent = numeric
            columns[f"{header} (%)" if percent and "%" not in header else header] = numbers
        elif any(ranges) and all(r or hidden_flag(t, threshold) or t in NO_NUMBER for r, t in zip(ranges, cells)):
            columns[f"{header} lower"] = [_plain_number(r.group("lower")) if r else "" for r in ranges]
            columns[f"{header} upper"] = [_plain_number(r.group("upper")) if r else "" for r in ranges]
            flags = [hidden_flag(t, threshold) or ("" if r or t in ("", "–") else t) for r, t in zip(ranges, cells)]
        else:
            flags = [hidden_flag(text, threshold) or "" for text in cells]
            texts = ["" if flag else text for text, flag in zip(raw, flags)]
            if labels:  # a group label printed once for several rows is repeated on each
                for i in range(1, len(texts)):
                    texts[i] = texts[i] or ("" if flags[i] else texts[i - 1])
            columns[header] = [spreadsheet_safe_cell(text) for text in texts]
        labels = labels and numeric is None and not any(ranges)
        if any(flags):
            columns[header + FLAG_SUFFIX] = flags
    frame = pd.DataFrame(columns, index=range(len(shown)), dtype=object)
    frame.columns = [spreadsheet_safe_cell(name) for name in frame.columns]
    return frame


def write_csv_download(shown: pd.DataFrame, threshold: int, path: Path) -> None:
    # UTF-8 with a byte-order mark: without it Excel reads "’" and "–" as three characters each.
    csv_download(shown, threshold).to_csv(path, index=False, encoding="utf-8-sig")


def read_download(path: Path) -> pd.DataFrame:
    """A CSV download read back as the page prints it: each flagged cell holds its mark ("<7", "[c]", "<0.001",
    "not available") and the flag columns are dropped. How editions compare what they published
    (:mod:`vawg.publishing.what_changed`), and how tests read what a page shows."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for flag in [name for name in table.columns if name.endswith(FLAG_SUFFIX)]:
        base = flag[: -len(FLAG_SUFFIX)]
        targets = [name for name in table.columns if name == base] or [
            name for name in table.columns if name.startswith(base + " ") and name != flag]
        for name in targets:
            for row, text in table[flag].items():
                mark, hidden = _printed_mark(text)
                if mark and (hidden or table.at[row, name] == ""):  # a note beside a number leaves the number
                    table.at[row, name] = mark
        table = table.drop(columns=flag)
    return table


def _printed_mark(flag: str) -> tuple[str, bool]:
    """What a page prints for a download's flag, and whether it hides a value: "fewer than 7" -> "<7"."""
    if match := re.fullmatch(r"fewer than (\d+)", flag):
        return f"<{match.group(1)}", True
    if flag == f"{WITHHELD} {sup.CONFIDENTIAL}":
        return sup.CONFIDENTIAL, True
    if match := re.fullmatch(r"below (0\.\d+)", flag):
        return f"<{match.group(1)}", False
    return flag, False


def key_headers(columns: Sequence[Column]) -> list[str]:
    """The leading text columns that name a row (period, area, category): how editions match rows."""
    keys = []
    for column in columns:
        if column.kind != "text":
            break
        keys.append(column.header)
    return keys


def count_headers(columns: Sequence[Column]) -> list[str]:
    """Headers of the columns that publish counts of people or events (checked for small numbers)."""
    return [column.header for column in columns if column.kind == "count"]


def pipe_table(frame: pd.DataFrame, *, caption: str | None = None, label: str | None = None,
               bold: Sequence[bool] | None = None, numeric: Sequence[bool] | None = None) -> str:
    """A pandoc pipe table (read by Quarto and pandoc alike) with an optional caption and id."""
    headers = [markdown_escape(str(h)) for h in frame.columns]
    numeric = numeric or [False] + [True] * (len(headers) - 1)
    # Pandoc sizes the columns of a long pipe table by the dashes under each header: give each
    # column dashes in proportion to its longest cell (capped, so one long text cannot take the page).
    widths = [min(40, max(4, len(str(header)) // 2, *(len(word) for word in str(header).split()),
                          *(len(str(cell)) for cell in frame.iloc[:, i])))
              for i, header in enumerate(frame.columns)]
    align = ["-" * (width - 1) + ":" if is_number else ":" + "-" * (width - 1)
             for width, is_number in zip(widths, numeric)]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(align) + "|"]
    for position, row in enumerate(frame.itertuples(index=False)):
        cells = [markdown_escape(str(cell)) for cell in row]
        if bold is not None and bold[position]:
            cells = [f"**{cell}**" for cell in cells]
        lines.append("| " + " | ".join(cells) + " |")
    if caption:
        attribute = f" {{#{label}}}" if label else ""
        lines += ["", f": {caption}{attribute}"]
    return "\n".join(lines)


# A figure's files. The chapters name a chart without its extension (``figures/<id>``); each format's
# ``default-image-extension`` in _quarto.yml picks its file: the website ``svg``, the PDF ``print.svg``,
# Word ``png``. The website shows ``medium.svg`` instead of ``svg`` where its text column is narrower than the
# chart, and ``narrow.svg`` on a phone (vawg.publishing.render.html, vawg.writing.charts).
FIGURE_FILES = {"svg": "{id}.svg", "medium_svg": "{id}.medium.svg", "narrow_svg": "{id}.narrow.svg",
                "print_svg": "{id}.print.svg", "png": "{id}.png"}


def figure_files(artifacts_dir: Path, figure_id: str) -> dict[str, Path]:
    """The files :meth:`ArtifactWriter.figure` writes for one chart, by kind."""
    return {kind: Path(artifacts_dir) / "figures" / name.format(id=figure_id) for kind, name in FIGURE_FILES.items()}


SVG = "{http://www.w3.org/2000/svg}"


def save_svg_with_text(plot: Any, path: Path, *, salt: str, width: float, height: float) -> list[tuple]:
    """Save a plotnine chart as SVG with every text as ``<text>``, halos (:class:`vawg.writing.charts.Halo`) included.

    matplotlib draws text with a path effect as glyph outlines (its SVG writer has no stroked text), and
    each halo'd ward label cost about 25 KB. Here the labels are drawn without it, marked with an id, and
    given the halo as SVG's own stroke painted under the fill (``paint-order: stroke``). Markers of one
    size are written once and placed by reference (a scatter of London's wards: 300 KB to a fifth).
    """
    import matplotlib
    from lxml import etree
    from matplotlib import pyplot
    from matplotlib.collections import PathCollection
    from matplotlib.text import Text

    from vawg.writing.charts import CHART_FONTS, Halo, fit_text

    view = plot.save_helper(filename=path, width=width, height=height, units="in", verbose=False,
                            metadata={"Date": None})
    halos = {}
    for text in view.figure.findobj(Text):
        effects = text.get_path_effects()
        halo = next((effect for effect in effects if isinstance(effect, Halo)), None)
        if halo is not None:
            gid = f"{salt}-halo-{len(halos)}"
            text.set_path_effects([effect for effect in effects if effect is not halo])
            text.set_gid(gid)
            halos[gid] = halo
    for points in view.figure.findobj(PathCollection):
        # plotnine gives a scatter one size per point even when they are all equal, which makes matplotlib
        # write every marker out in full; with one size it defines the marker once and places copies.
        sizes = points.get_sizes()
        if len(sizes) > 1 and (sizes == sizes[0]).all():
            points.set_sizes(sizes[:1])
    # The fonts plotnine draws with (its theme's rcParams apply only inside its own save).
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none", "font.family": "sans-serif",
                                "font.sans-serif": list(CHART_FONTS)}):
        problems = fit_text(view.figure)  # measured in the fonts it is saved in
        view.figure.savefig(**view.kwargs)
    pyplot.close(view.figure)
    if not halos:
        return problems
    tree = etree.parse(str(path))
    for group in tree.iter(f"{SVG}g"):
        halo = halos.get(group.get("id") or "")
        for element in group.iter(f"{SVG}text") if halo is not None else ():
            element.set("style", f"{element.get('style', '').rstrip('; ')}; stroke: {halo.colour}; "
                        f"stroke-width: {halo.width}; stroke-linejoin: round; paint-order: stroke")
    tree.write(str(path), xml_declaration=True, encoding="utf-8")
    return problems


def save_fitted(plot: Any, path: Path, *, width: float, height: float, **kwargs: Any) -> list[tuple]:
    """``plot.save`` with its text fitted to the canvas (:func:`vawg.writing.charts.fit_text`), for the print
    SVG and the PNG; returns the text problems left."""
    from matplotlib import pyplot
    from plotnine._utils.context import plot_context

    from vawg.writing.charts import fit_text

    view = plot.save_helper(filename=path, width=width, height=height, units="in", verbose=False, **kwargs)
    with plot_context(plot).rc_context:  # plotnine's own save draws in its theme's rcParams
        problems = fit_text(view.figure)
        view.figure.savefig(**view.kwargs)
    pyplot.close(view.figure)
    return problems


def attribute_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def made_by(frame: FrameType) -> str:
    """The function whose result a writer call records, e.g. ``vawg.analysis.demand.housing.prose_values``.

    Read from the caller's line (``artifacts.values(section.prose_values(analysis))`` in a notebook cell):
    the call inside the writer's call, its module looked up in the caller's names. A value written
    directly by a package function is made by that function. Written by hand: neither inspect nor ast
    names the function an argument came from.
    """
    module = frame.f_globals.get("__name__", "")
    if module.startswith("vawg.") and frame.f_code.co_name != "<module>":
        return f"{module}.{frame.f_code.co_name}"
    lines = [linecache.getline(frame.f_code.co_filename, frame.f_lineno + n).strip() for n in range(6)]
    for end in range(1, len(lines) + 1):
        try:
            tree = ast.parse(" ".join(lines[:end]))
            break
        except SyntaxError:
            continue
    else:
        return ""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("value", "values"):
            inner = [arg for arg in node.args if isinstance(arg, ast.Call)]
            if inner:
                return _qualified(inner[0].func, {**frame.f_globals, **frame.f_locals})
    return ""


def _qualified(func: ast.expr, names: Mapping[str, Any]) -> str:
    parts = []
    while isinstance(func, ast.Attribute):
        parts.insert(0, func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return ""
    base = names.get(func.id)
    if isinstance(base, types.ModuleType):
        return ".".join([base.__name__, *parts])
    owner = getattr(base, "__module__", None)
    return ".".join([owner, getattr(base, "__qualname__", func.id), *parts]) if owner else ""


class ArtifactWriter:
    """Writes an edition's artifacts; used by every notebook.

    Parameters
    ----------
    artifacts_dir
        The edition's artifacts folder (shared by all notebooks of a build).
    threshold
        Counts from 1 to ``threshold - 1`` are suppressed.
    record_methods
        Write the sources, metrics and tests this process uses to ``methods.json`` here (a notebook's
        writer; :mod:`vawg.foundations.methods_used`). The build's own writers, which only assemble, pass False.
    """

    def __init__(self, artifacts_dir: Path | str, threshold: int, *, record_methods: bool = True) -> None:
        self.root = Path(artifacts_dir)
        self.threshold = threshold
        for sub in ("figures", "data", "partials"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        if record_methods:
            methods_used.attach(self.root)

    # -- values ---------------------------------------------------------------
    def value(self, key: str, value: Any, kind: ValueKind = "number", *, decimals: int = 0,
              basis: Any = None, signed: bool = False) -> str:
        """Record one value the prose quotes; returns its published text."""
        entry = self._value_entry(key, value, kind, decimals=decimals, basis=basis, signed=signed)
        entry["made_by"] = made_by(sys._getframe(1))
        self._update_json("values.json", {key: entry})
        return entry["text"]

    def values(self, entries: Mapping[str, tuple]) -> None:
        """Record many values at once: ``{key: (value, kind, decimals[, basis])}``.

        ``basis``: the count or counts the value rests on, or :data:`vawg.foundations.suppression.HIDDEN`.
        """
        batch, origin = {}, made_by(sys._getframe(1))
        for key, spec in entries.items():
            value, kind, decimals, *rest = spec
            batch[key] = {**self._value_entry(key, value, kind, decimals=decimals, basis=rest[0] if rest else None),
                          "made_by": origin}
        self._update_json("values.json", batch)

    def _value_entry(self, key: str, value: Any, kind: ValueKind, *, decimals: int, basis: Any,
                     signed: bool = False) -> dict:
        if not VALUE_KEY.match(key):
            raise ValueError(f"value key {key!r} must be dotted lower-case words, e.g. 'offences.rate'")
        text = format_value(value, kind, decimals=decimals, threshold=self.threshold, basis=basis, signed=signed)
        hidden = text in (sup.CONFIDENTIAL, sup.suppressed_count_text(self.threshold))
        number = None if hidden or kind == "text" else _plain(value)
        if hidden:
            self._tally_value(key, "primary" if text == sup.suppressed_count_text(self.threshold)
                              else "secondary" if kind == "count" else "derived")
        return {"text": text, "value": number, "kind": kind}

    # -- figures and tables ---------------------------------------------------
    def figure(self, figure: Figure | MissingFigure) -> Path:
        """Save the chart (SVG and PNG), its data (CSV) and the partial a chapter includes.

        A :class:`MissingFigure` writes only its sentence to the partial, and no chart.
        """
        self._check_id(figure.id, "fig")
        if isinstance(figure, MissingFigure):
            partial = self.root / "partials" / f"{figure.id}.qmd"
            partial.write_text(f"{figure.reason}\n", encoding="utf-8")
            for stale in (*figure_files(self.root, figure.id).values(), self.root / "data" / f"{figure.id}.csv"):
                stale.unlink(missing_ok=True)
            self._unregister("figures", figure.id)
            return partial
        files = figure_files(self.root, figure.id)
        import matplotlib

        from vawg.writing import charts

        # Same inputs, same bytes: SVG ids salted by the figure's id, and no date written into the files.
        # The website's SVG keeps its text as text (selectable, found by search, read at any zoom, and a
        # fraction of the bytes of glyph outlines), in the site's fonts (charts.CHART_FONTS). The PDF's has
        # its text drawn as outlines: typst prints SVG text in its own fonts and with its own metrics, so
        # labels placed for matplotlib's font (ward tiles, forecast labels) would overlap in print.
        save_svg_with_text(figure.plot, files["svg"], salt=figure.id, width=figure.width, height=figure.height)
        for kind, width in zip(("medium_svg", "narrow_svg"), charts.render_widths(figure.inset_px)):
            plot = figure.redraw(width) if figure.redraw is not None else figure.plot
            save_svg_with_text(charts.narrow(plot, width), files[kind], salt=figure.id, width=width,
                               height=charts.narrow_height(plot, figure.height, width))
        with matplotlib.rc_context({"svg.hashsalt": figure.id, "svg.fonttype": "path"}):
            save_fitted(figure.plot, files["print_svg"], width=figure.width, height=figure.height,
                        metadata={"Date": None})
            save_fitted(figure.plot, files["png"], width=figure.width, height=figure.height, dpi=200,
                        metadata={"Software": None})
        shown = self._shown(figure.id, figure.data, figure.columns)
        alt = short_alt(figure.alt, self.threshold)
        # What the short alt text leaves out is printed under the chart, for every reader.
        full = " ".join(in_words(figure.alt, self.threshold).split())
        details = [text for text in (full if full != alt else "", figure.description, figure.rows_do_not_add_up) if text]
        write_csv_download(shown, self.threshold, self.root / "data" / f"{figure.id}.csv")
        partial = "\n".join([
            f'![{figure.caption}](../artifacts/figures/{figure.id})'
            f'{{#{figure.id} fig-alt="{attribute_escape(alt)}"}}',
            "",
            f"*Source: {figure.source}*" if figure.source else "",
            "",
            *[line for text in details for line in ("", markdown_escape(text), "")],
            '::: {.content-visible when-format="html"}',
            '<details class="figure-data">',
            "<summary>Show the data for this chart</summary>",
            "",
            pipe_table(shown, caption=f"Data for the chart: {figure.caption}"),
            "",
            f"[Download the data (CSV)](../artifacts/data/{figure.id}.csv)",
            "",
            "</details>",
            ":::",
            "",
        ])
        (self.root / "partials" / f"{figure.id}.qmd").write_text(partial, encoding="utf-8")
        self._register("figures", {
            "id": figure.id, "caption": figure.caption, "alt": alt, "description": full, "source": figure.source,
            **{kind: f"artifacts/{path.relative_to(self.root).as_posix()}" for kind, path in files.items()},
            "csv": f"artifacts/data/{figure.id}.csv", "count_columns": count_headers(figure.columns),
            "key_columns": key_headers(figure.columns), "rows_do_not_add_up": bool(figure.rows_do_not_add_up),
        })
        return files["svg"]

    def table(self, table: Table) -> Path:
        """Save the table's partial (a captioned pipe table) and its CSV."""
        self._check_id(table.id, "tbl")
        shown = self._shown(table.id, table.data, table.columns)
        write_csv_download(shown, self.threshold, self.root / "data" / f"{table.id}.csv")
        bold = emphasised_rows(table, shown, self.threshold)
        numeric = [column.kind != "text" for column in table.columns]
        notes = [f"*Source: {table.source}*"] + [f"*{note}*" for note in (table.rows_do_not_add_up, *table.notes) if note]
        partial = "\n".join([
            pipe_table(shown, caption=table.caption, label=table.id, bold=bold, numeric=numeric),
            "",
            *[line for note in notes for line in (note, "")],
            '::: {.content-visible when-format="html"}',
            f"[Download this table (CSV)](../artifacts/data/{table.id}.csv)",
            ":::",
            "",
        ])
        (self.root / "partials" / f"{table.id}.qmd").write_text(partial, encoding="utf-8")
        self._register("tables", {"id": table.id, "caption": table.caption, "source": table.source,
                                  "csv": f"artifacts/data/{table.id}.csv", "count_columns": count_headers(table.columns),
                                  "key_columns": key_headers(table.columns),
                                  "rows_do_not_add_up": bool(table.rows_do_not_add_up)})
        return self.root / "partials" / f"{table.id}.qmd"

    def partial(self, name: str, text: str) -> Path:
        """Save Markdown a chapter includes as ``partials/<name>.qmd`` (text already suppressed)."""
        if not re.match(r"^[a-z0-9]+(-[a-z0-9]+)*$", name):
            raise ValueError(f"partial name {name!r} must be lower-case words joined by '-'")
        path = self.root / "partials" / f"{name}.qmd"
        path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        return path

    # -- bookkeeping ----------------------------------------------------------
    def _shown(self, artifact_id: str, data: pd.DataFrame, columns: Sequence[Column]) -> pd.DataFrame:
        tally: dict[str, int] = {}
        shown = format_frame(data, columns, self.threshold, tally)
        self._update_ledger({f"artifacts.{artifact_id}": tally})
        return shown

    def _tally_value(self, key: str, how: str) -> None:
        self._update_ledger({f"values.{key}": {how: 1}})

    def _update_ledger(self, entries: Mapping[str, dict]) -> None:
        """``disclosure.json``: the cells each artifact and value hid, for the audit report (never published)."""
        self._update_json(DISCLOSURE_LEDGER, entries)

    def _check_id(self, artifact_id: str, prefix: str) -> None:
        if not ARTIFACT_ID.match(artifact_id) or not artifact_id.startswith(prefix + "-"):
            raise ValueError(f"artifact id {artifact_id!r} must look like '{prefix}-words-with-dashes'")

    def _register(self, kind: str, entry: dict) -> None:
        path = self.root / "manifest.json"
        manifest = json.loads(path.read_text()) if path.exists() else {"figures": [], "tables": []}
        manifest[kind] = [item for item in manifest[kind] if item["id"] != entry["id"]] + [entry]
        path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")

    def _unregister(self, kind: str, artifact_id: str) -> None:
        path = self.root / "manifest.json"
        if path.exists():
            manifest = json.loads(path.read_text())
            manifest[kind] = [item for item in manifest[kind] if item["id"] != artifact_id]
            path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")

    def _update_json(self, name: str, entries: Mapping[str, dict]) -> None:
        path = self.root / name
        content = json.loads(path.read_text()) if path.exists() else {}
        content.update(entries)
        path.write_text(json.dumps(content, indent=2, sort_keys=True, ensure_ascii=False), encoding="utf-8")

    def merge(self, folder: Path) -> None:
        """Add the artifacts one notebook wrote into ``folder`` (the build runs each in its own):
        files copied, values and the disclosure ledger merged by key, manifest entries by id."""
        folder = Path(folder)
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_dir():
                (self.root / relative).mkdir(parents=True, exist_ok=True)
            elif relative.as_posix() in MERGED_LEDGERS:
                self._update_json(relative.as_posix(), json.loads(path.read_text(encoding="utf-8")))
            elif relative.as_posix() == "manifest.json":
                manifest = json.loads(path.read_text(encoding="utf-8"))
                for kind in ("figures", "tables"):
                    for entry in manifest.get(kind, []):
                        self._register(kind, entry)
            else:
                (self.root / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, self.root / relative)


MERGED_LEDGERS = ("values.json", DISCLOSURE_LEDGER, methods_used.LEDGER)


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of a numpy/pandas scalar."""
    if hasattr(value, "item"):
        return value.item()
    return value


def suppression_tally(artifacts_dir: Path) -> dict[str, int]:
    """Cells hidden across the edition: primary (small counts), secondary (complementary) and derived."""
    path = Path(artifacts_dir) / DISCLOSURE_LEDGER
    ledger = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    totals = {"primary": 0, "secondary": 0, "derived": 0}
    for tally in ledger.values():
        for how, number in tally.items():
            totals[how] = totals.get(how, 0) + number
    return totals


def read_values(artifacts_dir: Path) -> dict[str, dict]:
    path = Path(artifacts_dir) / "values.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def nest_values(values: Mapping[str, Mapping]) -> dict:
    """Dotted keys → the nested mapping Quarto's ``_variables.yml`` expects (text only)."""
    nested: dict = {}
    for key, entry in sorted(values.items()):
        node = nested
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"value key {key!r} clashes with a shorter key")
        node[leaf] = entry["text"]
    return nested
