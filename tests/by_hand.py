"""Calculations written out by hand, for tests to check the package's library-backed results against."""


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjustment: the k-th smallest p-value times (m - k + 1), kept monotone and capped at 1."""
    ordered = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted, running = [0.0] * len(p_values), 0.0
    for rank, i in enumerate(ordered):
        running = max(running, min(1.0, p_values[i] * (len(p_values) - rank)))
        adjusted[i] = running
    return adjusted
