"""The butppg end-to-end tests run with one torch thread (``one_thread`` in
``tests/data_fixtures/butppg.py``, where this family's fixtures are)."""
import pytest


@pytest.fixture(scope='module', autouse=True)
def _one_thread_per_module(one_thread):
    yield
