"""Values that every page shows but that rarely change (is there sample data? the unit types), computed
once per process and computed again after a change, in whichever process made it.

Each name has a stamp: a small file under TUYENGIAO_VAR/stamps/ holding a random token, replaced when
a transaction that changed the data commits. The web workers, the task worker and the management
commands share that directory, so a reader notices a change made anywhere by reading the token (a few
microseconds, no query) and comparing it with the one its value was computed under.

    cached("unit-types", lambda: tuple(UnitType.objects.values_list("pk", "name")))
    changed("unit-types")   # from a post_save/post_delete receiver of the model behind it

Inside a transaction (a service at work, or a test case) `cached` reads the database: the transaction
may have changed the data, and may still roll back, which no other process can know.
"""
from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

_values: dict[str, tuple[str, Any]] = {}  # name -> (the token it was computed under, value)
_lock = threading.Lock()  # serialises the stamp writes of one process (threaded runserver)


def _path(name: str) -> Path:
    return Path(settings.VAR_DIR) / "stamps" / name


def _token(name: str) -> str:
    try:
        return _path(name).read_text()
    except FileNotFoundError:
        return ""


def cached(name: str, compute: Callable[[], Any], using: str = DEFAULT_DB_ALIAS) -> Any:
    if connections[using].in_atomic_block:
        return compute()
    token = _token(name)  # read before computing: a change committed meanwhile is seen next time
    hit = _values.get(name)
    if hit is not None and hit[0] == token:
        return hit[1]
    value = compute()
    _values[name] = (token, value)
    return value


def _bump(name: str) -> None:
    path = _path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock:
        tmp = path.with_name(f".{name}.{os.getpid()}.{threading.get_ident()}")
        tmp.write_text(secrets.token_hex(8))
        os.replace(tmp, path)  # readers see the old token or the new one, never a partial file
    _values.pop(name, None)


def changed(name: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """The data behind `name` changed: every process computes it again once the change is committed."""
    _values.pop(name, None)
    # robust: a stamp that cannot be written is logged, it does not turn a committed change into an error
    transaction.on_commit(lambda: _bump(name), using=using, robust=True)
