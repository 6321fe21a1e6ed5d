"""Words the prose chooses from results: lists, directions and test verdicts, phrased one way everywhere."""

from __future__ import annotations

from collections.abc import Sequence

from vawg.stats import TestResult


def join_words(words: Sequence[str]) -> str:
    """"a, b and c"; with a serial comma when an item has its own "and" ("x, y and z, and w")."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    serial = "," if len(words) > 2 and any(" and " in word for word in words) else ""
    return ", ".join(words[:-1]) + f"{serial} and " + words[-1]


def significance(test: TestResult | float) -> str:
    """"statistically significant (p < 0.001)" or "not statistically significant (p = 0.45)"."""
    p = test.p_value if isinstance(test, TestResult) else test
    if p < 0.001:
        return "statistically significant (p < 0.001)"
    if p < 0.01:
        return "statistically significant (p < 0.01)"
    if p < 0.05:
        return f"statistically significant (p = {p:.3f})"
    return f"not statistically significant (p = {p:.2f})"


def direction(value: float, up: str = "higher", down: str = "lower") -> str:
    return up if value > 0 else down
