"""Foundations: errors, paths, periods, reference lookups, statistics, suppression rules, wording,
fingerprints, the notebook registry, parameters and the record of methods used. They import nothing above.

The layers: docs/design.md, "Layers"; tests/conventions/test_layers.py checks them."""
