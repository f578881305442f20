"""A throwaway PostgreSQL cluster for the store's tests and benchmarks (standard library only).

The tests need a real server. ``.ci/run`` starts one with this script before the test command
and stops it after; the test fixtures start their own when none is given, so the README's test
command works anywhere the server package is installed::

    python3 tests/store/postgres_cluster.py find        # exit 1 when the server programs are missing
    python3 tests/store/postgres_cluster.py start DIR   # prints export lines for the shell
    python3 tests/store/postgres_cluster.py stop DIR

The cluster lives in ``DIR`` and listens only on a Unix socket in it (no TCP port at all). Its
superuser is ``parley``, trusted on that socket; the role ``parley_secret`` must give a password
(used to check that no message shows it). PostgreSQL refuses to run as root: as root, the server
runs as the ``postgres`` user (created by the distribution's package) or else ``nobody``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

URL_VAR = "PARLEY_TEST_POSTGRES"  # a server for the tests: postgresql://user@host/maintenance-db
DATA_VAR = "PARLEY_TEST_PGDATA"  # its data folder, when the tests may restart it
SUPERUSER = "parley"
SECRET_ROLE, SECRET = "parley_secret", "s3cret-Pa55"
HBA = f"""\
local all {SECRET_ROLE} scram-sha-256
local all all trust
"""


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else where Debian and Ubuntu put them."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True):
        return Path(candidate).parent
    config = shutil.which("pg_config")
    if config:
        out = subprocess.run([config, "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        if out and (Path(out) / "initdb").exists():
            return Path(out)
    return None


def _server_user() -> str | None:
    """Whom to run the server as: None for ourselves, a system user when we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' user exists to run the server")


@dataclass
class Cluster:
    """A server the tests may create databases on; ``data`` is set when they may also restart it."""

    url: str
    data: Path | None = None

    @classmethod
    def start(cls, folder: Path, *, fast: bool = True) -> Cluster:
        """Initdb + pg_ctl start in ``folder``. ``fast`` turns fsync off (a test cluster, thrown away)."""
        bindir = binaries()
        if bindir is None:
            raise RuntimeError("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
        folder = Path(folder).resolve()
        if len(str(folder)) > 80:  # a Unix socket path is at most 107 bytes
            raise RuntimeError(f"{folder} is too long a path for the server's socket")
        folder.mkdir(parents=True, exist_ok=True)
        user = _server_user()
        if user is not None:
            entry = pwd.getpwnam(user)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        data = folder / "data"
        run = _runner(user)
        run([bindir / "initdb", "-D", data, "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"])
        (data / "pg_hba.conf").write_text(HBA, encoding="utf-8")
        # settings in the configuration file, not on the command line: a plain `pg_ctl start` (after
        # a test stopped the server) brings the same server back
        settings = [f"unix_socket_directories = '{folder}'", "listen_addresses = ''", "max_connections = 60"]
        if fast:
            settings += ["fsync = off", "full_page_writes = off"]
        with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# parley test cluster\n" + "\n".join(settings) + "\n")
        cluster = cls(f"postgresql://{SUPERUSER}@/postgres?host={quote(str(folder), safe='/')}", data)
        cluster.start_again()
        cluster.sql(f"CREATE ROLE {SECRET_ROLE} LOGIN CREATEDB PASSWORD '{SECRET}'")
        return cluster

    def start_again(self) -> None:
        """Start the server (stopped by :meth:`stop`) with its configured settings."""
        assert self.data is not None
        self.pg_ctl("-l", str(self.data.parent / "server.log"), "-w", "-t", "60", "start")

    def pg_ctl(self, *args: str) -> None:
        if self.data is None:
            raise RuntimeError(f"the tests do not own the server at {self.url}: set {DATA_VAR} to restart it")
        bindir = binaries()
        if bindir is None:
            raise RuntimeError("pg_ctl is not installed")
        owner = pwd.getpwuid(self.data.stat().st_uid).pw_name
        _runner(None if owner == pwd.getpwuid(os.geteuid()).pw_name else owner)(
            [bindir / "pg_ctl", "-D", self.data, *args]
        )

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "-w", "stop")

    def restart(self) -> None:
        """Stop the server (every connection is cut) and start it again with its old settings."""
        assert self.data is not None  # -l: the server's output goes to the log, not to our pipes
        self.pg_ctl("-m", "fast", "-l", str(self.data.parent / "server.log"), "-w", "-t", "60", "restart")

    def url_for(self, database: str, *, user: str | None = None, password: str | None = None) -> str:
        """The server's URL for another database (and, if given, another role)."""
        parts = urlsplit(self.url)
        netloc = parts.netloc
        if user is not None:
            host = netloc.rpartition("@")[2]
            netloc = f"{quote(user)}{':' + quote(password, safe='') if password else ''}@{host}"
        return urlunsplit((parts.scheme, netloc, "/" + database, parts.query, ""))

    def sql(self, statement: str) -> None:
        """Run one statement as the superuser, through psql (so this script needs no driver)."""
        bindir = binaries()
        psql = str(bindir / "psql") if bindir is not None and (bindir / "psql").exists() else "psql"
        result = subprocess.run(
            [psql, self.url, "-v", "ON_ERROR_STOP=1", "-q", "-c", statement],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr.strip()}")


def _runner(user: str | None):
    def run(argv: list[object]) -> None:
        result = subprocess.run([str(a) for a in argv], capture_output=True, text=True, check=False, user=user, cwd="/")
        if result.returncode != 0:
            raise RuntimeError(
                f"{Path(str(argv[0])).name} failed ({result.returncode}): "
                f"{result.stderr.strip() or result.stdout.strip()}"
            )

    return run


def main(argv: list[str]) -> int:
    if argv[1:] == ["find"]:
        bindir = binaries()
        print(bindir or "PostgreSQL's server programs (initdb, pg_ctl) are not installed")
        return 0 if bindir else 1
    if len(argv) != 3 or argv[1] not in ("start", "stop"):
        print(f"usage: {argv[0]} find | start DIR | stop DIR", file=sys.stderr)
        return 2
    folder = Path(argv[2]).resolve()
    if argv[1] == "start":
        cluster = Cluster.start(folder)
        print(f"export {URL_VAR}='{cluster.url}'")
        print(f"export {DATA_VAR}='{cluster.data}'")
    else:
        Cluster(url="", data=folder / "data").stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
