#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# The hand-made seeds of fuzz/viommu_ops (fuzz/mkseeds.sh runs this): a
# vIOMMU's guest in the target's input encoding (the comment at the top of
# viommu_ops.c and its *_pick helpers), each scenario reaching one part of
# the unit: guest (NESTED) and host (FIRST_STAGE) first-stage tables with
# 4 and 5 levels and 2 MiB leaves, request attributes, reserved and
# ignored bits, every invalidation with and without the one that is due,
# the PASID cache and the PSC, page requests with their groups,
# responses, drains and overflows, the fault log. Rerun after changing
# the target's input format; distilled campaign inputs sit beside these
# (fuzz/viommu_ops/seeds/cmin-*).
import os
import struct
import sys

(DOM_ALLOC, DOM_FREE, MAP, UNMAP, PT_UNMAP, ATTACH, BIND, DETACH, PT_DETACH,
 PASID_GET, GUEST_WRITE, HOST_WRITE, DMA, INV, PRQ_SUBMIT, PRQ_POP,
 PRQ_RESP, PRQ_DRAIN, RESP_POP, FAULT_POP, LOOKUP) = range(21)

P, RW, US, PS, XD, HI, RSVD = 1, 2, 4, 8, 16, 32, 64
ACC_W, ACC_PRIV, ACC_X = 1, 2, 4
SRE, WPE, PRE = 1, 2, 4
NO_PASID = 0xe0          # pasid_pick: the untagged entry
UNALLOC = 6              # dom_pick: a DID the model has not allocated
RIDS = [0x0000, 0x0008, 0x0100, 0xffff]
VAS = [0x0, 0x1000, 0x3000, 0x1ff000, 0x200000, 0x201000, 0x3ff000,
       0x40000000, 0x7fffffe00000, 0x7ffffffff000, 0x800000000000,
       0xfffffffff000, 0x1000000000000, 0xfffffffffff000,
       0x100000000000000, 0x200000000000000]
LENS = [1, 8, 64, 4095, 4096, 4097, 8192, 12288, 0]
GLOBAL, DOMAIN, PASID_G, ADDR = 0, 1, 2, 3      # granularity bytes
IOTLB, PCACHE = 0, 1                             # cache selectors
F_PASID, F_LEAF = 1, 2


def u8(v): return struct.pack("<B", v & 0xff)
def u16(v): return struct.pack("<H", v & 0xffff)
def u32(v): return struct.pack("<I", v & 0xffffffff)
def u64(v): return struct.pack("<Q", v & 0xffffffffffffffff)


def config(pasid_bits=20, addr_width=48, fs57=True, iotlb=16, faults=8,
           doms=6, pc=8, psc=8, prq=8):
    b = 1 | (0 if fs57 else 8)
    out = u8(pasid_bits - 1)
    if addr_width == 48:
        b |= 2
    elif addr_width == 39:
        b |= 4
    else:
        out += u8(addr_width - 12)
    return u8(b) + out + u8(iotlb - 1) + u8(faults - 1) + u8(doms - 1) + \
        u8(pc - 1) + u8(psc - 1) + u8(prq - 1)


DEFAULT = b"\0"


def alloc(): return u8(DOM_ALLOC)


def free(d): return u8(DOM_FREE) + u8(d)


def gpa(page): return u8(page)              # a page of the window


def gpa_va(i): return u8(0xf0) + u8(i)      # a boundary address


def gpa_raw(v): return u8(0xff) + u64(v)


def smap(d, page, n, gpage, prot=3, where=None):
    return u8(MAP) + u8(d) + (where or gpa(page)) + u8(n - 1) + \
        u8(gpage) + u8(prot)


def unmap(d, page, n, flush=True, where=None, size=None):
    sz = u8(n - 1) if size is None else u8(0xff) + u64(size)
    return u8(UNMAP if flush else PT_UNMAP) + u8(d) + \
        (where or gpa(page)) + sz


def attach(rid, pasid, d): return u8(ATTACH) + u8(rid) + u8(pasid) + u8(d)


def bind(rid, pasid, d, nested, root, flags=PRE, five=False, pbits=None,
         reserved=False, wild_aw=None, wild_flags=None):
    x = (1 if nested else 0) | ((flags & 7) << 1) | (0x10 if five else 0)
    extra = b""
    if wild_flags is not None:
        x |= 0x40
        extra += u32(wild_flags)
    if wild_aw is not None:
        x |= 0x20
        extra += u8(wild_aw)
    out = u8(BIND) + u8(rid) + u8(pasid) + u8(x) + extra + u8(d)
    if pbits is not None:
        out += u8(0xf0) + u8(pbits)
    else:
        out += u8(0xe5 if reserved else 19)    # 1 + 19 % 20 = 20 bits
    return out + (gpa(root) if nested else u8(root))


def detach(rid, pasid, flush=True):
    return u8(DETACH if flush else PT_DETACH) + u8(rid) + u8(pasid)


def pasid_get(rid, pasid): return u8(PASID_GET) + u8(rid) + u8(pasid)


def idx_raw(i): return u8(i & 0x7f) + u8(i >> 7)


def va_index(va, level): return (va >> (12 + 9 * (level - 1))) & 511


def gwrite(page, idx, flags, target, hi=None, rsvd=None, raw=None):
    """A guest table entry at guest page `page`, index idx: flags, and a
    GPA page (or, with PS, a 2 MiB frame) target."""
    if raw is not None:
        return u8(GUEST_WRITE) + u8(page) + idx_raw(idx) + u8(0x80) + \
            u64(raw)
    fl = flags | (HI if hi is not None else 0) | \
        (RSVD if rsvd is not None else 0)
    out = u8(GUEST_WRITE) + u8(page) + idx_raw(idx) + u8(fl)
    if hi is not None:
        out += u16(hi)
    if rsvd is not None:
        out += u8(rsvd)
    if flags & PS:
        return out + u8(target << 6)
    if target >= 0xf0:
        return out + u8(0xf0) + u32(target)
    return out + u8(target)


def hwrite(level, k, idx, flags, target, hi=None, rsvd=None):
    """A host table entry in table k of a level; target: the table of the
    level below (k) or a guest page (level 1)."""
    fl = flags | (HI if hi is not None else 0) | \
        (RSVD if rsvd is not None else 0)
    b = (level - 1) + 5 * k
    out = u8(HOST_WRITE) + u8(b) + idx_raw(idx) + u8(fl) + u8(target)
    if hi is not None:
        out += u16(hi)
    if rsvd is not None:
        out += u8(rsvd)
    return out


def dma(rid, pasid, va_i, off, ln, access=0, pv=True, data=b"",
        wild_va=None, old_call=False):
    out = u8(DMA) + u8(rid) + u8((1 if pv else 0) | (access << 1) |
                                 (0x20 if old_call else 0)) + u8(pasid)
    if wild_va is not None:
        out += u8(0xff) + u64(wild_va)
    else:
        out += u8(va_i) + u16(off)
    out += u8(LENS.index(ln))
    return out + data


def inv(cache, gran, flags, d, pasid, order, va_i=0):
    return u8(INV) + u8(cache | (flags << 2)) + u8(gran) + u8(d) + \
        u8(pasid) + u8(order) + u8(va_i)


def inv_order(cache, gran, flags, d, pasid, obyte):
    return u8(INV) + u8(cache | (flags << 2)) + u8(gran) + u8(d) + \
        u8(pasid) + u8(obyte) + u8(0)


def prq(rid, pasid, va_i, page, perm, prg, last, pv=True, data=7):
    fl = (1 if pv else 0) | (2 if last else 0) | ((perm & 0xf) << 2)
    return u8(PRQ_SUBMIT) + u8(fl) + u8(rid) + u8(pasid) + u8(va_i) + \
        u8(page) + u16(prg) + u8(data)


def resp_group(n, code): return u8(PRQ_RESP) + u8(1 | (n << 1)) + u8(code)


def resp(rid, pasid, prg, code, pv=True):
    return u8(PRQ_RESP) + u8(2 if pv else 0) + u8(code) + u8(rid) + \
        u8(pasid) + u16(prg)


def drain(rid, pasid_only, pasid, pv=True):
    return u8(PRQ_DRAIN) + u8(rid) + \
        u8((1 if pasid_only else 0) | (2 if pv else 0)) + u8(pasid)


def lookup(d, page): return u8(LOOKUP) + u8(d) + gpa(page)


POP, RPOP, FPOP = u8(PRQ_POP), u8(RESP_POP), u8(FAULT_POP)


def fail(n):
    """The next op's nth allocation fails (1..8)."""
    return u8(0xf8 + n - 1)


# --- building blocks

def identity(d, pages=16, prot=3):
    """GPA pages 0..pages-1 -> guest pages 0..pages-1."""
    return b"".join(smap(d, p, 4, p, prot) for p in range(0, pages, 4))


def nested_tables(root, va, l3, l2, l1, leaf, flags=P | RW | US):
    """A 4-level guest walk of va: root -> l3 -> l2 -> l1 -> leaf page."""
    return (gwrite(root, va_index(va, 4), flags, l3) +
            gwrite(l3, va_index(va, 3), flags, l2) +
            gwrite(l2, va_index(va, 2), flags, l1) +
            gwrite(l1, va_index(va, 1), flags, leaf))


def host_tables(va, leaf, flags=P | RW | US, five=False, k=0, l1k=0):
    """Host tables (table k of each level) for va down to guest page leaf."""
    out = b""
    if five:
        out += hwrite(5, k, va_index(va, 5), flags, k)
    out += hwrite(4, k, va_index(va, 4), flags, k)
    out += hwrite(3, k, va_index(va, 3), flags, k)
    out += hwrite(2, k, va_index(va, 2), flags, l1k)
    out += hwrite(1, l1k, va_index(va, 1), flags, leaf)
    return out


NESTED_SETUP = alloc() + identity(0) + nested_tables(1, 0x1000, 2, 3, 4, 8)
FS_SETUP = alloc() + host_tables(0x1000, 9)

SEEDS = {
    # --- second stage, the IOTLB and the driver-level invalidations
    "ss-map-dma-unmap":
        DEFAULT + alloc() + attach(1, NO_PASID, 0) + smap(0, 1, 2, 20) +
        dma(1, 0, 1, 0, 4097, pv=False) + lookup(0, 1) +
        unmap(0, 1, 1, flush=False) + dma(1, 0, 1, 8, 8, pv=False) +
        unmap(0, 0, 4) + dma(1, 0, 1, 8, 8, pv=False) + FPOP +
        dma(1, 0, 1, 0, 8, access=ACC_W, pv=False, data=b"ABCDEFGH") +
        FPOP + FPOP,
    "ss-map-errors":
        config(addr_width=39) + alloc() + smap(0, 2, 1, 30) +
        smap(0, 2, 1, 31) + smap(0, 1, 2, 32) + lookup(0, 1) +
        smap(0, 0, 1, 33, where=gpa_va(8)) + smap(0, 0, 1, 34, prot=0) +
        smap(UNALLOC, 0, 1, 35) + smap(0, 0, 1, 36, where=gpa_raw(0x5001)) +
        unmap(0, 0, 4) + unmap(0, 0, 1, where=gpa_raw(0x1001)) +
        unmap(0, 0, 1, size=0) + unmap(UNALLOC, 0, 1) + lookup(0, 2) +
        lookup(UNALLOC, 0) + u8(LOOKUP) + u8(0) + gpa_va(12),
    "ss-perm-fault-log":
        config(faults=2) + alloc() + attach(0, 3, 0) + smap(0, 0, 1, 5, 1) +
        smap(0, 1, 1, 6, 2) + dma(0, 3, 0, 0, 8, access=ACC_W,
                                  data=b"12345678") +
        dma(0, 3, 1, 0, 8) + dma(0, 3, 2, 0, 8) + dma(0, 4, 0, 0, 8) +
        dma(2, 3, 0, 0, 8) + dma(0, 0xff, 0, 0, 8) + FPOP + FPOP + FPOP +
        dma(0, 3, 0, 0, 1) + dma(0, 3, 0, 0, 0) +
        dma(0, 3, 0, 0, 8, access=ACC_W | ACC_X),
    "ss-two-domains":
        DEFAULT + alloc() + alloc() + attach(0, 1, 0) + attach(1, 1, 1) +
        smap(0, 1, 1, 10) + smap(1, 1, 1, 11) + dma(0, 1, 1, 0, 64) +
        dma(1, 1, 1, 0, 64) + dma(0, 1, 1, 0, 64) + attach(0, 1, 1) +
        attach(0, 0, 0) + attach(0, NO_PASID, 1) + dma(0, 0, 1, 0, 8) +
        dma(0, 0, 1, 0, 8, pv=False) + pasid_get(0, 1) +
        pasid_get(0, NO_PASID) + pasid_get(3, 1) + free(0) + free(UNALLOC),
    "ss-detach-flush":
        DEFAULT + alloc() + attach(2, 5, 0) + smap(0, 3, 1, 12) +
        dma(2, 5, 2, 0, 8) + detach(2, 5) + dma(2, 5, 2, 0, 8) + FPOP +
        attach(2, 5, 0) + dma(2, 5, 2, 0, 8) + detach(2, 5, flush=False) +
        dma(2, 5, 2, 0, 8) + detach(2, 5) + detach(2, 0xff) + free(0) +
        alloc() + dma(2, 5, 2, 0, 8) + FPOP + FPOP,
    "ss-inv-range":
        DEFAULT + alloc() + attach(0, 1, 0) + smap(0, 2, 2, 14) +
        dma(0, 1, 2, 0, 8192) + unmap(0, 2, 2, flush=False) +
        inv(IOTLB, ADDR, 0, 0, 1, 1, 2) + dma(0, 1, 2, 0, 8192) +
        smap(0, 2, 2, 16) + dma(0, 1, 2, 0, 8192) +
        unmap(0, 2, 2, flush=False) + inv(IOTLB, DOMAIN, 0, 0, 1, 0) +
        dma(0, 1, 2, 4096, 8) + smap(0, 2, 1, 18) + dma(0, 1, 2, 0, 8) +
        unmap(0, 2, 1, flush=False) + inv(IOTLB, PASID_G, 0, 0, 1, 0) +
        dma(0, 1, 2, 0, 8) + inv(PCACHE, GLOBAL, 0, 0, 0, 0) +
        inv(IOTLB, GLOBAL, 0, 0, 0, 0) + FPOP + FPOP + FPOP,
    "ss-old-dma-bad-config":
        u8(0x80) + u8(2) + alloc() + attach(0, NO_PASID, 0) +
        smap(0, 1, 1, 3) + dma(0, 0, 1, 0, 64, pv=False, old_call=True) +
        dma(0, 0, 1, 0, 8, access=ACC_W, pv=False, old_call=True,
            data=b"old-call") +
        dma(0, 0, 2, 0, 8, pv=False, old_call=True) + FPOP + FPOP,
    "enomem":
        DEFAULT + fail(1) + alloc() + fail(2) + alloc() + alloc() +
        fail(4) + smap(0, 0, 2, 5, where=gpa_va(3)) +
        smap(0, 0, 2, 5, where=gpa_va(3)) + u8(LOOKUP) + u8(0) + gpa_va(4) +
        fail(1) + attach(0, 1, 0) + dma(0, 1, 1, 0, 8) +
        fail(4) + attach(0, 1, 0) + dma(0, 1, 1, 0, 8) + attach(0, 1, 0) +
        fail(2) + attach(0, 1, 0) + smap(0, 1, 1, 6) + dma(0, 1, 1, 0, 8) +
        fail(1) + bind(0, 0x47, 0, True, 1) + bind(0, 0x47, 0, True, 1) +
        fail(1) + dma(0, 1, 1, 0, 8) + fail(3) + bind(2, 3, 0, True, 1) +
        dma(2, 3, 1, 0, 8) + FPOP + FPOP + FPOP + FPOP,
    "ss-small-caches":
        config(iotlb=1, pc=1, psc=1, faults=1, addr_width=30) + alloc() +
        attach(0, 1, 0) + attach(0, 2, 0) + smap(0, 0, 4, 40) +
        dma(0, 1, 0, 0, 12288) + dma(0, 2, 0, 0, 12288) +
        dma(0, 1, 0, 0, 8) + dma(0, 7, 0, 0, 8) + dma(0, 7, 0, 0, 8) +
        FPOP + FPOP + dma(0, 1, 7, 0, 8),
    # --- invalidation descriptors: every field checked
    "inv-descriptors":
        DEFAULT + alloc() +
        inv_order(IOTLB, ADDR, 0, 0, 1, 0xe5) +         # order 37: 48 bits
        inv_order(IOTLB, ADDR, 0, 0, 1, 0xe4) +         # order 36
        inv_order(IOTLB, ADDR, F_PASID, 0, 1, 0xe2) +   # order 46: 57 bits
        inv_order(IOTLB, ADDR, F_PASID, 0, 1, 0xe3) +   # order 47
        inv(IOTLB, ADDR, 0, 0, 1, 0, 1) + inv(IOTLB, ADDR, 0, 0, 1, 1, 2) +
        inv(IOTLB, ADDR, 0, 0, 1, 0, 12) +
        inv(IOTLB, ADDR, F_PASID, 0, 1, 0, 12) +
        inv(PCACHE, ADDR, 0, 0, 1, 0) + inv(PCACHE, PASID_G, 0, 0, 1, 0) +
        inv(PCACHE, DOMAIN, 0, 0, 1, 0) +
        u8(INV) + u8(3) + u8(0) + u8(9) + u8(0) + u8(0) + u8(0) + u8(0) +
        u8(INV) + u8(0) + u8(5) + u8(9) + u8(0) + u8(0) + u8(0) + u8(0) +
        u8(INV) + u8(0x80) + u8(0) + u32(4) + u8(0) + u8(0) + u8(0) +
        u8(0),
    "inv-order-narrow-fs":
        config(addr_width=39, fs57=False) +
        inv_order(IOTLB, ADDR, 0, 0, 1, 0xe4) +
        inv_order(IOTLB, ADDR, F_PASID, 0, 1, 0xe4) +
        inv(IOTLB, ADDR, F_PASID, 0, 1, 0, 11),
    # --- nested: guest first-stage tables walked through the second stage
    "nested-walk":
        DEFAULT + NESTED_SETUP + bind(0, 1, 0, True, 1, flags=PRE) +
        dma(0, 1, 1, 0, 64) + dma(0, 1, 1, 8, 8, access=ACC_W,
                                  data=b"nestedwr") +
        dma(0, 1, 1, 0, 4097) + dma(0, 1, 0, 0, 8) +
        dma(0, 1, 1, 0, 8, access=ACC_PRIV) + dma(0, 1, 1, 0, 8,
                                                  access=ACC_X) +
        FPOP + FPOP + FPOP + pasid_get(0, 1),
    "nested-leaf-change":
        DEFAULT + NESTED_SETUP + bind(0, 1, 0, True, 1) +
        dma(0, 1, 1, 0, 8) + gwrite(4, 1, P | RW | US, 9) +
        dma(0, 1, 1, 0, 8) + inv(IOTLB, ADDR, F_PASID | F_LEAF, 0, 1, 0, 1) +
        dma(0, 1, 1, 0, 8) + gwrite(4, 1, P | RW | US, 10) +
        inv(IOTLB, PASID_G, 0, 0, 1, 0) + dma(0, 1, 1, 0, 8) +
        gwrite(4, 1, 0, 10) + inv(IOTLB, ADDR, F_PASID, 0, 1, 0, 1) +
        dma(0, 1, 1, 0, 8) + FPOP,
    "nested-psc":
        DEFAULT + NESTED_SETUP + gwrite(5, 1, P | RW | US, 11) +
        bind(0, 1, 0, True, 1) + dma(0, 1, 1, 0, 8) +
        gwrite(3, 0, P | RW | US, 5) +
        inv(IOTLB, ADDR, F_PASID | F_LEAF, 0, 1, 0, 1) + dma(0, 1, 1, 0, 8) +
        inv(IOTLB, ADDR, F_PASID, 0, 1, 0, 1) + dma(0, 1, 1, 0, 8) +
        gwrite(3, 0, P | RW | US, 4) + inv(IOTLB, DOMAIN, 0, 0, 1, 0) +
        dma(0, 1, 1, 0, 8),
    "nested-ss-change":
        DEFAULT + NESTED_SETUP + bind(0, 1, 0, True, 1) +
        dma(0, 1, 1, 0, 8) + unmap(0, 8, 1, flush=False) +
        smap(0, 8, 1, 30) + dma(0, 1, 1, 0, 8) +
        inv(IOTLB, ADDR, 0, 0, 1, 0, 0) + dma(0, 1, 1, 0, 8) +
        unmap(0, 8, 1) + dma(0, 1, 1, 0, 8) + FPOP + smap(0, 8, 1, 31) +
        dma(0, 1, 1, 0, 8),
    "nested-ss-faults":
        config(addr_width=39) + alloc() + smap(0, 1, 1, 1, 2) +
        smap(0, 2, 3, 2) + nested_tables(1, 0x1000, 2, 3, 4, 8) +
        bind(0, 1, 0, True, 1) + dma(0, 1, 1, 0, 8) + FPOP +
        unmap(0, 1, 1) + smap(0, 1, 1, 1) + dma(0, 1, 1, 0, 8) + FPOP +
        smap(0, 8, 1, 8, 1) + dma(0, 1, 1, 0, 8, access=ACC_W,
                                  data=b"x" * 8) + FPOP +
        gwrite(4, 1, P | RW | US, 0xf0 + 1) + dma(0, 1, 1, 0, 8) + FPOP +
        gwrite(4, 1, P | RW | US, 0xfffff) + dma(0, 1, 1, 0, 8) + FPOP,
    "nested-2m-bits":
        DEFAULT + NESTED_SETUP + bind(0, 1, 0, True, 1) +
        gwrite(3, 1, P | RW | US | PS, 0) + dma(0, 1, 5, 0x3000, 64) +
        gwrite(3, 1, P | RW | US | PS, 0, rsvd=0x5) + dma(0, 1, 5, 0, 8) +
        inv(IOTLB, ADDR, F_PASID, 0, 1, 9, 4) + dma(0, 1, 5, 0x3000, 8) +
        gwrite(4, 1, P | RW | US, 8, hi=0x7ff) + dma(0, 1, 1, 0, 8) +
        gwrite(2, 0, P | RW | US | PS, 0) + dma(0, 1, 1, 0, 8) +
        gwrite(1, 0, P | RW | US | PS, 0) + dma(0, 1, 0, 0x2000, 8) +
        FPOP + FPOP + FPOP + FPOP,
    "nested-two-pasids":
        DEFAULT + NESTED_SETUP + nested_tables(12, 0x1000, 13, 14, 15, 9) +
        smap(0, 16, 4, 16) + bind(0, 1, 0, True, 1) +
        bind(0, 2, 0, True, 12) + dma(0, 1, 1, 0, 8) + dma(0, 2, 1, 0, 8) +
        dma(0, 1, 1, 0, 8) + detach(0, 2) + dma(0, 2, 1, 0, 8) + FPOP,
    # --- host first stage: rights, levels, widths
    "fs-rights":
        DEFAULT + FS_SETUP + bind(0, 1, 0, False, 0, flags=SRE | PRE) +
        dma(0, 1, 1, 0, 8) + dma(0, 1, 1, 0, 8, access=ACC_W,
                                 data=b"fswrite1") +
        hwrite(1, 0, 1, P | US, 9) + inv(IOTLB, PASID_G, 0, 0, 1, 0) +
        dma(0, 1, 1, 0, 8, access=ACC_W, data=b"fswrite2") +
        dma(0, 1, 1, 0, 8, access=ACC_W | ACC_PRIV, data=b"fswrite3") +
        hwrite(1, 0, 1, P | RW, 9) + inv(IOTLB, PASID_G, 0, 0, 1, 0) +
        dma(0, 1, 1, 0, 8) + dma(0, 1, 1, 0, 8, access=ACC_PRIV) +
        hwrite(1, 0, 1, P | RW | US | XD, 9) +
        inv(IOTLB, PASID_G, 0, 0, 1, 0) + dma(0, 1, 1, 0, 8, access=ACC_X) +
        dma(0, 1, 1, 0, 8) + FPOP + FPOP + FPOP + FPOP,
    "fs-wpe":
        DEFAULT + FS_SETUP + hwrite(1, 0, 1, P | US, 9) +
        bind(0, 1, 0, False, 0, flags=SRE | WPE) +
        dma(0, 1, 1, 0, 8, access=ACC_W | ACC_PRIV, data=b"wpe-deny") +
        bind(0, 2, 0, False, 0, flags=0) +
        dma(0, 2, 1, 0, 8, access=ACC_PRIV) + FPOP + FPOP,
    "fs-five-levels":
        DEFAULT + alloc() + host_tables(0x1000000000000, 17, five=True) +
        host_tables(0x1000, 9) +
        bind(1, 3, 0, False, 0, five=True) + bind(1, 4, 0, False, 0) +
        dma(1, 3, 12, 0, 8) + dma(1, 4, 12, 0, 8) + dma(1, 4, 1, 0, 8) +
        dma(1, 3, 15, 0, 8) + dma(1, 4, 14, 0, 8) + FPOP + FPOP + FPOP +
        pasid_get(1, 3),
    "fs-2m-leaf":
        DEFAULT + alloc() + hwrite(4, 0, 0, P | RW | US, 0) +
        hwrite(3, 0, 0, P | RW | US, 0) +
        hwrite(2, 0, 1, P | RW | US | PS, 0) + bind(0, 1, 0, False, 0) +
        dma(0, 1, 4, 0x5000, 4097) + dma(0, 1, 5, 8, 8, access=ACC_W,
                                         data=b"2mwrite!") +
        hwrite(2, 0, 1, P | RW | US | PS, 0, rsvd=1) +
        inv(IOTLB, ADDR, F_PASID, 0, 1, 9, 4) + dma(0, 1, 4, 0, 8) +
        hwrite(3, 0, 0, P | RW | US | PS, 0) +
        inv(IOTLB, PASID_G, 0, 0, 1, 0) + dma(0, 1, 4, 0, 8) +
        hwrite(2, 0, 1, P | RW | US | PS, 0, hi=0x155) +
        hwrite(3, 0, 0, P | RW | US, 0) + inv(IOTLB, PASID_G, 0, 0, 1, 0) +
        dma(0, 1, 4, 0x1000, 8) + FPOP + FPOP,
    "fs-psc":
        DEFAULT + FS_SETUP + hwrite(1, 1, 1, P | RW | US, 21) +
        bind(0, 1, 0, False, 0) + dma(0, 1, 1, 0, 8) +
        hwrite(2, 0, 0, P | RW | US, 1) +
        inv(IOTLB, ADDR, F_PASID | F_LEAF, 0, 1, 0, 1) + dma(0, 1, 1, 0, 8) +
        inv(IOTLB, ADDR, F_PASID, 0, 1, 0, 1) + dma(0, 1, 1, 0, 8) +
        hwrite(2, 0, 0, P | RW | US, 0) + inv(IOTLB, ADDR, F_PASID, 0, 1, 9,
                                              0) +
        dma(0, 1, 1, 0, 8),
    "fs-va-width":
        DEFAULT + FS_SETUP + hwrite(4, 0, 0, P | RW | US, 0) +
        bind(0, 1, 0, False, 0) + dma(0, 1, 12, 0x1000, 8) +
        dma(0, 1, 13, 0, 8) + dma(0, 1, 0, 0, 8, wild_va=0xfffffffffffff000) +
        FPOP + FPOP + FPOP,
    # --- bind requests: every field checked
    "bind-checks":
        config(pasid_bits=8) + alloc() +
        bind(0, 1, 0, True, 1, pbits=9) + bind(0, 1, 0, True, 1, pbits=0) +
        bind(0, 1, 0, True, 1, reserved=True) +
        bind(0, 1, 0, True, 1, wild_flags=0x8) +
        bind(0, 1, 0, True, 1, wild_aw=50) +
        bind(0, 1, 0, True, 0) + bind(0, 1, UNALLOC, True, 1) +
        bind(0, 0xf0, 0, True, 1) + bind(0, 1, 0, True, 1, pbits=1) +
        u8(BIND) + u8(0) + u8(1) + u8(0x80) + u8(0) + u8(0) + u8(19) +
        u8(1) +
        bind(0, 1, 0, True, 1) + bind(0, 1, 0, False, 0) + attach(0, 1, 0) +
        bind(0, NO_PASID, 0, True, 1) + free(0) + detach(0, 1) +
        detach(0, NO_PASID) + free(0) + pasid_get(0, 1),
    "bind-fs-narrow":
        config(fs57=False) + alloc() + bind(0, 1, 0, False, 0, five=True) +
        bind(0, 1, 0, True, 1, five=True) + bind(0, 1, 0, True, 0xfa),
    # --- page requests
    "prq-groups":
        DEFAULT + NESTED_SETUP + bind(0, 1, 0, True, 1, flags=PRE) +
        prq(0, 1, 1, 4, 1, 5, False) + prq(0, 1, 1, 5, 2, 5, True) +
        prq(0, 1, 1, 0, 1, 6, True) + prq(0, 1, 1, 0, 1, 6, False) +
        resp(0, 1, 7, 0) + resp_group(0, 0) + resp_group(0, 0) +
        resp(0, 1, 5, 0) + POP + POP + POP + RPOP + RPOP + RPOP +
        prq(0, 1, 1, 6, 4, 8, False) + resp_group(0, 1) +
        prq(0, 1, 1, 6, 4, 8, True) + resp_group(0, 3) + resp_group(0, 2) +
        RPOP + RPOP + POP + POP + POP,
    "prq-refused":
        DEFAULT + NESTED_SETUP + bind(0, 1, 0, True, 1, flags=0) +
        attach(0, 2, 0) + prq(0, 1, 1, 0, 1, 1, True) +
        prq(0, 2, 1, 0, 1, 1, True) + prq(0, 3, 1, 0, 1, 1, True) +
        prq(0, 1, 1, 0, 0, 1, True) + prq(0, 1, 1, 0, 6, 1, True) +
        prq(0, 1, 1, 0, 1, 600, True) + prq(0, 0xff, 1, 0, 1, 1, True) +
        u8(PRQ_SUBMIT) + u8(0x43) + u8(0) + u32(0x11) + u8(1) + u8(1) +
        u8(0) + u16(1) + u8(0) +
        u8(PRQ_SUBMIT) + u8(0x07) + u8(0) + u8(1) + u8(0xff) + u64(0x1001) +
        u16(1) + u8(0) + RPOP + RPOP + RPOP,
    "prq-overflow-drain":
        config(prq=2) + NESTED_SETUP + bind(0, 1, 0, True, 1, flags=PRE) +
        bind(1, NO_PASID, 0, True, 1, flags=PRE) +
        prq(0, 1, 1, 2, 1, 1, False) + prq(0, 1, 1, 3, 1, 2, False) +
        prq(0, 1, 1, 4, 1, 3, True) + prq(0, 1, 1, 4, 1, 2, True) +
        POP + prq(0, 1, 1, 5, 1, 9, True) + prq(0, 1, 1, 6, 1, 10, True) +
        drain(0, True, 1) + drain(0, False, 0) + RPOP + RPOP + RPOP +
        prq(1, 0, 1, 2, 1, 4, False, pv=False) +
        prq(1, 0, 1, 3, 2, 4, True, pv=False) + resp_group(0, 0) +
        prq(1, 0, 1, 2, 1, 5, False, pv=False) + drain(1, True, 0, pv=False) +
        u8(PRQ_DRAIN) + u8(1) + u8(0x80) + u32(2) + u8(0) +
        RPOP + RPOP + RPOP + POP,
    "prq-present":
        DEFAULT + FS_SETUP + bind(0, 1, 0, False, 0, flags=PRE) +
        prq(0, 1, 1, 0, 1, 3, True) + prq(0, 1, 1, 0, 2, 3, True) +
        prq(0, 1, 1, 0, 4, 4, True) + prq(0, 1, 1, 0, 9, 4, True) +
        prq(0, 1, 1, 0, 1, 5, False) + prq(0, 1, 1, 0, 1, 5, True) +
        RPOP + RPOP + RPOP + resp_group(0, 0) + RPOP + POP + POP,
}


# viommu_create with its nth allocation failing (9 allocations), then a
# unit that works
for n in range(1, 10):
    SEEDS["create-enomem-%d" % n] = u8(0x40) + u8(n - 1) + alloc() + \
        attach(0, 1, 0) + dma(0, 1, 0, 0, 8) + FPOP


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "seeds"
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
