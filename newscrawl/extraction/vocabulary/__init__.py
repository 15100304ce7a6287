"""Vocabulary: the words and patterns extraction rules are built from, kept apart from logic."""
