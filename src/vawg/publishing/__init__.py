"""Publishing: rendering, checks, the disclosure audit, edition records and comparisons.

The layers: docs/design.md, "Layers"; tests/conventions/test_layers.py checks them."""
