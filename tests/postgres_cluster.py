"""A throwaway PostgreSQL cluster for the test suite: initdb into a temporary folder, start, stop, delete.

PostgreSQL refuses to run as root, so when the tests run as root (as CI does) the server runs as the
`postgres` system user that Debian's packages create.
"""

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN_DIRS = ("/usr/lib/postgresql/15/bin", "/usr/local/bin", "/usr/bin")


def _find(binary: str) -> str:
    for directory in [os.environ.get("MAST_PG_BIN", ""), *PG_BIN_DIRS]:
        candidate = Path(directory) / binary
        if directory and candidate.exists():
            return str(candidate)
    found = shutil.which(binary)
    if not found:
        raise RuntimeError(f"PostgreSQL's {binary} was not found; `make test` installs postgresql-15.")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresCluster:
    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="mast-pg-"))
        self.data = self.directory / "data"
        self.port = _free_port()
        self.user = "mast"
        self._as_postgres = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = list(args)
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed:\n{result.stdout}\n{result.stderr}")

    def start(self) -> "PostgresCluster":
        if self._as_postgres:
            shutil.chown(self.directory, "postgres")
        self._run(
            _find("initdb"),
            "-D",
            str(self.data),
            "-U",
            self.user,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        # Durability settings are off: the cluster lives for one test run.
        options = f"-h 127.0.0.1 -p {self.port} -k {self.directory} -F -c full_page_writes=off"
        self._run(
            _find("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.directory / "log"),
            "-w",
            "start",
        )
        return self

    def stop(self) -> None:
        try:
            self._run(_find("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    @property
    def settings(self) -> dict:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "postgres",
            "USER": self.user,
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "OPTIONS": {},
        }
