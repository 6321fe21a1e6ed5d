"""Read service cards from ``data/boroughs/<borough>/services/``, with errors that name the file and the field.

Each borough's cards live in its own folder, so a build for one borough never
shows another's services; a borough with no folder has no cards.

Every file is read before anything fails, so a service lead who broke two cards
sees both problems at once::

    2 problem(s) in the service cards:
      - data/boroughs/camden/services/grace-house.yml: field 'category': 'housing' is not a category; use one of: ...
      - data/boroughs/camden/services/pause.yml: field 'last_updated': '2025-02-30' is not a real date (written as YYYY-MM-DD)
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml
from pydantic import ValidationError

from vawg.foundations import methods_used
from vawg.foundations.errors import DataError
from vawg.foundations.paths import borough_dir, borough_slug, display_path  # noqa: F401 (re-exported)
from vawg.analysis.services.schema import CATEGORIES, Card

MAX_SHOWN = 50


class CardError(DataError):
    """One or more service card files are invalid; ``problems`` lists each as 'file: field: reason'."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "\n".join(f"  - {problem}" for problem in problems[:MAX_SHOWN])
        more = len(problems) - MAX_SHOWN
        tail = f"\n  … and {more} more" if more > 0 else ""
        super().__init__(f"{len(problems)} problem(s) in the service cards:\n{shown}{tail}")


class _DatesAsText(yaml.SafeLoader):
    """YAML without implicit dates: '2025-02-30' reaches the schema as text and gets a clear message."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


DEFAULT_BOROUGH = "Camden"
SOURCE_ID = "service_cards"  # the name Appendix 6a's register (data_sources.csv) reads the cards under


def services_dir(borough: str = DEFAULT_BOROUGH) -> Path:
    """``data/boroughs/<borough>/services/`` of the project (it may not exist: no cards supplied)."""
    return borough_dir(borough) / "services"


def card_files(folder: Path | None = None) -> list[Path]:
    """The card files of ``folder``: every ``*.yml`` except those starting with ``_`` (none if it is missing)."""
    folder = Path(folder) if folder is not None else services_dir()
    return sorted(path for path in folder.glob("*.yml") if not path.name.startswith("_"))


def read_yaml(path: Path) -> object:
    """Parse one YAML file; dates stay text so the schema can check them."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_DatesAsText)


def _describe(error: dict) -> str:
    location = ".".join(str(part) for part in error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    kind = error["type"]
    if kind == "missing":
        message = "is required but missing"
    elif kind == "extra_forbidden":
        message = "is not a card field (check the spelling; see data/boroughs/camden/services/README.md)"
    elif kind in ("date_from_datetime_parsing", "date_parsing"):
        message = f"{error.get('input')!r} is not a date written as YYYY-MM-DD"
    if not location:
        return message
    return f"field '{location}': {message}"


def parse_card(data: object, path: Path) -> tuple[Card | None, list[str]]:
    """Validate one card's parsed YAML; returns the card or the problems, each naming file and field."""
    where = display_path(path)
    if not isinstance(data, dict):
        return None, [f"{where}: expected the card's fields (name:, category:, ...), found {type(data).__name__}"]
    if "id" in data:
        return None, [f"{where}: field 'id': is set from the file name; remove it from the file"]
    try:
        return Card(id=path.stem, **{str(key): value for key, value in data.items()}), []
    except ValidationError as error:
        return None, [f"{where}: {_describe(item)}" for item in error.errors()]
    except TypeError as error:  # e.g. a non-string key
        return None, [f"{where}: {error}"]


def load_card(path: Path | str) -> Card:
    """Read and validate one card file.

    Raises
    ------
    CardError
        Naming the file and each invalid field.
    """
    path = Path(path)
    try:
        data = read_yaml(path)
    except FileNotFoundError:
        raise CardError([f"{display_path(path)}: file not found"]) from None
    except yaml.YAMLError as error:
        raise CardError([f"{display_path(path)}: not valid YAML ({' '.join(str(error).split())})"]) from None
    card, problems = parse_card(data, path)
    if problems:
        raise CardError(problems)
    assert card is not None
    return card


def load_cards(folder: Path | str | None = None, *, paths: Iterable[Path] | None = None) -> list[Card]:
    """Read every card of ``folder`` (default Camden's ``data/boroughs/camden/services/``), in report order.

    Raises
    ------
    CardError
        Listing every problem in every file (and duplicate names) before anything is built.
    """
    methods_used.record("source", SOURCE_ID)  # Appendix 6a lists the sources the analysis read
    files = list(paths) if paths is not None else card_files(Path(folder) if folder is not None else None)
    cards: list[Card] = []
    where: dict[str, Path] = {}
    problems: list[str] = []
    for path in files:
        try:
            cards.append(load_card(path))
            where[cards[-1].id] = path
        except CardError as error:
            problems.extend(error.problems)
    seen: dict[str, Card] = {}
    for card in cards:
        key = card.name.casefold()
        if key in seen:
            problems.append(f"{display_path(where[card.id])}: field 'name': {card.name!r} is also the name of "
                            f"{seen[key].id}.yml; each service needs its own name")
        seen[key] = card
    if problems:
        raise CardError(problems)
    return sort_cards(cards)


def sort_cards(cards: Iterable[Card]) -> list[Card]:
    """Category order of the report, then each card's ``order``, then name."""
    position = {category: index for index, category in enumerate(CATEGORIES)}
    return sorted(cards, key=lambda card: (position[card.category],
                                           card.order if card.order is not None else 10_000,
                                           card.name.casefold()))
