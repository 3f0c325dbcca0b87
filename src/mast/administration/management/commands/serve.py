"""`mast serve`: MAST's production web server (gunicorn) with the options in mast.config.server."""

from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication

from mast.config import server


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self._options = options
        super().__init__()

    def load_config(self):
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        # Imported before the workers fork, as the application is (preload_app): the first search in each
        # worker otherwise imported pandas itself (pyarrow's table building asks for it), a second of CPU per
        # worker and again each time a worker is recycled.
        import pandas  # noqa: F401

        from mast.config.wsgi import application

        return application


class Command(BaseCommand):
    help = "Run MAST's web server (gunicorn) for production, behind nginx (docs/deployment.md)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", help="address:port or unix:/path (default MAST_BIND or 127.0.0.1:8000)")
        parser.add_argument("--workers", type=int, help="worker processes (default 2 x cores + 1)")

    def handle(self, *args, bind=None, workers=None, **options):
        settings = server.options()
        if bind:
            settings["bind"] = bind
        if workers:
            settings["workers"] = workers
        self.stdout.write(f"MAST serving on {settings['bind']} with {settings['workers']} workers")
        _Gunicorn(settings).run()
