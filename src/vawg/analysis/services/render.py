"""Service cards as Quarto Markdown: one layout for every card, in HTML, PDF and Word.

Each card is a ``.section`` div (an HTML ``<section>``) opened by a heading
that carries the card's id (``svc-<file name>``), so the chapter's index and
any reader's heading navigation find it by name; its parts (description,
eligibility, service users, service data, notes) are sub-headings, never a
layout table. Counts under :data:`CARD_THRESHOLD` and percentages built on
them are suppressed here, whatever the card file says, and a card whose
figures are older than the edition by more than ``stale_after_months`` shows a
visible "Data from <period>" notice.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from vawg.foundations import suppression as sup
from vawg.writing.artifacts import attribute_escape
from vawg.foundations.wording import markdown_escape, phrase
from vawg.analysis.services.schema import CATEGORIES, STALE_AFTER_MONTHS, Card, Item, Period, Section

#: Chapter 4's rule (the reference edition's): counts under 5, and percentages built on them, are hidden.
CARD_THRESHOLD = 5

SECTION_TITLES = {"demographics": "Service users", "service_data": "Service data"}


# ----------------------------------------------------------------------------- dates


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _is_month_end(day: dt.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def period_text(period: Period, *, use_label: bool = True) -> str:
    """A period in words: 'April 2024 to March 2025', 'June 2025', '1 January to 30 June 2025'.

    The period's own ``label`` is used instead when it has one (unless ``use_label`` is False).
    """
    if period.label and use_label:
        return period.label
    start, end = period.start, period.end
    if start == end:
        return long_date(start)
    if start.day == 1 and _is_month_end(end):
        if (start.year, start.month) == (end.year, end.month):
            return f"{start:%B %Y}"
        if start.year == end.year:
            return f"{start:%B} to {end:%B %Y}"
        return f"{start:%B %Y} to {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} to {long_date(end)}"
    return f"{long_date(start)} to {long_date(end)}"


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# ----------------------------------------------------------------------------- staleness and gaps


def is_stale(card: Card, edition_date: dt.date, months: int = STALE_AFTER_MONTHS) -> bool:
    """True when the card's figures ended more than ``months`` months before ``edition_date``."""
    end = card.data_end(edition_date)
    return end is not None and add_months(end, months) < edition_date


def stale_cards(cards: Iterable[Card], edition_date: dt.date, months: int = STALE_AFTER_MONTHS) -> list[Card]:
    return [card for card in cards if is_stale(card, edition_date, months)]


def card_gaps(card: Card, as_of: dt.date, months: int = STALE_AFTER_MONTHS) -> list[str]:
    """What a service lead could add or refresh (none of it stops the build)."""
    gaps = []
    if not card.eligibility:
        gaps.append("no eligibility")
    if not card.sections:
        gaps.append("no service user or service data section")
    for name in ("demographics", "service_data"):
        section = getattr(card, name)
        if section is not None and section.status in ("not_available", "not_yet"):
            status = phrase("local-response", "section_status", section.status)
            gaps.append(f"{SECTION_TITLES[name].lower()}: {status.rstrip('.').lower()}")
    if card.contact is None or not (card.contact.website or card.contact.phone or card.contact.email):
        gaps.append("no website or contact details")
    if add_months(card.last_updated, months) < as_of:
        gaps.append(f"last updated {long_date(card.last_updated)}, more than {months} months ago")
    return gaps


# ----------------------------------------------------------------------------- numbers


def _count_text(count: int) -> str:
    return sup.format_count(count)


def _percent_text(percent: float, decimals: int | None = None) -> str:
    if decimals is not None:
        return f"{percent:.{decimals}f}%"
    text = f"{percent:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _basis(item: Item, denominator: int | None) -> float | None:
    """The number of people a figure rests on: its count, or its share of the denominator."""
    if item.withheld:
        return 1.0  # withheld by the provider: treat as small
    if item.count is not None:
        return float(item.count)
    if item.percent is not None and denominator is not None:
        return item.percent * denominator / 100
    return None


def _small(value: float | None, threshold: int) -> bool:
    """A positive number of people that rounds to fewer than ``threshold`` (a share of 0.3 people too)."""
    return value is not None and value > 0 and round(value) < threshold


def value_text(item: Item, *, threshold: int = CARD_THRESHOLD, denominator: int | None = None,
               hidden: bool = False) -> str | None:
    """The published text of an item's figure, or None if it has none.

    ``hidden`` forces suppression: a part of a breakdown hidden so that a small part
    cannot be worked out by subtraction (secondary suppression).
    """
    if not item.has_number:
        return None
    denominator = item.denominator if item.denominator is not None else denominator
    denominator_small = denominator is not None and sup.is_small(denominator, threshold)
    if hidden and not (item.withheld or denominator_small or _small(_basis(item, denominator), threshold)):
        return phrase("local-response", "hidden_figure", "protecting")
    if hidden or item.withheld or denominator_small or _small(_basis(item, denominator), threshold):
        if item.count is not None or item.withheld:
            text = phrase("local-response", "hidden_figure", "count", threshold=threshold)
        else:
            return phrase("local-response", "hidden_figure", "share", threshold=threshold)
        if item.unit:
            text += f" {item.unit}"
        return text
    qualifier = f"{item.qualifier} " if item.qualifier else ""
    if item.count is not None:
        text = qualifier + _count_text(item.count)
        if item.unit:
            text += f" {item.unit}"
        if item.percent is not None:
            text += f" ({_percent_text(item.percent)})"
        elif item.denominator is not None and item.denominator > 0:
            share = item.count / item.denominator * 100
            text += f" of {_count_text(item.denominator)} ({_percent_text(share, 0)})"
        return text
    assert item.percent is not None
    return qualifier + _percent_text(item.percent)


def _item_sentence(item: Item, value: str | None) -> str:
    label = item.label
    if "{value}" in label:
        before, after = label.split("{value}", 1)
        return f"{markdown_escape(before)}{value or ''}{markdown_escape(after)}"
    if value is None:
        return markdown_escape(label) + (":" if item.breakdown and not label.endswith(":") else "")
    return f"{markdown_escape(label)}: {value}"


def _breakdown_hidden(item: Item, threshold: int) -> list[bool]:
    """Which parts to hide: small ones, plus one more if exactly one part of a known whole is hidden.

    With the whole (``item.denominator``) published, a single hidden part could be
    worked out from the others, so the next smallest part is hidden as well
    (the same rule as :func:`vawg.foundations.suppression.secondary_suppression`).
    """
    denominator = item.denominator
    bases = [_basis(part, part.denominator if part.denominator is not None else denominator)
             for part in item.breakdown]
    hidden = [part.withheld or _small(basis, threshold) for part, basis in zip(item.breakdown, bases)]
    if denominator is None or sum(hidden) != 1:
        return hidden
    candidates = [(basis, index) for index, (basis, hide) in enumerate(zip(bases, hidden))
                  if not hide and basis is not None and basis > 0]
    if candidates:
        hidden[min(candidates)[1]] = True
    return hidden


def item_lines(item: Item, *, threshold: int = CARD_THRESHOLD, denominator: int | None = None,
               hidden: bool = False, indent: int = 0) -> list[str]:
    """Markdown list lines for one item and its breakdown."""
    pad = " " * indent
    lines = [f"{pad}- {_item_sentence(item, value_text(item, threshold=threshold, denominator=denominator, hidden=hidden))}"]
    if item.breakdown:
        parent_denominator = item.denominator if item.denominator is not None else denominator
        hide = _breakdown_hidden(item, threshold)
        for part, part_hidden in zip(item.breakdown, hide):
            lines += item_lines(part, threshold=threshold, denominator=parent_denominator,
                                hidden=part_hidden, indent=indent + 4)
    return lines


# ----------------------------------------------------------------------------- cards


def _heading(level: int, text: str, identifier: str, *, listed: bool = True) -> str:
    classes = "" if listed else " .unnumbered .unlisted"
    return f"{'#' * level} {text} {{#{identifier}{classes}}}"


def _section_blocks(card: Card, name: str, section: Section, *, level: int, threshold: int,
                    computed: Mapping[str, Section]) -> list[str]:
    source = section.computed_from
    if source is not None:
        supplied = computed.get(f"{source}.{name}")
        if supplied is None:
            heading = section.title or SECTION_TITLES[name]
            return [_heading(level, markdown_escape(heading), f"{card.heading_id}-{name.replace('_', '-')}", listed=False),
                    "", phrase("local-response", "computed_missing",
                               source=phrase("local-response", "computed_source", source)), ""]
        section = supplied.model_copy(update={"title": section.title or supplied.title,
                                              "text": supplied.text or section.text})
    title = section.title or SECTION_TITLES[name]
    if section.period is not None:
        title += f" ({period_text(section.period)})"
    blocks = [_heading(level, markdown_escape(title), f"{card.heading_id}-{name.replace('_', '-')}", listed=False), ""]
    if section.status != "reported":
        blocks += [phrase("local-response", "section_status", section.status), ""]
    if section.text:
        blocks += [section.text, ""]
    if section.items:
        for item in section.items:
            blocks += item_lines(item, threshold=threshold)
        blocks.append("")
    return blocks


def stale_notice(card: Card, edition_date: dt.date, months: int = STALE_AFTER_MONTHS) -> str:
    """The callout a stale card shows above its content."""
    period = card.data_period()
    assert period is not None
    title = phrase("local-response", "stale_title", period=period_text(period, use_label=False))
    return "\n".join([
        f'::: {{.callout-warning title="{attribute_escape(title)}"}}',
        phrase("local-response", "stale_notice", months=months, edition_end=long_date(edition_date)),
        ":::",
    ])


def render_card(card: Card, *, edition_date: dt.date, stale_after_months: int = STALE_AFTER_MONTHS,
                threshold: int = CARD_THRESHOLD, level: int = 4,
                computed: Mapping[str, Section] | None = None,
                figures: Mapping[str, str] | None = None) -> str:
    """One card as Quarto Markdown.

    Parameters
    ----------
    card
        The validated card.
    edition_date
        End of the edition's period: staleness is measured from it.
    stale_after_months
        Figures that ended more than this many months before ``edition_date`` get a notice.
    threshold
        Counts from 1 to ``threshold - 1`` (and percentages built on them) are suppressed.
    level
        Heading level of the card's name (its parts are one level below).
    computed
        Sections the build computed from an extract, keyed ``"<source>.<section>"``, e.g.
        ``"safety_bus.service_data"`` (see ``computed_from`` in the card schema).
    figures
        Markdown of figures the build made, by figure id (``card.figure``).

    Examples
    --------
    >>> from vawg.analysis.services.schema import Card
    >>> card = Card(id="demo", name="Demo service", category="community", description="Helps.",
    ...             last_updated="2025-01-01")
    >>> print(render_card(card, edition_date=dt.date(2024, 12, 31)).splitlines()[5])
    #### Demo service {#svc-demo}
    """
    computed = computed or {}
    figures = figures or {}
    # In the PDF a rule above the name separates one card from the last (HTML draws a box with CSS).
    blocks = ["::: {.section .service-card}", '::: {.content-visible when-format="typst"}', "* * *", ":::", "",
              _heading(level, markdown_escape(card.name), card.heading_id), ""]
    if is_stale(card, edition_date, stale_after_months):
        blocks += [stale_notice(card, edition_date, stale_after_months), ""]
    sub = level + 1
    blocks += [_heading(sub, "Description", f"{card.heading_id}-description", listed=False), "", card.description, ""]
    if card.eligibility:
        blocks += [_heading(sub, "Eligibility", f"{card.heading_id}-eligibility", listed=False), "",
                   card.eligibility, ""]
    for name in ("demographics", "service_data"):
        section = getattr(card, name)
        if section is not None:
            blocks += _section_blocks(card, name, section, level=sub, threshold=threshold, computed=computed)
    if card.figure and card.figure in figures:
        blocks += [figures[card.figure].strip(), ""]
    if card.notes:
        blocks += [_heading(sub, "Notes", f"{card.heading_id}-notes", listed=False), "", card.notes, ""]
    contact = _contact_lines(card)
    if contact:
        blocks += [_heading(sub, "More information", f"{card.heading_id}-contact", listed=False), "", *contact, ""]
    blocks += [f"[{phrase('local-response', 'card_updated', date=long_date(card.last_updated))}]{{.card-updated}}",
               "", ":::", ""]
    return "\n".join(blocks)


def _contact_lines(card: Card) -> list[str]:
    lines = []
    if card.provider:
        lines.append(f"- Provided by: {markdown_escape(card.provider)}")
    if card.contact is not None:
        if card.contact.website:
            url = str(card.contact.website)
            lines.append(f"- Website: [{markdown_escape(_short_url(url))}]({url})")
        if card.contact.phone:
            lines.append(f"- Telephone: {markdown_escape(card.contact.phone)}")
        if card.contact.email:
            lines.append(f"- Email: [{markdown_escape(card.contact.email)}](mailto:{card.contact.email})")
    return lines


def _short_url(url: str) -> str:
    text = url.split("://", 1)[-1].rstrip("/")
    return text.removeprefix("www.")


def render_category(cards: Sequence[Card], category: str, **options) -> str:
    """Every card of ``category``, in order (options as :func:`render_card`)."""
    chosen = [card for card in cards if card.category == category]
    if not chosen:
        return phrase("local-response", "no_cards") + "\n"
    return "\n".join(render_card(card, **options) for card in chosen)


def category_anchor(category: str) -> str:
    """Id of the heading a chapter gives ``category`` (the index links to it)."""
    return f"sec-services-{category}"


def render_index(cards: Sequence[Card], categories: Sequence[str], *, link_categories: bool = True) -> str:
    """A nested list of every service, by category, each linking to its card."""
    lines = ["::: {.services-index}"]
    for category in categories:
        chosen = [card for card in cards if card.category == category]
        if not chosen:
            continue
        heading = markdown_escape(CATEGORIES[category])
        lines.append(f"- [{heading}](#{category_anchor(category)})" if link_categories else f"- {heading}")
        for card in chosen:
            lines.append(f"    - [{markdown_escape(card.name)}](#{card.heading_id})")
    lines += [":::", ""]
    return "\n".join(lines)
