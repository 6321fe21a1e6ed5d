"""The package's layers (docs/design.md, "Layers"): a module imports only from its own layer or the ones below.

A module's layer is its folder: the first name after ``vawg.`` (``vawg.analysis.police.offences`` is in
``analysis``). Nothing but ``__init__`` and ``__main__`` sits directly under ``vawg/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import vawg

PACKAGE = Path(vawg.__file__).parent

# Bottom to top: the one place the order is written.
LAYERS = ["foundations", "intake", "writing", "analysis", "publishing", "running"]
RANK = {layer: index for index, layer in enumerate(LAYERS)}
TOP_LEVEL = {"vawg", "vawg.__main__"}


def layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imports_of(path: Path) -> set[str]:
    """Every vawg module the file imports, at the top or inside a function (both run)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names if alias.name.startswith("vawg.")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "vawg":  # `from vawg import analysis`: a layer; `__version__`: a name
                names |= {f"vawg.{alias.name}" for alias in node.names if (PACKAGE / alias.name).is_dir()}
            elif node.module.startswith("vawg."):
                names.add(node.module)
    return names


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def test_every_module_is_in_a_layer_folder():
    loose = sorted(name for name in modules() if name not in TOP_LEVEL and layer_of(name) not in RANK)
    assert not loose, (f"move these into a layer's folder ({', '.join(LAYERS)}; docs/design.md, \"Layers\"), "
                       f"or add the layer to LAYERS: {loose}")


def test_every_layer_has_its_folder():
    assert {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").is_file()} == set(LAYERS)


def test_no_module_imports_from_a_layer_above_its_own():
    upward = []
    for name, path in modules().items():
        own = layer_of(name)
        if own not in RANK:
            continue
        for target in imports_of(path):
            other = layer_of(target)
            if other in RANK and RANK[other] > RANK[own]:
                upward.append(f"{name} ({own}) imports {target} ({other})")
    assert not upward, "\n".join(upward)


def test_the_top_of_the_package_imports_no_layer():
    """``import vawg`` stays cheap and below everything: ``vawg/__init__.py`` imports no layer."""
    assert not imports_of(PACKAGE / "__init__.py")
