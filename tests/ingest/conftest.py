# The feed tests' partner and mapping fixtures, so the pipeline tests can load files the same way.
from tests.feeds.conftest import source, test_mappings

__all__ = ["source", "test_mappings"]
