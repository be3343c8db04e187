"""The editors' admin (see base.py for history and locking, workflow.py for review)."""

from . import accounts, content, records  # noqa: F401 (register the models)
