"""Reading a thing once per request: the agreement in force, an agency's place in it, a user's oversight
profile. A page asks the gate, the policy, the purpose page and the misuse rules, and each used to read
these again (ADR 0034).

The memo lives only while web's middleware holds a request open (`one_request`); everywhere else — the task
worker, commands, tests calling a function directly — `once` simply reads. It is never shared between
requests, so a permission revoked, a participation ended or an agreement replaced counts from the next
request at the latest; a change saved during the request itself empties it at once (governance's signals).
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
_memo: ContextVar[dict | None] = ContextVar("mast_request_memo", default=None)


@contextmanager
def one_request() -> Iterator[None]:
    """Everything read through `once` inside this block is read at most once."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


@contextmanager
def one_read_within() -> Iterator[None]:
    """As `one_request` for one piece of work (the misuse rules' look at one event), joining the request's
    memo when there is one rather than starting another."""
    if _memo.get() is not None:
        yield
        return
    with one_request():
        yield


def once(key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, or what it gave earlier in this request under `key`."""
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def forget(**_signal) -> None:
    """Something read through `once` changed: read everything again (a signal receiver, hence `**_signal`)."""
    memo = _memo.get()
    if memo is not None:
        memo.clear()
