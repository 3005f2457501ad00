#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# The hand-made seeds of fuzz/siovdev_mmio (fuzz/mkseeds.sh runs this):
# guest-driver scenarios in the target's input encoding (the comment at the
# top of siovdev_mmio.c), each reaching a part of the device model's
# guest interface: portals and submissions with their completion records
# and interrupts, page faults, queues with hold/drain/disable/reset, the
# DMA gates, MSI-X and the PBA, IMS masking and pending, raw BAR accesses
# of every size and alignment, FLR, the RO registers. Rerun after changing
# the target's input format; distilled campaign inputs sit beside these
# (fuzz/siovdev_mmio/seeds/cmin-*).
import os
import struct
import sys

# Op bytes (enum in siovdev_mmio.c).
CFG_W, CFG_R, BAR0_W, BAR0_R, PORTAL, SUBMIT, RAW, BAR0_W8 = range(8)
# ADI registers in the target's adi_regs[] order.
ADI_REGS = ["CTRL", "STATUS", "PASID", "QSIZE", "IRQ", "DRAIN", "RESET",
            "QUEUED", "ERROR", "DROPPED", "COMPLETED", "RSVD2C", "RSVD3C"]
FIELDS = {"ADDR_LO": 0, "ADDR_HI": 1, "DATA": 2, "CTRL": 3}
VALID = 1 << 31
COMPLETION, INTERRUPT, BLOCK = 1, 2, 4
NOP, COPY, FILL = 0, 1, 2
PASID_CAP = 0x100
PASID = 0x1234


def u8(v): return struct.pack("<B", v & 0xff)
def u16(v): return struct.pack("<H", v & 0xffff)
def u32(v): return struct.pack("<I", v & 0xffffffff)
def u64(v): return struct.pack("<Q", v & 0xffffffffffffffff)


def kind(cls, sel, mod):
    """The bar0_offset kind byte: kind % 6 == cls, kind / 8 % mod == sel."""
    for k in range(256):
        if k % 6 == cls and k // 8 % mod == sel:
            return k
    raise ValueError((cls, sel))


def header(cfg=b"\0", boot=7, maps=((PASID, 0xffff, 0xffff),)):
    out = cfg + u8(boot) + u8(len(maps))
    for pasid, present, writable in maps:
        out += u32(pasid) + u16(present) + u16(writable)
    return out


def cfg_w(off, size, val):
    return u8(CFG_W) + u8([1, 2, 4, 4, 3, 8].index(size)) + u8(0x80) + \
        u16(off) + u32(val)


def cfg_r(off, size):
    return u8(CFG_R) + u8([1, 2, 4, 4, 3, 8].index(size)) + u8(0x80) + \
        u16(off) + u32(0)


def adi_w(n, reg, val):
    return u8(BAR0_W) + u8(kind(1, ADI_REGS.index(reg), 16)) + u8(n) + \
        u32(val)


def adi_r(n, reg, eight=False):
    return u8(BAR0_R) + u8(kind(1, ADI_REGS.index(reg), 16)) + u8(n) + \
        u8(1 if eight else 0)


def adi_w8(n, reg, lo, hi):
    return u8(BAR0_W8) + u8(kind(1, ADI_REGS.index(reg), 16)) + u8(n) + \
        u32(lo) + u32(hi)


def dev_r(i, eight=False):
    return u8(BAR0_R) + u8(0) + u8(i) + u8(1 if eight else 0)


def dev_w(i, val):
    return u8(BAR0_W) + u8(0) + u8(i) + u32(val)


def tbl_w(ims, n, field, val):
    return u8(BAR0_W) + u8(kind(5 if ims else 3, FIELDS[field], 4)) + \
        u8(n) + u32(val)


def tbl_r(ims, n, field):
    return u8(BAR0_R) + u8(kind(5 if ims else 3, FIELDS[field], 4)) + \
        u8(n) + u8(0)


def pba_r(i=0):
    return u8(BAR0_R) + u8(4) + u8(i) + u8(0)


def entry(ims, n, addr, data, masked=False):
    return tbl_w(ims, n, "ADDR_LO", addr) + tbl_w(ims, n, "DATA", data) + \
        tbl_w(ims, n, "CTRL", 1 if masked else 0)


def desc(portal, n, op, flags=0, size=0, comp=0, src=0, dst=0, tag=0,
         slot=0, big_size=False, comp64=False, rsvd0=0, rsvd1=None,
         pattern=None, anyflags=False):
    shape = (1 if big_size else 0) | (2 if comp64 else 0) | \
        (0x10 if rsvd0 else 0) | (0x20 if rsvd1 else 0) | \
        (0x40 if pattern is not None else 0) | (0x80 if anyflags else 0)
    out = u8(PORTAL if portal else SUBMIT) + u8(n) + u8(slot) + u8(shape) + \
        u8(op) + u8(flags)
    out += u32(size) if big_size else u16(size)
    out += u64(comp) if comp64 else u16(comp)
    out += u16(src) + u16(dst) + u8(tag)
    if rsvd0:
        out += u8(rsvd0)
    if rsvd1:
        out += u8(rsvd1[0]) + u8(rsvd1[1])
    if pattern is not None:
        out += u64(pattern)
    return out


def raw(bar_i, len_i, how, off, data=b""):
    """bars {0,2,0,2,1,3,4,6}[bar_i], lens {4,8,1,2,64,3,0,16,4,8,32}[len_i];
    how: 1 u64 offset, 2 u32, 4 write, 8 aligned and in range."""
    out = u8(RAW) + u8(bar_i) + u8(len_i) + u8(how)
    out += u64(off) if how & 1 else u32(off) if how & 2 else u16(off)
    return out + data


def adi_up(n, pasid=PASID, ctrl=1):
    return adi_w(n, "PASID", VALID | pasid) + adi_w(n, "CTRL", ctrl)


def ims_up(ims=True, count=8):
    return b"".join(entry(ims, i, 0xfee00000 + 0x10 * i, 0x100 + i)
                    for i in range(count))


SEEDS = {
    # copy across pages and fill, records and interrupts, all read back
    "copy-fill": header() + ims_up() + adi_up(0) + adi_up(1) +
    desc(True, 0, COPY, COMPLETION | INTERRUPT, 0x1200, 0x8000, 0x0f80,
         0x3000, 7) +
    desc(False, 1, FILL, COMPLETION | INTERRUPT, 0x300, 0x8020, 0x1122,
         0x5ff0, 8, pattern=0x0102030405060708) +
    desc(False, 1, NOP, COMPLETION, 0, 0x8040) +
    adi_r(0, "COMPLETED") + adi_r(1, "STATUS") + adi_r(0, "PASID") +
    adi_r(0, "IRQ") + dev_r(4, True) + tbl_r(True, 0, "CTRL"),
    # DMA faults: unmapped and read-only pages; ERROR, ERR_SUMMARY, clear
    "page-faults": header(maps=((PASID, 0x00ff, 0x000f),
                                (0x77, 0xffff, 0xffff))) +
    ims_up() + adi_up(2) + adi_up(3, 0x77) +
    desc(True, 2, COPY, COMPLETION, 0x2000, 0x0100, 0x7800, 0x0200) +
    desc(True, 2, FILL, COMPLETION | INTERRUPT, 0x100, 0x0140, 0, 0x5000) +
    desc(False, 3, COPY, COMPLETION | BLOCK, 0x100, 0x0040, 0x9000,
         0xc000) +
    adi_r(2, "ERROR") + dev_r(4) + dev_r(5) + adi_w(2, "ERROR", VALID) +
    adi_r(2, "ERROR") + adi_r(2, "STATUS") + dev_r(4, True),
    # hold, queue full, drain, disable runs the queue, reset discards it
    "hold-drain-reset": header() + ims_up() +
    adi_w(1, "QSIZE", 2) + adi_up(1, ctrl=3) +
    desc(False, 1, FILL, COMPLETION, 0x40, 0x8000, 0xab, 0x1000) +
    desc(True, 1, FILL, 0, 0x40, 0, 0xcd, 0x1100, slot=3) +
    desc(False, 1, NOP, 0) + adi_r(1, "QUEUED") +
    adi_w(1, "DRAIN", 1) + adi_r(1, "COMPLETED") +
    desc(False, 1, FILL, 0, 0x40, 0, 0xef, 0x1200) +
    adi_w(1, "CTRL", 0) + adi_r(1, "DROPPED") +
    adi_w(1, "CTRL", 3) + desc(False, 1, NOP, 0) +
    adi_w(1, "CTRL", 1) +
    adi_w(1, "CTRL", 3) + desc(False, 1, FILL, 0, 0x40, 0, 0x11, 0x1300) +
    adi_w(1, "RESET", 1) + adi_r(1, "PASID") + adi_r(1, "QSIZE") +
    desc(False, 1, NOP, 0) + adi_w(1, "QSIZE", 0) + adi_w(1, "QSIZE", 99),
    # the gates: bus master off, PASID disabled, PASID_VALID clear
    "gates": header(boot=1) + ims_up() + adi_up(4) + adi_up(5) +
    desc(False, 4, FILL, COMPLETION, 0x80, 0x8000, 0x55, 0x2000) +
    cfg_w(PASID_CAP + 6, 2, 1) + cfg_w(0x04, 2, 2) +
    desc(True, 4, FILL, COMPLETION, 0x80, 0x8000, 0x55, 0x2000) +
    cfg_w(0x04, 2, 6) + adi_w(5, "PASID", PASID) + adi_r(5, "PASID") +
    desc(False, 5, FILL, COMPLETION, 0x80, 0x8000, 0x55, 0x2000) +
    adi_r(4, "ERROR") + adi_r(5, "DROPPED") + dev_r(4),
    # no IMS: ADIs interrupt through MSI-X 1 + n; errors through vector 0
    "msix-pba": header(cfg=b"\x01\x04\x03\x07\x14\x00\x00",
                       boot=3) +
    entry(False, 0, 0xfee01000, 0x90) + entry(False, 1, 0xfee01010, 0x91) +
    entry(False, 3, 0xfee01030, 0x93, masked=True) +
    adi_up(0) + adi_up(2) +
    desc(False, 0, NOP, INTERRUPT) + desc(False, 2, NOP, INTERRUPT) +
    adi_w(1, "CTRL", 0) + desc(False, 1, NOP, 0) + pba_r() +
    cfg_w(0x82, 2, 0xc000) + pba_r() + cfg_w(0x82, 2, 0x8000) + pba_r() +
    tbl_w(False, 3, "CTRL", 0) + pba_r() + tbl_r(False, 1, "DATA") +
    tbl_r(False, 3, "CTRL") + tbl_r(False, 5, "ADDR_LO") +
    adi_r(0, "IRQ") + adi_w(0, "IRQ", 2) + dev_r(2),
    # IMS: a masked entry holds its message pending, unmasking sends it;
    # an ADI's IRQ register picks its entry
    "ims-pending": header() + ims_up(count=6) +
    entry(True, 2, 0xfee00700, 0x777, masked=True) +
    adi_up(2) + adi_up(3) + adi_w(3, "IRQ", 5) + adi_w(3, "IRQ", 999) +
    desc(True, 2, NOP, INTERRUPT) + tbl_r(True, 2, "CTRL") +
    tbl_w(True, 2, "CTRL", 0) + tbl_r(True, 2, "CTRL") +
    desc(True, 3, NOP, INTERRUPT) + adi_r(3, "IRQ") +
    desc(False, 4, NOP, 0) + adi_up(4) + desc(False, 4, NOP, 0) +
    cfg_w(0x04, 2, 2) + desc(False, 2, NOP, INTERRUPT) +
    cfg_w(0x04, 2, 6) + tbl_w(True, 2, "CTRL", 1) +
    tbl_w(True, 2, "CTRL", 0) + tbl_r(True, 40, "DATA"),
    # every BAR, size and alignment; memory space off: -EIO
    "raw-accesses": header() +
    raw(0, 0, 0, 0x1002) + raw(0, 2, 0, 0x10) + raw(0, 1, 0, 0x1004) +
    raw(0, 0, 2, 0x8000) + raw(0, 1, 2, 0x7ffc) + raw(4, 0, 0, 0) +
    raw(5, 0, 4, 0, b"\0" * 64) + raw(7, 1, 0, 0) +
    raw(1, 2, 8, 0x33) + raw(1, 1, 8, 0x100) + raw(1, 4, 8, 0x40) +
    raw(1, 4, 4 | 8, 0x1040, bytes([2, 0, 0, 0, 0x20, 0]) + b"\0" * 58) +
    raw(1, 4, 4, 0x1041, b"\0" * 64) + raw(1, 0, 4 | 8, 0x2000) +
    raw(1, 4, 1 | 4, 1 << 40, b"\0" * 64) +
    raw(0, 1, 8, 0x1000) + raw(0, 0, 4 | 8, 0x1008, u32(VALID | 5)) +
    raw(0, 3, 4, 0x2000, b"\0" * 64) +
    cfg_w(0x04, 2, 4) + raw(0, 0, 0, 0) + raw(1, 2, 0, 0) +
    desc(False, 0, NOP, 0) + desc(True, 0, NOP, 0),
    # function level reset: config, ADIs and tables back to power-on
    "flr": header() + ims_up(count=4) + adi_up(0) + adi_up(6, ctrl=3) +
    desc(False, 6, NOP, INTERRUPT) + cfg_w(0x0c, 1, 0x10) +
    cfg_w(0x3c, 1, 0x0b) + cfg_w(0x10, 4, 0xffffffff) +
    cfg_r(0x10, 4) + cfg_w(0x48, 2, 0x8000) + cfg_r(0x04, 2) +
    cfg_w(0x04, 2, 6) + adi_r(6, "QUEUED") + tbl_r(True, 0, "CTRL") +
    cfg_w(0x49, 1, 0x80),
    # invalid descriptors: no data DMA, CS_INVALID; a misaligned record
    # address drops it at the turn
    "invalid-desc": header() + ims_up() + adi_up(7) +
    desc(False, 7, 3, COMPLETION, 0x10, 0x8000, 0, 0x1000) +
    desc(False, 7, FILL, COMPLETION | 0x40, 0x10, 0x8020, 0, 0x1000,
         anyflags=True) +
    desc(False, 7, FILL, COMPLETION, 0x10, 0x8040, 0, 0x1000, rsvd0=1) +
    desc(False, 7, COPY, COMPLETION, 0x10, 0x8060, 0x2000, 0x1000,
         rsvd1=(2, 9)) +
    desc(False, 7, FILL, COMPLETION, 0x200000, 0x8080, 0, 0x1000,
         big_size=True) +
    desc(False, 7, FILL, COMPLETION, 0x10, 0x8011, 0, 0x1000,
         comp64=True) +
    adi_r(7, "ERROR") + adi_r(7, "COMPLETED") + adi_r(7, "DROPPED"),
    # RO registers ignore writes; reserved offsets read 0
    "ro-registers": header() + adi_up(5) + desc(False, 5, NOP, 0) +
    adi_w(5, "STATUS", 0xffffffff) + adi_w(5, "QUEUED", 3) +
    adi_w(5, "DROPPED", 9) + adi_w(5, "COMPLETED", 7) +
    adi_w(5, "RSVD2C", 1) + adi_w(5, "RSVD3C", 1) +
    dev_w(0, 1) + dev_w(1, 1) + dev_w(4, 0xff) +
    tbl_w(False, 0, "DATA", 5) + u8(BAR0_W) + u8(4) + u8(0) + u32(1) +
    adi_r(5, "COMPLETED") + adi_r(5, "DROPPED") + adi_r(5, "RSVD2C") +
    adi_r(5, "DRAIN") + adi_r(8, "CTRL") + adi_w(8, "CTRL", 1) +
    dev_r(0) + dev_r(1) + dev_r(2) + dev_r(3),
    # a narrow PASID capability; then none at all
    "pasid-width": header(cfg=b"\x01\x02\x0f\x02\x03\x08\x00\x00",
                          maps=((0xab, 0xffff, 0xffff),)) +
    adi_w(0, "PASID", VALID | 0xfffab) + adi_r(0, "PASID") +
    adi_w(0, "CTRL", 1) + ims_up(count=4) +
    desc(False, 0, FILL, COMPLETION | INTERRUPT, 0x20, 0x100, 0, 0x200) +
    adi_w(0, "PASID", 0) + adi_w(1, "PASID", VALID | 0xab) +
    adi_w8(1, "PASID", VALID | 0xab, 3) + adi_r(1, "PASID", True) +
    adi_w8(1, "RESET", 1, 0),
    "no-pasid-cap": header(cfg=b"\x01\x03\x00\x03\x00\x00\x00") +
    adi_up(0) + desc(False, 0, FILL, 0, 0x20, 0, 0, 0x200) +
    adi_r(0, "ERROR") + cfg_r(0x100, 4),
    # a 64 KiB system page size: portals move, BAR2 grows
    "page-size": header() + cfg_w(0x140, 4, 0x10) + cfg_r(0x18, 4) +
    cfg_w(0x140, 4, 0x3) + cfg_w(0x140, 4, 0x20) + adi_up(1) +
    raw(1, 4, 2 | 4, 0x10000,
        bytes([2, 0, 0, 0, 0x20, 0, 0, 0]) + b"\0" * 16 + u64(0x3000) +
        b"\0" * 32) +
    adi_r(1, "COMPLETED") + raw(1, 1, 8, 0x10008),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
