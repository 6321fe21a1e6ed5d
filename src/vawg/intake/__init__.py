"""Intake: the contracts of the extracts, their validation and staging.

The layers: docs/design.md, "Layers"; tests/conventions/test_layers.py checks them."""
