"""The feed tests' partner and mapping fixtures, for the feed owner's pages."""

from tests.feeds.conftest import source, test_mappings

__all__ = ["source", "test_mappings"]
