"""Which network addresses an outgoing webhook may not reach unless an admin allows it (INT-4).

Pure: the caller resolves the host (services at ``webhook add``, the sender again at each send).
"""

from __future__ import annotations

import ipaddress


def is_private(address: str) -> bool:
    """True for loopback, private (RFC 1918, fc00::/7), link-local, CGNAT, multicast, reserved
    and unspecified addresses, IPv4-mapped IPv6 included; an unreadable address counts too."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # pragma: no mutate (ipaddress reads IPv6 zone ids itself)
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # Loopback, private, link-local, CGNAT and unspecified addresses are all not global; multicast
    # (224.0.0.0/4, ff00::/8) and reserved IPv6 ranges (4000::/3…) count as global, so they are named.
    return not ip.is_global or ip.is_multicast or ip.is_reserved
