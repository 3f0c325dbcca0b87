"""Where the trained matching models are kept. Matching (resolution.py) trains and reads them and search
(search/scoring.py) scores with the newest; a module of its own so that search need not import resolution,
which imports search's index."""

from pathlib import Path

from mast.config.paths import VAR_DIR


def models_dir() -> Path:
    return VAR_DIR / "identity" / "models"
