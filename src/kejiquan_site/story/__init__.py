"""Editions: the story as the Chinese or the English edition shows it."""
