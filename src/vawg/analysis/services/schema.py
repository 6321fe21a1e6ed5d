"""The service card schema: what one file in ``data/services/`` may say.

A card is written by a service lead, not a programmer, so the schema is strict
about structure (a misspelt field is an error, not silently ignored) and
specific about numbers: every count is a number in a ``count`` field, never
typed into a sentence, so that the renderer can suppress counts under 5 (and
percentages built on them) whatever the file says.

Example
-------
A minimal card (``data/services/example-service.yml``)::

    name: Example Service
    category: commissioned-victim-survivors
    last_updated: 2025-06-30
    description: |
      What the service offers, in plain English.
    service_data:
      period: {start: 2024-04-01, end: 2025-03-31}
      items:
        - label: Referrals received
          count: 120
        - label: Referred by children's services
          percent: 19.4
          denominator: 120
"""

from __future__ import annotations

import datetime as dt
import re
import string
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    field_validator,
    model_validator,
)

# The six headings of Chapter 4, in report order, plus Appendix 2's related services.
CATEGORIES: dict[str, str] = {
    "in-house-victim-survivors": "Council in-house services for victim/survivors",
    "in-house-perpetrators": "Council in-house perpetrator interventions",
    "commissioned-victim-survivors": "Services for victim/survivors commissioned or funded by the council",
    "commissioned-perpetrators": "Perpetrator interventions commissioned or funded by the council",
    "community": "Community and voluntary sector services not funded by the council",
    "london-national": "London-wide and national services available in the borough",
    "additional": "Related services that are not specific to VAWG (Appendix 2)",
}
CHAPTER_CATEGORIES: tuple[str, ...] = tuple(key for key in CATEGORIES if key != "additional")

# Extracts the build can compute a card section from (see vawg.analysis.services.safety_bus).
ComputedSource = Literal["safety_bus"]

#: A card whose figures ended more than this many months before the edition date shows a notice.
STALE_AFTER_MONTHS = 12
CARD_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIGURE_ID = re.compile(r"^fig-[a-z0-9]+(-[a-z0-9]+)*$")
# A small whole number standing on its own in a sentence ("3 people"), which would escape
# suppression; "1:1", "Q1", "Levels 1–3", "16+" and "2024" are not matched.
LOOSE_SMALL_NUMBER = re.compile(r"(?<![\w:.,/–-])[1-4](?![\w:.,/–%+-])")


def _plain_date(value: object) -> object:
    """Accept only ``YYYY-MM-DD`` text (or a date); anything else is a clear error."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a real date (written as YYYY-MM-DD)") from None
    raise ValueError(f"{value!r} is not a date written as YYYY-MM-DD")


def _check_markdown(text: str | None) -> str | None:
    """Card text is Markdown paragraphs and lists; headings and shortcodes would break the layout."""
    if text is None:
        return None
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            raise ValueError("headings are not allowed in card text (the card layout adds its own)")
    if "{{<" in text:
        raise ValueError("Quarto shortcodes are not allowed in card text")
    if re.search(r"<[a-zA-Z/!]", text):
        raise ValueError("HTML is not allowed in card text; use Markdown")
    return text.strip() or None


def _check_no_loose_counts(text: str | None, field: str) -> str | None:
    if text and LOOSE_SMALL_NUMBER.search(text):
        raise ValueError(
            f"{field} {text!r} contains a small number typed as text; put counts in the 'count' "
            "field (or set 'withheld: true') so that counts under 5 can be suppressed"
        )
    return text


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Period(_Strict):
    """The dates a card section's figures cover (inclusive)."""

    start: dt.date
    end: dt.date
    label: str | None = Field(None, description="How to name the period instead of the dates, e.g. '2024/25 financial year'.")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _dates(cls, value: object) -> object:
        return _plain_date(value)

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"end {self.end.isoformat()} is before start {self.start.isoformat()}")
        return self


class Item(_Strict):
    """One figure on a card: a count, a percentage, or both; or a sentence without numbers.

    ``label`` names the figure ("Referrals received"); if it contains ``{value}``
    the value is put there instead ("The bus supported {value} people").
    A percentage needs the count it is built on (``count``) or the number it is
    a share of (``denominator``) so that a share of fewer than 5 people can be
    suppressed. ``breakdown`` lists parts of the item (age bands, cohorts);
    when the item has a ``denominator`` the parts are shares of it and a second
    part is hidden if exactly one is suppressed, so that it cannot be worked
    out from the others.
    """

    label: str = Field(min_length=1)
    count: int | None = Field(None, ge=0)
    percent: float | None = Field(None, ge=0, le=100)
    denominator: int | None = Field(None, ge=0)
    qualifier: Literal["about", "over", "under", "up to", "at least", "nearly"] | None = None
    withheld: bool = Field(False, description="The provider withheld a small number: shown as 'fewer than 5'.")
    unit: str | None = Field(None, description="Word after the count, e.g. 'sessions'.")
    breakdown: list[Item] = Field(default_factory=list)

    @field_validator("label")
    @classmethod
    def _label(cls, value: str) -> str:
        fields = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
        if any(name != "value" for name in fields):
            raise ValueError(f"label {value!r} may only contain the placeholder {{value}}")
        return _check_no_loose_counts(value, "label")

    @model_validator(mode="after")
    def _consistent(self) -> Item:
        if self.count is not None and self.denominator is not None and self.count > self.denominator:
            raise ValueError(f"count {self.count} is larger than its denominator {self.denominator}")
        if "{value}" in self.label and self.count is None and self.percent is None and not self.withheld:
            raise ValueError("label has a {value} placeholder but the item has no count or percent")
        return self

    @property
    def has_number(self) -> bool:
        return self.count is not None or self.percent is not None or self.withheld

    def basis_problems(self, denominator: int | None = None, where: str = "") -> list[str]:
        """Percentages with nothing to check them against (a breakdown's parts share the item's denominator)."""
        denominator = self.denominator if self.denominator is not None else denominator
        problems = []
        if self.percent is not None and self.count is None and denominator is None and not self.withheld:
            problems.append(
                f"{where}percent {self.percent:g} needs the count it is built on ('count') or what it is a "
                "share of ('denominator'), so that shares of fewer than 5 people can be suppressed")
        for index, part in enumerate(self.breakdown):
            problems += part.basis_problems(denominator, f"{where}breakdown.{index}: ")
        return problems


class Section(_Strict):
    """Service user demographics or service data: a period, an optional introduction, and figures.

    ``status`` says why a section has no figures; ``computed_from`` names an
    extract the build computes the figures from instead of this file.
    """

    title: str | None = Field(None, description="Heading instead of the default ('Service users' / 'Service data').")
    period: Period | None = None
    status: Literal["reported", "not_available", "too_small", "not_yet"] = "reported"
    text: str | None = None
    items: list[Item] = Field(default_factory=list)
    computed_from: ComputedSource | None = None

    @field_validator("text")
    @classmethod
    def _markdown(cls, value: str | None) -> str | None:
        return _check_markdown(value)

    @model_validator(mode="after")
    def _consistent(self) -> Section:
        for index, item in enumerate(self.items):
            problems = item.basis_problems(where=f"items.{index}: ")
            if problems:
                raise ValueError("; ".join(problems))
        if self.status != "reported" and self.items:
            raise ValueError(f"status is {self.status!r} but the section lists items")
        if self.status == "reported" and self.computed_from is None:
            if not self.items and not self.text:
                raise ValueError("a reported section needs items or text (or set status: not_available)")
            if self.period is None and any(item.has_number for item in _all_items(self.items)):
                raise ValueError("figures need the period they cover: add period: {start: ..., end: ...}")
        return self


def _all_items(items: list[Item]) -> list[Item]:
    found = []
    for item in items:
        found.append(item)
        found.extend(_all_items(item.breakdown))
    return found


class Contact(_Strict):
    website: HttpUrl | None = None
    phone: str | None = None
    email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Card(_Strict):
    """One service: everything Chapter 4 (or Appendix 2) shows about it."""

    id: str = Field(description="The file name without .yml; set by the loader.")
    name: str = Field(min_length=2)
    category: str
    order: int | None = Field(None, description="Position within the category (lower first); else by name.")
    provider: str | None = None
    description: str
    eligibility: str | None = None
    demographics: Section | None = None
    service_data: Section | None = None
    notes: str | None = None
    contact: Contact | None = None
    figure: str | None = Field(None, description="Id of a figure the build makes for this card, e.g. fig-safety-bus-users.")
    last_updated: dt.date

    @field_validator("last_updated", mode="before")
    @classmethod
    def _date(cls, value: object) -> object:
        return _plain_date(value)

    @field_validator("description", "eligibility", "notes")
    @classmethod
    def _markdown(cls, value: str | None) -> str | None:
        return _check_markdown(value)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not CARD_ID.match(value):
            raise ValueError(f"file name {value!r} must be lower-case words joined by hyphens, e.g. camden-safety-net.yml")
        return value

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        if value not in CATEGORIES:
            raise ValueError(f"{value!r} is not a category; use one of: {', '.join(CATEGORIES)}")
        return value

    @field_validator("figure")
    @classmethod
    def _figure(cls, value: str | None) -> str | None:
        if value is not None and not FIGURE_ID.match(value):
            raise ValueError(f"{value!r} is not a figure id like 'fig-words-with-dashes'")
        return value

    @model_validator(mode="after")
    def _description_present(self) -> Card:
        if not self.description:
            raise ValueError("description: a card needs a description")
        return self

    # -- derived ----------------------------------------------------------------
    @property
    def heading_id(self) -> str:
        """The anchor the card's heading carries (and the index links to)."""
        return f"svc-{self.id}"

    @property
    def sections(self) -> list[Section]:
        return [section for section in (self.demographics, self.service_data) if section is not None]

    def data_end(self, edition_date: dt.date | None = None) -> dt.date | None:
        """The last day the card's figures cover (a computed section covers the edition)."""
        ends = [section.period.end for section in self.sections if section.period is not None]
        if edition_date is not None and any(section.computed_from for section in self.sections):
            ends.append(edition_date)
        return max(ends) if ends else None

    def data_period(self) -> Period | None:
        """The period of the card's most recent section (what a staleness notice names)."""
        periods = [section.period for section in self.sections if section.period is not None]
        return max(periods, key=lambda period: period.end) if periods else None


Item.model_rebuild()
