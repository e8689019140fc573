"""Fixtures and helpers shared by the tests of several folders, one module
per family (``tests/conftest.py`` registers them as pytest plugins)."""
