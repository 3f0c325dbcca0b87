#!/usr/bin/env python
"""Django's manage.py for MAST; `mast` (the installed console command) does the same."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from mast.cli import main

if __name__ == "__main__":
    main()
