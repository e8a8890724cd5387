import pytest

from .helpers import clear_cache_of_this_run


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    clear_cache_of_this_run()
    yield
