"""Where a webhook may point: never at the server's own network (SSRF).

A host name is resolved and EVERY address it resolves to must be public: private, loopback,
link-local (cloud metadata at 169.254.169.254), multicast, reserved, unspecified and
carrier-grade NAT (100.64.0.0/10) addresses are refused, as are IPv4-mapped IPv6 forms of
them. The check runs when an endpoint is saved and again before every attempt, because DNS
answers change. An organisation may allow private targets (an on-premises integration) with
its ``webhooks_allow_private_targets`` setting.

The attempt then connects to the address that was checked (``check_target`` returns it), not
to whatever a second lookup would answer: a hostile DNS server cannot pass the check with a
public address and then hand the HTTP client a private one (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from urllib.parse import urlsplit

from domain.shared.errors import InvalidInput
from domain.webhooks.ports import HostResolver

_CARRIER_GRADE_NAT = ipaddress.ip_network("100.64.0.0/10")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def forbidden_reason(address: IPAddress) -> str | None:
    """Why a webhook must not be sent to this address, or None when it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return forbidden_reason(mapped)
    checks = (
        (address.is_unspecified, "unspecified"),
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local"),
        (address.is_multicast, "multicast"),
        (
            isinstance(address, ipaddress.IPv4Address) and address in _CARRIER_GRADE_NAT,
            "carrier-grade NAT",
        ),
        (address.is_private, "private"),
        (address.is_reserved, "reserved"),
        (not address.is_global, "not public"),
    )
    for hit, reason in checks:
        if hit:
            return f"{reason} address {address}"
    return None


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


async def check_target(url: str, resolver: HostResolver, *, allow_private: bool) -> str | None:
    """Raises InvalidInput on ``url`` when the URL's host is or resolves to an address a
    webhook must not reach, or does not resolve at all; returns the checked address to
    connect to (None when private targets are allowed: then nothing needs pinning)."""
    if allow_private:
        return None
    host = urlsplit(url).hostname or ""
    literal = _literal(host)
    addresses: Sequence[str]
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            addresses = await resolver.resolve(host)
        except OSError as exc:
            raise InvalidInput("url", f"the host {host} cannot be resolved") from exc
        if not addresses:
            raise InvalidInput("url", f"the host {host} cannot be resolved")
    for raw in addresses:
        address = _literal(raw.split("%", 1)[0])  # drop an IPv6 zone id
        reason = "an unreadable address" if address is None else forbidden_reason(address)
        if reason is not None:
            raise InvalidInput(
                "url",
                f"must point at a public address; {host} is {reason}. An administrator can "
                "allow private targets in the organisation settings",
            )
    return addresses[0].split("%", 1)[0]
