"""Parts of one PDF made in forked processes, and joined again (pypdf).

WeasyPrint lays out and draws in one thread, so a 140-page consolidated report keeps one core busy
for seconds while the other waits. A forked child starts with everything the parent has already
built (WeasyPrint imported, fonts loaded, pages laid out) and needs nothing sent to it: it draws its
share and writes the PDF bytes back through a pipe. Only a process with a single thread forks (a
thread holding a lock at the fork would leave the child blocked); anywhere else the parts are made in
turn, in-process. A child that fails is logged and its part is made in-process, so a part is never
lost. The child leaves with os._exit: no atexit hooks, no flushed buffers and no database connection
of the parent's is closed or touched.
"""
from __future__ import annotations

import io
import logging
import os
import signal
import threading
import traceback
from collections.abc import Callable

log = logging.getLogger(__name__)


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


class Part:
    """`make()` run in a forked child when the process may fork, else on `result()`."""

    def __init__(self, make: Callable[[], bytes], *, fork: bool):
        self._make = make
        self._pid = 0
        self._fd = -1
        if fork and can_fork():
            self._start()

    def _start(self) -> None:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            code = 1
            try:
                os.close(read_fd)
                data = self._make()
                with os.fdopen(write_fd, "wb") as out:
                    out.write(data)
                code = 0
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(code)
        os.close(write_fd)
        self._pid, self._fd = pid, read_fd

    def result(self) -> bytes:
        if not self._pid:
            return self._make()
        with os.fdopen(self._fd, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        code = os.waitstatus_to_exitcode(status)
        if code == 0 and data.startswith(b"%PDF"):
            return data
        log.warning("PDF part process ended with %s; making the part in this process", code)
        return self._make()

    def cancel(self) -> None:
        """Stop an unfinished child (the parent failed before it needed the part)."""
        if self._pid:
            os.close(self._fd)
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = 0


def join(split: list[bytes], outline: list, whole: list[bytes]) -> bytes:
    """One PDF: the `split` parts of one document, with `outline` (WeasyPrint's bookmark tree
    [(label, (page, x, y), children, state)] in PDF coordinates over their joined pages: each part's
    own would nest the headings after a split wrongly), then the `whole` documents with their own
    outlines. Metadata and language come from the first part."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import Fit, NameObject

    writer = PdfWriter()
    readers = [PdfReader(io.BytesIO(part)) for part in split]
    for reader in readers:
        writer.append(reader, import_outline=False)

    def add(items, parent=None):
        for label, (page, x, y), children, state in items:
            item = writer.add_outline_item(label, page, parent=parent, fit=Fit.xyz(left=x, top=y),
                                           is_open=state != "closed")
            add(children, item)

    add(outline)
    for part in whole:
        writer.append(PdfReader(io.BytesIO(part)))
    first = readers[0]
    if first.metadata:
        writer.add_metadata(dict(first.metadata))
    lang = first.trailer["/Root"].get("/Lang")
    if lang is not None:
        writer._root_object[NameObject("/Lang")] = lang
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
