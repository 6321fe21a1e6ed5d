"""What changed since the last edition of the same borough: the section every edition prints.

Only what both editions published is compared (their ``values.json``, figure and
table data and service-card status), so the section can show nothing the
editions themselves did not: a value hidden in either edition stays hidden.

- headline numbers side by side, with the change and a test of it
  (``data/reference/what_changed_headlines.yaml`` lists them);
- revised series: a past period's published value that differs between the editions;
- categories newly under the threshold, and categories new to this edition;
- service cards added, removed, updated or newly out of date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, model_validator

from vawg.foundations import suppression as sup
from vawg.writing.artifacts import ArtifactWriter, Column, Table, read_download
from vawg.publishing.editions import EditionRecord
from vawg.foundations.levels import ALPHA
from vawg.foundations.paths import project_root
from vawg.analysis.services.render import long_date
from vawg.foundations.wording import join_words

PARTIAL = "what-changed"
TABLE_ID = "tbl-what-changed"
TEST_NAME = "score test for the ratio of two Poisson rates"
# Examples listed per figure or table; the rest are counted.
MAX_EXAMPLES = 3
HIDDEN_TEXTS = {sup.CONFIDENTIAL, "–", ""}


class Headline(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str
    year: str
    count: str | None = None
    rate: str | None = None
    rate_per: int = 1000
    rate_unit: str = ""
    rank: str | None = None

    @model_validator(mode="after")
    def _one_measure(self) -> "Headline":
        if (self.count is None) == (self.rank is None):
            raise ValueError("give either 'count' or 'rank'")
        return self


def load_headlines(path: Path | None = None) -> list[Headline]:
    path = path or project_root() / "data" / "reference" / "what_changed_headlines.yaml"
    return [Headline.model_validate(entry) for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []]


@dataclass(frozen=True)
class PublishedEdition:
    """What one edition published, read back from its artifacts folder."""

    record: EditionRecord
    values: dict[str, dict]
    data: dict[str, tuple[str, list[str], pd.DataFrame]]  # artifact id -> (caption, key columns, cells as text)
    cards: dict[str, dict]
    stale: set[str]
    counts: dict[str, list[str]] = field(default_factory=dict)  # artifact id -> its count columns

    @classmethod
    def read(cls, artifacts: Path, record: EditionRecord) -> "PublishedEdition":
        values = json.loads((artifacts / "values.json").read_text(encoding="utf-8"))
        manifest_path = artifacts / "manifest.json"
        manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
        data, counts = {}, {}
        for entry in [*manifest.get("figures", []), *manifest.get("tables", [])]:
            if entry["id"] == TABLE_ID:
                continue
            csv = artifacts / "data" / f"{entry['id']}.csv"
            if not csv.exists():
                continue
            frame = read_download(csv)
            keys = [c for c in entry.get("key_columns") or list(frame.columns[:1]) if c in frame.columns]
            data[entry["id"]] = (entry["caption"], keys, frame)
            counts[entry["id"]] = list(entry.get("count_columns") or [])
        status_path = artifacts / "services_status.json"
        status = json.loads(status_path.read_text(encoding="utf-8")) if status_path.exists() else {}
        return cls(record, values, data, {card["id"]: card for card in status.get("cards", [])},
                   {card["id"] for card in status.get("stale", [])}, counts)

    def text(self, key: str | None) -> str | None:
        entry = self.values.get(key) if key else None
        return None if entry is None else entry["text"]

    def number(self, key: str | None) -> float | None:
        entry = self.values.get(key) if key else None
        return None if entry is None else entry.get("value")


@dataclass
class Changes:
    previous: EditionRecord | None
    headlines: list[dict] = field(default_factory=list)
    revised: dict[str, list[str]] = field(default_factory=dict)  # artifact id -> examples
    revised_counts: dict[str, int] = field(default_factory=dict)
    newly_suppressed: list[str] = field(default_factory=list)
    new_categories: list[str] = field(default_factory=list)
    cards: dict[str, list[str]] = field(default_factory=dict)  # added, removed, updated, stale -> names
    captions: dict[str, str] = field(default_factory=dict)


# -- periods -------------------------------------------------------------------------------------

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})


def period_end_of(text: str) -> dt.date | None:
    """The last day of a period a table row names: ``2023``, ``2023/24`` (financial year), ``March 2024``."""
    text = text.strip()
    if re.fullmatch(r"(19|20)\d\d", text):
        return dt.date(int(text), 12, 31)
    if match := re.fullmatch(r"((?:19|20)\d\d)/(\d\d)", text):
        return dt.date(int(match.group(1)) + 1, 3, 31)
    if (match := re.fullmatch(r"([A-Za-z]+)\.? ((?:19|20)\d\d)", text)) and match.group(1).lower() in MONTHS:
        year, month = int(match.group(2)), MONTHS[match.group(1).lower()]
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    return None


# -- comparing -----------------------------------------------------------------------------------

def compare(previous: PublishedEdition | None, current: PublishedEdition, headlines: list[Headline],
            threshold: int) -> Changes:
    changes = Changes(previous.record if previous else None)
    if previous is None:
        return changes
    changes.headlines = [_headline_row(h, previous, current) for h in headlines
                         if h.year in current.values or h.year in previous.values]
    small = sup.suppressed_count_text(threshold)
    hidden_past: list[str] = []
    hidden_now: list[str] = []
    for artifact_id, (caption, keys, frame) in current.data.items():
        if artifact_id not in previous.data:
            continue
        changes.captions[artifact_id] = caption
        _, old_keys, old = previous.data[artifact_id]
        keys = [k for k in keys if k in old.columns]
        if not keys:
            continue
        old_rows = _rows(old, keys)
        new_rows = _rows(frame, keys)
        shared = [c for c in frame.columns if c in old.columns and c not in keys]
        examples, revised = [], 0
        for key, row in new_rows.items():
            before = old_rows.get(key)
            if before is None:
                continue
            ends = [end for part in key if (end := period_end_of(part)) is not None]
            past = bool(ends) and max(ends) <= previous.record.period_end
            for column in shared:
                old_text, new_text = before[column], row[column]
                if old_text == new_text:
                    continue
                where = f"{', '.join(p for p in key if p)}, {column}"
                if new_text == small and _shown(old_text, small):
                    # A past period's figure now hidden is the surprise a reader needs first; a category
                    # of this period under the threshold is listed after it.
                    (hidden_past if past else hidden_now).append(f"{where} (@{artifact_id})")
                # Revisions of counts only: limits, averages and rates move with every new month.
                elif (past and column in current.counts.get(artifact_id, ())
                      and _shown(old_text, small) and _shown(new_text, small)):
                    revised += 1
                    if len(examples) < MAX_EXAMPLES:
                        examples.append(f"{where}: {old_text} to {new_text}")
        if revised:
            changes.revised[artifact_id], changes.revised_counts[artifact_id] = examples, revised
        old_categories = {_category(key) for key in old_rows}
        for category in dict.fromkeys(_category(key) for key in new_rows):
            if category and category not in old_categories:
                changes.new_categories.append(f"{', '.join(category)} (@{artifact_id})")
    changes.newly_suppressed = hidden_past + hidden_now
    changes.cards = _card_changes(previous, current)
    return changes


def _rows(frame: pd.DataFrame, keys: list[str]) -> dict[tuple[str, ...], dict[str, str]]:
    rows: dict[tuple[str, ...], dict[str, str]] = {}
    for record in frame.to_dict("records"):
        rows.setdefault(tuple(str(record[k]) for k in keys), record)
    return rows


def _category(key: tuple[str, ...]) -> tuple[str, ...]:
    """A row's key without its period: the category a series follows through time."""
    return tuple(part for part in key if period_end_of(part) is None and part)


def _shown(text: str, small: str) -> bool:
    return text not in HIDDEN_TEXTS and text != small


def _headline_row(headline: Headline, previous: PublishedEdition, current: PublishedEdition) -> dict:
    key = headline.rank or headline.count
    old_text, new_text = previous.text(key), current.text(key)
    old_year, new_year = previous.text(headline.year) or "", current.text(headline.year) or ""
    row = {"measure": headline.label,
           "previous": _with_period(old_text, old_year, headline, previous),
           "current": _with_period(new_text, new_year, headline, current),
           "change": "–", "significance": "Not tested"}
    old, new = previous.number(key), current.number(key)
    if old is None or new is None:
        row["significance"] = "Not tested: not published in both editions"
        return row
    if headline.rank:
        moved = int(old) - int(new)
        row["change"] = "No change" if moved == 0 else f"{abs(moved)} place{'s' * (abs(moved) != 1)} {'higher' if moved > 0 else 'lower'}"
        row["significance"] = "Not tested (a rank)"
        return row
    if headline.rate:
        old_rate, new_rate = previous.number(headline.rate), current.number(headline.rate)
        if not old_rate or not new_rate:
            row["significance"] = "Not tested: no rate in both editions"
            return row
        # The population behind each rate, from the published count and rate.
        exposures = (old * headline.rate_per / old_rate, new * headline.rate_per / new_rate)
        row["change"] = sup.format_percent((new_rate - old_rate) / old_rate * 100, 1, signed=True) + " in the rate"
    else:
        exposures = (1.0, 1.0)
        row["change"] = (sup.format_percent((new - old) / old * 100, 1, signed=True) if old else
                         ("No change" if new == old else "–"))
    if old_year == new_year:
        row["significance"] = "Same period: revised" if new != old else "Same period: unchanged"
        return row
    from vawg.foundations.stats.changes import rate_change_test  # loads statsmodels (2 s): only when there is a test

    test = rate_change_test(int(old), exposures[0], int(new), exposures[1])
    row["significance"] = f"{'Yes' if test.p_value < ALPHA else 'No'} ({_p(test.p_value)})"
    return row


def _with_period(text: str | None, year: str, headline: Headline, edition: PublishedEdition) -> str:
    if text is None:
        return "Not supplied"
    if headline.rate and (rate := edition.text(headline.rate)) is not None:
        text = f"{text} ({rate} {headline.rate_unit})"
    return f"{text} in {year}" if year else text


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _card_changes(previous: PublishedEdition, current: PublishedEdition) -> dict[str, list[str]]:
    def name(cards: dict, card_id: str) -> str:
        return cards[card_id].get("name", card_id)

    old, new = previous.cards, current.cards
    if not old and not new:
        return {}
    return {
        "added": [name(new, i) for i in new if i not in old],
        "removed": [name(old, i) for i in old if i not in new],
        "updated": [name(new, i) for i in new if i in old and new[i].get("fingerprint") != old[i].get("fingerprint")],
        "stale": [name(new, i) if i in new else i for i in sorted(current.stale - previous.stale)],
    }


# -- writing -------------------------------------------------------------------------------------

def write_what_changed(writer: ArtifactWriter, changes: Changes, current: EditionRecord) -> Path:
    """The section's partial (and its table, when there is an earlier edition)."""
    if changes.previous is None:
        return writer.partial(PARTIAL, (
            f"This is the first edition of {current.borough}'s needs assessment kept by this build, so there is no "
            "earlier edition to compare it with. From the next edition on, this section compares the headline "
            "numbers with this one and lists any figures revised since."))
    before = changes.previous
    lines = [
        f"This edition, with data to {long_date(current.period_end)}, is compared here with the previous edition, "
        f"with data to {long_date(before.period_end)} (built on {long_date(before.built_on)}). A change between the "
        f"two is called statistically significant when the {TEST_NAME} gives p < {ALPHA}; each count is compared "
        "with the count for a period of the same length. A number that either edition hid is not compared.",
        "",
    ]
    if changes.headlines:
        table = writer.table(Table(
            id=TABLE_ID, caption=f"Headline numbers, this edition and the previous one, {current.borough}",
            data=pd.DataFrame(changes.headlines),
            columns=[Column("Measure", "measure", "text"), Column("Previous edition", "previous", "text"),
                     Column("This edition", "current", "text"), Column("Change", "change", "text"),
                     Column("Statistically significant change", "significance", "text")],
            source="This edition and the previous one, as published",
            notes=[f"Test: {TEST_NAME}, two-sided; a rank is not tested."]))
        lines += [table.read_text(encoding="utf-8"), ""]
    lines += ["**Figures revised.** " + _revisions_text(changes), ""]
    lines += ["**Newly below the threshold.** " + _list_text(
        changes.newly_suppressed, "No figure that the previous edition published is now too small to publish.",
        "These figures were published in the previous edition and are now too small to publish:"), ""]
    lines += ["**New categories.** " + _list_text(
        changes.new_categories, "No table or chart has a category the previous edition did not have.",
        "These categories appear for the first time:"), ""]
    lines += ["**Service cards.** " + _cards_text(changes.cards), ""]
    return writer.partial(PARTIAL, "\n".join(lines))


def _revisions_text(changes: Changes) -> str:
    if not changes.revised:
        return "No value the previous edition published for a past period has changed."
    parts = []
    for artifact_id, examples in changes.revised.items():
        count = changes.revised_counts[artifact_id]
        parts.append(f"@{artifact_id}: {count} past value{'s' * (count != 1)} revised since the previous edition, "
                     f"for example {'; '.join(examples)}.")
    return ("Some values for past periods differ from the previous edition, usually because the extract was "
            "refreshed with late or corrected records:\n\n" + "\n".join(f"- {part}" for part in parts))


def _list_text(items: list[str], none: str, intro: str) -> str:
    if not items:
        return none
    shown = items[:12]
    more = f"\n- and {len(items) - len(shown)} more" if len(items) > len(shown) else ""
    return intro + "\n\n" + "\n".join(f"- {item}" for item in shown) + more


def _cards_text(cards: dict[str, list[str]]) -> str:
    if not cards:
        return "The service cards were not compared: the previous edition kept no record of them."
    said = []
    for what, verb in (("added", "added"), ("removed", "removed"), ("updated", "updated"),
                       ("stale", "now out of date")):
        if cards.get(what):
            said.append(f"{verb}: {join_words(cards[what])}")
    return ("Cards " + "; ".join(said) + ".") if said else "No service card changed."

