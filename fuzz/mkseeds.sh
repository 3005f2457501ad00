#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Write the hand-made seed files of every target into fuzz/NAME/seeds/
# (committed; rerun after changing a target's input format). Each seed is
# a short, meaningful input in the target's own encoding (see the comment
# at the top of fuzz/NAME/NAME.c); the fuzzers grow the rest.
set -eu
cd "$(dirname "$0")"

# seed TARGET NAME BYTES: BYTES in printf(1) escapes.
seed() {
	mkdir -p "$1/seeds"
	# shellcheck disable=SC2059
	printf "$3" >"$1/seeds/$2"
}

# --- ioasid_ops: config byte, then 4-byte ops (specs/models/ioasid_seq_decode.c)
#     00 set_alloc  07 alloc  0c free  0f get  12 put  15 find  17 attach_data
#     18 attach_spid  1a find_by_spid  1c notify  1e register  1f unregister
seed ioasid_ops alloc-free '\000\000\000\000\003\007\000\000\003\007\000\001\003\014\000\000\000\014\000\001\000'
seed ioasid_ops refs-pending '\000\000\000\000\002\007\000\000\001\017\000\000\000\014\000\000\000\022\000\000\000\022\000\000\000\007\000\000\001'
seed ioasid_ops spid-notify '\000\000\000\004\225\007\000\000\002\030\000\000\003\032\000\000\003\036\004\001\001\034\000\000\000\034\000\000\001\037\004\001\001'
seed ioasid_ops tight-quota '\001\000\000\000\002\000\001\000\001\007\000\000\000\007\000\000\000\007\000\000\000\002\000\000\004\004\000\000\000\003\000\000\000'
seed ioasid_ops set-churn '\000\000\000\000\001\000\001\001\221\003\000\000\000\004\000\000\000\004\001\000\000\005\000\000\000\006\000\000\000'

# --- vfio_device_ops: byte 0 even: 4-byte VDEV model ops (vdev_seq.h enum
#     order: 0 create 1 remove 2 open 3 release 4 reset 5 command 6 reg_read
#     7 reg_write 8 read_oob 9 queue_enable 10 set_queues 11 irq_arm
#     12 irq_mask 13 irq_fire 14 mig 15 avail); odd: raw ops (vfio_raw.c)
seed vfio_device_ops model-lifecycle '\000\000\000\000\000\002\000\000\000\005\000\000\001\007\000\001\005\006\000\001\000\004\000\000\000\003\000\000\000\001\000\000\000'
seed vfio_device_ops model-irq-queue '\000\000\000\001\001\002\000\000\000\011\000\000\001\013\000\001\001\015\000\001\000\014\000\001\001\012\000\000\002\003\000\000\000'
seed vfio_device_ops model-migration '\002\000\000\000\000\002\000\000\000\016\000\001\000\016\000\002\000\016\000\000\000\017\000\000\000\000\001\001\001'
seed vfio_device_ops raw-rw '\001\000\000\000\000\003\000\006\000\007\000\000\003\007\000\000\020\000\002\000\000\000\377\377\377\377\006\000\002\000\000\003\011\000\001\000\002'
seed vfio_device_ops raw-irq-feature '\001\000\001\001\001\003\001\012\001\000\002\002\002\000\000\001\000\000\014\001\001\000\000\001\000\000\014\001\003\000\000\000\016\001\000\000\000\000\001\000'

# --- iommufd_ops: byte 0 & 3 picks the driver (iommufd_ops.c).
#     0 raw: op byte (% 16: 0-1 alloc, 2 destroy, 3-5 map, 6-7 unmap,
#     8 unmap all, 9-10 copy, 11 ranges, 12-13 allow, 14-15 generic), then
#     its fields
seed iommufd_ops alloc-map-unmap '\000\000\000\000\000\003\000\006\000\000\000\001\000\000\000\000\001\000\000\006\000\000\000\000\000\001\000\000\000\010\000\000\002\000\000'
seed iommufd_ops copy-ranges '\000\000\000\000\000\000\000\000\000\003\000\007\000\000\000\004\000\000\000\000\002\000\000\011\000\006\000\001\000\000\000\000\000\000\000\000\013\003\000\000\000'
seed iommufd_ops allow-fixed '\000\000\000\000\000\014\002\000\000\000\020\000\001\000\000\003\000\007\000\000\000\001\000\000\000\000\001\000\000'
seed iommufd_ops sizes '\000\000\000\000\300\002\003\000\000\000\350\005\003\000\006\000\000\000\001\000\000\000\000\000\001\000\360\010\007\000'
seed iommufd_ops generic '\000\000\000\000\000\016\011\040\000\000\000\000\001\000\000\000\140\000\017\012\100\377\377\377\377\000\001\000\000\000\000'
#     1 / 3: IOAS engine, default / copy+read-only mix (ioas_seq.h): 8-byte
#     ops, kind (b0 & 31 through the mix's table in ioas_seq_ops.c; bits 5-6
#     both set: A1, bit 7: copy from the other IOAS), where, len, va, prot,
#     probe, shape, dst. Default mix: 0 map fixed, 8 map auto, 12 unmap,
#     19 unmap all, 20 copy fixed, 24 copy auto, 27 allow, 29 probe;
#     copy+ro mix: 0 map fixed, 6 map auto, 9 unmap, 15 unmap all,
#     16 copy fixed, 23 copy auto, 28 allow, 29 probe
seed iommufd_ops ioas-map-copy-unmap '\001\000\002\001\000\003\000\000\000\010\000\002\001\003\001\000\000\364\002\001\000\003\002\001\005\035\002\000\000\003\041\000\000\014\002\001\000\000\003\000\000\033\000\000\001\000\000\000\000\023\000\000\000\000\000\000\000'
seed iommufd_ops ioas-ro-copies '\003\000\001\002\001\003\000\000\000\000\010\001\003\000\001\001\000\360\001\001\000\003\002\006\002\027\001\001\000\000\002\000\000\035\010\000\000\000\010\000\000\011\001\001\000\000\000\000\000\034\000\000\002\000\000\000\000\017\000\000\000\000\000\000\000'
#     2: page request engine (prq_seq.h): 3-byte ops, kind (b0 % 10: 0 read
#     page, 1 write page, 2 fq read, 3 success, 4 invalid, 5 bogus, 6 reset,
#     7 guest unmap, 8 guest map, 9 requeue), a, b
seed iommufd_ops prq-fault-success '\002\007\001\000\000\000\001\002\000\000\003\000\000\001\001\000\006\000\000\000\000\001'
seed iommufd_ops prq-invalid-bogus '\002\007\002\000\001\000\002\002\000\000\005\000\000\005\001\001\004\000\000\011\000\000\010\002\000\000\000\002\002\001\000'

# --- config_space: 0 raw image, 1 device image + patches, 2 device + writes
seed config_space raw-header '\000\206\200\007\121\006\000\020\000\001\000\200\010\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\100\000\000\000\000\000\000\000\000\000\000\000\000\000\000'
seed config_space device-image '\001\000'
seed config_space patch-dvsec '\001\000\000\001\004\377\377\377\377\020\001\002\001\000'
seed config_space writes '\002\000\002\000\004\000\001\000\000\000\002\200\010\000\000\000\200\000\000\002\000\020\001\000\001\000\000\000\002\000\110\000\000\000\200\000\000'
seed config_space other-config '\002\001\010\017\040\020\024\002\002\000\020\000\006\000\000\000'

# --- profile: 0 profile JSON, 1 target spec, 2 results.json
mkdir -p profile/seeds
{ printf '\000'; cat ../specs/profiles/ref.json; } >profile/seeds/ref-profile
seed profile min-profile '\000{"schema":"siovh-profile/1","name":"x","parent":{"vendor_id":"0x8086","device_id":1,"adis":1},"types":[]}'
seed profile spec-ref '\001ref'
seed profile spec-fault '\001ref:fault=ioasid-put-underflow'
seed profile spec-bad '\001ref:fault=,x'
seed profile results '\002{"schema":"siovh-results/1","tool":{"name":"siovh","version":"0.1.0"},"seed":1,"target":{"spec":"ref","backend":"ref","fault":null,"features":["ioasid"]},"summary":{"total":2,"passed":1,"failed":1,"skipped":0},"clauses":[{"id":"A.B.1","title":"t","level":"MUST","source":"s","facet":"ioasid","needs":["ioasid"]},{"id":"A.B.2","title":"u","level":"SHOULD","source":"s","facet":"ioasid","needs":[]}],"results":[{"id":"A.B.1","status":"pass","duration_ms":0.5,"messages":[],"notes":[]},{"id":"A.B.2","status":"fail","duration_ms":1,"messages":[{"file":"f.c","line":3,"text":"expected 1, got 2"}],"reason":"x"}]}'
seed profile results-schema2 '\002{"schema":"siovh-results/2","target":{"spec":"ref"},"clauses":[],"results":[]}'

# --- siovdev_mmio: guest-driver scenarios, written by its own generator
#     (the encoding is in fuzz/siovdev_mmio/siovdev_mmio.c)
python3 siovdev_mmio/mkseeds.py siovdev_mmio/seeds

# --- viommu_ops: a vIOMMU's guest (tables, binds, DMA, invalidations, page
#     requests), written by its own generator (encoding in viommu_ops.c)
python3 viommu_ops/mkseeds.py viommu_ops/seeds

# --- mig_stream: migration streams, from real saved states and by hand,
#     written by its own generator (encoding in mig_stream.c)
python3 mig_stream/mkseeds.py mig_stream/seeds
