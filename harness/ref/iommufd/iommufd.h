/* SPDX-License-Identifier: MIT */
/*
 * The reference /dev/iommu: one in-process iommufd context per target,
 * driven with the ioctls and structs of linux/iommufd.h: IOAS objects
 * (IOMMU_IOAS_ALLOC / MAP / UNMAP / COPY / IOVA_RANGES / ALLOW_IOVAS),
 * HWPTs (IOMMU_HWPT_ALLOC, IOMMU_HWPT_INVALIDATE, IOMMU_HWPT_SET_DIRTY_
 * TRACKING, IOMMU_HWPT_GET_DIRTY_BITMAP), IOMMU_IOAS_MAP_FILE (struct
 * siovh_ioas_map_file of siovh/iommufd_uapi.h), IOMMU_GET_HW_INFO, fault queues
 * (IOMMU_FAULT_QUEUE_ALLOC), IOMMU_VFIO_IOAS, IOMMU_OPTION, IOMMU_DESTROY,
 * the VFIO type1 container ioctls on the compat IOAS (below), vIOMMUs
 * (IOMMU_VIOMMU_ALLOC, IOMMU_VDEVICE_ALLOC, IOMMU_VEVENTQ_ALLOC,
 * IOMMU_HW_QUEUE_ALLOC, with the structs of siovh/iommufd_viommu.h: the
 * host's 6.12 headers predate them), and devices bound through their cdev
 * (iommufd_device_ioctl); every other IOMMU_* or VFIO number is -ENOTTY.
 *
 * Semantics (where the header leaves room, what the reference decided):
 *  - Every ioctl goes through one dispatcher that applies the uAPI's
 *    extensibility rules: `size` (the first u32 of arg) below the struct's
 *    first-version size is -EINVAL; bytes of arg past the known struct, up
 *    to `size`, must be zero (-E2BIG); an unknown ioctl number is -ENOTTY.
 *    Handlers reject unknown flag bits and nonzero __reserved fields with
 *    -EOPNOTSUPP. On success (and on IOVA_RANGES' -EMSGSIZE) the known
 *    struct is written back; on any other error arg is left untouched.
 *  - Object IDs start at 1; the lowest free ID is handed out (IDs of
 *    destroyed objects are reused, as with the kernel's xarray).
 *  - The platform: every IOAS behaves as if the reference IOMMU (viommu,
 *    48-bit addresses) were attached, with the x86 interrupt window
 *    reserved: reserved IOVAs are [0xfee00000, 0xfeefffff] and
 *    [2^48, U64_MAX]; IOVA_RANGES reports the two holes between them, and
 *    out_iova_alignment is 4096. MAP/COPY need iova (with FIXED_IOVA),
 *    length and user_va (for COPY: src_iova) 4096-aligned (-EINVAL).
 *  - FIXED_IOVA into a reserved IOVA is -EINVAL, over an existing area
 *    -EEXIST. Without FIXED_IOVA the reference picks the lowest free IOVA
 *    aligned to min(roundup_pow_of_two(length), user_va's alignment) (at
 *    least 4096) inside the ALLOW_IOVAS list, or anywhere not reserved when
 *    the list is empty; none is -ENOSPC. ALLOW_IOVAS governs only chosen
 *    IOVAs, as the header says; a FIXED_IOVA map outside it is allowed.
 *  - UNMAP: iova 0 with length U64_MAX unmaps everything (an empty IOAS:
 *    success, length 0). Otherwise the range must cover whole areas:
 *    one it would split or truncate is -ENOENT and nothing is unmapped
 *    (the reference checks before it removes anything); a range with no
 *    area is -ENOENT; length comes back as the bytes unmapped.
 *  - MAP_FILE: flags, iova and length as MAP's, in MAP's order (unknown
 *    flags -EOPNOTSUPP, iova or length U64_MAX -EOVERFLOW, neither READ
 *    nor WRITE -EINVAL, ioas_id -ENOENT); then length 0 -EINVAL, start +
 *    length - 1 past U64_MAX -EOVERFLOW, fd not open -EBADF, start or
 *    length off 4096 -EINVAL, the IOVA as for MAP (the chosen one aligned
 *    as if start were user_va); then the file, as Linux's pin of it
 *    (memfd_pin_folios) refuses it at map time once a domain is attached,
 *    which an IOAS of the reference always behaves as: a file other than
 *    shmem or hugetlbfs (a memfd; the files F_GET_SEALS answers for)
 *    -EINVAL, a range past the file's size -EINVAL. Last, the fd's access
 *    mode (as mmap(2) of a MAP_SHARED range): not open for reading, or
 *    WRITEABLE on a fd not open for writing, -EACCES. Linux 6.13-7.3
 *    check no access mode (vm-images/kernel-findings.txt). The area's
 *    pages are the file's (map_file.c): UNMAP and COPY treat it as a MAP's
 *    area; its pages are writable only when the MAP_FILE was WRITEABLE.
 *  - CHANGE_PROCESS (struct siovh_ioas_change_process): __reserved
 *    nonzero -EOPNOTSUPP; -EINVAL while any IOAS holds a mapping that is
 *    not MAP_FILE's (a MAP's, or a COPY of one); else 0. Linux then moves
 *    the pinned-page accounting to the caller; the reference accounts
 *    nothing (see OPTION), so it has only that rule.
 *  - COPY: the source range must be fully mapped (any number of adjacent
 *    areas, or part of one; a hole is -ENOENT). Each covered piece becomes
 *    an area of its own in the destination, with COPY's flags as its
 *    permissions; it shares the source's pages object but not its area:
 *    the two are unmapped independently.
 *  - ALLOW_IOVAS replaces the list; num_iovas 0 clears it. A range with
 *    start > last, or ranges that overlap, are -EINVAL; one that touches a
 *    reserved IOVA is -EADDRINUSE.
 *  - DESTROY takes any object ID (-ENOENT for none). -EBUSY while the
 *    object is in use: an IOAS with a HWPT, a HWPT attached anywhere or
 *    with nested children, a fault queue a HWPT refers to or whose fd is
 *    still open (the fd holds it, as the kernel's file does), any device
 *    object (the device's cdev owns it: its close unbinds). An IOAS goes
 *    with its mappings. The context's destroy (close) tears down users
 *    first: devices (detached, unbound), nested HWPTs, paging HWPTs, fault
 *    queues (groups completed INVALID), IOASes.
 *  - VFIO_IOAS: the compat IOAS is one ID of the context, 0 at first. GET
 *    returns it (-ENODEV when there is none), SET needs an IOAS ID
 *    (-ENOENT) and does not hold it, CLEAR forgets it; another op or a
 *    nonzero __reserved is -EOPNOTSUPP. DESTROY of the compat IOAS
 *    succeeds and leaves none, as Linux's does.
 *  - VFIO compatibility (linux/vfio.h's container ioctls on /dev/iommu,
 *    as Linux's vfio_compat.c; arg is the integer for the first three):
 *    VFIO_GET_API_VERSION returns VFIO_API_VERSION; CHECK_EXTENSION
 *    returns 1 for TYPE1, TYPE1v2 and UNMAP_ALL, for DMA_CC_IOMMU 1 (the
 *    reference IOMMU is coherent) or -ENODEV without a compat IOAS, 0 for
 *    any other; SET_IOMMU: a type other than TYPE1/TYPE1v2 -EINVAL, no
 *    compat IOAS -ENODEV, else 0; TYPE1 turns the IOAS's large pages
 *    off as HUGE_PAGES 0 does (OPTION, below: -EINVAL while a domain
 *    holds mappings). On the compat IOAS
 *    (-ENODEV without one): MAP_DMA (argsz below the struct or unknown
 *    flags -EINVAL) is IOAS_MAP with FIXED_IOVA and READ/WRITE as
 *    READABLE/WRITEABLE, so neither is -EINVAL (type1's rule; Linux maps
 *    it, VDCM.DMA.17's finding); UNMAP_DMA (argsz, flags beyond
 *    FLAG_ALL -EINVAL; FLAG_ALL with iova or size nonzero -EINVAL) is
 *    IOAS_UNMAP of [iova, iova + size) or of everything, size written
 *    back as the bytes unmapped (0 on failure), but for a range that no
 *    mapping meets: 0 bytes unmapped, not -ENOENT. With large pages off,
 *    [iova, iova + size) is first cut out of the areas it meets (TYPE1's
 *    unmap inside a mapping): an area is split at iova + size - 1, then
 *    at iova - 1 when iova is not 0, each part keeping its pages and its
 *    domain mappings; a cut off a page boundary or in an area an access
 *    has pinned pages of is -EINVAL, in an area an UNMAP found pinned
 *    -EBUSY, the size then not written back and a cut already made
 *    kept, as Linux's. GET_INFO: argsz below
 *    the end of iova_pgsizes -EINVAL; flags PGSIZES | CAPS, iova_pgsizes
 *    4096, then a capability chain after the struct: DMA_AVAIL (avail
 *    U32_MAX) and IOVA_RANGE (the ranges IOVA_RANGES reports), each
 *    8-byte aligned, written only where it fits in argsz; cap_offset is
 *    the chain's offset when argsz holds all of it, else 0; argsz comes
 *    back as the size the whole chain needs. Other VFIO numbers
 *    (DIRTY_PAGES included) -ENOTTY.
 *  - Devices: VFIO_DEVICE_BIND_IOMMUFD (argsz >= the struct, flags 0,
 *    iommufd any fd >= 0: the in-process target has one /dev/iommu, and
 *    the fd names it; else -EINVAL) calls the platform's bind (the VDCM's
 *    vdcm_vdev_iommu_bind) and returns out_devid; a bound device is -EINVAL.
 *    ATTACH_IOMMUFD_PT (struct siovh_vfio_attach_pt of siovh/target.h, the
 *    post-6.12 layout): flags 0 attaches the default PASID (for a VDEV the
 *    RID's translation), VFIO_DEVICE_ATTACH_PASID a guest PASID (argsz
 *    must cover pasid), which gets a host PASID from gpasid_alloc; unknown
 *    flags -EINVAL, unbound device -EINVAL, unknown pt_id -ENOENT, an IOAS
 *    pt_id -EOPNOTSUPP (no automatic domains), out of PASID slots (16)
 *    -ENOSPC. Attach to a paging HWPT is viommu_attach, to a nested one
 *    viommu_bind NESTED (SRE/WPE from the VTD_S1 flags, PRE when the HWPT
 *    has a fault queue). Attaching an attached PASID replaces, atomically:
 *    on failure the old HWPT still translates. DETACH_IOMMUFD_PT (flag
 *    VFIO_DEVICE_DETACH_PASID): -ENOENT when not attached; a guest PASID
 *    is freed first (gpasid_free: ADIs quiesced, page requests drained),
 *    then its IOMMU entry torn down. iommufd_device_close (the ref backend
 *    calls it at VDEV release) detaches and unbinds.
 *  - HWPT_ALLOC: flags beyond NEST_PARENT | DIRTY_TRACKING |
 *    FAULT_ID_VALID or a nonzero __reserved or __reserved2 -EOPNOTSUPP
 *    (Linux ignores __reserved2: a kernel finding); dev_id must be a
 *    bound device (-ENOENT); pt_id naming no object, or one that is
 *    neither an IOAS, a HWPT nor a vIOMMU, -EINVAL (Linux answers a
 *    failed pt_id lookup so). On an IOAS: data_type NONE (else
 *    -EOPNOTSUPP), data_len 0 (else -EINVAL; a data_uptr without a
 *    data_len is no data, as Linux), FAULT_ID_VALID -EOPNOTSUPP (not
 *    modelled), DIRTY_TRACKING -EOPNOTSUPP when the platform has no
 *    dirty_tracking (else the HWPT may track, starting with tracking off);
 *    a new viommu domain gets every mapping of the IOAS, and every later
 *    map/unmap/copy of the IOAS. On a HWPT:
 *    nested, only FAULT_ID_VALID (-EOPNOTSUPP), the parent a NEST_PARENT
 *    paging HWPT (-EINVAL), data_type VTD_S1 (-EOPNOTSUPP), data_uptr set
 *    and data_len >= struct iommu_hwpt_vtd_s1 (-EINVAL; bytes past it
 *    nonzero -E2BIG), flags SRE|WPE only (EAFE unsupported, -EOPNOTSUPP),
 *    __reserved 0 (-EOPNOTSUPP), addr_width 48, or 57 when the unit's
 *    fs_addr_width is (-EINVAL), pgtbl_addr nonzero, 4 KiB aligned, below
 *    the unit's address width (-EINVAL), fault_id a fault queue (-ENOENT).
 *  - GET_HW_INFO: flags and __reserved 0 (-EOPNOTSUPP), dev_id bound
 *    (-ENOENT), data_uptr needed when data_len > 0 (-EFAULT). VT-d data:
 *    cap_reg ND, SAGAW 4-level, MGAW, FL5LP when fs_addr_width is 57;
 *    ecap_reg QI, DT, NEST, PRS, SRS, PSS, PASID, SMTS, SLTS, FLTS.
 *    out_max_pasid_log2 = pasid_bits, out_capabilities
 *    IOMMU_HW_CAP_DIRTY_TRACKING when the platform has dirty_tracking, else
 *    0 (PASID_EXEC/PRIV are not reported). A shorter buffer
 *    gets a truncated copy, a longer one zeroed trailing bytes; data_len
 *    comes back as the struct's length.
 *  - HWPT_INVALIDATE: hwpt_id unknown -ENOENT, not nested -EINVAL,
 *    data_type not VTD_S1 -EINVAL, __reserved -EOPNOTSUPP; entry_num 0 is
 *    a probe. entry_len below the entry -EINVAL, longer with nonzero
 *    trailing bytes -E2BIG (that entry). Per entry, checked before any of
 *    it is done: flags beyond LEAF or a nonzero __reserved -EOPNOTSUPP;
 *    addr unaligned, npages 0, npages U64_MAX with addr != 0: -EINVAL.
 *    addr 0 + npages U64_MAX: PASID-granular IOTLB+PSC invalidation;
 *    else PASID-based address-range invalidations in aligned power-of-two
 *    chunks (PSC kept with LEAF), clamped to the table's width, for every
 *    (device, host PASID) the HWPT is attached at. entry_num comes back
 *    (also on error) as the entries handled before the first failure.
 *  - Dirty tracking (the platform's dirty_tracking: the IOMMU's
 *    second-stage dirty bits, viommu_set_dirty_tracking and
 *    viommu_read_and_clear_dirty). SET_DIRTY_TRACKING: flags beyond
 *    ENABLE or a nonzero __reserved -EOPNOTSUPP, hwpt_id not a paging HWPT
 *    -ENOENT, a HWPT allocated without DIRTY_TRACKING -EOPNOTSUPP. Enable
 *    first clears the dirty bits of every mapped area (a clean snapshot,
 *    as Linux does), then DMA writes through the HWPT's domain mark their
 *    pages; disable stops marking and keeps the bits. GET_DIRTY_BITMAP:
 *    flags beyond NO_CLEAR or a nonzero __reserved -EOPNOTSUPP, hwpt_id
 *    not a paging HWPT -ENOENT; then the range: length 0 -EINVAL,
 *    iova + length - 1 past U64_MAX -EOVERFLOW, iova or iova + length off
 *    4096 -EINVAL, page_size 0 or not a power of two -EINVAL, iova or
 *    iova + length off page_size -EINVAL; then a HWPT without
 *    DIRTY_TRACKING -EOPNOTSUPP, data 0 -EFAULT. Bit i of the u64 words
 *    at data stands for [iova + i * page_size, + page_size): it is set
 *    when a 4 KiB page inside it is mapped and dirty; no bit is cleared
 *    (the caller zeroes the bitmap), unmapped IOVAs read clean. Unless
 *    NO_CLEAR, the dirty bits read are cleared (and their IOTLB entries
 *    flushed, so the next write marks again). Tracking need not be on:
 *    with it off, the bits set while it was on are read.
 *  - OPTION: __reserved nonzero or option_id unknown -EOPNOTSUPP; then
 *    per option, as Linux orders it: RLIMIT_MODE (global: object_id
 *    nonzero -EOPNOTSUPP) and HUGE_PAGES (object_id must name an IOAS,
 *    -ENOENT); op neither SET nor GET -EOPNOTSUPP; GET returns the value
 *    in val64 (RLIMIT_MODE 0 and HUGE_PAGES 1 until set); SET takes 0 or 1
 *    (else -EINVAL), RLIMIT_MODE only while the context holds no object
 *    (-EBUSY, as Linux). The reference pins and accounts nothing and maps
 *    every page at 4 KiB, so both are bookkeeping read back by GET, but
 *    for one rule: HUGE_PAGES 0 is -EINVAL while the IOAS has both a
 *    paging HWPT and a mapping (what a domain holds may be large pages,
 *    which cannot be cut; Linux's iopt_disable_large_pages). Privilege
 *    is not modelled (Linux wants CAP_SYS_RESOURCE for RLIMIT_MODE).
 *  - Fault queues: FAULT_QUEUE_ALLOC (flags 0) returns an ID and a real
 *    fd of the process (one end of a socket pair, whose close the queue
 *    sees), which the user closes with close(2); read and write on a
 *    closed one are -EBADF. read: len a multiple of struct
 *    iommu_hwpt_pgfault (-EINVAL), nothing queued -EAGAIN; the IOMMU's page
 *    requests for HWPTs with this queue, one record each (PASID_VALID and
 *    the guest PASID for a guest-PASID attach, none for the default PASID;
 *    LAST_PAGE on a group's last; one cookie per group, given when the
 *    user reads the group's first record: the lowest the queue's groups
 *    do not hold, from 1, as the kernel allocates it in read()). A request
 *    no queue takes is answered INVALID. write: records struct
 *    iommu_hwpt_page_response, all checked first: len a multiple (-EINVAL),
 *    a cookie unknown, answered, of a group whose last request was not
 *    read, or repeated, or a code not SUCCESS/INVALID: -EINVAL, nothing
 *    sent. Accepted responses go to the IOMMU, then to the devices.
 *    Destroy (or close) completes the queue's groups INVALID; so does a
 *    detach (DETACH_IOMMUFD_PT, the cdev's close) for the groups of the
 *    (device, PASID) it detaches, whose unread records and cookies are
 *    then gone; and so does a replace, once the new HWPT is in, for the
 *    groups made under the old one (after routing the requests the IOMMU
 *    queued under it to its queue), as the kernel answers the old
 *    attachment's groups at replace (drivers/iommu/iommufd/fault.c, 6.12
 *    and 7.x). No path produces the device-level
 *    Response Failure (PCIe's FAILURE code): the uAPI has no such code,
 *    and every completion the reference makes itself is INVALID.
 *  - vIOMMU (seed 004's vSVA as Linux 6.13+ models it; linux/iommufd.h
 *    of 7.x, "struct iommu_viommu_alloc" and after). The reference IOMMU
 *    has one vIOMMU type, IOMMUFD_VIOMMU_TYPE_REF (7.3's VT-d driver has
 *    none). VIOMMU_ALLOC: flags, __reserved or type DEFAULT (0)
 *    -EOPNOTSUPP; dev_id not a bound device -ENOENT; another type
 *    -EOPNOTSUPP; hwpt_id not a paging HWPT -ENOENT; one without
 *    NEST_PARENT -EINVAL; then the type data, if data_len > 0 (struct
 *    iommufd_ref_viommu_data; data_len below its flags and __reserved,
 *    or above the struct (Linux's iommu_copy_struct_from_user: not the
 *    ioctl structs' -E2BIG rule), -EINVAL; no data_uptr -EFAULT; unknown
 *    flags or __reserved -EOPNOTSUPP): IOMMUFD_REF_VIOMMU_MMIO gives the
 *    vIOMMU its MMIO page (the guest's view of its registers, one page,
 *    zeroed), whose out_mmap_offset (the lowest free from one page up)
 *    and out_mmap_length come back in the data. iommufd_mmap maps it:
 *    a length not page-aligned or a private mapping -EINVAL, PROT_EXEC
 *    -EPERM, any offset and length but the page's exactly -ENXIO; each
 *    mapping holds the vIOMMU until iommufd_munmap; the page goes with
 *    the vIOMMU (a later mmap -ENXIO). The vIOMMU holds its parent
 *    (DESTROY of the parent -EBUSY). VDEVICE_ALLOC: viommu_id not
 *    a vIOMMU -ENOENT, dev_id not a bound device -ENOENT; a device with a
 *    vDEVICE (on any vIOMMU) -EEXIST, a virt_id the vIOMMU has -EEXIST.
 *    The device need not be attached. A vDEVICE holds its vIOMMU and can
 *    be destroyed any time; the close of its device's cdev destroys it
 *    and leaves its ID taken until the context closes (a tombstone: no
 *    ioctl finds it, DESTROY -ENOENT), as the header says.
 *    HWPT_ALLOC with pt_id a vIOMMU: flags beyond FAULT_ID_VALID or
 *    data_len 0 -EOPNOTSUPP, then the nested rules above over the
 *    vIOMMU's parent (VTD_S1 data); the HWPT holds the vIOMMU. Attaching
 *    a device to such a HWPT needs the device's vDEVICE on that vIOMMU
 *    (-ENOENT): the IOMMU names the device to the guest by it.
 *    HWPT_INVALIDATE with hwpt_id a vIOMMU: data_type
 *    IOMMUFD_VIOMMU_INVALIDATE_DATA_REF (-EINVAL), entries of entry_len
 *    bytes (shorter than struct iommufd_ref_viommu_inv: zero-extended;
 *    longer: trailing bytes zero, -E2BIG), per entry in order: flags 0 (-EOPNOTSUPP), virt_id a
 *    vDEVICE of the vIOMMU (-EINVAL); each flushes the IOTLB and
 *    paging-structure caches of every (domain, PASID) the device is
 *    attached at; entry_num comes back as the entries done.
 *    VEVENTQ_ALLOC: flags, __reserved or type 0 -EOPNOTSUPP; depth 0 or
 *    above 2^19 -EINVAL; viommu_id not a vIOMMU -ENOENT; a second queue
 *    of a type on one vIOMMU -EEXIST. Any other type is accepted (Linux
 *    does not ask the driver); the reference IOMMU reports
 *    IOMMUFD_VEVENTQ_TYPE_REF events only. The queue holds its vIOMMU,
 *    its fd (a socket end, as for fault queues) holds the queue.
 *    Events: iommufd_viommu_trigger (the test hook, like IOMMUFD_TEST's
 *    TRIGGER_VEVENT) makes the device's DMA fault in the IOMMU (at
 *    IOMMUFD_TRIGGER_IOVA, the default PASID), takes the IOMMU's fault
 *    log up to that DMA's record (older records go: the test facet's
 *    dma_fault_pop no longer sees them) and reports the record as
 *    struct iommufd_ref_vevent to the vIOMMU of
 *    the nested HWPT the device is attached to, with its vDEVICE's
 *    virt_id: -ENOENT when the device is not attached so, or has no
 *    vDEVICE there; -EOPNOTSUPP (dropped) when that vIOMMU has no queue
 *    of the type. Each event takes the queue's next sequence index (from
 *    0, wrapping after INT_MAX); with depth events queued, the event is
 *    lost and a LOST_EVENTS header with its index sits at the tail, until
 *    a later event takes the tail (its index then shows the gap).
 *    iommufd_vevent_read: len below the header -EINVAL; whole events
 *    (header, then data) while they fit, then the LOST_EVENTS header if
 *    it fits; -EINVAL when the first event does not fit, -EAGAIN when
 *    nothing is queued (as for fault queues; Linux returns 0), -EBADF
 *    for an fd that is no open vEVENTQ's. DESTROY: a vIOMMU -EBUSY while
 *    it has vDEVICEs, nested HWPTs, vEVENTQs, HW queues or a mapping of
 *    its MMIO page; a vEVENTQ while its fd is open.
 *    HW_QUEUE_ALLOC (hw_queue.c; the guest's invalidation queue, read by
 *    the IOMMU from guest memory): flags or type 0 -EOPNOTSUPP, length 0
 *    -EINVAL, nesting_parent_iova + length - 1 past U64_MAX -EOVERFLOW,
 *    viommu_id not a vIOMMU -ENOENT, a type but IOMMUFD_HW_QUEUE_TYPE_REF
 *    -EOPNOTSUPP; the pages of the range must be mapped in the parent's
 *    IOAS (-ENOENT) from user memory without a break (-EFAULT); index
 *    IOMMUFD_REF_HW_QUEUES or above -EINVAL, taken -EEXIST, one whose
 *    index - 1 is not allocated -EIO. A queue holds its vIOMMU and the
 *    queue below it (DESTROY -EBUSY). The pages are not pinned: an UNMAP
 *    under a queue is not refused (Linux pins them through an internal
 *    access).
 *
 *  - Accesses (access.c): the in-kernel users of an IOAS that reach user
 *    memory without an IOMMU domain (an mdev's or a VDCM slow path's
 *    vfio_pin_pages / vfio_dma_rw over iommufd_access_*), as Linux's
 *    device.c and io_pagetable.c have them in 6.12 and 7.x. The API below
 *    is the driver's side; each access is an object of the context (it
 *    takes an ID; IOMMU_DESTROY of it is -EBUSY: its driver holds it) and
 *    holds its IOAS (DESTROY of the IOAS -EBUSY while one is attached).
 *    The driver modelled is the kernel's test user: its unmap
 *    notification unpins, whole, every pin that meets the range it is
 *    given, unless it was created KEEP_PINS (a driver that ignores it).
 *    create: flags PIN_PAGES | KEEP_PINS (-EOPNOTSUPP), ioas_id an IOAS
 *    (-ENOENT). pin: flags RW_WRITE only (-EOPNOTSUPP), an access created
 *    PIN_PAGES (-EOPNOTSUPP); length 0 -EINVAL, iova + length - 1 past
 *    U64_MAX -EOVERFLOW; then the areas from iova must cover the range
 *    with no hole (-ENOENT), and each, in IOVA order, must not be barred
 *    (below: -EINVAL), must start the range on a page (iova 4 KiB
 *    aligned, -EINVAL; length need not be) and must have been mapped
 *    WRITEABLE for a RW_WRITE pin, READABLE for another (-EPERM); an
 *    error leaves nothing pinned; with uptr, each page pinned must be the
 *    one at uptr + its offset (-EBADE, nothing pinned). rw: the same
 *    checks and errnos but no alignment and no PIN_PAGES, flags RW_WRITE
 *    and RW_FOREIGN only (the caller's context: the same bytes move); bytes are copied area by area as they are checked, so an error
 *    at a later area leaves the earlier ones copied (as Linux does).
 *    UNMAP: before an area a pin meets is removed, the accesses of that
 *    IOAS are notified of the area's range (every access of the IOAS,
 *    whichever pinned it) and the area is barred from new pins and rw;
 *    once no pin meets it, it goes. A pin still there after the
 *    notification (KEEP_PINS) fails UNMAP with -EDEADLOCK, as Linux does
 *    after its retries (with a WARN): that area and the areas after it
 *    stay mapped, the area stays barred (pin and rw -EINVAL), the areas
 *    below it in the range are gone (UNMAP goes from the lowest IOVA up,
 *    also for unmap-all, as Linux's does). COPY carries no pin:
 *    the copy's areas are not pinned, and unmapping them notifies no
 *    access of the source's IOAS. replace: to the same IOAS a no-op; else
 *    to an IOAS (-ENOENT, nothing changes) whose hold is taken first,
 *    then the access is notified over the whole IOVA space, and what it
 *    still pins is forgotten (Linux's driver bug: it WARNs later), then
 *    the old IOAS is let go. destroy: the driver unpins everything (its
 *    KEEP_PINS pins too: the test user's close does so itself), the
 *    access leaves its IOAS and goes. The context's close destroys the
 *    accesses before every other object.
 *
 * Pages are tracked, not pinned: an area remembers its user_va and its
 * pages object; nothing is read from or written to user memory but the
 * ioctl structs and the range arrays IOVA_RANGES / ALLOW_IOVAS point at,
 * and the bytes an access's rw copies (the reference is in-process: an
 * area's user_va is memory of this process).
 * Not thread-safe: one caller per context.
 */
#ifndef IOMMUFD_REF_H
#define IOMMUFD_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faults.h"

struct iommufd_ctx;
struct viommu;

/*
 * What the devices a context binds are, to iommufd: an opaque handle and
 * the VDCM's vSVA calls on it (harness/ref/vdcm/vdcm.h, "vSVA"), with
 * priv the VDCM. The ref backend wires them to vdcm_vdev_*; the unit test
 * to a fake device.
 */
struct iommufd_dev_ops {
	int (*bind)(void *priv, void *dev, uint16_t *rid,
		    uint32_t *default_pasid);
	int (*unbind)(void *priv, void *dev);
	int (*gpasid_alloc)(void *priv, void *dev, uint32_t gpasid,
			    uint32_t *hpasid);
	int (*gpasid_free)(void *priv, void *dev, uint32_t gpasid);
	int (*gpasid_to_host)(void *priv, void *dev, uint32_t gpasid,
			      uint32_t *hpasid);
	/* Guest PASID and device of a host PASID (fault forwarding). */
	int (*host_to_gpasid)(void *priv, uint32_t hpasid, void **dev,
			      uint32_t *gpasid);
	/* Hand the IOMMU's queued page responses to the devices (may be
	 * NULL: nobody listens). */
	void (*deliver_responses)(void *priv);
};

/* The platform under a context: the IOMMU every HWPT is a domain of, and
 * the devices. iommu NULL: IOAS objects only (HWPTs and devices -ENODEV). */
struct iommufd_platform {
	struct viommu *iommu;
	const struct iommufd_dev_ops *dev_ops;
	void *dev_priv;
	/* The IOMMU offers its second-stage dirty tracking to iommufd users
	 * (IOMMU_HW_CAP_DIRTY_TRACKING; "Dirty tracking" above). */
	bool dirty_tracking;
};

/* A fresh /dev/iommu opening over plat (NULL: IOAS only) with fault
 * (IOMMUFD_FAULT_*, NONE for none) switched on; NULL with errno set on
 * failure. */
struct iommufd_ctx *iommufd_ctx_create(const struct iommufd_platform *plat,
				       int fault);
/* The close of the opening: every object is destroyed. NULL is a no-op. */
void iommufd_ctx_destroy(struct iommufd_ctx *ctx);

/*
 * ioctl(fd, cmd, arg): arg points at the command's struct, at least `size`
 * bytes long (size is its first u32). 0 or -errno.
 */
int iommufd_ioctl(struct iommufd_ctx *ctx, unsigned long cmd, void *arg);

/*
 * The device cdev's iommufd ioctls on dev: VFIO_DEVICE_BIND_IOMMUFD,
 * VFIO_DEVICE_ATTACH_IOMMUFD_PT, VFIO_DEVICE_DETACH_IOMMUFD_PT (linux/
 * vfio.h; the PASID forms as below). -ENOTTY for any other cmd.
 */
int iommufd_device_ioctl(struct iommufd_ctx *ctx, void *dev,
			 unsigned long cmd, void *arg);
/*
 * The close of dev's cdev: its device object (if bound) is detached from
 * everything and destroyed, and dev unbound. The ref backend calls it
 * before it releases a VDEV. A no-op for a device not bound.
 */
void iommufd_device_close(struct iommufd_ctx *ctx, void *dev);

/* The reference IOMMU's vIOMMU type, its events' vEVENTQ type and its
 * vIOMMU invalidation data type: numbers of its own, outside Linux's
 * enums. */
#define IOMMUFD_VIOMMU_TYPE_REF			0x51000001u
#define IOMMUFD_VEVENTQ_TYPE_REF		0x51000002u
#define IOMMUFD_VIOMMU_INVALIDATE_DATA_REF	0x51000003u
/* ... its HW queue type, and how many a vIOMMU has */
#define IOMMUFD_HW_QUEUE_TYPE_REF		0x51000004u
#define IOMMUFD_REF_HW_QUEUES			2u

/* The type data of IOMMUFD_VIOMMU_TYPE_REF (optional). */
#define IOMMUFD_REF_VIOMMU_MMIO		(1u << 0)
struct iommufd_ref_viommu_data {
	uint32_t flags;			/* IOMMUFD_REF_VIOMMU_MMIO */
	uint32_t __reserved;		/* 0 */
	uint64_t out_mmap_offset;	/* with MMIO: where to mmap its page */
	uint64_t out_mmap_length;
};

/* An event of IOMMUFD_VEVENTQ_TYPE_REF: the IOMMU's fault record for a
 * vDEVICE (enum viommu_fault_reason, the faulting address). */
struct iommufd_ref_vevent {
	uint32_t virt_id;		/* the vDEVICE's, low 32 bits */
	uint32_t reason;
	uint64_t addr;
};

/* An entry of IOMMUFD_VIOMMU_INVALIDATE_DATA_REF: flush the caches of the
 * vDEVICE virt_id. */
struct iommufd_ref_viommu_inv {
	uint32_t flags;			/* none defined: 0 */
	uint32_t virt_id;
};

/* Where the trigger's DMA goes: no table reaches it. */
#define IOMMUFD_TRIGGER_IOVA			0xfffffffffffff000ull

/* The device dev_id's DMA faults in the IOMMU; its vIOMMU gets the event
 * ("vIOMMU" above). 0 or -errno. */
int iommufd_viommu_trigger(struct iommufd_ctx *ctx, uint32_t dev_id);
/*
 * mmap() / munmap() of the context's fd: a region a vIOMMU was given
 * ("vIOMMU", MMIO page). NULL with errno set; 0 or -errno.
 */
void *iommufd_mmap(struct iommufd_ctx *ctx, uint64_t offset, size_t len,
		   int prot, int flags);
int iommufd_munmap(struct iommufd_ctx *ctx, void *addr, size_t len);

/* read() on a vEVENTQ's out_veventq_fd: bytes or -errno. */
long iommufd_vevent_read(struct iommufd_ctx *ctx, int fd, void *buf,
			 size_t len);

/* read() / write() on a fault queue's out_fault_fd: bytes or -errno. */
long iommufd_fault_read(struct iommufd_ctx *ctx, int fd, void *buf,
			size_t len);
long iommufd_fault_write(struct iommufd_ctx *ctx, int fd, const void *buf,
			 size_t len);

/*
 * The driver's side of an access ("Accesses" above); access IDs are
 * object IDs of ctx. 0 or -errno; an unknown access_id is -ENOENT.
 */
#define IOMMUFD_ACCESS_PIN_PAGES	(1u << 0)	/* create */
#define IOMMUFD_ACCESS_KEEP_PINS	(1u << 1)	/* create */
#define IOMMUFD_ACCESS_RW_WRITE		(1u << 0)	/* pin, rw */
/* rw from outside the user's process: the reference copies the same way */
#define IOMMUFD_ACCESS_RW_FOREIGN	(1u << 1)

int iommufd_access_create(struct iommufd_ctx *ctx, uint32_t ioas_id,
			  uint32_t flags, uint32_t *access_id);
int iommufd_access_destroy(struct iommufd_ctx *ctx, uint32_t access_id);
int iommufd_access_replace(struct iommufd_ctx *ctx, uint32_t access_id,
			   uint32_t ioas_id);
int iommufd_access_pin(struct iommufd_ctx *ctx, uint32_t access_id,
		       uint64_t iova, uint64_t length, uint32_t flags,
		       const void *uptr, uint32_t *pin_id);
int iommufd_access_unpin(struct iommufd_ctx *ctx, uint32_t access_id,
			 uint32_t pin_id);
int iommufd_access_rw(struct iommufd_ctx *ctx, uint32_t access_id,
		      uint64_t iova, void *buf, uint64_t len, uint32_t flags);

#endif /* IOMMUFD_REF_H */
