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
