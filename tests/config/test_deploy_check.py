"""Django's deployment checklist passes, warnings included, with production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_manage_py_check_deploy_passes_in_production(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "SECRET_KEY", "MAST_DEMO"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="mast.config.settings",
        MAST_ENVIRONMENT="production",
        SECRET_KEY=secrets.token_urlsafe(64)[:50],
        ALLOWED_HOSTS="mast.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MAST_VAR_DIR=str(tmp_path / "var"),
    )

    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
