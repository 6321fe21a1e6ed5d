"""Running: the commands, the build and its cache, notebooks, scaffolding and the synthetic generator.

The layers: docs/design.md, "Layers"; tests/conventions/test_layers.py checks them."""
