"""The package's layers (docs/design.md, "Layers"): a module imports only from its own layer or the ones below."""

from __future__ import annotations

import ast
from pathlib import Path

import vawg

PACKAGE = Path(vawg.__file__).parent

# Bottom to top. A name is a top-level module or sub-package of vawg.
LAYERS: list[tuple[str, set[str]]] = [
    ("foundations", {"errors", "paths", "clock", "periods", "reference", "stats", "suppression", "spatial", "digests",
                     "wording", "sections", "parameters", "methods_used"}),
    ("intake", {"contracts", "staging"}),
    ("writing", {"artifacts", "charts", "prose_blocks", "supply"}),
    ("analysis", {"police", "people", "demand", "services", "population", "maps", "appendix", "context",
                  "executive_summary", "stakeholder_views", "recommendations", "borough_content", "borough_notices",
                  "deep_dives"}),
    ("publishing", {"render", "check", "audit", "provenance", "editions", "what_changed", "qa", "catalogue"}),
    ("running", {"notebooks", "buildcache", "buildlock", "build", "many_editions", "scaffold", "validate_cli", "synth",
                 "cli"}),
]
LAYER_OF = {name: index for index, (_, names) in enumerate(LAYERS) for name in names}


def part_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imports_of(path: Path) -> set[str]:
    """Every vawg module the file imports, at the top or inside a function (both run)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names if alias.name.startswith("vawg.")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "vawg":  # `from vawg import charts`: a module; `__version__`: a name
                names |= {f"vawg.{alias.name}" for alias in node.names
                          if (PACKAGE / f"{alias.name}.py").is_file() or (PACKAGE / alias.name).is_dir()}
            elif node.module.startswith("vawg."):
                names.add(node.module)
    return names


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def test_every_part_of_the_package_has_a_layer():
    parts = {part_of(name) for name in modules()} - {""}
    assert parts <= set(LAYER_OF), f"give these a layer in LAYERS (and docs/design.md): {sorted(parts - set(LAYER_OF))}"


def test_no_module_imports_from_a_layer_above_its_own():
    upward = []
    for name, path in modules().items():
        own = part_of(name)
        if not own:
            continue
        for target in imports_of(path):
            other = part_of(target)
            if other and other != own and LAYER_OF[other] > LAYER_OF[own]:
                upward.append(f"{name} ({LAYERS[LAYER_OF[own]][0]}) imports {target} ({LAYERS[LAYER_OF[other]][0]})")
    assert not upward, "\n".join(upward)
