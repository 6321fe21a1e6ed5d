"""What a council must publish beside the report: contact details, acknowledgements, help and notices.

A borough's own details live in ``data/boroughs/<borough>/``: ``contact.yaml`` (the team readers
write to, and the local service the "get help now" box names) and ``acknowledgements.yaml``.
A borough without them gets text that says so and how to add them, never another borough's.

The build calls :func:`write_edition_notices` once per edition. It writes the partials the
chapters include (``artifacts/partials/<name>.qmd``) and ``notices.html``, the block every HTML
page carries at the top of its body (quick exit and, for synthetic data, a banner). Both
renderers read ``notices.html`` through ``_quarto.yml``'s ``include-before-body``.

Synthetic data: ``vawg synth`` leaves :data:`SYNTHETIC_MARKER` in its data folder;
:func:`is_synthetic` finds it, and the edition value ``edition.data_notice`` then holds the
notice that the title page, every HTML page and the PDF and Word headers show. With real
extracts (no marker) the value is empty and nothing is shown.

The words are in the wording files beside the pages that print them (:mod:`vawg.foundations.wording`):
``_index.wording.yml`` (notice, help box, quick exit), ``_accessibility.wording.yml`` and
``chapters/_acknowledgements.wording.yml``.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Mapping
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from vawg.writing.artifacts import ArtifactWriter
from vawg.foundations.errors import DataError
from vawg.analysis.services.loading import borough_dir
from vawg.foundations.wording import markdown_escape, not_supplied, phrase

SYNTHETIC_MARKER = "SYNTHETIC.json"
CONTACT_FILE = "contact.yaml"
ACKNOWLEDGEMENTS_FILE = "acknowledgements.yaml"
NOTICES_HTML = "notices.html"
# Where the quick exit goes: a neutral page that loads fast (the GOV.UK Design System's choice too).
QUICK_EXIT_URL = "https://www.bbc.co.uk/weather"
EMERGENCY = "999"
NATIONAL_HELPLINE = ("National Domestic Abuse Helpline", "0808 2000 247")
PARTIALS = ("data-notice", "get-help", "acknowledgements", "accessibility-contact")


class LocalService(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str | None = None
    phone: str | None = None
    hours: str | None = None
    website: str | None = Field(None, pattern=r"^https://")


class Contact(BaseModel):
    """``contact.yaml``: who readers write to about the report, and the borough's own help line."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    team: str
    organisation: str
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = None
    phone_hours: str | None = None
    postal_address: list[str] = Field(default_factory=list)
    local_service: LocalService | None = None
    last_updated: dt.date


class Partner(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    role: str | None = None


class Acknowledgements(BaseModel):
    """``acknowledgements.yaml``: who led the work and who the report thanks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    led_by: str
    contributing_teams: list[str] = Field(default_factory=list)
    partners: list[Partner] = Field(default_factory=list)
    thanks: list[str] = Field(default_factory=list)
    last_updated: dt.date


# ----------------------------------------------------------------------------- synthetic marker


def write_synthetic_marker(data_dir: Path, **details: object) -> Path:
    """Leave :data:`SYNTHETIC_MARKER` in a folder ``vawg synth`` wrote (with how it was made)."""
    path = Path(data_dir) / SYNTHETIC_MARKER
    record = {"made_by": "vawg synth", "note": "These extracts are synthetic: no record describes a real person.",
              **{key: (value.isoformat() if isinstance(value, dt.date) else value) for key, value in details.items()}}
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return path


def is_synthetic(data_dir: Path) -> bool:
    """True when ``data_dir`` holds extracts made by ``vawg synth`` (its marker file is there)."""
    return (Path(data_dir) / SYNTHETIC_MARKER).is_file()


# ----------------------------------------------------------------------------- borough files


def _load(model: type[BaseModel], path: Path) -> BaseModel | None:
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise DataError(f"{path}: not valid YAML ({' '.join(str(error).split())})") from None
    try:
        return model(**(data or {}))
    except ValidationError as error:
        problems = "; ".join(f"field '{'.'.join(str(p) for p in e['loc'])}': {e['msg']}" for e in error.errors())
        raise DataError(f"{path}: {problems}") from None
    except TypeError as error:
        raise DataError(f"{path}: {error}") from None


def load_contact(borough: str, folder: Path | None = None) -> Contact | None:
    """The borough's ``contact.yaml``, or None if it has none. Raises DataError naming file and field."""
    return _load(Contact, (folder or borough_dir(borough)) / CONTACT_FILE)


def load_acknowledgements(borough: str, folder: Path | None = None) -> Acknowledgements | None:
    """The borough's ``acknowledgements.yaml``, or None if it has none."""
    return _load(Acknowledgements, (folder or borough_dir(borough)) / ACKNOWLEDGEMENTS_FILE)


def _words(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    # A serial comma when a part holds "and" itself ("children and learning, and adults and health").
    last = ", and " if any(" and " in item for item in items) else " and "
    return ", ".join(items[:-1]) + last + items[-1]


# ----------------------------------------------------------------------------- partials


def synthetic_notice() -> str:
    """``edition.data_notice`` for synthetic data: "Synthetic data: ..." (the banner prints the words after the colon)."""
    return phrase("index", "synthetic_notice")


def data_notice_text(synthetic: bool) -> str:
    """The title-page notice (a callout after the title, in every format): empty for real extracts."""
    if not synthetic:
        return ""
    return "\n".join(["::: {.callout-warning .synthetic-notice}", "## " + phrase("index", "synthetic_heading"), "",
                      phrase("index", "synthetic_callout"), ":::", ""])


def get_help_text(contact: Contact | None) -> str:
    """The "get help now" box near the start of the report: 999, the national helpline, the local service."""
    name, number = NATIONAL_HELPLINE
    lines = ["::: {.callout-important .get-help}", "## " + phrase("index", "help_heading"), "",
             "- " + phrase("index", "help_emergency", emergency=EMERGENCY),
             "- " + phrase("index", "help_helpline", name=name, number=number),
             ]
    service = contact.local_service if contact is not None else None
    if service is not None:
        detail = f"- **{markdown_escape(service.name)}"
        detail += f": {markdown_escape(service.phone)}**" if service.phone else "**"
        if service.hours:
            detail += f" ({markdown_escape(service.hours)})"
        if service.description:
            detail += f", {markdown_escape(service.description)}"
        if service.website:
            detail += phrase("index", "help_website", url=service.website)
        lines.append(detail + ".")
    lines += ["", phrase("index", "help_leave"), ":::", ""]
    return "\n".join(lines)


def acknowledgements_text(borough: str, acknowledgements: Acknowledgements | None,
                          contact: Contact | None) -> str:
    """Body of the acknowledgements chapter."""
    if acknowledgements is None:
        return "\n".join(["::: {.callout-note}", "## Not supplied for this borough", "",
                          not_supplied(borough, "its acknowledgements"), ":::", ""])
    a = acknowledgements
    parts = [phrase("acknowledgements", "led_by", led_by=markdown_escape(a.led_by))]
    if a.contributing_teams:
        parts.append(phrase("acknowledgements", "teams", teams=markdown_escape(_words(a.contributing_teams))))
    blocks = [" ".join(parts), ""]
    if a.partners:
        blocks += [phrase("acknowledgements", "partners"), ""]
        for partner in a.partners:
            role = phrase("acknowledgements", "partner_role", role=markdown_escape(partner.role)) if partner.role else ""
            blocks.append(f"- {markdown_escape(partner.name)}{role};")
        blocks[-1] = blocks[-1].rstrip(";") + "."
        blocks.append("")
    if a.thanks:
        blocks += [phrase("acknowledgements", "thanks"), ""]
        blocks += [f"- {markdown_escape(item)};" for item in a.thanks]
        blocks[-1] = blocks[-1].rstrip(";") + "."
        blocks.append("")
    if contact is not None:
        blocks += [phrase("acknowledgements", "questions", email=markdown_escape(contact.email), address=contact.email), ""]
    return "\n".join(blocks)


def accessibility_contact_text(borough: str, contact: Contact | None) -> str:
    """How to ask for another format or report a problem: the borough's contact, or a notice."""
    if contact is None:
        return "\n".join(["::: {.callout-note}", "## Not supplied for this borough", "",
                          not_supplied(borough, "its contact details") + " " + phrase("accessibility", "until_then"),
                          ":::", ""])
    lines = [phrase("accessibility", "contact", team=markdown_escape(contact.team),
                    organisation=markdown_escape(contact.organisation)), "",
             "- " + phrase("accessibility", "email", email=markdown_escape(contact.email), address=contact.email)]
    if contact.phone:
        hours = f" ({markdown_escape(contact.phone_hours)})" if contact.phone_hours else ""
        lines.append("- " + phrase("accessibility", "telephone", phone=markdown_escape(contact.phone), hours=hours))
    if contact.postal_address:
        lines.append("- " + phrase("accessibility", "write_to", address=markdown_escape(", ".join(contact.postal_address))))
    lines += ["", phrase("accessibility", "ask"), ""]
    return "\n".join(lines)


def notices_html(synthetic: bool) -> str:
    """The block at the top of every HTML page: the quick exit and, for synthetic data, the banner.

    The exit is a plain link, so it works without JavaScript; with it, the page is blanked
    and replaced in the history (Back does not return), and three presses of Shift do the same.
    """
    banner = ""
    if synthetic:
        detail = html.escape(_sentence_case(synthetic_notice().split(": ", 1)[-1]))
        banner = ('<div class="synthetic-banner" role="note" aria-label="Synthetic data">\n'
                  f"<p><strong>Synthetic data.</strong> {detail}</p>\n</div>\n")
    return f"""<!-- vawg notices: quick exit{' and synthetic-data banner' if synthetic else ''} -->
<div class="quick-exit" data-module="quick-exit">
<a class="quick-exit-button" href="{QUICK_EXIT_URL}" rel="nofollow noreferrer" data-quick-exit>{html.escape(phrase("index", "exit_button"))}</a>
<p class="quick-exit-hint">{html.escape(phrase("index", "exit_hint"))}</p>
<p class="quick-exit-status" role="status" aria-live="polite"></p>
</div>
{banner}<script>
(function () {{
  var link = document.querySelector("[data-quick-exit]");
  if (!link) return;
  var status = document.querySelector(".quick-exit-status");
  function leave(event) {{
    if (event) event.preventDefault();
    document.body.classList.add("quick-exit-leaving");
    document.title = "Loading";
    window.location.replace(link.href);
  }}
  link.addEventListener("click", leave);
  var presses = 0, timer = null;
  document.addEventListener("keyup", function (event) {{
    if (event.key !== "Shift") {{ presses = 0; return; }}
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(function () {{ presses = 0; if (status) status.textContent = ""; }}, 5000);
    if (status) status.textContent = presses < 3 ? "Shift pressed " + presses + " of 3 times" : "Leaving this page";
    if (presses >= 3) leave();
  }});
}})();
</script>
"""


def notice_values(synthetic: bool) -> dict[str, tuple]:
    """``edition.synthetic`` and ``edition.data_notice`` (empty with real extracts)."""
    return {
        "edition.synthetic": ("yes" if synthetic else "no", "text", 0),
        "edition.data_notice": (synthetic_notice() if synthetic else "", "text", 0),
    }


def write_edition_notices(writer: ArtifactWriter, *, borough: str, synthetic: bool,
                          folder: Path | None = None) -> Mapping[str, Path]:
    """Write this edition's notices: values, the four partials and ``notices.html``."""
    contact = load_contact(borough, folder)
    acknowledgements = load_acknowledgements(borough, folder)
    writer.values(notice_values(synthetic))
    texts = {
        "data-notice": data_notice_text(synthetic),
        "get-help": get_help_text(contact),
        "acknowledgements": acknowledgements_text(borough, acknowledgements, contact),
        "accessibility-contact": accessibility_contact_text(borough, contact),
    }
    partials = writer.root / "partials"
    partials.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, text in texts.items():
        written[name] = partials / f"{name}.qmd"
        written[name].write_text(text, encoding="utf-8")
    written[NOTICES_HTML] = partials / NOTICES_HTML
    written[NOTICES_HTML].write_text(notices_html(synthetic), encoding="utf-8")
    return written


def data_notice(variables: Mapping[str, object]) -> str:
    """``edition.data_notice`` from an edition's ``_variables.yml`` (empty when absent or real data)."""
    edition = variables.get("edition") if isinstance(variables, Mapping) else None
    value = edition.get("data_notice") if isinstance(edition, Mapping) else None
    return str(value or "")


def typst_markup_escape(text: str) -> str:
    """``text`` as literal typst markup (for a pandoc ``--variable`` the template prints as is)."""
    return "".join("\\" + char if char in "\\#$*_`<>@[]~=-+/" else char for char in text)


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]
