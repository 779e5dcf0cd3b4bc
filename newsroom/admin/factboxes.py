"""Fact boxes in the editors workspace."""
