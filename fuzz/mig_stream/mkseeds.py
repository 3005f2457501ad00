#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the hand-made seeds of fuzz/mig_stream (encoding: the comment at
the top of mig_stream.c) into the directory given: real streams saved from
a VDEV with held descriptors, a mailbox command and MSI-X on, loaded as they
are and from every state out of RESUMING; each field of the saved state made
invalid once (the offsets are the reference's layout, harness/ref/vdcm/
migration.c, struct mig_blob: a seed whose offset no longer names its field
is still a valid input, only a less pointed one); truncations and trailing
bytes; raw garbage; another type's state; allocation failures on the way
out of RESUMING; a parent short of ADIs; refused requests. Also the regressions/ beside it: the findings of the
first campaigns, in this encoding."""
import os
import struct
import sys

STOP, RUNNING, STOP_COPY, RESUMING, P2P = 1, 2, 3, 4, 5
T1Q, T4Q = 0, 1                 # byte 0 bit 0: profile types[0], [1]
SOURCE, FOREIGN, HOG = 2, 4, 8

# struct mig_blob (migration.c): the fields the edits aim at
OFF_MAGIC, OFF_VERSION, OFF_TYPE, OFF_MAXQ, OFF_CURQ_HOST = 0, 4, 8, 40, 44
OFF_REGS = 48 + 0x1000 + 2 * 3 + 2 + 4     # cfg, pasid/ats/pri, pad, pri_alloc
OFF_CURQ = OFF_REGS + 4                    # regs.curq
HELD = 4 + 64                              # struct mig_held
END = 0x8000                               # edit offset counted from the end


def u8(v):
    return struct.pack('<B', v & 0xff)


def u16(v):
    return struct.pack('<H', v & 0xffff)


def u32(v):
    return struct.pack('<I', v & 0xffffffff)


# guest ops (mig_stream.c guest_ops: kind % 10)
def bar0_write(off, val):
    return u8(0) + u16(off) + u32(val)


def cfg_write(size_idx, off, val):
    return u8(1) + u8(size_idx) + u16(off) + u32(val)


def mbox(cmd, arg):
    return u8(2) + u8(cmd) + u8(arg)


def q_ctrl(q, val):
    return u8(3) + u8(q) + u8(val)


def q_vector(q, vec):
    return u8(4) + u8(q) + u8(vec)


def msix_arm():
    return u8(5)


def mask(vec, unmask=False, data=0):   # data: 0 none, 1/2 bool, 3 eventfd
    return u8(6) + u8((0x80 if unmask else 0) | data << 5 | vec)


def submit(q, slot, opcode=1, flags=1, size=64, completion=0x1000):
    return u8(7) + u8(q) + u8(slot) + u8(opcode) + u8(flags) + u16(0) + \
        u32(size) + struct.pack('<Q', completion)


def dirty_start(ranges, page_idx=0):   # [(iova page, length pages)]
    r = list(ranges) + [(0, 0)] * (2 - len(ranges))
    return u8(8) + u8(len(ranges) << 4 | page_idx << 2 | 0) + \
        b''.join(u8(i) + u8(n) for i, n in r)


def dirty_report(iova, pages, page_idx=0):
    return u8(8) + u8(page_idx << 2 | 1) + u8(iova) + u8(pages)


def dirty_stop():
    return u8(8) + u8(2)


def state(s):        # op_state's table: RUNNING, RUNNING_P2P, STOP
    return u8(9) + u8({RUNNING: 0, P2P: 1, STOP: 2}[s])


def ops(*o):
    return u8(len(o)) + b''.join(o)


# edits (kind % 4): xor a byte, set a u32, cut, append
def xor(off, v=0xff):
    return u8(0) + u16(off) + u8(v)


def set32(off, v):
    return u8(1) + u16(off) + u32(v)


def cut(off):
    return u8(2) + u16(off)


def append(n, v):
    return u8(3) + u16(n) + u8(v)


def edits(*e):
    return u8(len(e)) + b''.join(e)


def cuts(*c):
    return u8(len(c)) + b''.join(u16(x) for x in c)


def header(cfg, qa=3, nth=0, exit_=STOP):
    return u8(cfg) + u8(qa) + u8(nth) + u8(exit_)


# A source with two descriptors held on queue 0 (4 queues), a mailbox
# command done, MSI-X armed (its enable bit set, the IMS entries unmasked)
HELD_SOURCE = ops(msix_arm(), mbox(1, 0), q_ctrl(0, 1), q_vector(1, 3),
                  state(P2P), submit(0, 0), submit(0, 1), state(STOP))
# ... on two queues of four (SET_QUEUES 2): a held descriptor's queue may
# then name one the state does not provide
HALF_SOURCE = ops(mbox(3, 2), q_ctrl(0, 1), state(P2P), submit(0, 0),
                  submit(0, 1), state(STOP))
POST = ops(state(RUNNING), bar0_write(0x100, 1), state(P2P), submit(1, 2),
           mask(1), state(STOP))


def source_seed(cfg=T4Q, src=HELD_SOURCE, ed=edits(), qa=3, nth=0,
                exit_=STOP, cu=cuts(), post=POST):
    return header(SOURCE | cfg, qa, nth, exit_) + src + ed + cu + post


def raw_seed(stream, cfg=T4Q, exit_=STOP, cu=cuts(), post=ops()):
    return header(cfg, 1, 0, exit_) + u16(len(stream)) + stream + cu + post


def main(out):
    os.makedirs(out, exist_ok=True)
    s = {}
    # real streams, loaded as they are, from every way out of RESUMING
    s['held-stop'] = source_seed()
    s['held-running'] = source_seed(exit_=RUNNING)
    s['held-stop-copy'] = source_seed(exit_=STOP_COPY)
    s['held-p2p'] = source_seed(exit_=P2P, cu=cuts(7, 100, 4000))
    s['one-queue'] = source_seed(cfg=T1Q, src=ops(
        mbox(1, 0), q_ctrl(0, 1), state(P2P), submit(0, 0), state(STOP)),
        qa=0)
    s['half-queues'] = source_seed(src=HALF_SOURCE, qa=1)
    s['refused-requests'] = source_seed(exit_=0)       # ERROR
    s['pre-copy'] = source_seed(exit_=6)
    s['unknown-state'] = source_seed(exit_=9)
    s['resuming-noop'] = source_seed(exit_=RESUMING)
    # each field of the state made invalid once
    s['bad-magic'] = source_seed(ed=edits(xor(OFF_MAGIC)))
    # ... and in a state that holds nothing, so that a stream taken for
    # another is as long as the state it gives: B's load is the judge
    idle = ops(mbox(1, 0), q_ctrl(1, 1), state(STOP))
    s['idle-bad-magic'] = source_seed(src=idle, ed=edits(xor(OFF_MAGIC)))
    s['idle-bad-curq'] = source_seed(src=idle, ed=edits(set32(OFF_CURQ, 0)))
    s['bad-version'] = source_seed(ed=edits(set32(OFF_VERSION, 2)))   # the last version's
    s['bad-type'] = source_seed(ed=edits(xor(OFF_TYPE + 6, 0x01)))
    s['bad-max-queues'] = source_seed(ed=edits(set32(OFF_MAXQ, 2)))
    s['zero-cur-queues'] = source_seed(ed=edits(set32(OFF_CURQ_HOST, 0)))
    s['big-cur-queues'] = source_seed(ed=edits(set32(OFF_CURQ_HOST, 5)))
    s['zero-curq'] = source_seed(ed=edits(set32(OFF_CURQ, 0)))
    s['big-curq'] = source_seed(ed=edits(set32(OFF_CURQ, 9)))
    s['shared-adis'] = source_seed(ed=edits(set32(OFF_CURQ_HOST, 1)))
    nr_held = END | (2 * HELD)                  # 4 bytes before the held
    s['nr-held-big'] = source_seed(ed=edits(set32(nr_held, 0x7fff)))
    s['nr-held-more'] = source_seed(ed=edits(set32(nr_held, 3)))
    s['nr-held-less'] = source_seed(ed=edits(set32(nr_held, 1)))
    held_q = END | (2 * HELD - 4)               # the first held's queue
    s['held-queue-beyond-curq'] = source_seed(
        src=HALF_SOURCE, qa=1, ed=edits(set32(held_q, 3)))
    s['held-queue-huge'] = source_seed(ed=edits(set32(held_q, 40)))
    s['cut-last-byte'] = source_seed(ed=edits(cut(END | 0)))
    s['cut-in-held'] = source_seed(ed=edits(cut(END | 30)))
    s['cut-header'] = source_seed(ed=edits(cut(100)))
    s['trailing-byte'] = source_seed(ed=edits(append(1, 0)))
    s['trailing-held'] = source_seed(ed=edits(append(68, 0)))
    # another type's state, both ways
    s['foreign-1q-into-4q'] = source_seed(cfg=T4Q | FOREIGN, src=ops(
        q_ctrl(0, 1), state(STOP)))
    s['foreign-4q-into-1q'] = source_seed(cfg=T1Q | FOREIGN, src=ops(
        mbox(3, 1), state(STOP)), qa=0)
    # ... cut to nothing: an empty stream is no state, it loads nothing
    s['foreign-empty'] = source_seed(cfg=T4Q | FOREIGN, src=ops(
        q_ctrl(0, 1), state(STOP)), ed=edits(cut(0)))
    # allocation failures out of RESUMING: -ENOMEM, then the verdict
    for n in (1, 2, 3, 5):
        s['enomem-%d' % n] = source_seed(nth=n)
    # a parent short of ADIs: A shrank to 1, the hog took one
    s['hog-enospc'] = source_seed(cfg=T4Q | HOG, qa=0)
    # the device refuses writes and descriptors outside RUNNING
    s['stop-writes'] = source_seed(src=ops(
        state(STOP), bar0_write(0x100, 1), submit(0, 0), state(RUNNING)))
    # DMA logging beside the stream: ranges refused and taken, reports
    # before and after, on the source and on the destination
    s['dirty-source'] = source_seed(src=ops(
        dirty_report(0, 1), dirty_start([(0, 0)]), dirty_start([(1, 2), (2, 2)]),
        dirty_start([(16, 4)], 1), dirty_report(16, 4), q_ctrl(0, 1),
        submit(0, 0), dirty_report(0, 8), dirty_stop(), dirty_stop(),
        mask(1, data=3), mask(1, True, data=1), mask(2, data=2), state(STOP)),
        post=ops(state(RUNNING), dirty_start([(0, 16)]), dirty_report(0, 16),
                 dirty_stop()))
    # raw streams
    s['raw-empty'] = raw_seed(b'')
    s['raw-empty-running'] = raw_seed(b'', exit_=RUNNING)
    s['raw-garbage'] = raw_seed(b'A' * 200, cu=cuts(50))
    s['raw-magic-only'] = raw_seed(b'VCDM' + u32(2) + b'siovh-4q' +
                                   bytes(24) + u32(4) + u32(4))
    for name, data in s.items():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)
    # what the first campaigns found, minimised by hand: ../regressions
    r = {}
    # MSI-X Enable cleared in config space left the IMS entries unmasked
    r['msix-off-ims-unmasked'] = source_seed(src=ops(
        msix_arm(), mbox(1, 0), q_ctrl(0, 1), cfg_write(0, 0x83, 0),
        state(STOP)), post=ops())
    # a restore re-derived a queue's STATUS, losing a refused enable
    r['queue-error-status-lost'] = source_seed(src=ops(
        mbox(3, 1), q_ctrl(2, 1), state(STOP)), exit_=P2P, post=ops())
    # a held descriptor moved to a queue the state has but not enabled
    # loaded, dropped on the way: now refused
    r['held-on-disabled-queue'] = source_seed(src=ops(
        q_ctrl(0, 1), state(P2P), submit(0, 0), submit(0, 1), state(STOP)),
        ed=edits(set32(END | (2 * HELD - 4), 3)), post=ops())
    reg = os.path.join(os.path.dirname(os.path.abspath(out)), 'regressions')
    os.makedirs(reg, exist_ok=True)
    for name, data in r.items():
        with open(os.path.join(reg, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'seeds')
