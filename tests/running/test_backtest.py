"""The back-test (a RAP habit): the default fixture edition, rebuilt, publishes the numbers it published before.

The session's default build (Camden to December 2024 from the seeded 5% synthetic extract) is compared with
the numbers stored in ``tests/fixtures/backtest/``: every quoted value that is a number (counts, rates,
shares, ranks, p-values). A change in any of them is either a bug or a deliberate change of method; when it
is deliberate, refresh the stored numbers and commit them with the change that moved them:

    VAWG_UPDATE_BACKTEST=1 python3 -m pytest tests/running/test_backtest.py
"""

from __future__ import annotations

import json
import os
from conftest import FIXTURES

STORED = FIXTURES / "backtest" / "camden-2024-12-31.json"
# Depends on the day of the build (a card is stale a set number of months after its data period).
DATED = {"services.stale_count"}


def published_numbers(values: dict) -> dict[str, str]:
    return {key: entry["text"] for key, entry in sorted(values.items())
            if entry["kind"] != "text" and key not in DATED}


def test_the_fixture_edition_publishes_the_numbers_it_published_before(built_edition):
    now = published_numbers(json.loads((built_edition.root / "artifacts" / "values.json").read_text(encoding="utf-8")))
    if os.environ.get("VAWG_UPDATE_BACKTEST"):
        STORED.write_text(json.dumps(now, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    stored = json.loads(STORED.read_text(encoding="utf-8"))
    changed = [f"{key}: {stored.get(key, '(absent)')} → {now.get(key, '(absent)')}"
               for key in sorted(set(stored) | set(now)) if stored.get(key) != now.get(key)]
    assert not changed, (f"{len(changed)} published number(s) differ from the back-test ({STORED.name}): "
                         + "; ".join(changed[:15]) + ("; …" if len(changed) > 15 else "")
                         + ". If the change is intended, refresh: VAWG_UPDATE_BACKTEST=1 python3 -m pytest "
                           "tests/running/test_backtest.py")
