"""Matching, pure: standardising records, the Fellegi-Sunter model on Splink, linkage, clustering, possible
matches, offline linking of files and evaluation against known truth. Nothing here imports Django (an
import-linter contract in pyproject.toml says so): it runs on plain rows and Arrow tables, so the command
line's offline linking and the benchmarks use it without a database.
"""

# Each standardiser caches per distinct value (names, streets and postcodes repeat a great deal across a
# million records): up to this many values each.
CACHE_SIZE = 1 << 20
