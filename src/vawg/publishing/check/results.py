"""What a check finds: findings grouped in one section per output."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem in one place.

    Parameters
    ----------
    rule : str
        Short id of the requirement broken, e.g. ``image-alt`` (an axe rule) or ``figure-alt``.
    where : str
        The page or file, relative to the edition's output folder (``site/chapters/03-local-picture.html``).
    element : str
        The element: a CSS selector and snippet, a PDF structure path, a Word paragraph ...
    message : str
        What is wrong, in words a non-specialist can act on.
    severity : str
        ``"error"`` (fails the check) or ``"warning"`` (shown, does not fail).
    """

    rule: str
    where: str
    element: str
    message: str
    severity: str = ERROR


@dataclass
class Section:
    """The result of checking one output (the site, the PDF, the Word file, the colours).

    ``checked`` lists what was inspected (shown in the report so a pass says what it covered);
    ``not_run`` is set when the check could not run at all (a missing output or tool): that fails.
    """

    title: str
    target: str
    checked: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    not_run: str | None = None

    def add(self, rule: str, where: str, element: str, message: str, severity: str = ERROR) -> None:
        self.findings.append(Finding(rule, where, element, message, severity))

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == WARNING]

    @property
    def passed(self) -> bool:
        return self.not_run is None and not self.errors


@dataclass
class CheckReport:
    """All sections of one edition's check; :attr:`passed` only if every section passed."""

    edition_dir: Path
    sections: list[Section] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(section.passed for section in self.sections)

    @property
    def errors(self) -> list[Finding]:
        return [finding for section in self.sections for finding in section.errors]

    def section(self, title: str) -> Section:
        """The section called ``title`` (KeyError if there is none)."""
        for section in self.sections:
            if section.title == title:
                return section
        raise KeyError(title)
