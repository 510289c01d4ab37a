"""Benchmarks run by hand or in CI's smoke mode (`python -m bench.retrieval --smoke`)."""
