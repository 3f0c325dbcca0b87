import pytest


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # The manifest storage needs `collectstatic` to have run; the pages' tests should not.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
