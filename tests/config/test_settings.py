"""Settings come from the environment; production refuses to start without them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SETTINGS_PROBE = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'])"
)


def run_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "SECRET_KEY"}}
    clean.update(DJANGO_SETTINGS_MODULE="mast.config.settings", MAST_VAR_DIR=str(tmp_path / "var"), **env)
    return subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE], env=clean, capture_output=True, text=True, check=False
    )


def test_local_defaults_are_sqlite_under_var_debug_off_and_a_generated_secret(tmp_path):
    result = run_settings(tmp_path)

    assert result.returncode == 0, result.stderr
    debug, engine, name = result.stdout.split()
    assert debug == "False"
    assert engine == "django.db.backends.sqlite3"
    assert name == str(tmp_path / "var" / "mast.sqlite3")
    key_file = tmp_path / "var" / "secret_key"
    assert len(key_file.read_text()) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_the_generated_secret_key_is_kept_between_starts(tmp_path):
    run_settings(tmp_path)
    first = (tmp_path / "var" / "secret_key").read_text()
    run_settings(tmp_path)
    assert (tmp_path / "var" / "secret_key").read_text() == first


def test_database_url_and_debug_come_from_the_environment(tmp_path):
    result = run_settings(tmp_path, DATABASE_URL="postgres://mast@db.example:5432/mast", DEBUG="1")

    assert result.stdout.split() == ["True", "django.db.backends.postgresql", "mast"]


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_required_settings(tmp_path, missing):
    env = {
        "MAST_ENVIRONMENT": "production",
        "SECRET_KEY": "x" * 60,
        "DATABASE_URL": "postgres://mast@db.example/mast",
        "ALLOWED_HOSTS": "mast.example",
    }
    del env[missing]

    result = run_settings(tmp_path, **env)

    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


def test_the_mast_command_lists_the_commands_people_use():
    mast = Path(sys.executable).with_name("mast")
    result = subprocess.run([str(mast), "--help"], capture_output=True, text=True, check=True)
    for command in ("synth", "load", "demo", "runserver"):
        assert f"  {command} " in result.stdout
