"""Where MAST keeps its local state (database, secret key, archived feed files)."""

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _checkout_root() -> Path | None:
    # In a source checkout (src/ layout) the repository root sits three levels above the package.
    root = PACKAGE_DIR.parent.parent
    return root if (root / "pyproject.toml").exists() else None


ROOT_DIR = _checkout_root() or Path.cwd()
VAR_DIR = Path(os.environ.get("MAST_VAR_DIR", ROOT_DIR / "var")).resolve()
NODE_MODULES_DIR = Path(os.environ.get("MAST_NODE_MODULES", ROOT_DIR / "node_modules")).resolve()


def private_dir(path: Path) -> Path:
    """Create a folder only MAST's own user can enter (0700): partners' files and personal data live here."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def private_file(path: Path) -> Path:
    """Make a file MAST wrote readable by MAST's own user only (0600)."""
    path.chmod(0o600)
    return path
