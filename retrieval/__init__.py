"""Lecture retrieval: sources -> Lecture -> Index -> Answer. Knows nothing about Discord."""
