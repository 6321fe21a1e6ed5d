"""The site in a real browser: axe-core, reflow at 320 CSS pixels and keyboard focus.

Runs Debian's Chromium (``/usr/bin/chromium``, or ``VAWG_CHROMIUM``) headless through
playwright, with no browser download. The site is served from a local HTTP server on
127.0.0.1 so pages load as they would once published.

For every page:

* axe-core (bundled with ``axe-playwright-python``) with the WCAG 2.0, 2.1 and 2.2 A and AA
  rules; every violation is an error, naming the page and each element (CSS selector and
  snippet). "Incomplete" results (axe could not decide, e.g. text over an image) are warnings.
* reflow (WCAG 1.4.10, what 400% zoom of a 1280 px window gives): at a 320 px wide viewport
  the page must not scroll sideways; tables may scroll inside their own scroll region.
* chart text (WCAG 1.4.4 and 1.4.10): at 1280 and at 320 px, the size each chart's text is drawn at, from
  the SVG file the browser chose (``currentSrc``: the narrow render on a phone) and the width it is shown at;
  text under 12 px (``vawg.writing.charts.MIN_TEXT_PX``, ``NARROW_MIN_TEXT_PX`` on a phone) is a warning naming the
  chart. (tests/publishing/test_site_charts.py works the sizes out at every width from 320 to 1,440 px.)
* keyboard: the first Tab lands on a visible skip link that moves focus to the main content;
  every element Tab reaches shows a focus indicator (an outline or a change of background) with
  at least 3:1 contrast against what is around it.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from vawg.publishing.check.colours import GRAPHICS_MINIMUM, contrast, parse_colour
from vawg.publishing.check.html import site_pages
from vawg.publishing.check.results import WARNING, Section

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_CHROMIUM = "/usr/bin/chromium"
REFLOW_WIDTH = 320
DESKTOP = {"width": 1280, "height": 900}
MAX_TABS = 2000  # Tab stops per page; more would mean a page too long to use anyway


def chromium_path() -> str | None:
    """Debian's chromium (``VAWG_CHROMIUM`` overrides), or None if it is not installed."""
    configured = os.environ.get("VAWG_CHROMIUM")
    for candidate in (configured, DEFAULT_CHROMIUM, shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def browser_missing() -> str | None:
    """Why the browser checks cannot run here, or None if they can."""
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as error:
        return f"{error.name} is not installed (python3 -m pip install -e '.[test]')"
    if chromium_path() is None:
        return f"Chromium not found at {DEFAULT_CHROMIUM} (apt-get install chromium; see .ci/install-system-packages.sh)"
    return None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) for the duration; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def check_site_in_browser(site: Path, output_dir: Path, section: Section, *, pages: list[Path] | None = None) -> None:
    """Add axe, reflow and keyboard findings for every page of ``site`` to ``section``."""
    reason = browser_missing()
    if reason is not None:
        section.not_run = reason
        return
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    pages = pages if pages is not None else site_pages(site)
    axe = Axe()
    rules_run: set[str] = set()
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport=DESKTOP)
            page = context.new_page()
            for path in pages:
                url = base + path.relative_to(site).as_posix()
                where = str(path.relative_to(output_dir))
                response = page.goto(url, wait_until="load")
                if response is None or not response.ok:
                    section.add("page-load", where, url, f"the page did not load ({response.status if response else 'no response'})")
                    continue
                rules_run |= _run_axe(axe, page, where, section)
                _check_keyboard(page, where, section)
                _check_scroll_regions(page, where, section)
                _check_chart_text(page, site, where, section)
                page.set_viewport_size({"width": REFLOW_WIDTH, "height": 640})
                page.goto(url, wait_until="load")
                _check_reflow(page, where, section)
                _check_scroll_regions(page, where, section)
                _check_chart_text(page, site, where, section)
                page.set_viewport_size(DESKTOP)
            context.close()
        finally:
            browser.close()
    section.checked.append(f"{len(pages)} pages with axe-core ({len(rules_run)} WCAG 2.0/2.1/2.2 A and AA rules applied)")
    section.checked.append(f"{len(pages)} pages reflow at {REFLOW_WIDTH} CSS px (400% zoom) without sideways scrolling")
    section.checked.append(f"{len(pages)} pages: skip link and a visible focus indicator on every Tab stop")
    section.checked.append(f"{len(pages)} pages: chart text drawn at 12 px or more at {DESKTOP['width']} and "
                           f"{REFLOW_WIDTH} px")
    section.checked.append(f"{len(pages)} pages at {DESKTOP['width']} and {REFLOW_WIDTH} px: a table box is a "
                           "focusable scroll region exactly when its table overflows it")


_CHART_IMAGES = """() => Array.from(document.querySelectorAll('figure img')).map(img => ({
  src: img.currentSrc || img.src, width: img.getBoundingClientRect().width}))"""
SVG_VIEWBOX = re.compile(r'<svg[^>]*\sviewBox="[-\d.]+ [-\d.]+ ([\d.]+) ')
SVG_TEXT = re.compile(r'<text[^>]*style="(?P<style>[^"]*)"[^>]*>(?P<body>.*?)</text>', re.S)
FONT_SIZE = re.compile(r"font-size: ([\d.]+)px")


def svg_text_sizes(svg: str) -> tuple[float, list[tuple[float, str, bool]]]:
    """An SVG chart's width in its own units, and each ``<text>``: its size in them, its words and whether it
    has a halo (a ward label: vawg.writing.artifacts.save_svg_with_text)."""
    width = SVG_VIEWBOX.search(svg)
    texts = []
    for match in SVG_TEXT.finditer(svg):
        size = FONT_SIZE.search(match.group("style"))
        if size:
            texts.append((float(size.group(1)), re.sub(r"<[^>]+>", "", match.group("body")).strip(),
                          "paint-order: stroke" in match.group("style")))
    return (float(width.group(1)) if width else 0.0), texts


def chart_text_px(page: object, site: Path) -> list[dict]:
    """Each chart on the open page: the file shown, its width on screen, the CSS px of each of its texts
    (smallest first: px, words, haloed) and of its smallest."""
    charts = []
    for image in page.evaluate(_CHART_IMAGES):  # type: ignore[attr-defined]
        path = site / unquote(urlsplit(image["src"]).path).lstrip("/")
        if path.suffix != ".svg" or not path.is_file() or not image["width"]:
            continue
        width, texts = svg_text_sizes(path.read_text(encoding="utf-8"))
        if not width or not texts:
            continue
        drawn = sorted((size * image["width"] / width, text, haloed) for size, text, haloed in texts)
        charts.append({"file": path.relative_to(site).as_posix(), "shown": image["width"], "texts": drawn,
                       "smallest": drawn[0][0], "text": drawn[0][1]})
    return charts


def _check_chart_text(page: object, site: Path, where: str, section: Section) -> None:
    from vawg.writing.charts import MIN_TEXT_PX, NARROW_MIN_TEXT_PX

    viewport = page.viewport_size["width"]  # type: ignore[attr-defined]
    least = NARROW_MIN_TEXT_PX if viewport <= REFLOW_WIDTH else MIN_TEXT_PX
    for chart in chart_text_px(page, site):
        if chart["smallest"] < least - 0.05:
            section.add("chart-text", where, f"{chart['file']} at {viewport} px",
                        f"chart text drawn at {chart['smallest']:.1f} px ({chart['text'][:30]!r}); "
                        f"needs {least} px", WARNING)


def _run_axe(axe: object, page: object, where: str, section: Section) -> set[str]:
    results = axe.run(page, options={  # type: ignore[attr-defined]
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "resultTypes": ["violations", "incomplete"],
    })
    response = results.response
    for severity, key in (("error", "violations"), (WARNING, "incomplete")):
        for rule in response.get(key, []):
            for node in rule.get("nodes", []):
                target = " ".join(str(t) for t in node.get("target", []))
                snippet = " ".join((node.get("html") or "").split())
                if len(snippet) > 120:
                    snippet = snippet[:119] + "…"
                # failureSummary: "Fix any of the following:" then one reason a line; the first says most.
                reasons = [line.strip() for line in (node.get("failureSummary") or "").splitlines()
                           if line.strip() and not line.strip().startswith("Fix ")]
                detail = reasons[0] if reasons else ""
                message = f"{rule['help']} ({rule.get('impact') or 'needs review'})"
                if detail:
                    message += f": {detail}"
                if severity == WARNING:
                    message = "axe could not decide, check by hand: " + message
                section.add(f"axe:{rule['id']}", where, f"{target}  {snippet}", message, severity)
    applied = {rule["id"] for key in ("violations", "passes", "incomplete") for rule in response.get(key, [])}
    return applied


_FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  function backgroundBehind(node) {
    for (let n = node; n; n = n.parentElement) {
      const bg = getComputedStyle(n).backgroundColor;
      if (bg && bg !== 'transparent' && !bg.startsWith('rgba(0, 0, 0, 0)')) return bg;
    }
    return 'rgb(255, 255, 255)';
  }
  const describe = (n) => n.tagName.toLowerCase() + (n.id ? '#' + n.id : '') +
      (n.className && typeof n.className === 'string' ? '.' + n.className.trim().split(/\\s+/).join('.') : '') +
      ' ' + (n.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
  return {
    element: describe(el),
    outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
    outlineColor: style.outlineColor, boxShadow: style.boxShadow,
    background: backgroundBehind(el), around: backgroundBehind(el.parentElement),
    visible: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0 &&
             rect.top < window.innerHeight && rect.left < window.innerWidth,
    href: el.getAttribute('href'), id: el.id,
  };
}"""


def _focus_indicator_ok(state: dict) -> bool:
    around = parse_colour(state["around"]) or "#ffffff"
    if state["outlineStyle"] not in ("none", "hidden") and state["outlineWidth"] >= 2:
        colour = parse_colour(state["outlineColor"])
        background = parse_colour(state["background"]) or around
        # The outline sits outside the element: it must stand out from the page or from the element.
        if colour and max(contrast(colour, around), contrast(colour, background)) >= GRAPHICS_MINIMUM:
            return True
    background = parse_colour(state["background"])
    if background and contrast(background, around) >= GRAPHICS_MINIMUM:
        return True
    return bool(state["boxShadow"] and state["boxShadow"] != "none")


def _check_keyboard(page: object, where: str, section: Section) -> None:
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    # The unfocused backgrounds, to tell a focus style from an element's normal look.
    page.keyboard.press("Tab")
    first = page.evaluate(_FOCUS_STATE)
    if first is None or not (first.get("href") or "").startswith("#"):
        section.add("skip-link", where, first["element"] if first else "<body>",
                    "the first Tab does not reach a skip link")
    else:
        if not first["visible"]:
            section.add("skip-link", where, first["element"], "the skip link stays off screen when it has focus")
        if not _focus_indicator_ok(first):
            section.add("focus-visible", where, first["element"], "the skip link shows no focus indicator")
        page.keyboard.press("Enter")
        target = first["href"][1:]
        landed = page.evaluate(
            "(id) => { const t = document.getElementById(id); const a = document.activeElement;"
            " return !!t && (a === t || t.contains(a) || location.hash === '#' + id); }", target)
        if not landed:
            section.add("skip-link", where, first["element"], f"following the skip link does not move to #{target}")
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    seen: set[str] = set()
    failures = 0
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        state = page.evaluate(_FOCUS_STATE)
        if state is None:
            break
        key = f"{state['element']}|{state['href']}|{state['id']}"
        if key in seen:
            break  # wrapped round
        seen.add(key)
        if not _focus_indicator_ok(state):
            failures += 1
            if failures <= 10:
                section.add("focus-visible", where, state["element"],
                            "no visible focus indicator (outline or background with 3:1 contrast) when focused")
    if failures > 10:
        section.add("focus-visible", where, f"{failures - 10} more elements", "no visible focus indicator")


_OVERFLOW = """(width) => {
  const root = document.documentElement;
  const result = {scrollWidth: root.scrollWidth, offenders: []};
  function scrolls(n) {
    for (let p = n.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && p.getBoundingClientRect().right <= width + 1) return true;
    }
    return false;
  }
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > width + 1 && !scrolls(el)) {
      const parentOver = el.parentElement && el.parentElement.getBoundingClientRect().right > width + 1 && !scrolls(el.parentElement);
      if (parentOver) continue;  // report the outermost element only
      result.offenders.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
        ' (' + Math.round(r.right) + ' px) ' + (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50));
    }
  }
  return result;
}"""


def _check_reflow(page: object, where: str, section: Section) -> None:
    result = page.evaluate(_OVERFLOW, REFLOW_WIDTH)
    if result["scrollWidth"] > REFLOW_WIDTH or result["offenders"]:
        offenders = result["offenders"][:5] or ["<html>"]
        for offender in offenders:
            section.add("reflow", where, offender,
                        f"at {REFLOW_WIDTH} CSS px (400% zoom) the page is {result['scrollWidth']} px wide: "
                        "content must reflow without sideways scrolling")


_SCROLL_REGIONS = """() => Array.from(document.querySelectorAll('.table-scroll')).map((box) => ({
  overflows: box.scrollWidth > box.clientWidth + 1,
  focusable: box.getAttribute('tabindex') === '0' && box.getAttribute('role') === 'region',
  label: (box.querySelector('caption') || box).textContent.trim().replace(/\\s+/g, ' ').slice(0, 60),
}))"""


def _check_scroll_regions(page: object, where: str, section: Section) -> None:
    """A table wider than its box is a labelled region one can Tab to and scroll; any other is not a
    stop for the keyboard nor a landmark (html.SCROLL_SCRIPT sets this as the window changes size)."""
    for box in page.evaluate(_SCROLL_REGIONS):
        if box["overflows"] and not box["focusable"]:
            section.add("table-scroll", where, box["label"], "the table overflows its box, which cannot be reached "
                        "by keyboard (tabindex=0 and role=region) to scroll it")
        elif box["focusable"] and not box["overflows"]:
            section.add("table-scroll", where, box["label"], "a table that fits its box is still a Tab stop and a "
                        "region landmark", WARNING)
