"""Analysis: one module (or package) per section of the report.

The layers: docs/design.md, "Layers"; tests/conventions/test_layers.py checks them."""
