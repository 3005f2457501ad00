#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The DMAR ACPI table of profile vtd-legacy, as an early-initrd cpio.

    vm-images/dmar-table.py OUT.cpio

The kernel (CONFIG_ACPI_TABLE_UPGRADE) replaces a firmware table with one
found in the initrd under kernel/firmware/acpi/ when signature, OEM ID and
OEM table ID match and the OEM revision is higher (drivers/acpi/tables.c).
QEMU 10.0's DMAR for the vtd-legacy machine describes one remapping unit and
an ATSR; this one is the same unit with the same device scopes (the q35
functions and the profile's devices, in QEMU's order: a function missing
here would get no IOMMU, and the edu and ATS runs would fail for want of a
group) plus what QEMU never describes, so that the intel driver's parsing
and use of them run:

  - an RMRR (reserved memory region reporting): 0xf0000-0xfffff, inside
    the E820 reserved BIOS area (the driver's sanity check), for the ICH9
    AHCI function 00:1f.2, which no driver of the VM's kernel binds; its
    IOMMU group then reports a "direct" reserved region;
  - a SATC (SoC integrated address translation cache) naming the ATS
    function behind the root port 00:03.0 (01:00.0), ATC not required: the
    driver finds ATS support through it instead of the ATSR.

Keep the scope list in step with run-vm.sh's vtd-legacy devices.
"""
import struct
import sys

OEM_ID = b"BOCHS "          # QEMU's: the override must match them
OEM_TABLE_ID = b"BXPC    "
OEM_REVISION = 2            # QEMU's is 1; the override must be higher
HAW = 39 - 1                # host address width - 1: run-vm.sh's aw-bits=39
DRHD_BASE = 0xFED90000      # QEMU's VT-d register base (Q35_HOST_BRIDGE_IOMMU_ADDR)

SCOPE_ENDPOINT, SCOPE_BRIDGE, SCOPE_IOAPIC = 1, 2, 3


def scope(kind, bus, path, enum_id=0):
    """A device scope: type, length, flags, reserved, enumeration ID,
    start bus, then (device, function) per hop."""
    body = b"".join(struct.pack("<BB", d, f) for d, f in path)
    return struct.pack("<BBBBBB", kind, 6 + len(body), 0, 0, enum_id, bus) + body


def structure(kind, payload):
    return struct.pack("<HH", kind, 4 + len(payload)) + payload


def drhd():
    scopes = [scope(SCOPE_IOAPIC, 0xFF, [(0, 0)])]           # IOAPIC 0
    scopes += [scope(SCOPE_ENDPOINT, 0, [(0, 0)]),           # host bridge
               scope(SCOPE_ENDPOINT, 0, [(1, 0)]),           # VGA
               scope(SCOPE_ENDPOINT, 0, [(2, 0)]),           # edu
               scope(SCOPE_BRIDGE, 0, [(3, 0)]),             # ats-rp
               scope(SCOPE_ENDPOINT, 0, [(0x1F, 0)]),        # ICH9 LPC
               scope(SCOPE_ENDPOINT, 0, [(0x1F, 2)]),        # ICH9 AHCI
               scope(SCOPE_ENDPOINT, 0, [(0x1F, 3)])]        # ICH9 SMBus
    return structure(0, struct.pack("<BBHQ", 0, 0, 0, DRHD_BASE) + b"".join(scopes))


def rmrr():
    return structure(1, struct.pack("<HHQQ", 0, 0, 0xF0000, 0xFFFFF) +
                     scope(SCOPE_ENDPOINT, 0, [(0x1F, 2)]))


def atsr():
    return structure(2, struct.pack("<BBH", 1, 0, 0))      # ALL_PORTS


def satc():
    return structure(5, struct.pack("<BBH", 0, 0, 0) +
                     scope(SCOPE_ENDPOINT, 0, [(3, 0), (0, 0)]))


def table():
    body = struct.pack("<BB10x", HAW, 0x01) + drhd() + rmrr() + atsr() + satc()
    hdr = struct.pack("<4sIBB6s8sI4sI", b"DMAR", 36 + len(body), 1, 0,
                      OEM_ID, OEM_TABLE_ID, OEM_REVISION, b"BXPC", 1)
    raw = bytearray(hdr + body)
    raw[9] = (-sum(raw)) & 0xFF        # the bytes sum to 0
    return bytes(raw)


def cpio(entries):
    """An uncompressed newc archive of (name, mode, data)."""
    out = bytearray()
    for ino, (name, mode, data) in enumerate(entries + [("TRAILER!!!", 0, b"")], 1):
        nm = name.encode() + b"\0"
        out += b"070701" + b"".join(b"%08X" % v for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nm), 0))
        out += nm + b"\0" * (-(110 + len(nm)) % 4)
        out += data + b"\0" * (-len(data) % 4)
    return bytes(out)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: dmar-table.py OUT.cpio")
    entries = [("kernel", 0o40755, b""), ("kernel/firmware", 0o40755, b""),
               ("kernel/firmware/acpi", 0o40755, b""),
               ("kernel/firmware/acpi/dmar.aml", 0o100644, table())]
    with open(sys.argv[1], "wb") as f:
        f.write(cpio(entries))


if __name__ == "__main__":
    main()
