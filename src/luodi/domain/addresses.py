"""Which network addresses an outgoing webhook may not reach unless an admin allows it (INT-4).

Pure: the caller resolves the host (services at ``webhook add``, the sender again at each send).
"""

from __future__ import annotations

import ipaddress


def is_private(address: str) -> bool:
    """True for loopback, private (RFC 1918, fc00::/7), link-local, CGNAT, multicast, reserved
    and unspecified addresses, IPv4-mapped IPv6 included; an unreadable address counts too."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified or not ip.is_global)
