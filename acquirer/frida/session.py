"""A Frida session on the target: device, attach, the agent, and the page-data stream.

The agent (``agent.js``, package data) answers read requests with a small Frida message
(the page states) and sends the bytes of the read pages over one TCP stream, in request
order. The stream is opened by the host: straight to ``127.0.0.1:PORT`` for a local process
(the agent listens there), through ``device.open_channel("tcp:PORT")`` for a frida-server
device (USB or remote). The host sends a 32-byte random token first; the agent serves only
a connection that presents it.

:meth:`FridaSession.post_read` queues a request; :meth:`FridaSession.receive` waits for its
states and receives its bytes straight into the caller's buffer (``recv_into`` for a local
socket). The caller bounds how many requests are in flight, so memory stays bounded on both
sides: the agent holds at most the requested chunks, the host only the caller's buffers.
"""

from __future__ import annotations

import re
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from importlib import resources
from typing import Any, NoReturn

from memslice.acquirer.errors import (
    AccessDeniedError,
    AcquireError,
    TargetGoneError,
    TargetNotFoundError,
    UnsupportedTargetError,
)

INSTALL_HINT = "the Frida backend needs the frida package: pip install 'memslice[frida]' (or 'frida>=17,<18')"
"""One line telling how to get Frida."""

_TOKEN_BYTES = 32
_TIMEOUT = 60.0
_RUN = re.compile(r"0+")


class FridaUnavailableError(UnsupportedTargetError):
    """The ``frida`` package is not installed."""


class StreamBroken(Exception):  # noqa: N818 - a recoverable event, handled by the source
    """The agent closed the data stream after a send failed (a page vanished after its probe)."""


def load_frida() -> Any:
    """Import ``frida`` or raise :class:`FridaUnavailableError` with the one-line install hint."""
    try:
        import frida
    except ImportError:
        raise FridaUnavailableError(INSTALL_HINT) from None
    return frida


@dataclass(frozen=True)
class DeviceSpec:
    """Where the target runs.

    Attributes:
        kind: ``local``, ``usb`` or ``remote``.
        host: ``HOST[:PORT]`` of the frida-server (``remote`` only).
    """

    kind: str = "local"
    host: str | None = None

    def describe(self) -> str:
        """``local``, ``usb`` or ``remote HOST``."""
        return f"remote {self.host}" if self.kind == "remote" else self.kind


def get_device(spec: DeviceSpec) -> Any:
    """The Frida device for ``spec``.

    Raises:
        FridaUnavailableError: frida is not installed.
        TargetNotFoundError: No USB device, or the frida-server cannot be reached.
    """
    frida = load_frida()
    try:
        if spec.kind == "local":
            return frida.get_local_device()
        if spec.kind == "usb":
            return frida.get_usb_device(timeout=5)
        manager = frida.get_device_manager()
        return manager.add_remote_device(spec.host or "127.0.0.1")
    except (frida.InvalidArgumentError, frida.ServerNotRunningError, frida.TransportError,
            frida.TimedOutError) as exc:
        raise TargetNotFoundError(f"Frida device {spec.describe()}: {exc}") from None


def _agent_source() -> str:
    return resources.files(__package__).joinpath("agent.js").read_text(encoding="utf-8")


class FridaSession:
    """The agent loaded into process ``pid`` on ``device``, with its data stream open.

    Args:
        device: A Frida device (:func:`get_device`).
        pid: The target's process id.
        local: The device is this machine (the stream is a direct TCP connection).

    Raises:
        TargetNotFoundError: No such process on the device.
        AccessDeniedError: Frida may not attach to it.
        TargetGoneError: The process ended while the agent was being loaded.
    """

    def __init__(self, device: Any, pid: int, *, local: bool) -> None:
        frida = load_frida()
        self.pid = pid
        self._lock = threading.Condition()
        self._states: dict[int, str] = {}
        self._error: str | None = None
        self._detached: str | None = None
        self._broken: str | None = None
        self._device = device
        self._local = local
        self._next_id = 0
        try:
            self.session = device.attach(pid)
        except frida.ProcessNotFoundError:
            raise TargetNotFoundError(f"no process with PID {pid} on the Frida device", pid=pid) from None
        except (frida.PermissionDeniedError, frida.NotSupportedError) as exc:
            raise AccessDeniedError(f"Frida cannot attach to PID {pid}: {exc}", pid=pid) from None
        except (frida.ProcessNotRespondingError, frida.TransportError, frida.InvalidOperationError) as exc:
            raise TargetGoneError(f"Frida could not attach to PID {pid}: {exc}", pid=pid) from None
        self.session.on("detached", self._on_detached)
        try:
            self.script = self.session.create_script(_agent_source())
            self.script.on("message", self._on_message)
            self.script.load()
            self.api = self.script.exports_sync
            self._stream = self._open_stream(device, local)
        except (frida.InvalidOperationError, frida.TransportError, OSError) as exc:
            self.session.detach()
            raise TargetGoneError(f"the Frida agent in process {pid} could not be set up (did it exit?): {exc}",
                                  pid=pid) from None

    # -- messages ------------------------------------------------------------------------------
    def _on_detached(self, reason: str, crash: Any = None) -> None:
        with self._lock:
            self._detached = f"Frida session ended: {reason}"
            self._lock.notify_all()

    def _on_message(self, message: dict[str, Any], data: bytes | None) -> None:
        del data
        with self._lock:
            if message.get("type") == "error":
                self._error = f"agent error: {message.get('description')}"
            else:
                payload = message.get("payload") or {}
                if payload.get("type") == "states":
                    self._states[int(payload["id"])] = str(payload["states"])
                elif payload.get("type") == "stream-broken":
                    self._broken = str(payload.get("error"))
                elif payload.get("type") == "stream-error":
                    self._error = f"the Frida agent's data stream failed: {payload.get('error')}"
            self._lock.notify_all()

    # -- the stream ------------------------------------------------------------------------------
    def _open_stream(self, device: Any, local: bool) -> Any:
        token = secrets.token_bytes(_TOKEN_BYTES)
        port = int(self.api.listen(token.hex()))
        stream: Any
        if local:
            stream = socket.create_connection(("127.0.0.1", port), timeout=_TIMEOUT)
            stream.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            stream.sendall(token)
        else:
            stream = device.open_channel(f"tcp:{port}")
            stream.write_all(token)
        deadline = time.monotonic() + _TIMEOUT
        while not self.api.ready():  # requests posted before the agent took the stream would be skipped
            if time.monotonic() > deadline:
                raise TargetGoneError(f"the Frida agent did not take the data stream in {_TIMEOUT:.0f} s",
                                      pid=self.pid)
            time.sleep(0.002)
        return stream

    def reconnect(self) -> None:
        """After :class:`StreamBroken`: a new stream; the requests in flight are forgotten (ask again)."""
        try:
            self._stream.close()
        except OSError:
            pass
        with self._lock:
            self._states.clear()
            self._broken = None
        self._stream = self._open_stream(self._device, self._local)

    def _recv_into(self, view: memoryview) -> None:
        if isinstance(self._stream, socket.socket):
            while view.nbytes:
                try:
                    n = self._stream.recv_into(view)
                except OSError:  # reset by a dying process, or no data for a minute
                    n = 0
                if n == 0:
                    self._stream_ended()
                view = view[n:]
            return
        try:
            data = self._stream.read_all(view.nbytes)
        except Exception:  # noqa: BLE001 - frida's IOStream errors: the same as an end of stream
            self._stream_ended()
        view[:] = data

    def _stream_ended(self) -> NoReturn:
        """The stream ended: the agent broke it on purpose (a send failed), or the process is gone."""
        with self._lock:
            deadline = time.monotonic() + 5.0
            while self._broken is None and self._detached is None and time.monotonic() < deadline:
                self._lock.wait(0.05)
            if self._broken is not None:
                raise StreamBroken(self._broken)
        raise TargetGoneError("the agent's data stream closed or stalled (the process ended?)", pid=self.pid)

    def call(self, name: str, *args: Any) -> Any:
        """Call an agent export; a session or script that died becomes :class:`TargetGoneError`."""
        frida = load_frida()
        try:
            return getattr(self.api, name)(*args)
        except (frida.InvalidOperationError, frida.TransportError, frida.ProcessNotRespondingError) as exc:
            raise TargetGoneError(f"the Frida session with PID {self.pid} ended: {exc}", pid=self.pid) from None
        except frida.core.RPCException as exc:
            raise AcquireError(f"the Frida agent failed in {name}: {exc}", pid=self.pid) from None

    # -- reads -------------------------------------------------------------------------------
    def post_read(self, address: int, pages: int, untouched: bool = False) -> int:
        """Ask the agent for ``pages`` pages at ``address``; returns the request id.

        With ``untouched``, pages ``/proc/self/pagemap`` shows never touched are ``3`` and not read.
        """
        frida = load_frida()
        request = self._next_id
        self._next_id += 1
        try:
            self.script.post({"type": "read", "id": request, "addr": hex(address), "pages": pages,
                              "untouched": untouched})
        except (frida.InvalidOperationError, frida.TransportError) as exc:
            raise TargetGoneError(f"the Frida session with PID {self.pid} ended: {exc}", pid=self.pid) from None
        return request

    def receive(self, request: int, out: memoryview, page_size: int) -> str:
        """Wait for request ``request`` (in posting order) and receive its read pages into ``out``.

        Returns:
            The page states (``0`` read, ``1`` failed, ``2`` unmapped, ``3`` not resident); page ``i`` of a ``0``
            run is at ``out[i * page_size:]``.

        Raises:
            TargetGoneError: The session ended or the stream broke.
            AcquireError: The agent reported an error.
        """
        with self._lock:
            while request not in self._states:
                if self._error is not None:
                    raise AcquireError(self._error, pid=self.pid)
                if self._detached is not None:
                    raise TargetGoneError(self._detached, pid=self.pid)
                if not self._lock.wait(_TIMEOUT):
                    raise TargetGoneError(f"no answer from the Frida agent in {_TIMEOUT:.0f} s", pid=self.pid)
            states = self._states.pop(request)
        for run in _RUN.finditer(states):
            self._recv_into(out[run.start() * page_size:run.end() * page_size])
        return states

    def discard(self, request: int, pages: int, page_size: int) -> None:
        """Receive and drop a request nobody wants any more (a read-ahead that missed)."""
        self.receive(request, memoryview(bytearray(pages * page_size)), page_size)

    def close(self) -> None:
        """Close the stream, unload the agent and detach (errors of a dead session are ignored)."""
        frida = load_frida()
        try:  # first: a read-ahead the agent is still writing then fails instead of blocking
            self._stream.close()
        except (OSError, AttributeError, RuntimeError):
            pass
        try:
            self.api.close()
        except (frida.InvalidOperationError, frida.TransportError, RuntimeError):
            pass
        try:
            self.script.unload()
        except (frida.InvalidOperationError, frida.TransportError, RuntimeError):
            pass
        try:
            self.session.detach()
        except (frida.InvalidOperationError, frida.TransportError, RuntimeError):
            pass
