"""Which addresses an outgoing webhook may not reach (INT-4): a subscription must not turn luodi
into a way into the team's own network. Loopback, private, link-local, CGNAT, multicast, reserved
and unspecified addresses are refused, IPv4-mapped IPv6 is judged as the IPv4 address it carries,
a zone id (``%eth0``) does not hide an address, and what cannot be read is refused too."""

from __future__ import annotations

import pytest

from luodi.domain.addresses import is_private


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "::1",                       # loopback
    "10.0.0.1", "172.16.0.1", "172.31.255.254", "192.168.1.1", "fc00::1", "fd12:3456::1",  # private
    "169.254.169.254", "fe80::1",                            # link-local (the cloud metadata address)
    "100.64.0.1", "100.127.255.254",                         # CGNAT (shared address space)
    "224.0.0.1", "ff02::1",                                  # multicast
    "240.0.0.1", "255.255.255.255",                          # reserved, broadcast
    "0.0.0.0", "::",                                         # unspecified
    "192.0.2.10", "2001:db8::1",                             # documentation ranges: never a real vendor
    "4000::1", "e000::1",                                    # reserved IPv6 ranges
    "239.255.255.250", "ff05::c",                            # multicast (SSDP) is global, still refused
])
def test_addresses_inside_or_not_global_are_refused(address: str) -> None:
    assert is_private(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111",
                                     "172.32.0.1", "100.128.0.1", "11.0.0.1"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert not is_private(address)


def test_an_ipv4_mapped_ipv6_address_is_judged_as_its_ipv4_address() -> None:
    assert is_private("::ffff:127.0.0.1")
    assert is_private("::ffff:10.1.2.3")
    assert is_private("::ffff:169.254.169.254")
    assert not is_private("::ffff:93.184.216.34")


def test_a_zone_id_neither_hides_a_private_address_nor_blocks_a_public_one() -> None:
    assert is_private("fe80::1%eth0")
    assert is_private("::1%lo")
    assert not is_private("2606:4700:4700::1111%eth0")
    assert not is_private("2606:4700:4700::1111%eth0%x")


@pytest.mark.parametrize("address", ["", "localhost", "example.com", "999.1.1.1", "1.2.3", "%eth0", "fe80::zz"])
def test_an_unreadable_address_counts_as_private(address: str) -> None:
    assert is_private(address)
