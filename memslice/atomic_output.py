"""Write an output file safely: checked first, created new, renamed into place when complete.

Every file memslice writes (captures, imports, exported cores, reports, canonical JSON,
generated code, the conformance corpus) goes through this module, because the
destination directory may be one other users can write to (``/tmp``) and the data may be
a process's secrets.

The rules:

* :func:`check_destination` runs before any expensive work (before a target is frozen or
  a byte of input is read) and fails at once, naming the path the user typed, when the
  destination is a directory (or a name ending in ``/``), when its directory is missing
  or not writable, when it exists and ``force`` is false, or when it is not a regular
  file (FIFO, socket, device) whatever ``force`` says.
* A symbolic link at the destination counts as an existing file: refused without
  ``force``; with ``force`` the *link itself* is replaced by the new file, its target is
  never opened, written or truncated. A link to a directory, FIFO or device is refused
  even with ``force`` (the user most likely meant something else).
* :class:`AtomicFile` creates a new temporary file next to the destination with
  ``O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC``, mode 0600 from creation (the umask can only
  lower it; it is then set to exactly the mode asked for), relative to a descriptor of
  the checked directory. Its name, ``NAME.<16 random hex digits>.partial``, comes from
  :mod:`secrets`: nobody can plant a link, FIFO or file there in advance, and a clash is
  simply retried with another name.
* :meth:`AtomicFile.commit` fsyncs the file, renames it over the destination (without
  ``force`` with ``RENAME_NOREPLACE``, or ``link`` + ``unlink`` where that flag is
  unsupported, so a file that appeared meanwhile is never replaced) and fsyncs the
  directory. Every failure path removes the temporary file, except
  :meth:`AtomicFile.keep`, which leaves it on purpose and returns its real path.

In a directory others can write to *without* the sticky bit nothing is safe (anyone may
rename anything there, the finished file included); :meth:`AtomicFile.commit` at least
refuses to rename a temporary file that is no longer the one written.

Why not ``O_TMPFILE`` + ``linkat``: an unnamed file vanishes when the writer is killed
(SIGKILL, OOM killer, power loss), and the acquirer promises that an interrupted capture
leaves a file that verifies up to its last whole block. A named ``O_EXCL`` file with an
unpredictable name gives the same protection against planted files and keeps that
promise.

Example:
    >>> check_destination("out.json", force=False)               # doctest: +SKIP
    >>> write_file("out.json", b"{}", force=False)                # doctest: +SKIP
"""

from __future__ import annotations

import ctypes
import errno
import os
import resource
import secrets
import stat
from pathlib import Path

from memslice.errors import DestinationExistsError, OutputError

TEMP_SUFFIX = ".partial"
"""Suffix of every temporary output file (``NAME.<random>.partial``)."""
SCRATCH_SUFFIX = ".scratch"
"""Suffix of a scratch file (``NAME.<random>.scratch``; unlinked as soon as it is created)."""

WRITE_PIECE = 512 << 10
"""Most bytes handed to one ``write(2)``: the page cache sizes a new folio by the write, and on
the kernel of our CI machine kind (6.18, ext4) 2 MiB folios cost 25-50x more than their bytes
once memory has been idle a few seconds (``benchmarks/prefault.py``; a zstd capture of 512 MiB
of random bytes spent 3.3 s of its 4 s copying into them)."""

_RANDOM_BYTES = 8
_NAME_KEEP = 200  # characters of the destination name kept in the temporary name (NAME_MAX is 255)
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_RENAME_NOREPLACE = 1
_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"))

try:
    _renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    _renameat2.restype = ctypes.c_int
    _renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
except (AttributeError, OSError):  # not glibc / not Linux: link + unlink below
    _renameat2 = None


def _kind(mode: int) -> str | None:
    """What a non-regular, non-directory file is, or None for a regular file."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


def _refusal(shown: str, st: os.stat_result, followed: os.stat_result | None, force: bool) -> OutputError | None:
    """Why an existing destination (``lstat`` result ``st``) cannot be replaced, or None if it can."""
    if stat.S_ISDIR(st.st_mode):
        return OutputError(f"{shown} is a directory; give the name of the file to write", path=shown)
    if stat.S_ISLNK(st.st_mode):
        if followed is not None and stat.S_ISDIR(followed.st_mode):
            return OutputError(f"{shown} is a symbolic link to a directory; give the name of the file to write",
                               path=shown)
        if followed is not None and not stat.S_ISREG(followed.st_mode):
            return OutputError(f"{shown} is a symbolic link to {_kind(followed.st_mode)}, not a regular file; refused",
                               path=shown)
        if not force:
            return DestinationExistsError(f"{shown} exists (a symbolic link; not overwritten); use -f/--force to "
                                          "replace the link itself", path=shown)
        return None
    kind = _kind(st.st_mode)
    if kind is not None:
        return OutputError(f"{shown} is {kind}, not a regular file; refused", path=shown)
    if not force:
        return DestinationExistsError(f"{shown} exists (not overwritten); use -f/--force to replace it", path=shown)
    return None


def _follow(path: str, dir_fd: int | None = None) -> os.stat_result | None:
    try:
        return os.stat(path, dir_fd=dir_fd)
    except OSError:
        return None  # a dangling link (or a loop): replacing the link itself is harmless


def check_destination(path: str | os.PathLike[str], *, force: bool) -> Path:
    """Fail at once if ``path`` cannot become the output file.

    Cheap (a few ``stat`` calls); call it before any expensive work. :class:`AtomicFile`
    checks again when it creates and when it commits, so a destination that changes in
    between is still handled safely.

    Args:
        path: The destination as the user gave it.
        force: Replacing an existing regular file (or a symbolic link, itself) is allowed.

    Returns:
        ``path`` as a :class:`~pathlib.Path`.

    Raises:
        DestinationExistsError: The destination exists and ``force`` is false.
        OutputError: The destination is a directory, a FIFO, socket or device (or a link to
            one), or its directory is missing, not a directory or not writable.
    """
    shown = os.fspath(path)
    if not shown:
        raise OutputError("the output file name is empty", path=shown)
    if shown.endswith(os.sep) or (os.altsep and shown.endswith(os.altsep)):
        raise OutputError(f"{shown} names a directory; give the name of the file to write", path=shown)
    out = Path(shown)
    try:
        st = os.lstat(shown)
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        raise OutputError(f"{out.parent} is not a directory (in {shown})", path=shown) from None
    except OSError as exc:
        raise OutputError(f"cannot use {shown}: {exc.strerror}", path=shown) from None
    if st is not None:
        problem = _refusal(shown, st, _follow(shown) if stat.S_ISLNK(st.st_mode) else None, force)
        if problem is not None:
            raise problem
    _check_directory(shown, out.parent)
    return out


def _check_directory(shown: str, parent: Path) -> None:
    try:
        st = os.stat(parent)
    except FileNotFoundError:
        raise OutputError(f"directory {parent} does not exist (for {shown})", path=shown) from None
    except NotADirectoryError:
        raise OutputError(f"{parent} is not a directory (in {shown})", path=shown) from None
    except OSError as exc:
        raise OutputError(f"cannot reach directory {parent} (for {shown}): {exc.strerror}", path=shown) from None
    if not stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{parent} is not a directory (in {shown})", path=shown)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"cannot create files in {parent} (for {shown}): permission denied or read-only",
                          path=shown)


def write_error(exc: OSError, shown: str, *, size: int | None = None, kept: str | None = None) -> OutputError:
    """An :class:`OutputError` for a failed write, naming the file and the likely limit.

    Args:
        exc: What the system call raised.
        shown: The destination as the user gave it.
        size: Bytes the file needs in total, when known.
        kept: A partial file left on purpose, to name in the message.

    Returns:
        The error to raise (``from exc``).
    """
    reason = exc.strerror or str(exc)
    need = f"; it needs {size} bytes" if size is not None else ""
    if exc.errno == errno.EFBIG:
        soft = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
        if soft != resource.RLIM_INFINITY:
            reason += f" (the file size limit RLIMIT_FSIZE, `ulimit -f`, is {soft} bytes{need})"
        else:
            reason += f" (larger than the file system's largest file{need})"
    elif exc.errno in (errno.ENOSPC, errno.EDQUOT):
        reason += f" (the file system or the quota is full{need})"
    message = f"cannot write {shown}: {reason}"
    if kept is not None:
        message += f"; kept {kept}"
    return OutputError(message, path=shown, kept=kept)


def check_size(path: str | os.PathLike[str], size: int) -> None:
    """Fail at once if a file of ``size`` bytes is over this process's file size limit.

    (The file system's own maximum is only known when the file is extended; that failure
    is reported by :meth:`AtomicFile.truncate` in the same words.)

    Raises:
        OutputError: ``size`` exceeds ``RLIMIT_FSIZE``.
    """
    soft = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    if soft != resource.RLIM_INFINITY and size > soft:
        raise write_error(OSError(errno.EFBIG, os.strerror(errno.EFBIG)), os.fspath(path), size=size)


class AtomicFile:
    """A new file written under an unpredictable temporary name and renamed into place.

    Use as a context manager (commits when the block ends normally, discards on an
    exception) or call :meth:`commit`, :meth:`discard` or :meth:`keep` explicitly.

    Args:
        path: The destination as the user gave it.
        force: Replace an existing regular file (or a symbolic link, itself) at commit.
        mode: Permission bits of the new file (default 0600; public files such as
            generated source code pass 0644).
        readable: Open it read-write (e.g. to map it), not write-only.

    Attributes:
        path: The destination.
        temp_path: The temporary file (only worth showing when it is kept on purpose).
        fd: The open file descriptor (write-only), None once closed.

    Raises:
        OutputError: See :func:`check_destination`; or the temporary file cannot be
            created.
    """

    def __init__(self, path: str | os.PathLike[str], *, force: bool = False, mode: int = 0o600,
                 readable: bool = False) -> None:
        self.shown = os.fspath(path)
        self._flags = (_CREATE_FLAGS & ~os.O_WRONLY) | os.O_RDWR if readable else _CREATE_FLAGS
        self.path = check_destination(path, force=force)
        self.force = force
        self.mode = mode
        self._name = self.path.name
        try:
            self._dir_fd: int | None = os.open(self.path.parent, _DIR_FLAGS)
        except OSError as exc:
            raise OutputError(f"cannot open directory {self.path.parent} (for {self.shown}): {exc.strerror}",
                              path=self.shown) from None
        try:
            self.fd: int | None
            self.fd, self._temp = self._create()
        except BaseException:
            os.close(self._dir_fd)
            self._dir_fd = None
            raise
        self.temp_path = self.path.parent / self._temp
        self._ino = os.fstat(self.fd).st_ino

    def _create(self) -> tuple[int, str]:
        assert self._dir_fd is not None
        last: OSError | None = None
        for _ in range(16):
            name = f"{self._name[:_NAME_KEEP]}.{secrets.token_hex(_RANDOM_BYTES)}{TEMP_SUFFIX}"
            try:
                fd = os.open(name, self._flags, self.mode, dir_fd=self._dir_fd)
            except FileExistsError as exc:  # improbable with 64 random bits: someone is guessing; try again
                last = exc
                continue
            except OSError as exc:
                raise OutputError(f"cannot create a file in {self.path.parent} (for {self.shown}): {exc.strerror}",
                                  path=self.shown) from None
            try:
                os.fchmod(fd, self.mode)  # the umask may have removed bits; never adds any beyond ``mode``
            except BaseException:
                os.close(fd)
                os.unlink(name, dir_fd=self._dir_fd)
                raise
            return fd, name
        raise OutputError(f"cannot create a temporary file in {self.path.parent} (for {self.shown}): {last}",
                          path=self.shown)

    # -- writing ----------------------------------------------------------------------------
    def write(self, data: bytes | memoryview) -> None:
        """Append ``data`` (all of it).

        Raises:
            OutputError: The write failed (disk full, file size limit, I/O error).
        """
        assert self.fd is not None, "file closed"
        try:
            write_all(self.fd, data)
        except OSError as exc:
            raise write_error(exc, self.shown) from exc

    # -- ending -----------------------------------------------------------------------------
    def commit(self, *, keep_on_failure: bool = False) -> Path:
        """Fsync, close, rename over the destination (under the ``force`` rules), fsync the directory.

        Args:
            keep_on_failure: Leave the complete temporary file on disk (and name it in the
                error) when it cannot be put in place, e.g. because the destination
                appeared meanwhile. Otherwise it is removed.

        Returns:
            The destination path.

        Raises:
            DestinationExistsError: The destination appeared and ``force`` is false.
            OutputError: The destination became a directory or a special file, or a
                system call failed.
        """
        assert self._dir_fd is not None, "already closed"
        try:
            if self.fd is not None:
                try:
                    os.fsync(self.fd)
                    self._ino = os.fstat(self.fd).st_ino
                except OSError as exc:
                    raise write_error(exc, self.shown) from exc
                finally:
                    os.close(self.fd)
                    self.fd = None
            self._place()
            try:
                os.fsync(self._dir_fd)
            except OSError:
                pass  # some file systems cannot fsync a directory; the rename itself is done
        except OutputError as exc:
            if not keep_on_failure:
                self.discard()
                raise
            self._close_dir()
            raise type(exc)(f"{exc.message}; the complete file is kept as {self.temp_path}", path=exc.path,
                            kept=str(self.temp_path)) from exc.__cause__
        except BaseException:
            self.discard()
            raise
        self._close_dir()
        return self.path

    def _place(self) -> None:
        dfd = self._dir_fd
        try:
            swapped = os.lstat(self._temp, dir_fd=dfd).st_ino != self._ino
        except OSError:
            swapped = True
        if swapped:
            raise OutputError(f"the file written for {self.shown} was moved or replaced by someone else before it "
                              f"was put in place (is {self.path.parent} writable by others without the sticky bit?)",
                              path=self.shown)
        try:
            st = os.lstat(self._name, dir_fd=dfd)
        except FileNotFoundError:
            st = None
        if st is not None:
            followed = _follow(self._name, dfd) if stat.S_ISLNK(st.st_mode) else None
            problem = _refusal(self.shown, st, followed, self.force)
            if problem is not None:
                raise problem
        try:
            if self.force:
                os.rename(self._temp, self._name, src_dir_fd=dfd, dst_dir_fd=dfd)
            else:
                self._rename_noreplace()
        except FileExistsError:
            raise DestinationExistsError(f"{self.shown} appeared while it was being written (not overwritten); "
                                         "use -f/--force to replace it", path=self.shown) from None
        except OSError as exc:
            raise OutputError(f"cannot put {self.shown} in place: {exc.strerror}", path=self.shown) from None

    def _rename_noreplace(self) -> None:
        assert self._dir_fd is not None
        if _renameat2 is not None:
            if _renameat2(self._dir_fd, os.fsencode(self._temp), self._dir_fd, os.fsencode(self._name),
                          _RENAME_NOREPLACE) == 0:
                return
            err = ctypes.get_errno()
            if err not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
                raise OSError(err, os.strerror(err), self.shown)
        # no RENAME_NOREPLACE here: link() also refuses an existing name, atomically
        os.link(self._temp, self._name, src_dir_fd=self._dir_fd, dst_dir_fd=self._dir_fd, follow_symlinks=False)
        os.unlink(self._temp, dir_fd=self._dir_fd)

    def truncate(self, size: int) -> None:
        """Cut (or extend with a hole) the file to ``size`` bytes."""
        assert self.fd is not None, "file closed"
        try:
            os.ftruncate(self.fd, size)
        except OSError as exc:
            raise write_error(exc, self.shown, size=size) from exc

    def keep(self) -> Path:
        """Close and leave the temporary file where it is (e.g. an incomplete capture).

        Returns:
            The kept file's real path (``NAME.<random>.partial`` next to the destination).
        """
        if self.fd is not None:
            try:
                os.fsync(self.fd)
            except OSError:
                pass  # best effort: the data written so far stays whatever fsync says
            finally:
                os.close(self.fd)
                self.fd = None
        self._close_dir()
        return self.temp_path

    def discard(self) -> None:
        """Close and remove the temporary file (safe to call more than once)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        if self._dir_fd is not None:
            try:
                os.unlink(self._temp, dir_fd=self._dir_fd)
            except FileNotFoundError:
                pass
            self._close_dir()

    def _close_dir(self) -> None:
        if self._dir_fd is not None:
            os.close(self._dir_fd)
            self._dir_fd = None

    @property
    def closed(self) -> bool:
        """True once committed, kept or discarded."""
        return self._dir_fd is None

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self.closed:
            return
        if exc_type is None:
            self.commit()
        else:
            self.discard()


def write_all(fd: int, data: bytes | bytearray | memoryview) -> None:
    """Write all of ``data`` at ``fd``'s position, at most :data:`WRITE_PIECE` bytes per call.

    Raises:
        OSError: A write failed (the bytes before it are in the file).
    """
    view = memoryview(data)
    end = len(view)
    pos = 0
    while pos < end:
        pos += os.write(fd, view[pos:pos + WRITE_PIECE])


def write_file(path: str | os.PathLike[str], data: bytes | str, *, force: bool, mode: int = 0o600) -> Path:
    """Write a whole file atomically (see :class:`AtomicFile`).

    Args:
        path: The destination.
        data: The content (``str`` is written as UTF-8).
        force: Replace an existing regular file (or a symbolic link, itself).
        mode: Permission bits (default 0600).

    Returns:
        The destination path.

    Raises:
        OutputError: The destination is refused or the file cannot be written; no
            temporary file is left behind.
    """
    with AtomicFile(path, force=force, mode=mode) as out:
        out.write(data.encode("utf-8") if isinstance(data, str) else data)
    return out.path


def open_scratch(path: str | os.PathLike[str]) -> int:
    """A new, already unlinked read-write scratch file next to ``path`` (e.g. for an mmap).

    Created like every temporary output (``O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC``, mode 0600,
    an unpredictable ``NAME.<random>.scratch`` name, relative to a descriptor of the checked
    directory) and unlinked at once: nothing is left behind, whatever happens to the process.

    Args:
        path: The destination the scratch file serves (its directory holds the scratch file).

    Returns:
        The open descriptor (``O_RDWR``); the caller closes it.

    Raises:
        OutputError: The directory cannot be used or the file cannot be created.
    """
    shown = os.fspath(path)
    parent = Path(shown).parent
    _check_directory(shown, parent)
    try:
        dir_fd = os.open(parent, _DIR_FLAGS)
    except OSError as exc:
        raise OutputError(f"cannot open directory {parent} (for {shown}): {exc.strerror}", path=shown) from None
    flags = (_CREATE_FLAGS & ~os.O_WRONLY) | os.O_RDWR
    try:
        for _ in range(16):
            name = f"{Path(shown).name[:_NAME_KEEP]}.{secrets.token_hex(_RANDOM_BYTES)}{SCRATCH_SUFFIX}"
            try:
                fd = os.open(name, flags, 0o600, dir_fd=dir_fd)
            except FileExistsError:
                continue
            except OSError as exc:
                raise OutputError(f"cannot create a scratch file in {parent} (for {shown}): {exc.strerror}",
                                  path=shown) from None
            try:
                os.unlink(name, dir_fd=dir_fd)
                os.fchmod(fd, 0o600)
            except OSError as exc:
                os.close(fd)
                raise OutputError(f"cannot set up a scratch file in {parent} (for {shown}): {exc.strerror}",
                                  path=shown) from None
            return fd
        raise OutputError(f"cannot create a scratch file in {parent} (for {shown})", path=shown)
    finally:
        os.close(dir_fd)


def is_temp_name(name: str) -> bool:
    """True for the name of a temporary file of this module (``NAME.<16 hex>.partial``)."""
    if not name.endswith(TEMP_SUFFIX):
        return False
    stem = name[:-len(TEMP_SUFFIX)]
    head, _, token = stem.rpartition(".")
    return bool(head) and len(token) == 2 * _RANDOM_BYTES and all(c in "0123456789abcdef" for c in token)
