"""Revisions of editorial content: history, comparison and restoring one safely."""

from reversion_compare.admin import CompareVersionAdmin


class HistoryAdmin(CompareVersionAdmin):
    """History, field-by-field comparison of any two revisions, and restore."""
