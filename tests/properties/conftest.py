"""Property tests draw the same examples on every run (a CI failure reproduces locally)."""

from hypothesis import settings

settings.register_profile("fangpin", derandomize=True, database=None, print_blob=True)
settings.load_profile("fangpin")
