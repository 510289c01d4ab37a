"""Readers that turn files on disk into timed transcript segments."""
