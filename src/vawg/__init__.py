"""vawg: the living Violence Against Women and Girls needs assessment."""

__version__ = "0.1.0"
