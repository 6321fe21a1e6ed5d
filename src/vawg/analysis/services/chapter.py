"""What Chapter 4 and Appendix 2 include: card partials, the services index, values and the stale-card list.

Chapter 4 is the borough's own: its text is ``data/boroughs/<borough>/local-response.qmd``
(copied to the ``local-response`` partial) and its cards are that folder's ``services/``. A borough
without them gets a chapter and an Appendix 2 that say so and how to add them, never another
borough's services.

Chapter 4's prose quotes numbers outside the cards too (pupils reached by
school programmes, staff trained, tenants reached by a campaign). Those live
in ``services/_local-response.yml`` with their dates, and reach the prose
as ``{{< var response.<key> >}}``, like every other number of the report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from vawg.writing.artifacts import ArtifactWriter
from vawg.foundations.wording import join_words
from vawg.foundations.paths import display_path
from vawg.analysis.services.loading import CardError, borough_dir, read_yaml, services_dir
from vawg.analysis.services.render import (
    CARD_THRESHOLD,
    STALE_AFTER_MONTHS,
    card_gaps,
    long_date,
    period_text,
    render_category,
    render_index,
    stale_cards,
)
from vawg.foundations.wording import markdown_escape
from vawg.analysis.services.schema import CATEGORIES, CHAPTER_CATEGORIES, Card, Period, Section
from vawg.foundations.wording import not_supplied, phrase

FACTS_FILE = "_local-response.yml"
STATUS_FILE = "services_status.json"
INDEX_PARTIAL = "services-index"
CHAPTER_PARTIAL = "local-response"
CHAPTER_FILE = "local-response.qmd"


def partial_name(category: str) -> str:
    """Name of the partial holding ``category``'s cards (``artifacts/partials/<name>.qmd``)."""
    return f"services-{category}"


class Fact(BaseModel):
    """One number Chapter 4's prose quotes, with what it counts and when."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: int | float
    kind: Literal["count", "number", "percent"] = Field(
        description="count: people (suppressed when small); number: anything else (schools, hours); percent.")
    basis: str | None = Field(None, description="For a percent: the key of the count it rests on.")
    period: Period | None = None
    about: str


class Facts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    last_updated: dt.date
    facts: dict[str, Fact]

    @field_validator("last_updated", mode="before")
    @classmethod
    def _date(cls, value: object) -> object:
        from vawg.analysis.services.schema import _plain_date

        return _plain_date(value)

    @field_validator("facts")
    @classmethod
    def _keys(cls, facts: dict[str, Fact]) -> dict[str, Fact]:
        for key, fact in facts.items():
            if not all(part.replace("_", "").isalnum() and part == part.lower() for part in key.split(".")):
                raise ValueError(f"key {key!r} must be dotted lower-case words, e.g. training.staff_trained")
            if fact.basis is not None and fact.basis not in facts:
                raise ValueError(f"{key}: basis {fact.basis!r} is not another fact's key")
        return facts


def load_facts(path: Path | None = None) -> Facts:
    """Read ``data/boroughs/camden/services/_local-response.yml`` (or ``path``).

    Raises
    ------
    CardError
        Naming the file and the field.
    """
    path = path or services_dir() / FACTS_FILE
    try:
        return Facts(**read_yaml(path))
    except FileNotFoundError:
        raise CardError([f"{display_path(path)}: file not found"]) from None
    except ValidationError as error:
        raise CardError([f"{display_path(path)}: field '{'.'.join(str(p) for p in e['loc'])}': "
                         f"{e['msg'].removeprefix('Value error, ')}" for e in error.errors()]) from None
    except TypeError as error:
        raise CardError([f"{display_path(path)}: {error}"]) from None


def fact_values(facts: Facts) -> dict[str, tuple]:
    """``{key: (value, kind, decimals[, basis])}`` for :meth:`ArtifactWriter.values`, under ``response.``."""
    entries: dict[str, tuple] = {}
    for key, fact in facts.facts.items():
        decimals = 0 if float(fact.value).is_integer() else 1
        if fact.basis is not None:
            entries[f"response.{key}"] = (fact.value, fact.kind, decimals, facts.facts[fact.basis].value)
        else:
            entries[f"response.{key}"] = (fact.value, fact.kind, decimals)
        if fact.period is not None:
            entries[f"response.{key}_period"] = (period_text(fact.period), "text", 0)
    return entries


def write_partial(writer: ArtifactWriter, name: str, text: str) -> Path:
    """Write ``artifacts/partials/<name>.qmd`` (through the writer's own method when it has one)."""
    method = getattr(writer, "partial", None)
    if callable(method):
        return method(name, text)
    path = writer.root / "partials" / f"{name}.qmd"
    path.write_text(text, encoding="utf-8")
    return path


def local_response_text(borough: str, folder: Path | None = None) -> str:
    """Chapter 4's body for ``borough``: its own ``local-response.qmd``, or a notice that none was supplied.

    The borough's file is included from ``artifacts/partials/``, so its includes name
    partials there directly (``{{< include services-index.qmd >}}``).
    """
    path = (folder if folder is not None else borough_dir(borough)) / CHAPTER_FILE
    if path.is_file():
        return path.read_text(encoding="utf-8")
    return "\n".join([
        f"## Services in {markdown_escape(borough)} {{#sec-services-index}}", "",
        "::: {.callout-note}", "## Not supplied for this borough", "",
        not_supplied(borough, "its account of the local response or its service cards"), ":::", ""])


def write_local_response(writer: ArtifactWriter, borough: str, folder: Path | None = None) -> Path:
    """Write the ``local-response`` partial that Chapter 4 includes."""
    return write_partial(writer, CHAPTER_PARTIAL, local_response_text(borough, folder))


def write_card_partials(writer: ArtifactWriter, cards: Sequence[Card], *, edition_date: dt.date,
                        stale_after_months: int = STALE_AFTER_MONTHS, threshold: int = CARD_THRESHOLD,
                        computed: Mapping[str, Section] | None = None,
                        figures: Mapping[str, str] | None = None, borough: str | None = None) -> dict[str, Path]:
    """Write the services index and one partial per category (Chapter 4's six and Appendix 2's).

    Returns the partials written, by name. Cards are suppressed with
    ``threshold`` (Chapter 4's rule: 5) whatever their files say. With no cards
    and a ``borough``, each partial says that borough's cards were not supplied.
    """
    options = {"edition_date": edition_date, "stale_after_months": stale_after_months, "threshold": threshold,
               "computed": computed or {}, "figures": figures or {}}
    written = {INDEX_PARTIAL: write_partial(writer, INDEX_PARTIAL, render_index(cards, CHAPTER_CATEGORIES))}
    for category in CATEGORIES:
        level = 2 if category == "additional" else 4
        name = partial_name(category)
        if not cards and borough is not None:
            text = not_supplied(borough, "its service cards") + "\n"
        else:
            text = render_category(cards, category, level=level, **options)
        written[name] = write_partial(writer, name, text)
    return written


def card_status(cards: Sequence[Card], *, edition_date: dt.date,
                stale_after_months: int = STALE_AFTER_MONTHS) -> dict:
    """Which cards are stale (and why) and what each card lacks, for the build log and ``vawg cards check``."""
    stale = stale_cards(cards, edition_date, stale_after_months)
    return {
        "edition_date": edition_date.isoformat(),
        "stale_after_months": stale_after_months,
        "stale": [{"id": card.id, "name": card.name, "data_period": period_text(card.data_period())}
                  for card in stale],
        "gaps": {card.id: gaps for card in cards if (gaps := card_gaps(card, edition_date, stale_after_months))},
        # Kept for the next edition's "What changed" (vawg.publishing.what_changed): a card whose fingerprint moved was edited.
        "cards": [{"id": card.id, "name": card.name, "last_updated": card.last_updated.isoformat(),
                   "fingerprint": hashlib.sha256(card.model_dump_json().encode()).hexdigest()[:16]} for card in cards],
    }


def write_status(writer: ArtifactWriter, status: dict) -> Path:
    """``artifacts/services_status.json``: the stale-card list the build prints."""
    path = writer.root / STATUS_FILE
    path.write_text(json.dumps(status, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def status_values(cards: Sequence[Card], status: dict, *, threshold: int = CARD_THRESHOLD) -> dict[str, tuple]:
    """Values Chapter 4 quotes about the cards themselves (``services.*``)."""
    chapter = [card for card in cards if card.category in CHAPTER_CATEGORIES]
    stale_names = [entry["name"] for entry in status["stale"]]
    entries: dict[str, tuple] = {
        "services.card_count": (len(chapter), "number", 0),
        "services.additional_count": (len(cards) - len(chapter), "number", 0),
        "services.stale_count": (len(stale_names), "number", 0),
        "services.stale_months": (status["stale_after_months"], "number", 0),
        "services.card_threshold": (threshold, "number", 0),
        "services.stale_names": (join_words(stale_names) if stale_names else "none", "text", 0),
        "services.stale_sentence": (_stale_sentence(stale_names), "text", 0),
        "services.edition_date": (long_date(dt.date.fromisoformat(status["edition_date"])), "text", 0),
    }
    for category in CATEGORIES:
        count = sum(card.category == category for card in cards)
        entries[f"services.count.{category.replace('-', '_')}"] = (count, "number", 0)
    return entries


def _stale_sentence(names: Sequence[str]) -> str:
    if not names:
        return phrase("local-response", "stale_cards", "none")
    if len(names) == 1:
        return phrase("local-response", "stale_cards", "one", names=names[0])
    return phrase("local-response", "stale_cards", "several", count=len(names), names=join_words(names))
