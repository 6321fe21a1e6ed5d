"""Static checks of the site's HTML: what axe-core does not look for but the issue asks.

Per page: a language, a title, landmarks (one ``main``, a banner, navigation, a footer),
a skip link as the first focusable element pointing at ``main``, exactly one ``h1`` and
no skipped heading levels, a table of contents (navigation linking every page of the
site). Per figure: alt text that names the chart type and is more than the caption, a
"show the data" table and a CSV download that exists. Per table: a caption, header
cells, ``scope`` on every header cell and a row header (``th scope="row"``) heading every body row;
no layout tables. Per page: its weight (the HTML and every file it loads) within :data:`PAGE_WEIGHT_LIMIT`.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Tag

from vawg.publishing.check.results import WARNING, Section

CHART_WORDS = ("chart", "graph", "map", "plot", "diagram", "histogram", "infographic", "table")
FOCUSABLE = ["a", "button", "input", "select", "textarea", "summary", "details", "[tabindex]"]
# What a page may weigh with everything it loads: a reader on a phone contract pays for each megabyte
# (the 2 MB of issue 13; Chapter 3, with most charts, is the heaviest page).
PAGE_WEIGHT_LIMIT = 2_000_000


def site_pages(site: Path) -> list[Path]:
    """Every HTML page of the site, front page first."""
    pages = sorted(site.rglob("*.html"), key=lambda p: (p.relative_to(site).as_posix() != "index.html", p.as_posix()))
    return pages


def describe(tag: Tag, limit: int = 90) -> str:
    """A short, readable name for an element: its tag, id/class and opening text."""
    name = tag.name
    if tag.get("id"):
        name += f"#{tag['id']}"
    elif tag.get("class"):
        name += "." + ".".join(tag["class"])
    text = " ".join(tag.get_text(" ", strip=True).split())
    if tag.name == "img":
        text = f"src={tag.get('src', '')!r}"
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"<{name}> {text}".strip()


def check_site(site: Path, output_dir: Path, section: Section) -> None:
    """Add findings for every page under ``site`` to ``section``."""
    pages = site_pages(site)
    if not pages:
        section.add("no-pages", str(site.relative_to(output_dir)), "site", "the site has no HTML pages")
        return
    all_pages = {page.relative_to(site).as_posix() for page in pages}
    titles: dict[str, str] = {}
    figures = tables = 0
    heaviest = (0, "")
    for page in pages:
        href = page.relative_to(site).as_posix()
        where = str(page.relative_to(output_dir))
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        _check_document(soup, where, section, titles)
        _check_landmarks(soup, where, section)
        _check_skip_link(soup, where, section)
        _check_headings(soup, where, section)
        _check_contents(soup, href, all_pages, where, section)
        figures += _check_figures(soup, site, href, where, section)
        tables += _check_tables(soup, where, section)
        _check_images(soup, where, section)
        weight = sum(page_resources(page, site, soup).values())
        heaviest = max(heaviest, (weight, href))
        if weight > PAGE_WEIGHT_LIMIT:
            section.add("page-weight", where, f"{weight / 1e6:.1f} MB",
                        f"the page and the files it loads weigh more than {PAGE_WEIGHT_LIMIT / 1e6:.0f} MB", WARNING)
    section.checked.append(f"{len(pages)} pages: landmarks, skip link, headings, contents, weight (the heaviest, "
                           f"{heaviest[1]}, {heaviest[0] / 1e6:.2f} MB with what it loads)")
    section.checked.append(f"{figures} figures: alt text, data table, CSV download")
    section.checked.append(f"{tables} tables: caption, header cells with scope, row headers")


# Where a page names a file the browser fetches as it loads the page (links to CSV downloads are not fetched).
LOADED = {"img": ("src",), "script": ("src",), "source": ("srcset", "src"), "link": ("href",)}


def page_resources(page: Path, site: Path, soup: BeautifulSoup | None = None) -> dict[str, int]:
    """The bytes of a page and of every local file it loads (stylesheets, scripts, images), by site path.

    A ``<picture>`` loads one of its files, which depends on the screen: the largest is counted, so the
    sum is the most one reader's browser loads. Links (CSV downloads, other pages) are not loaded.
    """
    soup = soup or BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    href = page.relative_to(site).as_posix()
    sizes = {href: page.stat().st_size}

    def files(tag: Tag) -> dict[str, int]:
        found = {}
        for attribute in LOADED[tag.name]:
            for candidate in (tag.get(attribute) or "").split(","):
                url = candidate.strip().split(" ")[0]
                target = _resolve(href, url) if url else None
                if target is not None and (site / target).is_file():
                    found[target] = (site / target).stat().st_size
        return found

    for tag in soup.find_all(list(LOADED)):
        rel = tag.get("rel") or []
        if (tag.name == "link" and "stylesheet" not in rel and "icon" not in rel) or tag.find_parent("picture"):
            continue
        sizes.update(files(tag))
    for picture in soup.find_all("picture"):
        candidates = [item for tag in picture.find_all(["source", "img"]) for item in files(tag).items()]
        if candidates:
            largest = max(candidates, key=lambda item: item[1])
            sizes[largest[0]] = largest[1]
    return sizes


def _check_document(soup: BeautifulSoup, where: str, section: Section, titles: dict[str, str]) -> None:
    html = soup.find("html")
    if html is None or not html.get("lang"):
        section.add("html-lang", where, "<html>", "the page has no lang attribute")
    title = soup.find("title")
    text = title.get_text(strip=True) if title else ""
    if not text:
        section.add("page-title", where, "<title>", "the page has no title")
    elif text in titles:
        section.add("page-title", where, f"<title> {text}", f"the same title as {titles[text]}; titles must tell pages apart")
    else:
        titles[text] = where


def _check_landmarks(soup: BeautifulSoup, where: str, section: Section) -> None:
    mains = soup.find_all("main") + soup.find_all(attrs={"role": "main"})
    if len(mains) != 1:
        section.add("landmark-main", where, "<main>", f"a page needs exactly one main landmark; found {len(mains)}")
    body = soup.find("body")
    top_level_header = body and any(
        child.name == "header" or child.get("role") == "banner" for child in body.find_all(recursive=False)
        if isinstance(child, Tag)
    )
    if not top_level_header:
        section.add("landmark-banner", where, "<header>", "no banner: a <header> directly in <body>")
    top_level_footer = body and any(
        child.name == "footer" or child.get("role") == "contentinfo" for child in body.find_all(recursive=False)
        if isinstance(child, Tag)
    )
    if not top_level_footer:
        section.add("landmark-contentinfo", where, "<footer>", "no content information: a <footer> directly in <body>")
    navs = soup.find_all("nav") + soup.find_all(attrs={"role": "navigation"})
    if not navs:
        section.add("landmark-navigation", where, "<nav>", "no navigation landmark")
    if len(navs) > 1:
        for nav in navs:
            if not (nav.get("aria-label") or nav.get("aria-labelledby")):
                section.add("landmark-navigation", where, describe(nav, 40),
                            "several navigation landmarks: each needs a label (aria-label) to tell them apart")


def _focusable(soup: BeautifulSoup) -> list[Tag]:
    found = []
    for tag in soup.find_all(True):
        if tag.name == "a" and tag.get("href") is not None:
            found.append(tag)
        elif tag.name in ("button", "input", "select", "textarea", "summary"):
            found.append(tag)
        elif tag.get("tabindex") is not None and tag.get("tabindex") != "-1":
            found.append(tag)
    return found


def _check_skip_link(soup: BeautifulSoup, where: str, section: Section) -> None:
    focusable = _focusable(soup)
    first = focusable[0] if focusable else None
    href = first.get("href", "") if first is not None and first.name == "a" else ""
    if not href.startswith("#") or len(href) < 2:
        section.add("skip-link", where, describe(first) if first else "<body>",
                    "the first focusable element must be a link that skips to the main content")
        return
    target = soup.find(id=href[1:])
    if target is None:
        section.add("skip-link", where, describe(first), f"the skip link points to {href}, which is not on the page")
    elif target.name != "main" and target.get("role") != "main" and target.find_parent("main") is None:
        section.add("skip-link", where, describe(first), f"the skip link points to {href}, not into the main content")


def _check_headings(soup: BeautifulSoup, where: str, section: Section) -> None:
    h1s = soup.find_all("h1")
    if len(h1s) != 1:
        section.add("one-h1", where, "<h1>", f"a page needs exactly one h1; found {len(h1s)}")
    previous = 0
    for heading in soup.find_all(re.compile(r"^h[1-6]$")):
        level = int(heading.name[1])
        if not heading.get_text(strip=True):
            section.add("empty-heading", where, describe(heading), "the heading has no text")
        if previous and level > previous + 1:
            section.add("heading-order", where, describe(heading),
                        f"heading level jumps from h{previous} to h{level}")
        previous = level


def _resolve(page_href: str, url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(page_href), unquote(parts.path)))


def _check_contents(soup: BeautifulSoup, page_href: str, all_pages: set[str], where: str, section: Section) -> None:
    """Some navigation landmark on the page must link every page of the site."""
    best: set[str] = set()
    for nav in soup.find_all("nav"):
        linked = {_resolve(page_href, a["href"]) for a in nav.find_all("a", href=True)}
        linked |= {page_href} if any(a.get("aria-current") == "page" for a in nav.find_all("a")) else set()
        if len(linked & all_pages) > len(best):
            best = linked & all_pages
    missing = sorted(all_pages - best - {page_href})
    if missing:
        section.add("table-of-contents", where, "<nav>",
                    f"no navigation on the page links every page; missing: {', '.join(missing)}")


def _following_until_next_figure(figure: Tag) -> list[Tag]:
    found = []
    for sibling in figure.find_next_siblings():
        if not isinstance(sibling, Tag):
            continue
        if sibling.name in ("figure", "h1", "h2", "h3", "h4", "h5", "h6") or sibling.find("figure"):
            break
        found.append(sibling)
    return found


def _check_figures(soup: BeautifulSoup, site: Path, page_href: str, where: str, section: Section) -> int:
    count = 0
    for figure in soup.find_all("figure"):
        images = figure.find_all(["img", "svg", "object"])
        if not images:
            continue  # a figure of text or a table: no image to describe
        count += 1
        name = describe(figure, 60)
        caption = figure.find("figcaption")
        caption_text = " ".join(caption.get_text(" ", strip=True).split()) if caption else ""
        if not caption_text:
            section.add("figure-caption", where, name, "the figure has no caption")
        for image in images:
            alt = (image.get("alt") if image.name == "img" else image.get("aria-label")) or ""
            alt = " ".join(alt.split())
            if not alt:
                section.add("figure-alt", where, describe(image), "the chart has no alt text")
                continue
            if not any(word in alt.lower() for word in CHART_WORDS):
                section.add("figure-alt", where, describe(image),
                            "the alt text should say what kind of chart this is (line chart, bar chart, map …)")
            if caption_text and alt.lower() in caption_text.lower():
                section.add("figure-alt", where, describe(image),
                            "the alt text only repeats the caption; it should state the main finding")
            elif len(alt.split()) < 8:
                section.add("figure-alt", where, describe(image),
                            "the alt text is too short to state the chart type and the main finding", WARNING)
        after = _following_until_next_figure(figure)
        # The chart's own "show the data" disclosure: another table further down (a numbered table) is not it.
        disclosures = [d for block in after for d in ([block] if block.name == "details" else block.find_all("details"))
                       if "figure-data" in (d.get("class") or [])]
        if not any(d.find("table") for d in disclosures):
            section.add("figure-data", where, name, "no 'show the data' table follows the chart")
        csv_links = [a for block in after for a in ([block] if block.name == "a" else block.find_all("a", href=True))
                     if urlsplit(a.get("href", "")).path.lower().endswith(".csv")]
        if not csv_links:
            section.add("figure-csv", where, name, "no link to download the chart's data as CSV")
        for link in csv_links:
            target = _resolve(page_href, link["href"])
            if target is not None and not (site / target).is_file():
                section.add("figure-csv", where, describe(link), f"the CSV link points to {target}, which is not in the site")
    return count


def _check_tables(soup: BeautifulSoup, where: str, section: Section) -> int:
    count = 0
    for table in soup.find_all("table"):
        count += 1
        caption = table.find("caption")
        label = caption.get_text(" ", strip=True) if caption else ""
        name = f"<table> {label[:70]}" if label else describe(table, 60)
        if table.get("role") in ("presentation", "none"):
            section.add("layout-table", where, name, "a layout table: use CSS for layout, tables only for data")
            continue
        if not label:
            section.add("table-caption", where, name, "the table has no caption")
        headers = table.find_all("th")
        if not headers:
            section.add("table-headers", where, name, "the table has no header cells (th)")
        for cell in headers:
            if cell.get("scope") not in ("col", "row", "colgroup", "rowgroup") and not cell.get("id"):
                section.add("th-scope", where, f"{name} › <th> {cell.get_text(strip=True)[:40]}",
                            "the header cell has no scope (col or row)")
        for row in (row for body in table.find_all("tbody") for row in body.find_all("tr", recursive=False)):
            first = row.find(["td", "th"], recursive=False)
            if first is not None and (first.name != "th" or first.get("scope") != "row"):
                section.add("row-header", where, f"{name} › row {first.get_text(strip=True)[:40]!r}",
                            'the row has no row header: its first cell should be <th scope="row">')
                break
    return count


def _check_images(soup: BeautifulSoup, where: str, section: Section) -> None:
    for image in soup.find_all("img"):
        if image.find_parent("figure") is not None:
            continue
        if image.get("alt") is None:
            section.add("image-alt", where, describe(image), "the image has no alt attribute (alt=\"\" if decorative)")
