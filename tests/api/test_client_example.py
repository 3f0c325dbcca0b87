"""The Python client in docs/api.md, copied out and run as a partner's developer would, against a live MAST:
its push is loaded and its question is answered "known"."""

import contextlib
import io
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def client_example() -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## A Python client") :]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)


def test_the_documented_client_pushes_and_asks(world, live_server, monkeypatch):
    monkeypatch.setenv("MAST_URL", live_server.url)
    monkeypatch.setenv("MAST_PUSH_KEY", world.push.secret)
    monkeypatch.setenv("MAST_QUERY_KEY", world.query.secret)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(client_example(), "docs/api.md", "exec"), {"__name__": "__main__"})  # noqa: S102
    pushed, asked = printed.getvalue().strip().splitlines()
    assert pushed.startswith("(200, {") and "'records_loaded': 1" in pushed
    assert asked.startswith("('known', [{'name': 'involvement'")
