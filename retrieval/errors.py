"""Errors the CLI reports in one line; kept apart so importing them loads no NLTK or numpy."""


class IndexCorruptError(Exception):
    """The index folder exists but can't be read; `gardbot index build` rebuilds it."""
