"""Checks of the story and of the built files: provenance, coverage, hand-typed numbers, unused facts, what readers get."""
