"""Writing: the one exit for published numbers, charts, and what an edition was supplied with.

The layers: docs/design.md, "Layers"; tests/conventions/test_layers.py checks them."""
