// SPDX-License-Identifier: MIT
/*
 * Unit tests of the reference /dev/iommu alone (iommufd.h): a context over
 * a reference IOMMU with a fake device behind struct iommufd_platform (no
 * VDCM, no siovdev), driven with the uAPI's structs. Scenarios cover the
 * IOAS ioctls, the extensibility rules, object lifetime, HWPT_ALLOC
 * validation and refusals, a 5-level guest table, attach/replace/detach
 * (malformed requests, PASID slots, re-attach), GET_HW_INFO,
 * HWPT_INVALIDATE (its array accounting and its flushes, seen by DMA
 * through a guest stage-1 table) and fault queues (records, responses,
 * completion at detach and replace, routing) and the VFIO compatibility
 * IOAS (IOMMU_VFIO_IOAS) and its type1 ioctls, MAP_FILE; tap_run_matrix
 * runs them on the faithful module and against every fault of faults.h. The rig is
 * iommufd_test_rig.h. TAP; exit 1 on any failure.
 */
#include <fcntl.h>
#include <unistd.h>

#include "siovh/iommufd_uapi.h"

#include "harness/ref/alloc/alloc.h"
#include "harness/ref/tap.h"
#include "iommufd_test_rig.h"

/* ---- scenarios: false at the first thing not as iommufd.h says ---- */

static bool s_ioas_map(int fault)
{
	struct iommu_iova_range allow = { 0x40000000, 0x4fffffff },
		bad[2] = { { 0x5000, 0x1000 }, { 0, 0xffffffff } };
	struct iommu_ioas_allow_iovas a = { .size = sizeof(a), .num_iovas = 1,
					    .allowed_iovas = (uintptr_t)&allow };
	uint64_t iova;
	uint32_t id2;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57));
	CHECK(!ioas_new(&r, &id2) && id2 != r.ioas);
	iova = 0x100000;
	CHECK(!map(&r, id2, FIXED, r.mem, 2 * PG, &iova) && iova == 0x100000);
	iova = 0x101000;
	CHECK(map(&r, id2, FIXED, r.mem, PG, &iova) == -EEXIST);
	iova = 0x200800;
	CHECK(map(&r, id2, FIXED, r.mem, PG, &iova) == -EINVAL);
	iova = 0xfee00000;
	CHECK(map(&r, id2, FIXED, r.mem, PG, &iova) == -EINVAL);
	iova = 0;
	CHECK(!map(&r, id2, FIXED, r.mem, PG, &iova));
	CHECK(!map(&r, id2, RW, r.mem, PG, &iova) && iova != 0 &&
	      (iova < 0x100000 || iova >= 0x102000));
	a.ioas_id = id2;
	CHECK(!ioc(&r, IOMMU_IOAS_ALLOW_IOVAS, &a));
	CHECK(!map(&r, id2, RW, r.mem, PG, &iova) && iova >= 0x40000000 &&
	      iova <= 0x4fffffff);
	a.allowed_iovas = (uintptr_t)bad;
	CHECK(ioc(&r, IOMMU_IOAS_ALLOW_IOVAS, &a) == -EINVAL);
	a.allowed_iovas = (uintptr_t)&bad[1];
	CHECK(ioc(&r, IOMMU_IOAS_ALLOW_IOVAS, &a) == -EADDRINUSE);
	/* too long for the IOVAs below the MSI window: placed above it, not
	 * across it (user memory is only recorded, never touched) */
	CHECK(!ioas_new(&r, &id2));
	CHECK(!map(&r, id2, RW, (void *)(uintptr_t)0x100000000000ull,
		   0xfef00000ull, &iova) && iova >= 0xfef00000ull);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

static bool s_ioas_unmap_copy(int fault)
{
	struct iommu_ioas_copy c = { .size = sizeof(c), .flags = RW,
				     .length = 2 * PG, .src_iova = 0x100000 };
	uint64_t iova, n;
	uint32_t id2;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57) && !ioas_new(&r, &id2));
	iova = 0x100000;
	CHECK(!map(&r, id2, FIXED, r.mem, 2 * PG, &iova));
	iova = 0x200000;
	CHECK(!map(&r, id2, FIXED, r.mem, PG, &iova));
	CHECK(unmap(&r, id2, 0x100000, PG, &n) == -ENOENT);
	CHECK(unmap(&r, id2, 0x800000, PG, &n) == -ENOENT);
	c.dst_ioas_id = r.ioas;
	c.src_ioas_id = id2;
	c.dst_iova = 0x100000;
	c.flags |= IOMMU_IOAS_MAP_FIXED_IOVA;
	CHECK(!ioc(&r, IOMMU_IOAS_COPY, &c));
	CHECK(!unmap(&r, id2, 0x100000, 0x200000, &n) && n == 3 * PG);
	CHECK(!unmap(&r, r.ioas, 0x100000, 2 * PG, &n) && n == 2 * PG);
	iova = 0x100000;
	CHECK(!map(&r, id2, FIXED, r.mem, PG, &iova));
	c.length = 3 * PG;
	CHECK(ioc(&r, IOMMU_IOAS_COPY, &c) == -ENOENT);
	iova = 0x300000;
	CHECK(!map(&r, id2, FIXED, r.mem, PG, &iova));
	/* pages pinned read-only: no writable copy of them */
	iova = 0x400000;
	CHECK(!map(&r, id2, IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE,
		   r.mem, PG, &iova));
	c.src_iova = 0x400000;
	c.length = PG;
	CHECK(ioc(&r, IOMMU_IOAS_COPY, &c) == -EPERM);
	CHECK(unmap(&r, r.ioas, 0x100000, PG, &n) == -ENOENT);
	CHECK(!unmap(&r, id2, 0, UINT64_MAX, &n) && n == 3 * PG);
	CHECK(!unmap(&r, id2, 0, UINT64_MAX, &n) && n == 0);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

static bool s_abi_ranges(int fault)
{
	struct iommu_iova_range v[2] = { { 0 }, { 7, 7 } };
	struct iommu_ioas_iova_ranges q = {
		.size = sizeof(q), .num_iovas = 1, .allowed_iovas = (uintptr_t)v,
	};
	struct { struct iommu_ioas_alloc a; uint32_t more; } big = { 0 };
	struct iommu_ioas_map m = { .size = sizeof(m), .flags = FIXED };
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57));
	q.ioas_id = r.ioas;
	CHECK(ioc(&r, IOMMU_IOAS_IOVA_RANGES, &q) == -EMSGSIZE &&
	      q.num_iovas == 2 && v[1].start == 7 && v[1].last == 7);
	big.a.size = sizeof(big);
	big.more = 1;
	CHECK(ioc(&r, IOMMU_IOAS_ALLOC, &big) == -E2BIG);
	big.a.size = 4;
	CHECK(ioc(&r, IOMMU_IOAS_ALLOC, &big) == -EINVAL);
	big.a.size = sizeof(big.a);
	big.a.flags = 1;
	CHECK(ioc(&r, IOMMU_IOAS_ALLOC, &big) == -EOPNOTSUPP);
	m.ioas_id = r.ioas;
	m.__reserved = 1;
	m.user_va = (uintptr_t)r.mem;
	m.length = PG;
	m.iova = 0x100000;
	CHECK(ioc(&r, IOMMU_IOAS_MAP, &m) == -EOPNOTSUPP);
	CHECK(ioc(&r, _IO(IOMMUFD_TYPE, 0xfe), &m) == -ENOTTY);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

static bool s_lifetime(int fault)
{
	uint32_t parent, nest, fq, id2;
	uint64_t iova = 0x100000;
	int fd;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57) && !fq_new(&r, &fq, &fd));
	CHECK(nested_up(&r, fq, &parent, &nest));
	CHECK(destroy(&r, r.ioas) == -EBUSY && destroy(&r, parent) == -EBUSY);
	CHECK(destroy(&r, nest) == -EBUSY && destroy(&r, fq) == -EBUSY);
	CHECK(destroy(&r, r.dev_id) == -EBUSY && destroy(&r, 999) == -ENOENT);
	CHECK(!ioas_new(&r, &id2) && !destroy(&r, id2));
	CHECK(map(&r, id2, FIXED, r.mem, PG, &iova) == -ENOENT);
	iommufd_device_close(r.ctx, &r.dev);
	CHECK(destroy(&r, r.dev_id) == -ENOENT);
	/* no HWPT refers to the queue now, but its open fd holds it */
	CHECK(!destroy(&r, nest) && !destroy(&r, parent) &&
	      destroy(&r, fq) == -EBUSY);
	close(fd);
	CHECK(iommufd_fault_read(r.ctx, fd, r.mem, 0) == -EBADF);
	CHECK(!destroy(&r, fq) && destroy(&r, fq) == -ENOENT);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

static bool s_hwpt_alloc(int fault)
{
	struct { struct iommu_hwpt_vtd_s1 s1; uint64_t more; } big = { 0 };
	struct iommu_hwpt_vtd_s1 s1 = { .pgtbl_addr = GPA, .addr_width = 48 };
	uint32_t plain, parent, id;
	struct rig r, r48 = { 0 };
	bool ok = false;

	CHECK(rig_init(&r, fault, 57));
	CHECK(paging(&r, r.ioas, 1u << 7, &id) == -EOPNOTSUPP);
	CHECK(paging(&r, r.ioas, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &id) ==
	      -EOPNOTSUPP);
	CHECK(!paging(&r, r.ioas, 0, &plain));
	CHECK(!paging(&r, r.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, &parent));
	CHECK(nested(&r, plain, 0, &id) == -EINVAL);
	CHECK(nested_s1(&r, parent, &s1, sizeof(s1) - 4, 0, &id) == -EINVAL);
	big.s1 = s1;
	big.more = 1;
	CHECK(nested_s1(&r, parent, &big.s1, sizeof(big), 0, &id) == -E2BIG);
	s1.flags = IOMMU_VTD_S1_EAFE;
	CHECK(nested_s1(&r, parent, &s1, sizeof(s1), 0, &id) == -EOPNOTSUPP);
	s1.flags = 0;
	s1.addr_width = 39;
	CHECK(nested_s1(&r, parent, &s1, sizeof(s1), 0, &id) == -EINVAL);
	s1.addr_width = 57;
	CHECK(!nested_s1(&r, parent, &s1, sizeof(s1), 0, &id));
	s1.addr_width = 48;
	s1.pgtbl_addr = GPA + 0x800;
	CHECK(nested_s1(&r, parent, &s1, sizeof(s1), 0, &id) == -EINVAL);
	s1.pgtbl_addr = 1ull << 48;
	CHECK(nested_s1(&r, parent, &s1, sizeof(s1), 0, &id) == -EINVAL);
	CHECK(nested(&r, parent, 999, &id) == -ENOENT);
	/* a unit that walks 4 levels only: a 57-bit table is beyond it */
	CHECK(rig_init(&r48, fault, 48));
	CHECK(!paging(&r48, r48.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, &parent));
	s1.pgtbl_addr = GPA;
	s1.addr_width = 57;
	CHECK(nested_s1(&r48, parent, &s1, sizeof(s1), 0, &id) == -EINVAL);
	ok = true;
out:
	rig_fini(&r48);
	rig_fini(&r);
	return ok;
}

/* A paging HWPT takes no user data; a refused one is no HWPT of the IOAS. */
static bool s_hwpt_paging_refuses(int fault)
{
	struct iommu_hwpt_vtd_s1 s1 = { .pgtbl_addr = GPA, .addr_width = 48 };
	uint32_t ioas2, id;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57) && !ioas_new(&r, &ioas2));
	CHECK(hwpt_raw(&r, (struct iommu_hwpt_alloc) {
			.pt_id = ioas2, .data_type = IOMMU_HWPT_DATA_VTD_S1,
			.data_len = sizeof(s1), .data_uptr = (uintptr_t)&s1,
		}, &id) == -EOPNOTSUPP);
	CHECK(hwpt_raw(&r, (struct iommu_hwpt_alloc) {
			.pt_id = ioas2, .data_len = sizeof(s1),
			.data_uptr = (uintptr_t)&s1,
		}, &id) == -EINVAL);
	/* a pointer with no length is no data: made, and gone again */
	CHECK(!hwpt_raw(&r, (struct iommu_hwpt_alloc) {
			.pt_id = ioas2, .data_uptr = (uintptr_t)&s1,
		}, &id) && !destroy(&r, id));
	CHECK(hwpt_raw(&r, (struct iommu_hwpt_alloc) {
			.pt_id = ioas2, .data_len = sizeof(s1),
		}, &id) == -EINVAL);
	/* the reference's side of kfindings hwpt-reserved2 (Linux ignores
	 * it, so IOMMUFD.HWPT.8 leaves it out) */
	CHECK(hwpt_raw(&r, (struct iommu_hwpt_alloc) {
			.pt_id = ioas2, .__reserved2 = 1,
		}, &id) == -EOPNOTSUPP);
	CHECK(!destroy(&r, ioas2));		/* no HWPT holds it */
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* A nested HWPT takes FAULT_ID_VALID only, a zero VTD_S1 __reserved; a
 * refused one is no child of the parent. */
static bool s_hwpt_nested_refuses(int fault)
{
	struct iommu_hwpt_vtd_s1 s1 = { .pgtbl_addr = GPA, .addr_width = 48 };
	struct iommu_hwpt_alloc a = {
		.data_type = IOMMU_HWPT_DATA_VTD_S1, .data_len = sizeof(s1),
		.data_uptr = (uintptr_t)&s1,
	};
	uint32_t parent, id;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57));
	CHECK(!paging(&r, r.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, &parent));
	a.pt_id = parent;
	a.flags = IOMMU_HWPT_ALLOC_NEST_PARENT;
	CHECK(hwpt_raw(&r, a, &id) == -EOPNOTSUPP);
	a.flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	CHECK(hwpt_raw(&r, a, &id) == -EOPNOTSUPP);
	a.flags = 0;
	s1.__reserved = 1;
	CHECK(hwpt_raw(&r, a, &id) == -EOPNOTSUPP);
	CHECK(!destroy(&r, parent));		/* no child hangs off it */
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* A 57-bit guest table is walked from its PML5: five levels. */
static bool s_hwpt_five_level(int fault)
{
	struct iommu_hwpt_vtd_s1 s1 = { .pgtbl_addr = PML5, .addr_width = 57 };
	uint32_t parent, nest;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57));
	CHECK(!paging(&r, r.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, &parent));
	CHECK(!nested_s1(&r, parent, &s1, sizeof(s1), 0, &nest));
	CHECK(!attach(&r, false, 0, nest));
	CHECK(peek(&r, DPASID, GVA + 2 * PG) == 0x12);
	CHECK(peek(&r, DPASID, GVA57 + GVA + 3 * PG) == 0x13);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

static bool s_hwpt_mirror(int fault)
{
	uint32_t hw;
	uint64_t n;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57) && !paging(&r, r.ioas, 0, &hw));
	CHECK(!attach(&r, false, 0, hw));
	CHECK(peek(&r, DPASID, GPA + 5 * PG) == 0x11);
	CHECK(!unmap(&r, r.ioas, GPA, PAGES * PG, &n));
	CHECK(peek(&r, DPASID, GPA + 5 * PG) == -1);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

static bool s_attach(int fault)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };
	struct viommu_pasid_info pi;
	uint32_t parent, nest;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57));
	CHECK(iommufd_device_ioctl(r.ctx, &r.dev, VFIO_DEVICE_BIND_IOMMUFD,
				   &b) == -EINVAL);
	CHECK(detach(&r, false, 0) == -ENOENT);
	CHECK(attach(&r, false, 0, r.ioas) == -EOPNOTSUPP);
	CHECK(nested_up(&r, 0, &parent, &nest));
	CHECK(peek(&r, DPASID, GVA + 2 * PG) == 0x12);
	CHECK(attach(&r, false, 0, 999) == -ENOENT);
	CHECK(peek(&r, DPASID, GVA + 2 * PG) == 0x12);
	CHECK(!attach(&r, false, 0, parent));		/* replace */
	CHECK(peek(&r, DPASID, GPA + 4 * PG) == 0x10);
	CHECK(!attach(&r, true, 5, nest) && r.f.used[0]);
	CHECK(!viommu_pasid_get(r.f.v, RID, HP(5), &pi));
	CHECK(!detach(&r, true, 5) && !r.f.used[0]);
	CHECK(detach(&r, true, 5) == -ENOENT);
	CHECK(!detach(&r, false, 0) && peek(&r, DPASID, GPA) == -1);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* Malformed ATTACH/DETACH_IOMMUFD_PT: -EINVAL, and nothing changes. */
static bool s_attach_args(int fault)
{
	struct siovh_vfio_attach_pt a = { .argsz = sizeof(a) };
	struct siovh_vfio_detach_pt d = { .argsz = sizeof(d) };
	uint32_t parent, nest;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57) && nested_up(&r, 0, &parent, &nest));
	CHECK(!attach(&r, false, 0, parent));
	a.pt_id = nest;
	a.flags = 1u << 1;
	CHECK(dev_ioc(&r, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a) == -EINVAL);
	a.flags = VFIO_DEVICE_ATTACH_PASID | 1u << 1;
	a.pasid = 5;
	CHECK(dev_ioc(&r, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a) == -EINVAL);
	a.flags = VFIO_DEVICE_ATTACH_PASID;
	a.argsz = offsetof(struct siovh_vfio_attach_pt, pasid);
	CHECK(dev_ioc(&r, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a) == -EINVAL);
	d.flags = 1u << 1;
	CHECK(dev_ioc(&r, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d) == -EINVAL);
	d.flags = VFIO_DEVICE_DETACH_PASID | 1u << 1;
	CHECK(dev_ioc(&r, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d) == -EINVAL);
	/* the default PASID still translates by the parent, 5 is nowhere */
	CHECK(peek(&r, DPASID, GPA + 4 * PG) == 0x10);
	CHECK(detach(&r, true, 5) == -ENOENT && !r.f.used[0]);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

#define SLOTS	16	/* guest PASIDs a device holds (iommufd.h) */

/* Out of PASID slots: a new PASID is -ENOSPC, a replace still works. */
static bool s_attach_slots(int fault)
{
	uint32_t parent, nest, p;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57) && nested_up(&r, 0, &parent, &nest));
	for (p = 1; p <= SLOTS; p++)
		CHECK(!attach(&r, true, p, nest));
	CHECK(attach(&r, true, p, nest) == -ENOSPC);
	CHECK(detach(&r, true, p) == -ENOENT && gp_slot(&r.f, p) < 0);
	CHECK(!attach(&r, true, 1, parent) && !attach(&r, true, SLOTS, parent));
	CHECK(peek(&r, HP(1), GPA + 4 * PG) == 0x10);
	CHECK(peek(&r, HP(2), GVA + 2 * PG) == 0x12);
	CHECK(!detach(&r, true, 1) && !attach(&r, true, p, nest));
	CHECK(attach(&r, true, p + 1, nest) == -ENOSPC);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* An attach of the HWPT already attached is a no-op: no second user. */
static bool s_attach_same(int fault)
{
	uint32_t parent, nest;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57) && nested_up(&r, 0, &parent, &nest));
	CHECK(!attach(&r, false, 0, nest));
	CHECK(!attach(&r, true, 5, nest) && !attach(&r, true, 5, nest));
	CHECK(peek(&r, DPASID, GVA + 2 * PG) == 0x12);
	CHECK(peek(&r, HP(5), GVA + 2 * PG) == 0x12);
	CHECK(!detach(&r, true, 5) && destroy(&r, nest) == -EBUSY);
	CHECK(!detach(&r, false, 0) && !destroy(&r, nest));
	CHECK(!destroy(&r, parent));
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

static bool s_hw_info(int fault)
{
	uint8_t buf[64];
	struct iommu_hw_info c = { .size = sizeof(c), .data_len = sizeof(buf),
				   .data_uptr = (uintptr_t)buf };
	struct rig r;
	bool ok = false;
	size_t i;

	CHECK(rig_init(&r, fault, 57));
	memset(buf, 0xee, sizeof(buf));
	c.dev_id = r.dev_id;
	CHECK(!ioc(&r, IOMMU_GET_HW_INFO, &c));
	CHECK(c.data_len == sizeof(struct iommu_hw_info_vtd));
	CHECK(c.out_max_pasid_log2 == 20);
	for (i = c.data_len; i < sizeof(buf); i++)
		CHECK(!buf[i]);
	c.dev_id = 999;
	CHECK(ioc(&r, IOMMU_GET_HW_INFO, &c) == -ENOENT);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

static bool s_inv_checks(int fault)
{
	struct iommu_hwpt_vtd_s1_invalidate e[3] = {
		{ .addr = GVA, .npages = 1 }, { .addr = GVA, .npages = 1,
						.flags = 1u << 4 },
		{ .addr = GVA, .npages = 1 },
	};
	struct iommu_hwpt_invalidate c = { .size = sizeof(c), .data_type = 77 };
	uint32_t parent, nest, num;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57) && nested_up(&r, 0, &parent, &nest));
	CHECK(inv(&r, nest, e, sizeof(e[0]), 3, &num) == -EOPNOTSUPP &&
	      num == 1);
	CHECK(inv(&r, nest, e, sizeof(e[0]) - 8, 1, &num) == -EINVAL);
	e[1].flags = 0;
	e[1].addr = GVA + 0x10;
	CHECK(inv(&r, nest, e, sizeof(e[0]), 3, &num) == -EINVAL && num == 1);
	CHECK(!inv(&r, nest, e, sizeof(e[0]), 1, &num) && num == 1);
	CHECK(inv(&r, parent, e, sizeof(e[0]), 1, &num) == -EINVAL &&
	      num == 0);
	/* refused before any request: entry_num comes back 0 */
	CHECK(inv(&r, nest, NULL, sizeof(e[0]), 2, &num) == -EINVAL &&
	      num == 0);
	CHECK(inv(&r, nest, e, 8192, 1, &num) == -EINVAL && num == 0);
	c.hwpt_id = nest;	/* data_type 77 */
	c.data_uptr = (uintptr_t)e;
	c.entry_len = sizeof(e[0]);
	c.entry_num = 1;
	CHECK(ioc(&r, IOMMU_HWPT_INVALIDATE, &c) == -EINVAL &&
	      c.entry_num == 0);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* Guest VA pages [first, first + n) cached, then re-pointed at data page
 * 7 without invalidation: true if all still read the stale page. */
static bool stale(struct rig *r, unsigned int first, unsigned int n)
{
	unsigned int i;

	for (i = first; i < first + n; i++)
		if (peek(r, DPASID, GVA + i * PG) != (int)(0x10 + i))
			return false;
	for (i = first; i < first + n; i++)
		*pte(r, i) = (GPA + (4 + 7) * PG) | PTE;
	for (i = first; i < first + n; i++)
		if (peek(r, DPASID, GVA + i * PG) != (int)(0x10 + i))
			return false;
	return true;
}

static bool fresh(struct rig *r, unsigned int first, unsigned int n)
{
	unsigned int i;

	for (i = first; i < first + n; i++)
		if (peek(r, DPASID, GVA + i * PG) != 0x17)
			return false;
	return true;
}

static bool s_inv_flush(int fault)
{
	struct iommu_hwpt_vtd_s1_invalidate e = { .addr = GVA + PG,
						  .npages = 3 };
	uint32_t parent, nest;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57) && nested_up(&r, 0, &parent, &nest));
	CHECK(stale(&r, 1, 3));
	CHECK(!inv(&r, nest, &e, sizeof(e), 1, NULL) && fresh(&r, 1, 3));
	CHECK(stale(&r, 4, 2));
	e = (struct iommu_hwpt_vtd_s1_invalidate) { .npages = UINT64_MAX };
	CHECK(!inv(&r, nest, &e, sizeof(e), 1, NULL) && fresh(&r, 4, 2));
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* A guest PASID's attachment of the nested HWPT is flushed too. */
static bool s_inv_gpasid(int fault)
{
	struct iommu_hwpt_vtd_s1_invalidate e = { .addr = GVA + PG,
						  .npages = 1 };
	uint32_t parent, nest, h = 0;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57) && nested_up(&r, 0, &parent, &nest));
	CHECK(!attach(&r, false, 0, parent) && !attach(&r, true, 5, nest));
	CHECK(!f_to_host(&r.f, &r.dev, 5, &h));
	CHECK(peek(&r, h, GVA + PG) == 0x11);
	*pte(&r, 1) = (GPA + (4 + 7) * PG) | PTE;
	CHECK(peek(&r, h, GVA + PG) == 0x11);	/* the IOTLB's */
	CHECK(!inv(&r, nest, &e, sizeof(e), 1, NULL));
	CHECK(peek(&r, h, GVA + PG) == 0x17);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* A bind the device refuses leaves no device object. */
static bool s_bind_refused(int fault)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };
	int other = 0;
	uint32_t id;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57) && !ioas_new(&r, &id));
	r.f.bind_err = -EIO;
	CHECK(iommufd_device_ioctl(r.ctx, &other, VFIO_DEVICE_BIND_IOMMUFD,
				   &b) == -EIO);
	r.f.bind_err = 0;
	CHECK(destroy(&r, id + 1) == -ENOENT);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* Read up to n records of fd into pf; the count, or -errno. */
static long rd(struct rig *r, int fd, struct iommu_hwpt_pgfault *pf,
	       size_t n)
{
	long ret = iommufd_fault_read(r->ctx, fd, pf, n * PF_SZ);

	return ret < 0 ? ret : ret / (long)PF_SZ;
}

static bool s_fault_rw(int fault)
{
	struct iommu_hwpt_pgfault pf[2];
	uint32_t parent, nest, fq, c[2], k;
	struct rig r;
	bool ok = false;
	int fd;

	CHECK(rig_init(&r, fault, 57) && !fq_new(&r, &fq, &fd));
	CHECK(nested_up(&r, fq, &parent, &nest));
	CHECK(rd(&r, fd, pf, 1) == -EAGAIN);
	CHECK(!request(&r, DPASID, 20, 1) &&
	      !request_perm(&r, DPASID, 21, 2, VIOMMU_PR_WRITE));
	CHECK(iommufd_fault_read(r.ctx, fd, pf, PF_SZ + 1) == -EINVAL);
	CHECK(rd(&r, fd, pf, 1) == 1);
	/* the second group, collected but not read, has no cookie yet */
	for (k = 1; k <= 8; k++)
		CHECK(k == pf[0].cookie ||
		      answer(&r, fd, &k, 1, IOMMUFD_PAGE_RESP_SUCCESS) == -EINVAL);
	CHECK(rd(&r, fd, pf + 1, 1) == 1);
	CHECK(pf[0].dev_id == r.dev_id && pf[0].addr == GVA + 20 * PG);
	CHECK(pf[0].flags == IOMMU_PGFAULT_FLAGS_LAST_PAGE);
	CHECK(pf[0].grpid == 1 && pf[0].cookie != pf[1].cookie);
	CHECK(pf[0].perm == IOMMU_PGFAULT_PERM_READ &&
	      pf[1].perm == IOMMU_PGFAULT_PERM_WRITE);
	c[0] = pf[0].cookie;
	c[1] = 12345;
	CHECK(answer(&r, fd, c, 2, IOMMUFD_PAGE_RESP_SUCCESS) == -EINVAL);
	c[1] = c[0];
	CHECK(answer(&r, fd, c, 2, IOMMUFD_PAGE_RESP_SUCCESS) == -EINVAL);
	CHECK(iommufd_fault_write(r.ctx, fd, c, PR_SZ + 4) == -EINVAL);
	CHECK(answer(&r, fd, c, 1, 5) == -EINVAL && r.f.nresp == 0);
	CHECK(answer(&r, fd, c, 1, IOMMUFD_PAGE_RESP_SUCCESS) == PR_SZ);
	CHECK(r.f.nresp == 1 && r.f.resp[0].prg_index == 1 &&
	      r.f.resp[0].code == VIOMMU_PR_SUCCESS);
	CHECK(answer(&r, fd, c, 1, IOMMUFD_PAGE_RESP_SUCCESS) == -EINVAL);
	/* a guest PASID's request: its own number, PASID_VALID */
	CHECK(!attach(&r, true, 5, nest) && !request(&r, HP(5), 22, 3));
	CHECK(rd(&r, fd, pf, 1) == 1 && pf[0].pasid == 5);
	CHECK(pf[0].flags & IOMMU_PGFAULT_FLAGS_PASID_VALID);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

static bool s_fault_complete(int fault)
{
	struct iommu_hwpt_pgfault pf;
	uint32_t parent, nest, fq, fq2, plain;
	struct rig r;
	bool ok = false;
	int fd, fd2;

	CHECK(rig_init(&r, fault, 57) && !fq_new(&r, &fq, &fd));
	CHECK(!fq_new(&r, &fq2, &fd2) && nested_up(&r, fq2, &parent, &nest));
	CHECK(!request(&r, DPASID, 20, 1) && rd(&r, fd, &pf, 1) == -EAGAIN);
	CHECK(rd(&r, fd2, &pf, 1) == 1);
	CHECK(!detach(&r, false, 0) && r.f.nresp == 1 &&
	      r.f.resp[0].code == VIOMMU_PR_INVALID);
	CHECK(answer(&r, fd2, &pf.cookie, 1, 0) == -EINVAL);
	CHECK(!attach(&r, false, 0, nest) && !request(&r, DPASID, 20, 2));
	/* the replace answers the group made under the old HWPT */
	CHECK(!attach(&r, false, 0, parent));
	CHECK(r.f.nresp == 2 && r.f.resp[1].code == VIOMMU_PR_INVALID);
	close(fd2);		/* its open fd would hold the queue */
	CHECK(!destroy(&r, nest) && !destroy(&r, fq2));
	CHECK(r.f.nresp == 2 && r.f.resp[1].code == VIOMMU_PR_INVALID &&
	      r.f.resp[1].prg_index == 2 && viommu_prq_groups(r.f.v) == 0);
	CHECK(!nested(&r, parent, 0, &plain) && !attach(&r, false, 0, plain));
	CHECK(request(&r, DPASID, 20, 3) == -ENOENT);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* A detach completes the detached attachment's groups only: another
 * requester's group in the same fault queue stays, read and answered. */
static bool s_fault_detach_shared(int fault)
{
	struct iommu_hwpt_pgfault pf[2];
	uint32_t parent, nest, fq;
	struct rig r;
	bool ok = false;
	int fd;

	CHECK(rig_init(&r, fault, 57) && !fq_new(&r, &fq, &fd));
	CHECK(nested_up(&r, fq, &parent, &nest) && !attach(&r, true, 5, nest));
	CHECK(!request(&r, DPASID, 20, 1) && !request(&r, HP(5), 21, 2));
	CHECK(!detach(&r, true, 5));
	CHECK(r.f.nresp == 1 && r.f.resp[0].prg_index == 2 &&
	      r.f.resp[0].code == VIOMMU_PR_INVALID);
	CHECK(rd(&r, fd, pf, 2) == 1 && pf[0].grpid == 1);
	CHECK(answer(&r, fd, &pf[0].cookie, 1, 0) > 0);
	CHECK(r.f.nresp == 2 && r.f.resp[1].prg_index == 1 &&
	      r.f.resp[1].code == VIOMMU_PR_SUCCESS);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* The argument errnos of FAULT_QUEUE_ALLOC, GET_HW_INFO, the device's
 * cdev, IOVA_RANGES, MAP/COPY and HWPT_INVALIDATE (iommufd.h). */
static bool s_arg_errnos(int fault)
{
	struct iommu_fault_alloc fa = { .size = sizeof(fa), .flags = 1 };
	struct iommu_hw_info hi = { .size = sizeof(hi), .flags = 1u << 31 };
	struct iommu_ioas_iova_ranges q = { .size = sizeof(q), .ioas_id = 999 };
	struct iommu_hwpt_invalidate iv = {
		.size = sizeof(iv), .__reserved = 1,
		.data_type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
	};
	struct iommu_ioas_copy c = {
		.size = sizeof(c), .flags = FIXED, .src_ioas_id = 999,
		.length = PG, .dst_iova = GPA, .src_iova = GPA,
	};
	uint32_t parent, nest, dst;
	uint64_t iova = GPA + 64 * PG, done;
	struct rig r;
	bool ok = false;
	int dummy = 0;

	CHECK(rig_init(&r, fault, 57));
	CHECK(ioc(&r, IOMMU_IOAS_ALLOC, NULL) == -EFAULT);
	CHECK(ioc(&r, IOMMU_FAULT_QUEUE_ALLOC, &fa) == -EOPNOTSUPP);
	hi.dev_id = r.dev_id;
	CHECK(ioc(&r, IOMMU_GET_HW_INFO, &hi) == -EOPNOTSUPP);
	CHECK(dev_ioc(&r, _IO(';', 199), &dummy) == -ENOTTY);
	CHECK(ioc(&r, IOMMU_IOAS_IOVA_RANGES, &q) == -ENOENT);
	/* user memory whose last byte would wrap past U64_MAX */
	CHECK(map(&r, r.ioas, FIXED, (void *)(uintptr_t)(UINT64_MAX - PG + 1),
		  2 * PG, &iova) == -EOVERFLOW);
	CHECK(!unmap(&r, r.ioas, GPA + 64 * PG, 2 * PG, &done) || done == 0);
	/* a MAP or COPY that allows DMA no access at all */
	CHECK(map(&r, r.ioas, IOMMU_IOAS_MAP_FIXED_IOVA, r.mem, PG, &iova) ==
	      -EINVAL);
	CHECK(!ioas_new(&r, &dst));
	c.dst_ioas_id = dst;
	CHECK(ioc(&r, IOMMU_IOAS_COPY, &c) == -ENOENT);
	c.src_ioas_id = r.ioas;
	c.flags = IOMMU_IOAS_MAP_FIXED_IOVA;
	CHECK(ioc(&r, IOMMU_IOAS_COPY, &c) == -EINVAL);
	CHECK(nested_up(&r, 0, &parent, &nest));
	iv.hwpt_id = nest;
	CHECK(ioc(&r, IOMMU_HWPT_INVALIDATE, &iv) == -EOPNOTSUPP);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/*
 * Allocation failure (ref/alloc/alloc.h): every allocation of a paging
 * HWPT_ALLOC, of a MAP into an IOAS with two HWPTs (the device attached to
 * the first) and of a COPY of two source areas into an IOAS whose area
 * array is one short of full fails in turn; each failure is -ENOMEM with
 * nothing left (the IOAS destroyable, the range unmapped, the device's DMA
 * there faulting), and the call then succeeds.
 */
static bool s_enomem(int fault)
{
	struct iommu_ioas_copy c = {
		.size = sizeof(c), .flags = FIXED, .length = 4 * PG,
		.src_iova = 0x40000000, .dst_iova = 0x40000000,
	};
	uint64_t iova, n;
	uint32_t hw = 0, hw2, spare, dst, k;
	struct rig r;
	bool ok = false;
	int ret = -ENOMEM;

	CHECK(rig_init(&r, fault, 57) && !ioas_new(&r, &spare));
	for (k = 1; k < 32 && ret == -ENOMEM; k++) {
		ref_fail_nth_arm(k);
		ret = paging(&r, spare, 0, &hw);
		ref_fail_nth_arm(0);
		CHECK(ret == 0 || (ret == -ENOMEM && !destroy(&r, spare) &&
				   !ioas_new(&r, &spare)));
	}
	CHECK(!ret && destroy(&r, spare) == -EBUSY);
	CHECK(!paging(&r, spare, 0, &hw2) && !attach(&r, false, 0, hw));
	for (ret = -ENOMEM, k = 1; k < 32 && ret == -ENOMEM; k++) {
		iova = 0x40000000;
		ref_fail_nth_arm(k);
		ret = map(&r, spare, FIXED, r.mem, 4 * PG, &iova);
		ref_fail_nth_arm(0);
		CHECK(ret == 0 || (ret == -ENOMEM &&
				   unmap(&r, spare, 0x40000000, 4 * PG, &n) ==
				   -ENOENT && peek(&r, DPASID, 0x40000000) == -1));
	}
	CHECK(!ret && peek(&r, DPASID, 0x40000000) == r.mem[0]);
	CHECK(!unmap(&r, spare, 0x40000000, 4 * PG, &n));
	for (k = 0; k < 2; k++) {
		iova = 0x40000000 + 2 * k * PG;
		CHECK(!map(&r, spare, FIXED, r.mem, 2 * PG, &iova));
	}
	CHECK(!ioas_new(&r, &dst));
	for (k = 0; k < 7; k++) {
		iova = 0x100000 + 2 * k * PG;
		CHECK(!map(&r, dst, FIXED, r.mem, PG, &iova));
	}
	c.src_ioas_id = spare;
	c.dst_ioas_id = dst;
	for (ret = -ENOMEM, k = 1; k < 32 && ret == -ENOMEM; k++) {
		ref_fail_nth_arm(k);
		ret = ioc(&r, IOMMU_IOAS_COPY, &c);
		ref_fail_nth_arm(0);
		CHECK(ret == 0 || (ret == -ENOMEM &&
				   unmap(&r, dst, 0x40000000, 4 * PG, &n) ==
				   -ENOENT));
	}
	CHECK(!ret && !unmap(&r, dst, 0x40000000, 4 * PG, &n) && n == 4 * PG);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* IOMMU_VFIO_IOAS: SET needs an IOAS; GET names it until its DESTROY. */
static bool s_vfio_ioas(int fault)
{
	struct iommu_vfio_ioas v = { .size = sizeof(v) };
	struct iommu_destroy d = { .size = sizeof(d) };
	uint32_t id2;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57));
	CHECK(!ioas_new(&r, &id2));
	v.op = IOMMU_VFIO_IOAS_SET;
	v.ioas_id = id2 + 100;
	CHECK(ioc(&r, IOMMU_VFIO_IOAS, &v) == -ENOENT);
	v.op = IOMMU_VFIO_IOAS_GET;
	CHECK(ioc(&r, IOMMU_VFIO_IOAS, &v) == -ENODEV);
	v.op = IOMMU_VFIO_IOAS_SET;
	v.ioas_id = id2;
	CHECK(!ioc(&r, IOMMU_VFIO_IOAS, &v));
	v.op = IOMMU_VFIO_IOAS_GET;
	v.ioas_id = 0;
	CHECK(!ioc(&r, IOMMU_VFIO_IOAS, &v) && v.ioas_id == id2);
	d.id = id2;
	CHECK(!ioc(&r, IOMMU_DESTROY, &d));
	CHECK(ioc(&r, IOMMU_VFIO_IOAS, &v) == -ENODEV);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* MAP_FILE one memfd page (or a bad fd: -EBADF, or a non-memfd) at iova. */
static int map_file(struct rig *r, uint32_t ioas, uint32_t flags, int fd,
		    uint64_t start, uint64_t len, uint64_t *iova)
{
	struct siovh_ioas_map_file m = {
		.size = sizeof(m), .flags = flags, .ioas_id = ioas, .fd = fd,
		.start = start, .length = len, .iova = *iova,
	};
	int ret = ioc(r, SIOVH_IOMMU_IOAS_MAP_FILE, &m);

	*iova = m.iova;
	return ret;
}

/*
 * IOMMU_IOAS_MAP_FILE: the fd's checks, the file's pages behind the IOVA
 * (a DMA through the HWPT reads the memfd), COPY's view of its pages.
 */
static bool s_map_file(int fault)
{
	struct iommu_ioas_copy c = { .size = sizeof(c), .flags = FIXED,
				     .length = PG, .dst_iova = 0x50000000 };
	uint64_t iova, n;
	uint32_t hwpt;
	struct siovh_ioas_change_process cp = { .size = sizeof(cp) };
	int mfd, ro = -1, exe = -1, ret;
	unsigned int k;
	char path[64];
	struct rig r;
	bool ok = false;

	mfd = memfd_create("s_map_file", 0);
	CHECK(rig_init(&r, fault, 57));
	CHECK(mfd >= 0 && !ftruncate(mfd, 2 * PG) &&
	      pwrite(mfd, "\x5a", 1, PG) == 1);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	ro = open(path, O_RDONLY);
	/* a file that is no memfd (the build's file system, not tmpfs) */
	exe = open("/proc/self/exe", O_RDONLY);
	CHECK(ro >= 0 && exe >= 0);
	CHECK(!paging(&r, r.ioas, 0, &hwpt) && !attach(&r, false, 0, hwpt));
	iova = 0x40000000;
	CHECK(map_file(&r, r.ioas, FIXED, 1000, 0, PG, &iova) == -EBADF);
	CHECK(map_file(&r, r.ioas, FIXED, exe, 0, PG, &iova) == -EINVAL);
	CHECK(map_file(&r, r.ioas, FIXED, mfd, PG, 2 * PG, &iova) == -EINVAL);
	CHECK(map_file(&r, r.ioas, FIXED, ro, 0, PG, &iova) == -EACCES);
	CHECK(map_file(&r, r.ioas, IOMMU_IOAS_MAP_READABLE, ro, 0, PG,
		       &iova) == 0 && iova != 0x40000000);
	CHECK(!unmap(&r, r.ioas, iova, PG, &n) && n == PG);
	iova = 0x12345000;	/* ignored without FIXED_IOVA */
	CHECK(!map_file(&r, r.ioas, RW, mfd, PG, PG, &iova));
	CHECK(peek(&r, DPASID, iova) == 0x5a);
	CHECK(!unmap(&r, r.ioas, iova, PG, &n));
	iova = 0x40000000;
	CHECK(!map_file(&r, r.ioas, FIXED & ~IOMMU_IOAS_MAP_WRITEABLE, mfd,
			PG, PG, &iova));
	CHECK(peek(&r, DPASID, 0x40000000) == 0x5a);
	c.src_ioas_id = c.dst_ioas_id = r.ioas;
	c.src_iova = 0x40000000;
	CHECK(ioc(&r, IOMMU_IOAS_COPY, &c) == -EPERM);
	/* an allocation that fails maps nothing and says so */
	for (ret = -ENOMEM, k = 1; k < 16 && ret == -ENOMEM; k++) {
		iova = 0x60000000;
		ref_fail_nth_arm(k);
		ret = map_file(&r, r.ioas, FIXED, mfd, 0, PG, &iova);
		ref_fail_nth_arm(0);
		CHECK(ret || !unmap(&r, r.ioas, 0x60000000, PG, &n));
		CHECK(!ret || unmap(&r, r.ioas, 0x60000000, PG, &n) == -ENOENT);
	}
	/* the rig's guest memory is a MAP: no CHANGE_PROCESS */
	CHECK(ioc(&r, SIOVH_IOMMU_IOAS_CHANGE_PROCESS, &cp) == -EINVAL);
	ok = true;
out:
	rig_fini(&r);
	if (exe >= 0)
		close(exe);
	if (ro >= 0)
		close(ro);
	if (mfd >= 0)
		close(mfd);
	return ok;
}

/* The VFIO type1 ioctls on /dev/iommu, on the compat IOAS. */
static bool s_vfio_compat(int fault)
{
	struct iommu_vfio_ioas v = { .size = sizeof(v),
				     .op = IOMMU_VFIO_IOAS_SET };
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .flags = VFIO_DMA_MAP_FLAG_READ,
		.size = PG, .iova = 0x100000,
	};
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .flags = VFIO_DMA_UNMAP_FLAG_ALL,
	};
	union {
		struct vfio_iommu_type1_info i;
		uint64_t raw[32];
	} info = { .i.argsz = sizeof(info.i) };
	const struct vfio_info_cap_header *h;
	uint32_t id2, need, n = 0;
	uint64_t iova = 0x100000, len;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57));
	CHECK(!ioas_new(&r, &id2));
	CHECK(ioc(&r, VFIO_CHECK_EXTENSION, (void *)VFIO_UNMAP_ALL) == 1);
	CHECK(ioc(&r, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU) == -ENODEV);
	v.ioas_id = id2;
	CHECK(!ioc(&r, IOMMU_VFIO_IOAS, &v));
	CHECK(ioc(&r, VFIO_SET_IOMMU, (void *)(uintptr_t)2) == -EINVAL);
	m.vaddr = (uintptr_t)r.mem;
	CHECK(!ioc(&r, VFIO_IOMMU_MAP_DMA, &m));
	m.iova += 2 * PG;
	CHECK(!ioc(&r, VFIO_IOMMU_MAP_DMA, &m));
	/* in id2, not in r.ioas (ID 1) */
	CHECK(map(&r, id2, FIXED, r.mem, PG, &iova) == -EEXIST);
	CHECK(!ioc(&r, VFIO_IOMMU_GET_INFO, &info) && !info.i.cap_offset);
	need = info.i.argsz;
	CHECK(need > sizeof(info.i) && need <= sizeof(info));
	info.i.argsz = need;
	CHECK(!ioc(&r, VFIO_IOMMU_GET_INFO, &info) &&
	      info.i.cap_offset == sizeof(info.i));
	for (len = info.i.cap_offset; len; len = h->next, n++) {
		h = (const void *)((const char *)&info + len);
		if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE)
			n += 10;
	}
	CHECK(n == 12);
	CHECK(!ioc(&r, VFIO_IOMMU_UNMAP_DMA, &u) && u.size == 2 * PG);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* TYPE1: large pages off only while no domain holds a mapping; then an
 * unmap inside a mapping cuts it. */
static bool s_vfio_type1(int fault)
{
	struct iommu_vfio_ioas v = { .size = sizeof(v),
				     .op = IOMMU_VFIO_IOAS_SET };
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .iova = 0x100000 + PG, .size = PG,
	};
	const uint64_t base = 0x100000;
	uint64_t iova = base, n;
	uint32_t id, hwpt;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57) && !ioas_new(&r, &id));
	CHECK(!paging(&r, id, 0, &hwpt));
	v.ioas_id = id;
	CHECK(!ioc(&r, IOMMU_VFIO_IOAS, &v));
	CHECK(!map(&r, id, FIXED, r.mem, PG, &iova));
	CHECK(ioc(&r, VFIO_SET_IOMMU, (void *)VFIO_TYPE1_IOMMU) == -EINVAL);
	CHECK(!unmap(&r, id, base, PG, &n));
	CHECK(!ioc(&r, VFIO_SET_IOMMU, (void *)VFIO_TYPE1_IOMMU));
	CHECK(!map(&r, id, FIXED, r.mem, 4 * PG, &iova));
	CHECK(!ioc(&r, VFIO_IOMMU_UNMAP_DMA, &u) && u.size == PG);
	CHECK(!ioc(&r, VFIO_IOMMU_UNMAP_DMA, &u) && u.size == 0);
	/* [base, base + 1 page) and [base + 2 pages, base + 4) are areas */
	CHECK(!unmap(&r, id, base, PG, &n) && n == PG);
	CHECK(!unmap(&r, id, base + 2 * PG, 2 * PG, &n) && n == 2 * PG);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

static const struct tap_scenario scenarios[] = {
	{ "IOAS map, allowed IOVAs", s_ioas_map },
	{ "IOAS unmap and copy", s_ioas_unmap_copy },
	{ "extensibility rules, IOVA ranges", s_abi_ranges },
	{ "destroy: busy, unknown, gone", s_lifetime },
	{ "HWPT_ALLOC validation and host limits", s_hwpt_alloc },
	{ "paging HWPT_ALLOC refusals make no HWPT", s_hwpt_paging_refuses },
	{ "nested HWPT_ALLOC refusals make no child", s_hwpt_nested_refuses },
	{ "57-bit guest table walked with five levels", s_hwpt_five_level },
	{ "paging HWPT mirrors its IOAS", s_hwpt_mirror },
	{ "bind, attach, replace, detach", s_attach },
	{ "malformed attach/detach changes nothing", s_attach_args },
	{ "out of PASID slots: refused, replace works", s_attach_slots },
	{ "re-attach of the same HWPT is a no-op", s_attach_same },
	{ "GET_HW_INFO", s_hw_info },
	{ "HWPT_INVALIDATE array accounting", s_inv_checks },
	{ "HWPT_INVALIDATE flushes", s_inv_flush },
	{ "HWPT_INVALIDATE flushes a guest PASID's attachment", s_inv_gpasid },
	{ "a bind the device refuses leaves no object", s_bind_refused },
	{ "fault queue read and write", s_fault_rw },
	{ "fault queue completion and routing", s_fault_complete },
	{ "a detach completes its own groups only", s_fault_detach_shared },
	{ "argument errnos of the other ioctls", s_arg_errnos },
	{ "allocation failures leave nothing behind", s_enomem },
	{ "VFIO compatibility IOAS: set, get, forgotten at destroy", s_vfio_ioas },
	{ "MAP_FILE: the fd's checks, the file's pages", s_map_file },
	{ "VFIO type1 ioctls on the compat IOAS", s_vfio_compat },
	{ "VFIO TYPE1: large pages off, unmap cuts", s_vfio_type1 },
};

static void test_ctx(void)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	struct iommu_hwpt_alloc h = { .size = sizeof(h) };
	struct iommufd_ctx *ctx;

	EXPECT_TRUE(iommufd_ctx_create(NULL, IOMMUFD_FAULT_COUNT) == NULL);
	ctx = iommufd_ctx_create(NULL, IOMMUFD_FAULT_NONE);
	ASSERT_TRUE(ctx != NULL);
	EXPECT_EQ(iommufd_ioctl(ctx, IOMMU_IOAS_ALLOC, &a), 0);
	EXPECT_EQ(a.out_ioas_id, 1);
	h.pt_id = 1;
	EXPECT_EQ(iommufd_ioctl(ctx, IOMMU_HWPT_ALLOC, &h), -ENODEV);
	EXPECT_EQ(iommufd_fault_read(ctx, 12345, NULL, 0), -EBADF);
	iommufd_ctx_destroy(ctx);
	iommufd_ctx_destroy(NULL);
}

/* Every fault but dirty tracking's and IOMMU_OPTION's (iommufd_dirty_test),
 * the accesses' (iommufd_access_test) and the vIOMMU's (iommufd_viommu_test). */
static bool proves(int fault)
{
	return !rig_dirty_fault(fault) && !rig_access_fault(fault) &&
	       !rig_viommu_fault(fault);
}

int main(void)
{
	static const struct tap_test fixed[] = {
		{ "context create, IOAS-only platform", test_ctx },
	};
	return rig_run_matrix(fixed, sizeof(fixed) / sizeof(fixed[0]),
			      scenarios,
			      sizeof(scenarios) / sizeof(scenarios[0]),
			      proves, "every injected fault is observable");
}
