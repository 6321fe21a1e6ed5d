"""Errors a user can act on.

The command line prints these as one line and exits non-zero; anything else
is a bug and keeps its traceback.
"""


class VawgError(Exception):
    """An expected failure with a message written for the person running the build."""


class ParameterError(VawgError):
    """A build parameter is invalid."""


class DataError(VawgError):
    """An input file is missing or does not meet its contract."""


class NotebookError(VawgError):
    """A notebook failed while the build ran it."""


class RenderError(VawgError):
    """Assembling HTML, PDF or Word failed."""


class DisclosureError(VawgError):
    """The disclosure audit recovered a hidden cell (or found record-level data) in the published files."""
