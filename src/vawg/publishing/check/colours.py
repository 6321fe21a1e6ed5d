"""Colour contrast of the site's styles, the chart palette and the charts themselves.

WCAG 2.2 AA: text needs a contrast ratio of at least 4.5:1 against its background
(1.4.3) and graphical marks that carry information (lines, bars, points, legend keys,
focus indicators) at least 3:1 (1.4.11).

The contrast ratio is computed by ColorAide (``Color.contrast(..., method="wcag21")``),
a small, maintained, dependency-free colour library, rather than by hand.

What is checked:

* the stylesheet (``site/assets/vawg.css``): every rule that sets ``color`` against the
  background it sits on; every rule that sets a background against the text and link colours
  drawn on it; every ``outline`` colour against the page. The background of a rule that
  sets none is found the way the cascade usually finds it in this stylesheet: the same
  state rule (``a:focus-visible`` for ``.site-header a:focus-visible``), else the rule of the
  enclosing selector (``.site-header`` for ``.site-header a``), else the page (``body``). This
  is a static reading of our own stylesheet, not a general CSS engine: axe-core checks the
  rendered text of every page as well.
* the chart palette: every colour constant in :mod:`vawg.writing.charts` (marks 3:1, ``*TEXT*`` 4.5:1;
  ``*GRID*`` colours are decorative, the values being labelled, and only listed);
* every SVG chart in the site: glyph fills (matplotlib's ``text_*`` groups) 4.5:1, every other
  fill and stroke 3:1 against the chart's background, except axis ticks and grid lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from coloraide import Color
from lxml import etree

from vawg.publishing.check.results import WARNING, Section

TEXT_MINIMUM = 4.5
GRAPHICS_MINIMUM = 3.0
PAGE_BACKGROUND = "#ffffff"
SVG_NS = "{http://www.w3.org/2000/svg}"


def contrast(foreground: str, background: str) -> float:
    """WCAG 2.x contrast ratio of two CSS colours (1.0 to 21.0)."""
    return Color(foreground).contrast(Color(background), method="wcag21")


def parse_colour(value: str) -> str | None:
    """The first CSS colour in ``value`` (a hex, ``rgb()`` or colour name), or None."""
    value = value.strip()
    for match in re.finditer(r"#[0-9a-fA-F]{3,8}\b|rgba?\([^)]*\)|hsla?\([^)]*\)|\b[a-zA-Z]+\b", value):
        token = match.group(0)
        if token.lower() in {"transparent", "currentcolor", "inherit", "initial", "unset", "none"}:
            continue
        try:
            colour = Color(token)
        except ValueError:
            continue
        if colour.alpha() < 1:
            continue  # translucent: its contrast depends on what is behind; not used here
        return colour.convert("srgb").to_string(hex=True)
    return None


# --- the stylesheet -----------------------------------------------------------------------

@dataclass
class Rule:
    selector: str
    declarations: dict[str, str]
    line: int


@dataclass
class Stylesheet:
    rules: list[Rule] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)

    def value(self, selector: str, properties: Iterable[str]) -> str | None:
        """The last colour that rules for exactly ``selector`` give any of ``properties``."""
        found = None
        for rule in self.rules:
            if rule.selector == selector:
                for prop in properties:
                    if prop in rule.declarations:
                        colour = parse_colour(self.resolve(rule.declarations[prop]))
                        if colour is not None:
                            found = colour
        return found

    def resolve(self, value: str, depth: int = 0) -> str:
        if depth > 10:
            return value

        def substitute(match: re.Match[str]) -> str:
            name, fallback = match.group(1), match.group(2)
            return self.variables.get(name, fallback or "")

        resolved = re.sub(r"var\(\s*(--[\w-]+)\s*(?:,\s*([^)]*))?\)", substitute, value)
        return resolved if resolved == value else self.resolve(resolved, depth + 1)


def parse_stylesheet(css: str) -> Stylesheet:
    """Rules of a plain stylesheet (one selector per :class:`Rule`); ``@media print`` is skipped."""
    sheet = Stylesheet()
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), css, flags=re.S)
    _parse_block(text, 0, sheet)
    for rule in sheet.rules:
        if rule.selector in (":root", "html"):
            for name, value in rule.declarations.items():
                if name.startswith("--"):
                    sheet.variables[name] = value
    return sheet


def _parse_block(text: str, line_offset: int, sheet: Stylesheet) -> None:
    position = 0
    while True:
        opening = text.find("{", position)
        if opening < 0:
            return
        prelude = text[position:opening].strip()
        depth, cursor = 1, opening + 1
        while depth and cursor < len(text):
            depth += {"{": 1, "}": -1}.get(text[cursor], 0)
            cursor += 1
        body = text[opening + 1:cursor - 1]
        line = line_offset + text.count("\n", 0, opening) + 1
        if prelude.startswith("@"):
            if prelude.startswith("@media") and "print" not in prelude:
                _parse_block(body, line - 1, sheet)
        else:
            declarations = {}
            for declaration in body.split(";"):
                if ":" in declaration:
                    name, value = declaration.split(":", 1)
                    declarations[name.strip().lower()] = re.sub(r"\s*!important\s*$", "", value.strip())
            for selector in prelude.split(","):
                sheet.rules.append(Rule(" ".join(selector.split()), declarations, line))
        position = cursor


def _last_compound(selector: str) -> tuple[str, str]:
    """Split ``"X Y:focus"`` into (``"X"``, ``"Y:focus"``)."""
    parts = re.split(r"\s*[ >+~]\s*", selector.strip())
    ancestor = selector.strip()[: len(selector.strip()) - len(parts[-1])].strip().rstrip(">+~").strip()
    return ancestor, parts[-1]


def _states(compound: str) -> tuple[str, list[str]]:
    """``"a:focus-visible"`` -> (``"a"``, [``":focus-visible"``])."""
    states = re.findall(r"::?[\w-]+(?:\([^)]*\))?", compound)
    base = compound
    for state in states:
        base = base.replace(state, "", 1)
    return base, states


BACKGROUND = ("background-color", "background")
FOREGROUND = ("color",)


def _context(sheet: Stylesheet, selector: str, properties: tuple[str, ...], default: str) -> str:
    """The colour ``selector`` gets for ``properties`` from itself, its state rule or its ancestors."""
    own = sheet.value(selector, properties)
    if own is not None:
        return own
    ancestor, compound = _last_compound(selector)
    base, states = _states(compound)
    if states:
        tag = re.match(r"[a-zA-Z][\w-]*", base)
        for rule in reversed(sheet.rules):
            rule_ancestor, rule_compound = _last_compound(rule.selector)
            rule_base, rule_states = _states(rule_compound)
            if rule_ancestor or rule_states != states or rule.selector == selector:
                continue
            if rule_base and not (tag and rule_base == tag.group(0)) and not rule_base.startswith("["):
                continue
            state_value = sheet.value(rule.selector, properties)
            if state_value is not None:
                return state_value
    if ancestor:
        return _context(sheet, ancestor, properties, default)
    if base != selector and base:
        return _context(sheet, base, properties, default) if sheet.value(base, properties) else default
    return default


def check_stylesheet(css: str, where: str, section: Section) -> None:
    """Add a finding to ``section`` for every colour pair of ``css`` below its minimum."""
    sheet = parse_stylesheet(css)
    page_background = sheet.value("body", BACKGROUND) or sheet.value("html", BACKGROUND) or PAGE_BACKGROUND
    page_text = sheet.value("body", FOREGROUND) or sheet.value("html", FOREGROUND) or "#000000"
    link = sheet.value("a", FOREGROUND) or "#0000ee"
    pairs = 0
    seen: set[tuple[str, str, str]] = set()

    def compare(selector: str, line: int, what: str, foreground: str, background: str, minimum: float) -> None:
        nonlocal pairs
        key = (selector, foreground, background)
        if key in seen:
            return
        seen.add(key)
        pairs += 1
        ratio = contrast(foreground, background)
        if ratio < minimum:
            section.add("css-contrast", where, f"line {line}: {selector}",
                        f"{what} {foreground} on {background} has contrast {ratio:.2f}:1; needs {minimum}:1")

    for rule in sheet.rules:
        if rule.selector in (":root", "html") or rule.selector.startswith("@"):
            continue
        declared = rule.declarations
        has_colour = any(p in declared and parse_colour(sheet.resolve(declared[p])) for p in FOREGROUND)
        has_background = any(p in declared and parse_colour(sheet.resolve(declared[p])) for p in BACKGROUND)
        if has_colour:
            foreground = _context(sheet, rule.selector, FOREGROUND, page_text)
            background = _context(sheet, rule.selector, BACKGROUND, page_background)
            compare(rule.selector, rule.line, "text", foreground, background, TEXT_MINIMUM)
        elif has_background:
            background = _context(sheet, rule.selector, BACKGROUND, page_background)
            compare(rule.selector, rule.line, "text", _context(sheet, rule.selector, FOREGROUND, page_text),
                    background, TEXT_MINIMUM)
            compare(rule.selector + " a", rule.line, "link text", link, background, TEXT_MINIMUM)
        for prop in ("outline", "outline-color"):
            if prop in declared:
                outline = parse_colour(sheet.resolve(declared[prop]))
                if outline is not None:
                    ancestor, _ = _last_compound(rule.selector)
                    around = _context(sheet, ancestor, BACKGROUND, page_background) if ancestor else page_background
                    compare(rule.selector + " (outline)", rule.line, "focus outline", outline, around,
                            GRAPHICS_MINIMUM)
    section.checked.append(f"{where}: {pairs} colour pairs in {len(sheet.rules)} rules")


# --- the chart palette --------------------------------------------------------------------------

def palette_constants(module: object) -> dict[str, list[str]]:
    """Upper-case constants of ``module`` that hold a hex colour or a sequence of them."""
    found: dict[str, list[str]] = {}
    for name, value in vars(module).items():
        if not name.isupper():
            continue
        values = [value] if isinstance(value, str) else list(value) if isinstance(value, (tuple, list)) else []
        colours = [item for item in values if isinstance(item, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", item)]
        if colours and len(colours) == len(values):
            found[name] = colours
    return found


def check_palette(palette: Mapping[str, Iterable[str]], where: str, section: Section,
                  background: str = PAGE_BACKGROUND) -> None:
    """Chart colours against the chart background: text constants 4.5:1, marks 3:1, grid lines listed only."""
    count = 0
    for name, colours in palette.items():
        if "GRID" in name:
            section.checked.append(f"{where}: {name} not checked (grid lines are decorative; values are labelled)")
            continue
        minimum = TEXT_MINIMUM if "TEXT" in name else GRAPHICS_MINIMUM
        for colour in [colours] if isinstance(colours, str) else colours:
            count += 1
            ratio = contrast(colour, background)
            if ratio < minimum:
                kind = "text" if minimum == TEXT_MINIMUM else "chart mark"
                section.add("palette-contrast", where, f"{name}: {colour}",
                            f"{kind} colour {colour} on {background} has contrast {ratio:.2f}:1; needs {minimum}:1")
    section.checked.append(f"{where}: {count} palette colours")


# --- SVG charts ------------------------------------------------------------------------------------

def _style_colours(element: etree._Element) -> dict[str, str]:
    colours = {}
    style = element.get("style") or ""
    declarations = dict(
        (name.strip(), value.strip()) for name, value in
        (item.split(":", 1) for item in style.split(";") if ":" in item)
    )
    for prop in ("fill", "stroke"):
        value = declarations.get(prop, element.get(prop))
        if value:
            colour = parse_colour(value)
            if colour is not None:
                colours[prop] = colour
    return colours


def check_svg(path: Path, where: str, section: Section) -> None:
    """Colours drawn in one SVG chart (matplotlib/plotnine output) against its background."""
    try:
        tree = etree.parse(str(path))
    except etree.XMLSyntaxError as error:
        section.add("svg-unreadable", where, path.name, f"cannot read the SVG: {error}")
        return
    background = PAGE_BACKGROUND
    for element in tree.iter():
        ids = [element.get("id") or ""] + [a.get("id") or "" for a in element.iterancestors()]
        if "patch_1" in ids:
            background = _style_colours(element).get("fill", background)
            break
    problems: dict[tuple[str, str], int] = {}
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        colours = _style_colours(element)
        if not colours:
            continue
        ids = [element.get("id") or ""] + [a.get("id") or "" for a in element.iterancestors()]
        if "patch_1" in ids:
            continue  # the figure's background
        is_text = any(i.startswith("text_") for i in ids)
        is_axis_decoration = not is_text and any(i.startswith(("xtick_", "ytick_")) for i in ids)
        if is_axis_decoration:
            continue
        for colour in colours.values():
            if colour == background:
                continue
            minimum = TEXT_MINIMUM if is_text else GRAPHICS_MINIMUM
            if contrast(colour, background) < minimum:
                key = ("text" if is_text else "mark", colour)
                problems[key] = problems.get(key, 0) + 1
    for (kind, colour), count in sorted(problems.items()):
        minimum = TEXT_MINIMUM if kind == "text" else GRAPHICS_MINIMUM
        section.add("chart-contrast", where, f"{count} {kind} element(s) drawn in {colour}",
                    f"{colour} on {background} has contrast {contrast(colour, background):.2f}:1; needs {minimum}:1")


def check_colours(output_dir: Path, *, charts_module: object | None = None) -> Section:
    """The colour section of an edition's check: stylesheet, chart palette and the site's SVG charts."""
    section = Section("Colour contrast", "site stylesheet, chart palette and charts")
    site = output_dir / "site"
    stylesheets = sorted(site.rglob("*.css")) if site.is_dir() else []
    if not stylesheets:
        section.add("no-stylesheet", "site", "assets/*.css", "no stylesheet found in the site", WARNING)
    for css in stylesheets:
        check_stylesheet(css.read_text(encoding="utf-8"), str(css.relative_to(output_dir)), section)
    if charts_module is None:
        from vawg.writing import charts as charts_module
    check_palette(palette_constants(charts_module), f"{charts_module.__name__} palette", section)
    svgs = sorted(site.rglob("*.svg")) if site.is_dir() else []
    for svg in svgs:
        check_svg(svg, str(svg.relative_to(output_dir)), section)
    if svgs:
        section.checked.append(f"{len(svgs)} SVG charts")
    return section
