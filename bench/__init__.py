"""Fangpin benchmarks: `python -m bench [--scale small|full] [--only NAME]` (see README.md)."""
