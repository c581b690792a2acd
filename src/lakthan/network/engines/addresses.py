"""Addresses, prefixes and MAC addresses as the register stores them (no Django).

An address's ``key`` is 32 lower-case hexadecimal digits of its 128-bit value, IPv4 mapped into
::ffff:0:0/96: keys of both families sort and compare as their numbers do, so "in a prefix" is
``first <= key <= last`` on plain strings, in SQL as in Python."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

IPv4_MAPPED = 0xFFFF << 32
MAC_DIGITS = re.compile(r"[0-9A-Fa-f]{12}")
# the notations the register meets: AA:BB:CC:DD:EE:FF, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff (Cisco),
# aabbccddeeff, and a:b:c:d:e:f (dhcpd and some switches leave out leading zeros)
MAC_SHAPES = (
    re.compile(r"^[0-9A-Fa-f]{1,2}([:-])(?:[0-9A-Fa-f]{1,2}\1){4}[0-9A-Fa-f]{1,2}$"),
    re.compile(r"^[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}$"),
    re.compile(r"^[0-9A-Fa-f]{12}$"),
)


class AddressError(ValueError):
    """What is wrong with an address, a prefix or a MAC, in Thai and English."""

    def __init__(self, th: str, en: str):
        self.th, self.en = th, en
        super().__init__(en)


def key_of(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    value = int(ip) | IPv4_MAPPED if ip.version == 4 else int(ip)
    return f"{value:032x}"


def parse_address(text: str) -> tuple[str, str]:
    """(the address in its compressed form, its key). An IPv4-mapped IPv6 address is its IPv4
    address; a zone (fe80::1%eth0) is dropped. AddressError when the text is not an address."""
    raw = text.strip().split("%", 1)[0]
    try:
        ip = ipaddress.ip_address(raw)
    except ValueError:
        raise AddressError(f"'{text}' ไม่ใช่หมายเลข IP", f"'{text}' is not an IP address") from None
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return str(ip), key_of(ip)


@dataclass(frozen=True)
class PrefixRange:
    cidr: str
    version: int
    first: str
    last: str


def parse_prefix(text: str) -> PrefixRange:
    """A CIDR with no host bits set; AddressError naming the network meant when it has some."""
    raw = text.strip()
    try:
        net = ipaddress.ip_network(raw, strict=False)
    except ValueError:
        raise AddressError(f"'{text}' ไม่ใช่ช่วงหมายเลข IP แบบ CIDR", f"'{text}' is not a CIDR prefix") from None
    if "/" not in raw:
        raise AddressError(
            f"'{text}' ต้องระบุความยาว prefix เช่น {net.network_address}/24",
            f"'{text}' needs a prefix length, e.g. {net.network_address}/24",
        )
    if str(net.network_address) != str(ipaddress.ip_interface(raw).ip) and net.prefixlen < net.max_prefixlen:
        raise AddressError(
            f"'{text}' มีบิตของเครื่องอยู่ หมายถึง {net} หรือไม่",
            f"'{text}' has host bits set; did you mean {net}?",
        )
    return PrefixRange(
        cidr=str(net),
        version=net.version,
        first=key_of(net.network_address),
        last=key_of(net.broadcast_address),
    )


def normalise_mac(text: str) -> str:
    """AA:BB:CC:DD:EE:FF from any of the usual notations; "" for an empty text; AddressError else."""
    raw = text.strip()
    if not raw:
        return ""
    if not any(shape.match(raw) for shape in MAC_SHAPES):
        raise AddressError(f"'{text}' ไม่ใช่หมายเลข MAC", f"'{text}' is not a MAC address")
    if MAC_SHAPES[0].match(raw):
        digits = "".join(part.zfill(2) for part in re.split(r"[:-]", raw))
    else:
        digits = raw.replace(".", "")
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2)).upper()


def address_of_key(key: str) -> str:
    value = int(key, 16)
    if value >> 32 == 0xFFFF:
        return str(ipaddress.IPv4Address(value & 0xFFFFFFFF))
    return str(ipaddress.IPv6Address(value))
