"""Where a store lives and who practises: paths, URLs, the environment, learner names.

A store is named by a file path (SQLite, the default), ``sqlite:///path``, ``":memory:"``, or a
``postgresql://`` URL (``postgres://`` too). Anything else that looks like a URL is refused here,
before a folder is created: a mistyped scheme must not become a SQLite file in a folder called
``postgresql:``. A URL may carry a password; :class:`Location` keeps it out of every ``repr`` and
message (``postgresql://ana:***@host/course``), so tracebacks, logs and errors never show it.
"""

from __future__ import annotations

import getpass
import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from ..errors import StoreError

__all__ = [
    "ENV_VAR",
    "MAX_NAME",
    "Location",
    "NoStore",
    "default_learner",
    "default_path",
    "display_name",
    "learner_name",
    "locate",
    "redact",
    "store_path",
    "utc_now",
]

ENV_VAR = "PARLEY_DB"
MAX_NAME = 200  # characters in a learner name: room for an e-mail address, not for a document
POSTGRES_SCHEMES = ("postgresql", "postgres")
# a scheme of two letters or more followed by ':/' (one letter is a Windows drive, C:/...)
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):/")
_SECRET_PARAMS = {"password", "sslpassword"}


class NoStore(StoreError):
    """Nothing has been saved where a reading command looked (no file, or an empty database)."""


@dataclass(frozen=True)
class Location:
    """A store's address. ``shown`` is safe to print; the password stays in ``dsn`` (not in repr).

    ``kind`` is ``"sqlite"`` (``path`` is the file, None in memory) or ``"postgresql"``.
    """

    kind: Literal["sqlite", "postgresql"]
    shown: str
    path: Path | None = None
    dsn: str = field(default="", repr=False, compare=False)
    secrets: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def __repr__(self) -> str:
        return f"Location({self.shown!r})"

    def __str__(self) -> str:
        return self.shown

    def scrub(self, text: str) -> str:
        """``text`` with every secret of this location replaced by ``***`` (for driver messages)."""
        for secret in self.secrets:
            if secret:
                text = text.replace(secret, "***")
        return text


def utc_now() -> str:
    """Now, in UTC, as ISO-8601 with milliseconds and a ``Z`` (sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def locate(ref: str | os.PathLike[str] | None = None) -> Location:
    """The store ``ref`` names; None means ``$PARLEY_DB``, else ``parley.db`` in the user data folder."""
    if ref is None:
        env = os.environ.get(ENV_VAR)
        if env:
            return _parse(env, f"${ENV_VAR}")
        return _file(_user_file())
    return _parse(ref, "the store")


def default_path() -> Path | None:
    """The SQLite file ``Store()`` opens: ``$PARLEY_DB`` or the user data folder's ``parley.db``.

    None when ``$PARLEY_DB`` names a database server.
    """
    return locate(None).path


def store_path(ref: str | os.PathLike[str] | None = None) -> Path | None:
    """The file ``Store(ref)`` opens, without opening it; None for ``":memory:"`` and servers."""
    return locate(ref).path


def redact(url: str) -> str:
    """``url`` with its password (in the user part or a ``password=`` parameter) shown as ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return re.sub(r"//[^/@]*@", "//***@", url)
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        if ":" in user:
            user = user.split(":", 1)[0] + ":***"
        netloc = f"{user}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, "***" if k.lower() in _SECRET_PARAMS else v) for k, v in pairs], safe="/:*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _user_file() -> Path:
    import platformdirs  # only when the default is needed

    return Path(platformdirs.user_data_dir("parley", appauthor=False)) / "parley.db"


def _parse(ref: str | os.PathLike[str], what: str) -> Location:
    text = os.fspath(ref)
    if not isinstance(text, str):  # bytes paths: the store's messages and URLs are text
        raise StoreError(f"{what} must be a path or URL given as text, not {type(text).__name__}")
    if not text.strip():
        raise StoreError(f"{what} path is empty; give a file, e.g. --db course.db")
    if text == ":memory:":
        return Location("sqlite", ":memory:")
    match = _URL.match(text)
    if match is None:
        return _file(Path(text).expanduser())
    scheme = match.group(1).lower()
    if scheme == "sqlite":
        return _file(Path(_sqlite_url_path(text)).expanduser())
    if scheme in POSTGRES_SCHEMES:
        return _postgres(text)
    raise StoreError(
        f"unsupported store URL {redact(text)!r}: Parley keeps sessions in a SQLite file (a path, or "
        "sqlite:///path) or in PostgreSQL (postgresql://user@host/database)"
    )


def _file(path: Path) -> Location:
    return Location("sqlite", str(path), path=path)


def _sqlite_url_path(text: str) -> str:
    if text.startswith("sqlite:///"):
        path = text[len("sqlite:///") - 1 :]  # sqlite:///abs/path -> /abs/path
        return path[1:] if path.startswith("//") else path  # sqlite:////abs too
    raise StoreError(f"unsupported store URL {redact(text)!r}; write sqlite:///path/to/file.db")


def _postgres(text: str) -> Location:
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise StoreError(f"store URL {redact(text)!r} is malformed: {exc}") from exc
    secrets = []
    if parts.password:
        secrets += [parts.password, unquote(parts.password), quote(unquote(parts.password), safe="")]
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key.lower() in _SECRET_PARAMS and value:
            secrets += [value, quote(value, safe="")]
    # longest first, so that a secret containing another is replaced whole
    ordered = tuple(sorted({s for s in secrets if s}, key=len, reverse=True))
    return Location("postgresql", redact(text), dsn=text, secrets=ordered)


# --- learners ------------------------------------------------------------------------------------


def default_learner() -> str:
    """The OS user name: who practises when nobody said otherwise."""
    try:
        return getpass.getuser() or "learner"
    except (KeyError, OSError, ImportError):  # no passwd entry and no LOGNAME/USER (containers)
        return "learner"


def learner_name(name: str | None, *, what: str = "learner name") -> str:
    """``name``, checked; None means the OS user. An empty name is refused, never replaced.

    A name is what a learner is filed under and what reports print: it must be text of 1 to
    :data:`MAX_NAME` characters that is not only spaces, with no control characters (they would
    reach terminals raw) and no text that is not valid Unicode. Display names follow the same rule.
    """
    if name is None:
        return default_learner()
    if not isinstance(name, str):
        raise StoreError(f"a {what} must be text, not {type(name).__name__}")
    if not name.strip():
        raise StoreError(f"{what} {name!r} is empty; give the learner's name or id")
    if len(name) > MAX_NAME:
        raise StoreError(f"{what} {name[:40]!r}... is {len(name)} characters long; at most {MAX_NAME}")
    for ch in name:
        category = unicodedata.category(ch)
        if category == "Cs":
            raise StoreError(f"{what} {name!r} is text that is not valid UTF-8")
        if category == "Cc":
            raise StoreError(f"{what} {name!r} holds a control character ({ord(ch):#04x})")
    return name


def display_name(display: str | None) -> str | None:
    """A display name, checked as :func:`learner_name` checks names; None keeps the current one."""
    return None if display is None else learner_name(display, what="display name")
