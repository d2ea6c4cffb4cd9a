"""The embedded SQLite backend, reading back any number a column holds (see base.py)."""
