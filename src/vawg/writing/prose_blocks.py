"""Fenced divs the build resolves in the staged book, before either renderer reads it.

Chapters mark prose that depends on the edition with a class the build knows; the staged
project keeps the prose or replaces it, so pandoc and Quarto see plain Markdown alike:

- ``::: {.if-supplied section="marac"}``: kept when the section's extracts came, otherwise a
  "not supplied" note (:mod:`vawg.writing.supply` decides);
- ``::: {.if-shown values="types.ccb.rate types.ccb.p"}``: kept when every value named is
  published, dropped when any is hidden ("<7" or "[c]");
- ``::: {.if-hidden values="types.ccb.rate"}``: the converse, for the sentence that says in words
  why a number is not given, so no reader meets "[c] the rest of London's 0.05 ([c])".

Deep-dive authors use the last two to write both versions of a sentence around a small number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

from vawg.writing.artifacts import hidden_texts
from vawg.foundations.errors import DataError

FENCE = re.compile(r"^(:{3,})(.*)$")
IF_SHOWN, IF_HIDDEN = "if-shown", "if-hidden"
VALUES_ATTRIBUTE = re.compile(r'\bvalues="([^"]*)"')
# A block's replacement: given its attributes (the text after the fence), its inner text (already resolved)
# and where it opens ("chapters/_03-x.qmd: line 4"), the text to put in its place.
Resolver = Callable[[str, str, str], str]


def class_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(name)}(?![\w-])")


def resolve_blocks(text: str, resolvers: Mapping[str, Resolver], *, where: str = "") -> str:
    """``text`` with every fenced div of a class in ``resolvers`` replaced by what its resolver returns.

    Blocks nest; an inner block is resolved before its outer block sees it.
    """
    patterns = {name: class_pattern(name) for name in resolvers}
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    index = 0
    while index < len(lines):
        fence = FENCE.match(lines[index].rstrip("\n"))
        name = next((name for name, pattern in patterns.items() if fence and pattern.search(fence.group(2))), None)
        if name is None:
            out.append(lines[index])
            index += 1
            continue
        at = f"{where}: line {index + 1}"
        end = closing_fence(lines, index)
        if end is None:
            raise DataError(f"{at}: the .{name} block is never closed")
        inner = resolve_blocks("".join(lines[index + 1:end]), resolvers, where=where)
        out.append(resolvers[name](fence.group(2), inner, at))
        index = end + 1
    return "".join(out)


def closing_fence(lines: list[str], start: int) -> int | None:
    """The line that closes the div opened at ``start`` (pandoc: a bare fence closes the innermost div)."""
    depth = 0
    for number in range(start, len(lines)):
        fence = FENCE.match(lines[number].rstrip("\n"))
        if fence is None:
            continue
        depth += 1 if fence.group(2).strip() else -1
        if depth == 0:
            return number
    return None


def value_resolvers(values: Mapping[str, Mapping], threshold: int) -> dict[str, Resolver]:
    """The ``.if-shown`` and ``.if-hidden`` resolvers for an edition's values (``values.json``)."""
    hidden = set(hidden_texts(threshold))

    def any_hidden(attributes: str, at: str) -> bool:
        named = VALUES_ATTRIBUTE.search(attributes)
        if named is None or not named.group(1).split():
            raise DataError(f'{at}: the block names no values="…" to test')
        unknown = [key for key in named.group(1).split() if key not in values]
        if unknown:
            raise DataError(f"{at}: no value {', '.join(unknown)} in this edition (values.json)")
        return any(values[key]["text"] in hidden for key in named.group(1).split())

    return {
        IF_SHOWN: lambda attributes, inner, at: "" if any_hidden(attributes, at) else inner,
        IF_HIDDEN: lambda attributes, inner, at: inner if any_hidden(attributes, at) else "",
    }


def apply_value_blocks(project_dir: Path | str, values: Mapping[str, Mapping], threshold: int) -> list[Path]:
    """Resolve the ``.if-shown`` and ``.if-hidden`` blocks of a staged book project in place."""
    resolvers = value_resolvers(values, threshold)
    changed = []
    for path in sorted(Path(project_dir).rglob("*.qmd")):
        text = path.read_text(encoding="utf-8")
        if f".{IF_SHOWN}" not in text and f".{IF_HIDDEN}" not in text:
            continue
        path.write_text(resolve_blocks(text, resolvers, where=str(path.relative_to(project_dir))),
                        encoding="utf-8")
        changed.append(path)
    return changed
