"""Prose written around a number that may be hidden: .if-shown and .if-hidden blocks, resolved at staging."""

from __future__ import annotations

import pytest

from vawg.foundations.errors import DataError
from vawg.writing.prose_blocks import apply_value_blocks, resolve_blocks, value_resolvers

VALUES = {"types.ccb.rate": {"text": "[c]"}, "types.ccb.count": {"text": "<7"},
          "types.dva.rate": {"text": "4.21"}, "types.dva.p": {"text": "p < 0.001"}}
CHAPTER = """### Controlling or coercive behaviour

::: {.if-shown values="types.ccb.rate"}
The borough's rate was {{< var types.ccb.rate >}}.
:::

::: {.if-hidden values="types.ccb.rate"}
The borough recorded {{< var types.ccb.count >}}: too few to publish a rate.
:::

::: {.if-shown values="types.dva.rate types.dva.p"}
The rate was {{< var types.dva.rate >}} ({{< var types.dva.p >}}).

::: {.callout-tip}
A box inside a kept block.
:::
:::

::: {.if-hidden values="types.dva.rate"}
Never shown while the rate is published.
:::
"""


def test_each_block_keeps_the_version_for_whether_its_numbers_are_published():
    text = resolve_blocks(CHAPTER, value_resolvers(VALUES, 7), where="chapters/_x.qmd")
    assert "The borough's rate was" not in text and "too few to publish a rate" in text
    assert "The rate was {{< var types.dva.rate >}}" in text and "Never shown" not in text
    assert "::: {.callout-tip}\nA box inside a kept block.\n:::\n" in text
    assert ".if-shown" not in text and ".if-hidden" not in text


def test_a_block_is_hidden_when_any_value_it_names_is_hidden():
    values = {**VALUES, "types.dva.p": {"text": "[c]"}}
    text = resolve_blocks(CHAPTER, value_resolvers(values, 7))
    assert "The rate was" not in text


@pytest.mark.parametrize("block, says", [
    ('::: {.if-shown values="types.ccb.rte"}\ntext\n:::\n', "no value types.ccb.rte in this edition"),
    ("::: {.if-hidden}\ntext\n:::\n", 'names no values="'),
    ('::: {.if-shown values="types.ccb.rate"}\ntext\n', "never closed"),
])
def test_a_malformed_block_names_the_file_and_line(block, says):
    with pytest.raises(DataError, match=rf"chapters/_x.qmd: line 2: .*{says}"):
        resolve_blocks("intro\n" + block, value_resolvers(VALUES, 7), where="chapters/_x.qmd")


def test_the_staged_project_is_resolved_in_place(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "_x.qmd").write_text(CHAPTER, encoding="utf-8")
    (tmp_path / "chapters" / "_plain.qmd").write_text("No blocks.\n", encoding="utf-8")
    changed = apply_value_blocks(tmp_path, VALUES, 7)
    assert [path.name for path in changed] == ["_x.qmd"]
    assert "too few to publish a rate" in (tmp_path / "chapters" / "_x.qmd").read_text(encoding="utf-8")

