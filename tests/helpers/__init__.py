"""Helpers the tests share: plain modules any test may import. Fixtures stay in conftest.py
files; the stand-in servers live in `testkit/` (shared with bench/)."""
