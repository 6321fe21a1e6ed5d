"""The website's charts (issue 13): text kept as SVG text, at least 12 px at every width from 320 to 1,440 px
(three renders, chosen by <picture>), and a Chapter 3 that weighs under 2 MB with every chart and its data."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from plotnine import aes, geom_point, ggplot, scale_shape_manual, scale_size_manual

from vawg.writing import charts
from vawg.analysis import maps
from vawg.writing.artifacts import figure_files, save_svg_with_text
from vawg.publishing.check.axe import svg_text_sizes
from vawg.publishing.check.html import PAGE_WEIGHT_LIMIT, page_resources
from vawg.publishing.render import html
from vawg.publishing.render.html import render_shown

CHAPTER_3 = "chapters/03-local-picture.html"
# matplotlib's ids for the glyphs of text it draws as outlines, e.g. "LiberationSans-41" or "DejaVuSans-Bold-2e".
GLYPH_ID = re.compile(r'id="(?:LiberationSans|DejaVuSans|Arial|Helvetica)[\w-]*-[0-9a-f]+"')


# ------------------------------------------------------------------------------------- fast tier
def tile_map():
    codes = [f"E0500{i:04d}" for i in range(20)]
    shapes = maps.tile_shapes(maps.tile_layout(codes))
    data = pd.DataFrame({"ward_code": codes, "rate": np.arange(20.0),
                         "label": [f"Ward {i}\n{i:.1f}" for i in range(20)]})
    return maps.value_map(shapes, data, value="rate", label="label", title="Ward 19 has the highest rate of all",
                          subtitle="Offences per 1,000 female residents by ward", legend_title="Per 1,000", tile=True)


def test_svg_keeps_its_text_as_text_with_halos_as_strokes(tmp_path: Path) -> None:
    save_svg_with_text(tile_map(), tmp_path / "map.svg", salt="fig-x", width=8.0, height=7.0)
    svg = (tmp_path / "map.svg").read_text(encoding="utf-8")
    assert not GLYPH_ID.search(svg), "text drawn as glyph outlines"
    labels = re.findall(r"<text[^>]*paint-order: stroke[^>]*>([^<]*)</text>", svg)
    assert {"Ward 0", "19.0"} <= set(labels), labels[:5]  # every ward label as text, haloed
    assert "'Liberation Sans', 'Arial', 'Helvetica'" in svg  # the site's fonts, first the one measured with
    assert len(svg) < 100_000, len(svg)  # halo'd labels as outlines took about 600 KB


def test_markers_of_one_size_are_written_once(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    points = pd.DataFrame({"x": rng.random(700), "y": rng.random(700), "area": ["London"] * 680 + ["Camden"] * 20})
    plot = (ggplot(points, aes("x", "y")) + geom_point(aes(shape="area", size="area"))
            + scale_size_manual(values={"London": 1.4, "Camden": 3.0})
            + scale_shape_manual(values={"London": "o", "Camden": "D"}) + charts.af_theme())
    save_svg_with_text(plot, tmp_path / "points.svg", salt="fig-x", width=8.0, height=5.0)
    svg = (tmp_path / "points.svg").read_text(encoding="utf-8")
    assert svg.count("<use ") >= 700 and len(svg) < 250_000, (svg.count("<use "), len(svg))


def test_narrow_render_rewraps_its_titles_and_keeps_the_text_size(tmp_path: Path) -> None:
    years = pd.DataFrame({"year": [2022, 2023, 2024] * 2, "rate": [1.0, 2.0, 3.0, 2.0, 2.5, 2.7],
                          "area": ["Camden"] * 3 + ["London"] * 3})
    years["label"] = years["rate"].map("{:.1f}".format)
    plot = charts.line_chart(years, x="year", y="rate", series="area", label="label",
                             title="Rates of offences rose faster in the borough than across London in three years",
                             subtitle="Offences per 1,000 female residents", y_title="Rate",
                             series_order=["Camden", "London"])
    narrow = charts.narrow(plot)
    assert all(len(line) <= 27 for line in narrow.labels.title.split("\n")), narrow.labels.title
    save_svg_with_text(narrow, tmp_path / "narrow.svg", salt="fig-x", width=charts.NARROW_WIDTH_IN,
                       height=4.8 * charts.NARROW_HEIGHT_FACTOR)
    width, texts = svg_text_sizes((tmp_path / "narrow.svg").read_text(encoding="utf-8"))
    assert width == pytest.approx(charts.NARROW_WIDTH_IN * 72)
    # Shown on a 320 px phone (288 px of text column), every text is 12 px or more.
    assert min(size for size, _, _ in texts) * charts.NARROW_SCREEN_PX / width >= charts.NARROW_MIN_TEXT_PX


def test_narrow_map_leaves_out_ward_labels_and_says_where_they_are(tmp_path: Path) -> None:
    narrow = charts.narrow(tile_map())
    assert len(narrow.layers) == len(tile_map().layers) - 1  # value_map's halo'd labels (one colour here)
    assert "in the data below the chart" in " ".join(narrow.labels.caption.split())
    assert charts.narrow_height(tile_map(), 7.0) == 7.0  # a map keeps its height


def test_page_weight_counts_what_a_browser_loads(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "figures").mkdir(parents=True)
    (site / "style.css").write_text("x" * 100)
    (site / "figures" / "a.svg").write_text("x" * 1000)
    (site / "figures" / "a.narrow.svg").write_text("x" * 600)
    (site / "data.csv").write_text("x" * 5000)
    page = site / "page.html"
    page.write_text('<link rel="stylesheet" href="style.css"><picture><source media="(max-width: 40rem)" '
                    'srcset="figures/a.narrow.svg"><img src="figures/a.svg" alt="a chart"></picture>'
                    '<a href="data.csv">CSV</a>')
    sizes = page_resources(page, site)
    # The larger of the picture's two files, not both; a link is not loaded.
    assert sizes == {"page.html": page.stat().st_size, "style.css": 100, "figures/a.svg": 1000}


# Chromium's widths of the text column (main), measured on the built site: the layout model must give them.
MEASURED_COLUMN = {320: 288, 640: 608, 641: 593, 784: 480, 800: 496, 1070: 765.7, 1088: 768, 1280: 768, 1440: 768}
WIDTHS = (320, 640, 641, 784, 800, 1070, 1088, 1280, 1440)


def test_the_layout_model_follows_the_stylesheet() -> None:
    from vawg.foundations.paths import project_root

    css = (project_root() / "templates" / "html" / "vawg.css").read_text(encoding="utf-8")
    cards = (project_root() / "templates" / "html" / "cards.css").read_text(encoding="utf-8")

    def rule(selector: str, text: str = css) -> str:
        return re.search(re.escape(selector) + r"\s*\{([^}]*)\}", text).group(1)

    def px(value: str) -> float:
        return float(value.removesuffix("rem").removesuffix("em")) * 16

    layout = rule(".layout")
    assert px(re.search(r"padding: ([\d.]+rem)", layout).group(1)) == html.LAYOUT_PADDING_PX
    assert px(re.search(r"gap: ([\d.]+rem)", layout).group(1)) == html.GAP_PX
    assert px(re.search(r"max-width: ([\d.]+rem)", layout).group(1)) == html.LAYOUT_MAX_PX
    assert px(re.search(r"flex: 1 1 ([\d.]+rem)", rule(".sidebar")).group(1)) == html.SIDEBAR_BASIS_PX
    main = rule("main")
    assert px(re.search(r"flex: 999 1 ([\d.]+rem)", main).group(1)) == html.MAIN_BASIS_PX
    assert px(re.search(r"max-width: ([\d.]+rem)", main).group(1)) == html.MAIN_MAX_PX == charts.HTML_TEXT_WIDTH_PX
    phone = css[css.index("@media " + html.NARROW_SCREEN):]
    assert px(re.search(r"\.layout \{ padding: ([\d.]+rem)", phone).group(1)) == html.PHONE_PADDING_PX
    assert px(re.search(r"picture img \{ width: 100%; max-width: ([\d.]+rem)", phone).group(1)) == html.PHONE_CHART_MAX_PX
    assert px(re.search(r"max-width: ([\d.]+)rem", html.NARROW_SCREEN).group(1)) == html.PHONE_MAX_PX
    assert px(re.search(r"max-width: ([\d.]+)rem", html.MEDIUM_SCREEN).group(1)) == html.MEDIUM_MAX_PX
    card = rule(".service-card", cards)
    assert "padding: 0.75rem 1rem 1rem" in card and "border-left: 0.375rem" in card and "1px solid" in card
    assert html.CARD_PHONE_INSET_PX == 16 + 16 + 6 + 1 == charts.CARD_INSET_PX[1]
    assert "@media (min-width: 48em)" in cards and "padding: 1rem 1.5rem 1.25rem" in cards
    assert html.CARD_INSET_PX == 24 + 24 + 6 + 1 == charts.CARD_INSET_PX[0] and html.CARD_WIDE_FROM_PX == 768


def test_the_layout_model_gives_chromiums_column_widths() -> None:
    for viewport, column in MEASURED_COLUMN.items():
        assert html.text_column_px(viewport) == pytest.approx(column, abs=0.1), viewport
    # Each render is shown only where its 9 pt text is 12 px: the wide one where the column is its full width,
    # even with a classic scrollbar; the medium one where the column is at least its width.
    assert html.text_column_px(html.MEDIUM_MAX_PX + 0.2, scrollbar_px=15) >= charts.HTML_TEXT_WIDTH_PX
    assert min(html.text_column_px(w) for w in range(html.PHONE_MAX_PX + 1, 1100)) == charts.MEDIUM_SCREEN_PX
    assert charts.MEDIUM_WIDTH_IN * 96 == charts.MEDIUM_SCREEN_PX and charts.NARROW_WIDTH_IN * 96 == 288


def test_a_narrow_control_chart_names_its_events_under_the_chart_and_its_lines_in_the_legend() -> None:
    months = pd.date_range("2020-01-01", "2024-12-01", freq="MS")
    data = pd.DataFrame({"date": list(months) * 2, "area": ["Camden"] * 60 + ["London"] * 60, "rate": 1.0,
                         "centre": 1.0, "lower": 0.5, "upper": 1.5, "phase": 0, "signal": ""})
    events = pd.DataFrame({"start": pd.to_datetime(["2020-03-23", "2024-02-01"]),
                           "end": pd.to_datetime(["2020-06-15", None]),
                           "label": ["First COVID-19 lockdown", "Police CONNECT system introduced"]})
    arguments = dict(x="date", y="rate", panel="area", centre="centre", lower="lower", upper="upper", phase="phase",
                     signal="signal", events=events, title="Rates held steady", subtitle="Per 1,000", y_title="Rate",
                     panel_order=["Camden", "London"], signal_order=["Outside", "Pattern"])
    wide, small = (charts.control_chart(data, width=width, **arguments) for width in (8.0, charts.NARROW_WIDTH_IN))
    assert len(small.layers) == len(wide.layers) - 1  # the event labels
    assert small.labels.caption == ("Grey band: First COVID-19 lockdown (Mar 2020 to Jun 2020). Dashed line: Police "
                                    "CONNECT system introduced (Feb 2024).")
    assert {"Average", "3-sigma limits"} <= set(charts._legend_entries(small))


def test_sankey_labels_are_spread_apart_inside_the_panel() -> None:
    from vawg.analysis.demand.csn import spread_labels

    placed = spread_labels([10.0, 9.8, 9.7, 0.2], [1.0, 1.0, 1.0, 1.0], 0.0, 10.0)
    assert placed == pytest.approx([9.5, 8.5, 7.5, 0.5])
    assert all(upper - lower >= 1.0 - 1e-9 for upper, lower in zip(placed, placed[1:]))


def test_ward_labels_that_do_not_fit_keep_their_value_or_nothing() -> None:
    from shapely.geometry import box

    import geopandas as gpd

    shapes = gpd.GeoDataFrame({"ward_code": ["A", "B", "C"]},
                              geometry=[box(0, 0, 1000, 1000), box(1000, 0, 1060, 30), box(1000, 30, 1003, 33)])
    labels = pd.DataFrame({"ward_code": ["A", "B", "C"], "label_x": [500, 1030, 1001.5], "label_y": [500, 15, 31.5],
                           "label": ["Big ward\n1.0", "Thin ward\n2.0", "Tiny ward\n3.0"]})
    shown, shortened = maps.fitting_labels(shapes, labels, "label")
    assert shown["label"].tolist() == ["Big ward\n1.0", "2.0", ""] and shortened
    # A category map's label is a name, perhaps with a code under it: never cut to the name's last word.
    shown, _ = maps.fitting_labels(shapes, labels.assign(label=["Big ward", "Thin\nward", "Thin ward\nHH"]), "label",
                                   codes_only=True)
    assert shown["label"].tolist() == ["Big ward", "", ""]  # the tiny ward has no room even for "HH"
    shown, _ = maps.fitting_labels(shapes.iloc[:2], labels.iloc[:2].assign(label=["A", "Thin ward\nHH"]), "label",
                                   codes_only=True)
    assert shown["label"].tolist() == ["A", "HH"]
    assert maps.label_size(80) == charts.LABEL_SIZE  # 12 px on the site, 7.4 pt in print, however many wards


# ------------------------------------------------------------------------------- the built site
def site_of(built_edition) -> Path:
    return built_edition.outputs["html"].parent


def test_chapter_3_weighs_under_2_mb_with_every_chart_and_its_data(built_edition) -> None:
    site = site_of(built_edition)
    sizes = page_resources(site / CHAPTER_3, site)
    total = sum(sizes.values())
    print(f"\nChapter 3: {total / 1e6:.2f} MB in {len(sizes)} files; largest: "
          + ", ".join(f"{name} {size // 1000} KB" for name, size in sorted(sizes.items(), key=lambda i: -i[1])[:5]))
    assert total < PAGE_WEIGHT_LIMIT, f"{total / 1e6:.2f} MB"
    soup = BeautifulSoup((site / CHAPTER_3).read_text(encoding="utf-8"), "html.parser")
    figures = [figure for figure in soup.find_all("figure") if figure.find("img")]
    assert len(figures) >= 20
    for figure in figures:  # the data did not go: each chart has its table and its download
        details = figure.find_next("details", class_="figure-data")
        assert details is not None and details.find("table") and details.find("a", href=re.compile(r"\.csv$"))


def test_website_svgs_keep_their_text_and_the_pdf_gets_the_outlined_copies(built_edition) -> None:
    site = site_of(built_edition)
    svgs = sorted(site.rglob("*.svg"))
    assert len(svgs) >= 40
    for svg in svgs:
        text = svg.read_text(encoding="utf-8")
        assert "<text" in text and not GLYPH_ID.search(text), svg.name
        assert not svg.name.endswith(".print.svg"), svg.name  # print copies are not published on the site
    narrow = [svg for svg in svgs if svg.name.endswith(".narrow.svg")]
    medium = [svg for svg in svgs if svg.name.endswith(".medium.svg")]
    assert len(narrow) * 3 == len(medium) * 3 == len(svgs)  # every chart has its phone and its medium render
    artifacts = built_edition.root / "artifacts"
    for svg in svgs:
        if not svg.name.endswith((".narrow.svg", ".medium.svg")):
            outlined = figure_files(artifacts, svg.stem)["print_svg"].read_text(encoding="utf-8")
            assert "<text" not in outlined, svg.name


def test_chart_text_is_12_px_in_chromium_at_the_widths_either_side_of_each_breakpoint(built_edition) -> None:
    """In Chromium: each chart's smallest text, as drawn (the file the browser chose, at the width shown)."""
    from vawg.publishing.check.axe import CHROMIUM_ARGS, browser_missing, chart_text_px, chromium_path, serve

    reason = browser_missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    site = site_of(built_edition)
    found = {}
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(base + CHAPTER_3, wait_until="load")
                found[width] = chart_text_px(page, site)
        finally:
            browser.close()
    assert len(found[1280]) >= 20 and all(len(found[width]) == len(found[1280]) for width in WIDTHS)
    for width in WIDTHS:
        suffix = render_shown(width)
        assert all(chart["file"].endswith(suffix) for chart in found[width]), (width, suffix)
    assert all(chart["shown"] <= 288 for chart in found[320])  # no chart wider than the phone's column
    small = [f"{c['file']} at {width} px: {px:.1f} px ({text!r})" for width in WIDTHS for c in found[width]
             for px, text, _ in c["texts"] if px < charts.MIN_TEXT_PX - 0.05]
    assert not small, "; ".join(small[:10])


def viewports() -> list[float]:
    """Every CSS px from 320 to 1,440, and each side of every breakpoint."""
    edges = [html.PHONE_MAX_PX, html.MEDIUM_MAX_PX, html.CARD_WIDE_FROM_PX]
    return sorted({*range(320, 1441), *(edge + delta for edge in edges for delta in (-0.5, 0.5))})


def chart_text_at(site: Path, page: Path) -> list[tuple[float, float, str, str]]:
    """Each chart's smallest text on ``page`` in CSS px, at every width of :func:`viewports`, worked out as a
    browser lays the page out (vawg.publishing.render.html.text_column_px) from the file its <picture> shows there:
    (px, viewport, file, words)."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    found = []
    for picture in soup.find_all("picture"):
        sources = [(float(re.fullmatch(r"\(max-width: ([\d.]+)rem\)", source["media"]).group(1)) * 16,
                    source["srcset"]) for source in picture.find_all("source")]
        image = picture.find("img")
        in_card = image.find_parent(class_="service-card") is not None
        files = {}
        for name in [src for _, src in sources] + [image["src"]]:
            svg = (page.parent / name).resolve().read_text(encoding="utf-8")
            width, texts = svg_text_sizes(svg)
            points = float(re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', svg).group(1))
            smallest = min(texts)
            files[name] = (width, points * 4 / 3, smallest[0], smallest[1])
        for viewport in viewports():
            name = next((src for limit, src in sources if viewport <= limit), image["src"])
            width, intrinsic, size, words = files[name]
            shown = html.chart_width_px(viewport, intrinsic, in_card=in_card)
            found.append((size * shown / width, viewport, name, words))
    return found


def test_chart_text_is_12_px_at_every_width_from_320_to_1440(built_edition) -> None:
    """Worked out without a browser, for every chart of every page, at each CSS px of width."""
    site = site_of(built_edition)
    pictures = 0
    small = []
    for page in sorted(site.rglob("*.html")):
        found = chart_text_at(site, page)
        pictures += len(found) // len(viewports())
        small += [f"{page.relative_to(site)}: {name} at {viewport} px: {px:.1f} px ({words!r})"
                  for px, viewport, name, words in found if px < charts.MIN_TEXT_PX - 0.05]
    assert pictures >= 40
    assert not small, f"{len(small)} too small: " + "; ".join(small[:8])


# Each text's box as Chromium draws the SVG: outside the canvas, or overlapping another text by more than
# 2 px both ways (a line's box includes its leading, so the middle 70% of its height is counted).
TEXT_PROBLEMS_JS = """() => {
  const svg = document.querySelector('svg'), frame = svg.getBoundingClientRect();
  const scale = frame.width / svg.viewBox.baseVal.width;
  const boxes = Array.from(document.querySelectorAll('text')).map(t => { const r = t.getBoundingClientRect();
    const inset = 0.15 * r.height; return {x0: r.left, y0: r.top + inset, x1: r.right, y1: r.bottom - inset,
    text: t.textContent.trim()}; });
  const out = [];
  boxes.forEach(b => { if (b.x0 < -0.5 || b.y0 < -0.5 || b.x1 > frame.width + 0.5 || b.y1 > frame.height + 0.5)
    out.push(['clipped', b.text]); });
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 2 * scale && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > 2 * scale)
      out.push(['overlap', a.text, b.text]);
  }
  return out;
}"""


def test_no_chart_text_is_clipped_or_overlaps_in_any_render(built_edition) -> None:
    """In Chromium, every website render of every chart (wide, medium, phone) holds its text inside the canvas
    with no two texts on each other (issue 13; vawg.writing.charts.fit_text)."""
    from vawg.publishing.check.axe import CHROMIUM_ARGS, browser_missing, chromium_path, serve

    reason = browser_missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    figures = built_edition.root / "artifacts" / "figures"
    svgs = sorted(path for path in figures.glob("*.svg") if not path.name.endswith(".print.svg"))
    found = {}
    with serve(figures) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.set_viewport_size({"width": 1000, "height": 1000})
            for svg in svgs:
                page.goto(base + svg.name, wait_until="load")
                problems = page.evaluate(TEXT_PROBLEMS_JS)
                if problems:
                    found[svg.name] = problems
        finally:
            browser.close()
    assert len(svgs) >= 60
    assert not found, f"{len(found)} renders: " + "; ".join(f"{name}: {problems[:3]}"
                                                           for name, problems in list(found.items())[:8])
