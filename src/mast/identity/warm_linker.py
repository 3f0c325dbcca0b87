"""The one warm linker a process keeps between incremental runs, and when it may not be trusted.

A push of one record, or a day's delta, is matched against every record. A linker built cold for it pays
seconds of set-up that have nothing to do with the delta (matching/warm.py says which), so each long-lived
process — the web server answering partner pushes, `mast db_worker` loading files — keeps one
`WarmLinker` and changes it by each delta. It is used only while it is exactly what a cold build would give:

- **the store**: the delta must start from the very table the warm linker mirrors (the record store hands
  back the table it read, from memory while the file is the one this process wrote). Another process
  replacing the file, a load rolled back after matching, a store checked record by record, or a new version
  of standardisation each give another table, and the linker is built again from the store;
- **the model**: the newest model file must be the one it was built with (a retrain writes a new version);
  with no model yet it was built on the starter model, which holds only while there are too few records to
  train on — past that, a cold build trains one;
- **nothing half done**: an error while it is being changed or used throws it away.

One run at a time uses it (a lock): DuckDB's connection is not for two threads at once, and loads are
applied one at a time anyway. ADR 0021 gives the reasons and the memory it costs.
"""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mast.identity import model_files
from mast.identity.matching import fellegi_sunter as fs_model
from mast.identity.matching.linkage import Progress, Timings
from mast.identity.matching.warm import WarmLinker
from mast.identity.record_store import Refreshed, refreshed_records

_lock = threading.Lock()
_warm: WarmLinker | None = None
_mirrors = None  # the token of the store state the warm linker holds (record_journal.StoreState)
_model_key: tuple | None = None


def _current_model_key(models_dir: Path, records: int) -> tuple | None:
    """Which model a cold build would use now: the newest model file (by name and time written), the
    starter model while there are too few records to train on, or None when a cold build would train."""
    paths = sorted(models_dir.glob("model-v*.json"), key=lambda p: int(p.stem.split("-v")[-1]))
    if paths:
        return (str(paths[-1]), paths[-1].stat().st_mtime_ns)
    return ("starter",) if records < fs_model.MIN_TRAINING_RECORDS else None


@contextmanager
def linker_for(refreshed: Refreshed, progress: Progress | None = None) -> Iterator[WarmLinker]:
    """The warm linker brought up to date with this refresh of the store, or one built afresh from it."""
    global _warm, _mirrors, _model_key
    with _lock:
        started = time.perf_counter()
        models_dir = model_files.models_dir()
        key = _current_model_key(models_dir, refreshed.count)
        reused = (
            _warm is not None
            and key is not None
            and key == _model_key
            and refreshed.base is not None
            and refreshed.base.token is _mirrors
        )
        try:
            if reused:
                _warm.apply_delta(refreshed.dropped, refreshed.fresh)
            else:
                forget_locked()
                _warm = WarmLinker(refreshed.table, models_dir=models_dir, progress=progress)
                # Training (no model yet) wrote a model file: key the linker on it.
                _model_key = _current_model_key(models_dir, refreshed.count)
            _mirrors = refreshed.state.token
            stage = "warm_linker" if reused else "linker_setup"
            earlier = {} if reused else _warm.timings.seconds  # training, when a cold build trained
            _warm.timings = Timings({stage: time.perf_counter() - started, **earlier})
            _warm.progress = progress or (lambda message: None)
            yield _warm
        except BaseException:
            forget_locked()
            raise


def prime(progress: Progress | None = None) -> None:
    """Build the warm linker now, over the store as it is, so that the next push does not wait for it.
    Otherwise the first load or push a process matches builds it (and pays the cold start once)."""
    with linker_for(refreshed_records(changed=[]), progress):
        pass


def forget() -> None:
    """Let the warm linker go (a full run builds its own and needs the memory)."""
    with _lock:
        forget_locked()


def forget_locked() -> None:
    global _warm, _mirrors, _model_key
    if _warm is not None:
        _warm.close()
    _warm, _mirrors, _model_key = None, None, None
