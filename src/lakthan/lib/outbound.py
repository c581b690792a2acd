"""Outbound URLs that cannot reach inside (no Django): a webhook someone typed must not turn Lakthan into
a way into the agency's own network or the cloud's metadata service (server-side request forgery).

A URL is refused unless it is https (http only to a network the administrator trusts), carries no
credentials (``https://chat.example@127.0.0.1/``), and every address its host resolves to is public
or inside a trusted network. The resolver does the parsing, so the numeric forms a browser accepts
(``2130706433``, ``0177.0.0.1``, ``0x7f.1``, ``[::ffff:127.0.0.1]``) are judged by the address they
name. A request then connects to the address that was judged, never resolving the name again (a
second answer could point inside), and never follows a redirect.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class UnsafeURL(ValueError):
    """Why a URL may not be called, in Thai and English (``str()`` is the English)."""

    def __init__(self, th: str, en: str):
        super().__init__(en)
        self.th, self.en = th, en


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with its query
    addresses: tuple[Address, ...]  # empty only when the name did not resolve (and that was allowed)


def networks(cidrs: Iterable[str]) -> tuple[Network, ...]:
    """Parses the trusted networks (``10.20.0.0/16``, ``fd00::/8``); ValueError names a bad one."""
    out = []
    for cidr in cidrs:
        try:
            out.append(ipaddress.ip_network(cidr.strip(), strict=False))
        except ValueError:
            raise ValueError(f"not a network: {cidr!r}") from None
    return tuple(out)


def is_inside(ip: Address) -> bool:
    """Loopback, private, link-local, shared, reserved, multicast or unspecified: anything not public."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def vet(url: str, trusted: tuple[Network, ...] = (), *, must_resolve: bool = True) -> Target:
    """The URL's target, or UnsafeURL saying why it may not be called. ``must_resolve=False`` (when a URL
    is saved) lets a name that does not resolve now through: it is judged again when it is called."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise UnsafeURL("เรียกได้เฉพาะ URL แบบ https://", "only https:// URLs may be called")
    if scheme == "http" and not trusted:
        raise UnsafeURL("เรียกได้เฉพาะ URL แบบ https://", "only https:// URLs may be called")
    if "@" in parts.netloc:
        raise UnsafeURL(
            "URL ต้องไม่มีชื่อผู้ใช้หรือรหัสผ่าน (user@host)", "a URL may not carry a user name or password (user@host)"
        )
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeURL("URL ไม่ได้ระบุเครื่องปลายทาง", "the URL names no host")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise UnsafeURL(
            "พอร์ตของ URL ต้องเป็นเลข 1 ถึง 65535", "the URL's port is not a number from 1 to 65535"
        ) from None
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = tuple(dict.fromkeys(ipaddress.ip_address(str(a[4][0]).split("%")[0]) for a in found))
    except (socket.gaierror, UnicodeError):
        if must_resolve or scheme == "http":
            raise UnsafeURL(f"หาที่อยู่ของ {host} ไม่พบ", f"the host {host} does not resolve") from None
        addresses = ()
    for ip in addresses:
        if is_inside(ip) and not any(ip in net for net in trusted):
            raise UnsafeURL(
                f"{host} คือ {ip} ซึ่งเป็นที่อยู่ภายใน (private, loopback หรือสงวนไว้)",
                f"{host} is {ip}, an address inside a private, loopback or reserved network",
            )
    if scheme == "http" and not all(any(ip in net for net in trusted) for ip in addresses):
        raise UnsafeURL(
            "เรียกได้เฉพาะ https:// (http ได้เฉพาะเครือข่ายที่ไว้ใจ)",
            "only https:// URLs may be called (http only to a trusted network)",
        )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, host, port, path, addresses)


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = str(target.addresses[0])

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self.address = str(target.addresses[0])

    def connect(self) -> None:  # the certificate is checked against the name, the socket goes to the address
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, body: bytes, headers: dict[str, str], trusted: tuple[Network, ...], timeout: float) -> int:
    """POSTs ``body`` to a vetted URL; the status. UnsafeURL before any connection when it may not be
    called; OSError when it cannot be reached or answers other than 2xx (a redirect is not followed)."""
    target = vet(url, trusted)
    conn = (_PinnedHTTPS if target.scheme == "https" else _PinnedHTTP)(target, timeout)
    try:
        conn.request("POST", target.path, body=body, headers=headers)
        status = conn.getresponse().status
    finally:
        conn.close()
    if 300 <= status < 400:
        raise OSError(f"answered {status}: redirects are not followed")
    if not 200 <= status < 300:
        raise OSError(f"answered {status}")
    return status
