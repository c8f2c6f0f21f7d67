"""Pooled connections are never shared between sites on one address.

The fetcher connects to the address it checked and names the site only in the Host header
and the TLS server name, so the pool must be kept apart per host name: two sites on one CDN
address must not share a connection (for https: a certificate checked for the other site).
Real servers on 127.0.0.1 that record which request came on which TCP connection; two host
names resolve to 127.0.0.1 through the fetcher's resolver and the allow-list."""

from __future__ import annotations

import asyncio
import datetime
import ssl
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

# cryptography comes with msal (the Teams bot's authentication): no test-only dependency
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from bot.collect.fetch import Fetcher, FetchPolicy, build_http_client
from bot.collect.hostpools import HostPools
from bot.errors import FetchError
from testkit.http import LocalServer, StandInHandler

POLICY = FetchPolicy(allow_hosts=("127.0.0.1",), read_timeout=2.0, total_timeout=5.0)


async def loopback(host: str, port: int) -> list[str]:
    """Every name is 127.0.0.1, as sites behind one CDN address are."""
    return ["127.0.0.1"]


@dataclass
class ConnectionLog:
    """What reached the server: (connection number, Host header) per request, in order."""

    requests: list[tuple[int, str]] = field(default_factory=list)
    closed: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    opened: int = 0

    def hosts_by_connection(self) -> dict[int, set[str]]:
        out: dict[int, set[str]] = {}
        for conn, host in self.requests:
            out.setdefault(conn, set()).add(host.split(":")[0])
        return out

    def connections_of(self, host: str) -> set[int]:
        return {conn for conn, h in self.requests if h.split(":")[0] == host}


class _Handler(StandInHandler):
    """One instance per TCP connection (keep-alive HTTP/1.1)."""

    protocol_version = "HTTP/1.1"
    conn: int

    def setup(self) -> None:
        super().setup()
        log: ConnectionLog = self.owner.log
        with log.lock:
            log.opened += 1
            self.conn = log.opened

    def do_GET(self) -> None:
        log: ConnectionLog = self.owner.log
        host = self.headers.get("Host", "")
        with log.lock:
            log.requests.append((self.conn, host))
        if self.path == "/to-b":  # a.test hands over to b.test, on the same address
            location = f"http://b.test:{self.server.server_address[1]}/landed"
            self.send_body(302, b"", {"Location": location})
            return
        self.send_body(200, f"<p>{host} {self.path}</p>".encode(), content_type="text/html")

    def finish(self) -> None:
        super().finish()
        with self.owner.log.lock:
            self.owner.log.closed.add(self.conn)


class RecordingServer(LocalServer):
    """Serves every path on 127.0.0.1 over keep-alive, optionally over TLS."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.log = ConnectionLog()
        super().__init__(_Handler, quiet_errors=True)
        self.scheme = "http"
        if tls is not None:
            self.scheme = "https"
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)

    def site(self, host: str, path: str) -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with RecordingServer() as s:
        yield s


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with build_http_client(POLICY) as client:
        yield Fetcher(client, POLICY, resolver=loopback)


async def until(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Wait (without blocking the loop) for something the server's thread records."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate() and loop.time() < deadline:
        await asyncio.sleep(0.01)
    return predicate()


async def test_sites_on_one_address_never_share_a_connection(
    server: RecordingServer, fetcher: Fetcher
) -> None:
    for host, path in [("a.test", "/1"), ("b.test", "/1"), ("a.test", "/2"), ("b.test", "/2")]:
        result = await fetcher.fetch(server.site(host, path))
        assert result.content == f"<p>{host}:{server.port} {path}</p>".encode()
    by_connection = server.log.hosts_by_connection()
    assert all(len(hosts) == 1 for hosts in by_connection.values()), by_connection
    # keep-alive within a site is kept: each site's two requests came on one connection
    assert len(server.log.connections_of("a.test")) == 1
    assert len(server.log.connections_of("b.test")) == 1
    assert server.log.opened == 2


async def test_a_redirect_to_another_site_on_the_address_takes_its_own_connection(
    server: RecordingServer, fetcher: Fetcher
) -> None:
    result = await fetcher.fetch(server.site("a.test", "/to-b"))
    assert result.url == server.site("b.test", "/landed")
    await fetcher.fetch(server.site("b.test", "/again"))
    await fetcher.fetch(server.site("A.TEST", "/again"))  # host names are case-insensitive
    assert all(len(hosts) == 1 for hosts in server.log.hosts_by_connection().values())
    assert len(server.log.connections_of("b.test")) == 1


async def test_the_least_recently_used_idle_site_is_closed_and_the_rest_with_the_client(
    server: RecordingServer,
) -> None:
    pools = HostPools(httpx.AsyncHTTPTransport, max_hosts=1)
    async with httpx.AsyncClient(transport=pools) as client:
        fetcher = Fetcher(client, POLICY, resolver=loopback)
        await fetcher.fetch(server.site("a.test", "/1"))
        await fetcher.fetch(server.site("b.test", "/1"))
        [a_conn] = server.log.connections_of("a.test")
        assert await until(lambda: a_conn in server.log.closed)  # a.test's pool was closed
        assert [host for host, _sni in pools.hosts] == [f"b.test:{server.port}"]
        await fetcher.fetch(server.site("a.test", "/2"))  # a new connection, not b.test's
        assert all(len(hosts) == 1 for hosts in server.log.hosts_by_connection().values())
        assert len(server.log.connections_of("a.test")) == 2
    assert await until(lambda: server.log.closed == {1, 2, 3})


async def test_a_site_whose_response_is_being_read_is_not_closed(server: RecordingServer) -> None:
    pools = HostPools(httpx.AsyncHTTPTransport, max_hosts=1)
    async with httpx.AsyncClient(transport=pools) as client:
        fetcher = Fetcher(client, POLICY, resolver=loopback)
        a = f"http://127.0.0.1:{server.port}/open"
        async with client.stream("GET", a, headers={"Host": f"a.test:{server.port}"}) as open_:
            await fetcher.fetch(server.site("b.test", "/1"))
            assert len(pools.hosts) == 2  # over the bound while a.test is busy
            assert await open_.aread() == f"<p>a.test:{server.port} /open</p>".encode()
        await fetcher.fetch(server.site("b.test", "/2"))
        assert len(pools.hosts) == 1
    assert server.log.opened == 2


# ------------------------------------------------------------------------------------ TLS


@dataclass
class Authority:
    """A test CA and a server certificate it signed for some names only."""

    ca_pem: bytes
    cert_pem: bytes
    key_pem: bytes

    def client_trust(self) -> ssl.SSLContext:
        return ssl.create_default_context(cadata=self.ca_pem.decode())

    def server_context(self, folder: Path) -> ssl.SSLContext:
        (folder / "cert.pem").write_bytes(self.cert_pem)
        (folder / "key.pem").write_bytes(self.key_pem)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
        return context


def authority_for(*names: str) -> Authority:
    now = datetime.datetime.now(datetime.UTC)

    def builder(
        subject: str, issuer: str, key: ec.EllipticCurvePrivateKey
    ) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(hours=1))
        )

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        builder("briefbot test CA", "briefbot test CA", ca_key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,  # it signs certificates, nothing else
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        builder(names[0], "briefbot test CA", key)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return Authority(
        ca.public_bytes(serialization.Encoding.PEM),
        cert.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


async def test_a_certificate_checked_for_one_site_is_never_used_for_another(
    tmp_path: Path,
) -> None:
    authority = authority_for("a.test")  # the address also serves b.test, uncertified
    with RecordingServer(tls=authority.server_context(tmp_path)) as server:
        async with build_http_client(POLICY, trust=authority.client_trust()) as client:
            fetcher = Fetcher(client, POLICY, resolver=loopback)
            result = await fetcher.fetch(server.site("a.test", "/1"))
            assert result.content == f"<p>a.test:{server.port} /1</p>".encode()
            with pytest.raises(FetchError, match=r"could not connect to b\.test"):
                await fetcher.fetch(server.site("b.test", "/1"))
            # a.test's connection is still kept alive for a.test
            await fetcher.fetch(server.site("a.test", "/2"))
    assert server.log.requests == [(1, f"a.test:{server.port}"), (1, f"a.test:{server.port}")]


async def test_sites_certified_on_one_address_each_verify_on_their_own_connection(
    tmp_path: Path,
) -> None:
    authority = authority_for("a.test", "b.test")
    with RecordingServer(tls=authority.server_context(tmp_path)) as server:
        async with build_http_client(POLICY, trust=authority.client_trust()) as client:
            fetcher = Fetcher(client, POLICY, resolver=loopback)
            for host in ["a.test", "b.test", "a.test", "b.test"]:
                await fetcher.fetch(server.site(host, "/x"))
    by_connection = server.log.hosts_by_connection()
    assert by_connection == {1: {"a.test"}, 2: {"b.test"}}
