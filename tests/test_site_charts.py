"""The website's charts (issue 13): text kept as SVG text, legible at 1280 and 320 px, and a Chapter 3 that
weighs under 2 MB with every chart and its data."""

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
    # Shown on a 320 px phone (288 px of text column), every text is 10 px or more.
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
    assert len(narrow) * 2 == len(svgs)  # every chart has its phone render
    artifacts = built_edition.root / "artifacts"
    for svg in svgs:
        if not svg.name.endswith(".narrow.svg"):
            outlined = figure_files(artifacts, svg.stem)["print_svg"].read_text(encoding="utf-8")
            assert "<text" not in outlined, svg.name


def test_chart_text_is_12_px_at_1280_and_10_px_at_320(built_edition) -> None:
    """In Chromium: each chart's smallest text, as drawn (the file the browser chose, at the width shown)."""
    from vawg.publishing.check.axe import CHROMIUM_ARGS, DESKTOP, REFLOW_WIDTH, browser_missing, chart_text_px, chromium_path, serve

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
            for width in (DESKTOP["width"], REFLOW_WIDTH):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(base + CHAPTER_3, wait_until="load")
                found[width] = chart_text_px(page, site)
        finally:
            browser.close()
    assert len(found[1280]) >= 20 and len(found[1280]) == len(found[320])
    assert all(not chart["file"].endswith(".narrow.svg") for chart in found[1280])
    assert all(chart["file"].endswith(".narrow.svg") for chart in found[320])
    assert all(chart["shown"] <= REFLOW_WIDTH for chart in found[320])  # no chart wider than the phone
    for width, least in ((1280, charts.MIN_TEXT_PX), (320, charts.NARROW_MIN_TEXT_PX)):
        # Ward-map labels (haloed) are sized to fit their ward (vawg.analysis.maps.label_size): the one exception, for
        # now, held to 9 px at 1280 (the narrow render leaves them out); every other text is ``least`` or more.
        small = [f"{c['file']}: {px:.1f} px ({text!r})" for c in found[width] for px, text, haloed in c["texts"]
                 if px < (9.0 if haloed else least) - 0.05]
        assert not small, f"at {width} px: " + "; ".join(small[:10])
