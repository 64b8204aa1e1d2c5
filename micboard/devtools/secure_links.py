"""Throwaway TLS servers for tests and benchmarks: a test CA, PostgreSQL and Redis.

The PostgreSQL cluster runs with ``ssl = on`` and the Redis with ``--tls-port`` and an ACL
file, both with certificates of a CA made here.

Nothing here touches the machine's own PostgreSQL or Redis: each server gets a temporary
directory and a free loopback port, and is stopped by its ``stop()``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import ipaddress
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SERVER_NAME = "localhost"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Authority:
    """A test CA and a server certificate it signed for ``localhost`` and 127.0.0.1."""

    ca_cert: Path
    server_cert: Path
    server_key: Path


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)


def make_authority(directory: Path, name: str) -> Authority:
    """A CA called ``name`` and a server certificate signed by it, in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"micboard test CA {name}")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SERVER_NAME)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(SERVER_NAME), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    authority = Authority(
        ca_cert=directory / f"{name}-ca.pem",
        server_cert=directory / f"{name}-server.pem",
        server_key=directory / f"{name}-server.key",
    )
    authority.ca_cert.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    authority.server_cert.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    _write_key(key, authority.server_key)
    for path in (authority.ca_cert, authority.server_cert):
        path.chmod(0o644)
    return authority


def _wait_port(port: int, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f} s")


# --- PostgreSQL --------------------------------------------------------------------------


def postgres_bindir() -> Path | None:
    """The newest PostgreSQL server binaries on this machine, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version_key(path: str) -> float:
    try:
        return float(Path(path).parents[1].name)
    except ValueError:
        return 0.0


def _server_user() -> str | None:
    """initdb and postgres refuse to run as root: as root, run them as ``postgres``."""
    if os.geteuid() != 0:
        return None
    return os.environ.get("MICBOARD_TEST_PG_USER", "postgres")


def postgres_unavailable() -> str:
    """Why no throwaway cluster can start here ("" when one can)."""
    if postgres_bindir() is None:
        return "no PostgreSQL server binaries (initdb) under /usr/lib/postgresql/*/bin or PATH"
    user = _server_user()
    if user is not None:
        import pwd  # noqa: PLC0415 (POSIX only)

        try:
            pwd.getpwnam(user)
        except KeyError:
            return f"running as root and there is no {user!r} user to run initdb as"
        if shutil.which("runuser") is None and shutil.which("setpriv") is None:
            return "running as root without runuser or setpriv to drop to a non-root user"
    return ""


def _as_server_user(argv: list[str]) -> list[str]:
    user = _server_user()
    if user is None:
        return argv
    if shutil.which("runuser"):
        return ["runuser", "-u", user, "--", *argv]
    import pwd  # noqa: PLC0415

    entry = pwd.getpwnam(user)
    return [
        "setpriv",
        f"--reuid={entry.pw_uid}",
        f"--regid={entry.pw_gid}",
        "--init-groups",
        *argv,
    ]


def _give_to_server_user(path: Path) -> None:
    user = _server_user()
    if user is not None:
        shutil.chown(path, user=user, group=None)


@dataclass
class PostgresCluster:
    """A running throwaway cluster; its superuser is ``admin`` with ``password``."""

    directory: Path
    port: int
    admin: str
    password: str
    bindir: Path

    @classmethod
    def start(
        cls, authority: Authority, *, password: str, timeout: float = 60.0
    ) -> PostgresCluster:
        problem = postgres_unavailable()
        if problem:
            raise RuntimeError(problem)
        bindir = postgres_bindir()
        if bindir is None:  # pragma: no cover - postgres_unavailable said so
            raise RuntimeError(problem)
        # Under /tmp, not pytest's 0700 directories: the server user must reach it.
        directory = Path(tempfile.mkdtemp(prefix="micboard-pg-"))
        directory.chmod(0o755)
        _give_to_server_user(directory)
        data = directory / "data"
        pwfile = directory / "pw"
        pwfile.write_text(password + "\n")
        _give_to_server_user(pwfile)
        cluster = cls(directory, free_port(), "micboard_admin", password, bindir)
        cluster._run(
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            cluster.admin,
            "--pwfile",
            str(pwfile),
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--no-sync",
        )
        for name, source in (
            ("server.crt", authority.server_cert),
            ("server.key", authority.server_key),
        ):
            target = data / name
            shutil.copyfile(source, target)
            target.chmod(0o600)
            _give_to_server_user(target)
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {cluster.port}\n"
                f"unix_socket_directories = '{directory}'\nssl = on\n"
                "ssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "max_connections = 100\nshared_buffers = 32MB\n"
            )
        # TLS only, from loopback: a plain connection is refused outright.
        (data / "pg_hba.conf").write_text(
            "local all all scram-sha-256\nhostssl all all 127.0.0.1/32 scram-sha-256\n"
        )
        cluster._run(
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(directory / "server.log"),
            "-w",
            "-t",
            str(int(timeout)),
            "start",
        )
        _wait_port(cluster.port, timeout, "the throwaway PostgreSQL")
        return cluster

    def _run(self, *argv: str) -> None:
        subprocess.run(  # noqa: S603
            _as_server_user(list(argv)),
            check=True,
            capture_output=True,
            cwd=self.directory,
            timeout=120,
        )

    def url(
        self, *, user: str, password: str, database: str, ca: Path, mode: str = "verify-full"
    ) -> str:
        return (
            f"postgres://{user}:{password}@{SERVER_NAME}:{self.port}/{database}"
            f"?sslmode={mode}&sslrootcert={ca}"
        )

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self._run(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.directory / "data"),
                "-m",
                "immediate",
                "-w",
                "stop",
            )
        shutil.rmtree(self.directory, ignore_errors=True)


# --- Redis -------------------------------------------------------------------------------


def redis_unavailable() -> str:
    if shutil.which("redis-server") is None:
        return "no redis-server on PATH"
    return ""


@dataclass
class TlsRedis:
    """A running redis-server on a TLS port only, users from ``aclfile``."""

    directory: Path
    port: int
    aclfile: Path
    process: subprocess.Popen[bytes]

    @classmethod
    def start(cls, authority: Authority, *, admin_password: str, timeout: float = 20.0) -> TlsRedis:
        problem = redis_unavailable()
        if problem:
            raise RuntimeError(problem)
        directory = Path(tempfile.mkdtemp(prefix="micboard-redis-"))
        aclfile = directory / "users.acl"
        aclfile.write_text(f"user default off\nuser admin on >{admin_password} ~* &* +@all\n")
        port = free_port()
        log = (directory / "redis.log").open("ab")
        process = subprocess.Popen(  # noqa: S603
            [  # noqa: S607 - redis-server from PATH, where redis_unavailable() found it
                "redis-server",
                "--port", "0",
                "--bind", "127.0.0.1",
                "--tls-port", str(port),
                "--tls-cert-file", str(authority.server_cert),
                "--tls-key-file", str(authority.server_key),
                "--tls-ca-cert-file", str(authority.ca_cert),
                "--tls-auth-clients", "no",
                "--aclfile", str(aclfile),
                "--save", "",
                "--appendonly", "no",
                "--dir", str(directory),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        server = cls(directory, port, aclfile, process)
        try:
            _wait_port(port, timeout, "the TLS Redis")
        except RuntimeError:
            server.stop()
            raise
        return server

    def url(self, *, user: str, password: str, ca: Path, database: int = 0) -> str:
        return (
            f"rediss://{user}:{password}@{SERVER_NAME}:{self.port}/{database}"
            f"?ssl_cert_reqs=required&ssl_ca_certs={ca}"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)
