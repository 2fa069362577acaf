"""Errors that describe a user's mistake or a bad input.

The command line prints these as one line on stderr and exits non-zero;
the app shows them in a dialog or notification. Anything else is a bug.
"""


class HashiyaError(Exception):
    """Base class: a problem the user can act on, described in their words."""

    exit_code = 1


class CorpusError(HashiyaError):
    """The corpus (or one article of it) cannot be read."""


class SchemaError(HashiyaError, ValueError):
    """A label file that cannot be used; the message names the file and line."""


class AnnotationError(HashiyaError, ValueError):
    """An edit that the annotation rules reject; the message says why."""


class StoreError(HashiyaError):
    """The annotation store cannot be opened or written."""


class StoreLockedError(StoreError):
    """Another process holds the store for this annotator; the message says who."""


class StoreCorruptError(StoreError):
    """A store file is damaged; the message names the file and what is wrong.
    The file is never overwritten."""


class StoreSyncError(StoreError):
    """What was written to the store could not be synced to disk (the disk
    failing): it is readable while the system runs, not sure to survive a
    power cut."""


class FormatError(HashiyaError):
    """An import or export file that cannot be read or written."""
