import pytest


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # The manifest storage needs `collectstatic` to have run; the pages' tests should not.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# The feed tests' partner and mapping fixtures, for the feed owner's pages.
from tests.feeds.conftest import source, test_mappings  # noqa: E402

__all__ = ["source", "test_mappings"]
