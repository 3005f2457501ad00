// SPDX-License-Identifier: MIT
/*
 * Unit tests of the reference /dev/iommu's vIOMMU objects (viommu_obj.c:
 * IOMMU_VIOMMU_ALLOC, IOMMU_VDEVICE_ALLOC, nested HWPTs and HWPT_INVALIDATE
 * on a vIOMMU, IOMMU_VEVENTQ_ALLOC and its events), on the rig of
 * iommufd_test_rig.h. Like iommufd_test.c, tap_run_matrix runs the
 * scenarios on the faithful module and against the faults it proves
 * (rig_viommu_fault). TAP; exit 1 on any failure.
 */
#include <unistd.h>

#include <siovh/iommufd_viommu.h>

#include "harness/ref/alloc/alloc.h"
#include "harness/ref/tap.h"
#include "iommufd_test_rig.h"

#define EV_SZ (sizeof(struct siovh_vevent_header) + \
	       sizeof(struct iommufd_ref_vevent))

static int viommu_new(struct rig *r, uint32_t type, uint32_t hwpt,
		      uint32_t *id)
{
	struct siovh_viommu_alloc c = {
		.size = sizeof(c), .type = type, .dev_id = r->dev_id,
		.hwpt_id = hwpt,
	};
	int ret = ioc(r, SIOVH_IOMMU_VIOMMU_ALLOC, &c);

	*id = c.out_viommu_id;
	return ret;
}

static int vdev_new(struct rig *r, uint32_t viommu, uint32_t dev_id,
		    uint64_t virt_id, uint32_t *id)
{
	struct siovh_vdevice_alloc c = {
		.size = sizeof(c), .viommu_id = viommu, .dev_id = dev_id,
		.virt_id = virt_id,
	};
	int ret = ioc(r, SIOVH_IOMMU_VDEVICE_ALLOC, &c);

	*id = c.out_vdevice_id;
	return ret;
}

static int veventq_new(struct rig *r, uint32_t viommu, uint32_t type,
		       uint32_t depth, uint32_t *id, int *fd)
{
	struct siovh_veventq_alloc c = {
		.size = sizeof(c), .viommu_id = viommu, .type = type,
		.veventq_depth = depth,
	};
	int ret = ioc(r, SIOVH_IOMMU_VEVENTQ_ALLOC, &c);

	*id = c.out_veventq_id;
	*fd = (int)c.out_veventq_fd;
	return ret;
}

/* A nested HWPT (VTD_S1) on vIOMMU v. */
static int nested_on(struct rig *r, uint32_t v, uint32_t *id)
{
	return nested(r, v, 0, id);
}

static int viommu_inv(struct rig *r, uint32_t v, uint32_t virt_id,
		      uint32_t *num)
{
	struct iommufd_ref_viommu_inv e = { .virt_id = virt_id };
	struct iommu_hwpt_invalidate c = {
		.size = sizeof(c), .hwpt_id = v, .data_uptr = (uintptr_t)&e,
		.data_type = IOMMUFD_VIOMMU_INVALIDATE_DATA_REF,
		.entry_len = sizeof(e), .entry_num = 1,
	};
	int ret = ioc(r, IOMMU_HWPT_INVALIDATE, &c);

	*num = c.entry_num;
	return ret;
}

/* A second device bound to the context (the rig's fake binds any). */
static int second_dev(struct rig *r, void *dev, uint32_t *dev_id)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };
	int ret = iommufd_device_ioctl(r->ctx, dev, VFIO_DEVICE_BIND_IOMMUFD,
				       &b);

	*dev_id = b.out_devid;
	return ret;
}

/* ---- scenarios: false at the first thing not as iommufd.h says ---- */

/* VIOMMU_ALLOC's checks and the parent it holds. */
static bool s_viommu_alloc(int fault)
{
	uint32_t plain, parent, v, id;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57));
	CHECK(!paging(&r, r.ioas, 0, &plain));
	CHECK(!paging(&r, r.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, &parent));
	CHECK(viommu_new(&r, 0x1234, parent, &id) == -EOPNOTSUPP);
	CHECK(viommu_new(&r, SIOVH_VIOMMU_TYPE_DEFAULT, parent, &id) ==
	      -EOPNOTSUPP);
	CHECK(viommu_new(&r, IOMMUFD_VIOMMU_TYPE_REF, plain, &id) == -EINVAL);
	CHECK(viommu_new(&r, IOMMUFD_VIOMMU_TYPE_REF, r.ioas, &id) ==
	      -ENOENT);
	CHECK(!viommu_new(&r, IOMMUFD_VIOMMU_TYPE_REF, parent, &v));
	CHECK(destroy(&r, parent) == -EBUSY);
	CHECK(!destroy(&r, v));
	CHECK(!destroy(&r, parent));
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* vDEVICEs: one per device, virt_ids unique per vIOMMU, each holds it;
 * the device's close leaves a tombstone. */
static bool s_vdevice(int fault)
{
	uint32_t parent, v, vd, vd2, dev2, id;
	int other, k, ret;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57));
	CHECK(!paging(&r, r.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, &parent));
	CHECK(!viommu_new(&r, IOMMUFD_VIOMMU_TYPE_REF, parent, &v));
	CHECK(!second_dev(&r, &other, &dev2));
	CHECK(vdev_new(&r, parent, r.dev_id, 1, &id) == -ENOENT);
	CHECK(!vdev_new(&r, v, r.dev_id, 1, &vd));
	CHECK(vdev_new(&r, v, r.dev_id, 2, &id) == -EEXIST);
	CHECK(vdev_new(&r, v, dev2, 1, &id) == -EEXIST);
	CHECK(!vdev_new(&r, v, dev2, 2, &vd2));
	CHECK(destroy(&r, v) == -EBUSY);
	CHECK(!destroy(&r, vd));
	iommufd_device_close(r.ctx, &other);	/* vd2 forced out */
	CHECK(destroy(&r, vd2) == -ENOENT);
	CHECK(!destroy(&r, v));
	for (k = 0; k < 4; k++)		/* its ID stays taken */
		CHECK(!ioas_new(&r, &id) && id != vd2);
	/* a vDEVICE whose allocation fails leaves the device without one */
	CHECK(!viommu_new(&r, IOMMUFD_VIOMMU_TYPE_REF, parent, &v));
	for (ret = -ENOMEM, k = 1; k < 16 && ret == -ENOMEM; k++) {
		ref_fail_nth_arm((unsigned int)k);
		ret = vdev_new(&r, v, r.dev_id, 1, &vd);
		ref_fail_nth_arm(0);
	}
	CHECK(!ret);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* Nested HWPTs on a vIOMMU: they hold it, a device attaches with its
 * vDEVICE only; invalidation names vDEVICEs. */
static bool s_nested_inv(int fault)
{
	uint32_t parent, v, h, vd, n = 9;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57));
	CHECK(!paging(&r, r.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, &parent));
	CHECK(!viommu_new(&r, IOMMUFD_VIOMMU_TYPE_REF, parent, &v));
	CHECK(!nested_on(&r, v, &h));
	CHECK(destroy(&r, v) == -EBUSY);
	CHECK(attach(&r, false, 0, h) == -ENOENT);
	CHECK(!vdev_new(&r, v, r.dev_id, 5, &vd));
	CHECK(!attach(&r, false, 0, h));
	CHECK(peek(&r, DPASID, GVA) == 0x10);
	CHECK(viommu_inv(&r, v, 6, &n) == -EINVAL && n == 0);
	CHECK(!viommu_inv(&r, v, 5, &n) && n == 1);
	CHECK(!detach(&r, false, 0));
	CHECK(!destroy(&r, h));
	CHECK(!destroy(&r, vd));
	CHECK(!destroy(&r, v));
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* vEVENTQs: argument checks, one per type, events with sequence indexes,
 * overflow to a LOST_EVENTS header. */
static bool s_veventq(int fault)
{
	uint8_t buf[8 * EV_SZ];
	struct siovh_vevent_header hd;
	struct iommufd_ref_vevent ev;
	uint32_t parent, v, h, vd, q, id;
	int fd = -1, fd2;
	long n;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57));
	CHECK(!paging(&r, r.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, &parent));
	CHECK(!viommu_new(&r, IOMMUFD_VIOMMU_TYPE_REF, parent, &v));
	CHECK(!nested_on(&r, v, &h));
	CHECK(!vdev_new(&r, v, r.dev_id, 5, &vd));
	CHECK(!attach(&r, false, 0, h));
	CHECK(iommufd_viommu_trigger(r.ctx, r.dev_id) == -EOPNOTSUPP);
	CHECK(veventq_new(&r, v, IOMMUFD_VEVENTQ_TYPE_REF, 0, &id, &fd2) ==
	      -EINVAL);
	CHECK(veventq_new(&r, v, IOMMUFD_VEVENTQ_TYPE_REF, (1u << 19) + 1,
			  &id, &fd2) == -EINVAL);
	CHECK(!veventq_new(&r, v, IOMMUFD_VEVENTQ_TYPE_REF, 2, &q, &fd));
	CHECK(veventq_new(&r, v, IOMMUFD_VEVENTQ_TYPE_REF, 2, &id, &fd2) ==
	      -EEXIST);
	CHECK(iommufd_vevent_read(r.ctx, fd, buf, sizeof(buf)) == -EAGAIN);
	CHECK(!iommufd_viommu_trigger(r.ctx, r.dev_id));
	CHECK(!iommufd_viommu_trigger(r.ctx, r.dev_id));
	CHECK(iommufd_vevent_read(r.ctx, fd, buf, EV_SZ - 1) == -EINVAL);
	n = iommufd_vevent_read(r.ctx, fd, buf, EV_SZ);
	memcpy(&hd, buf, sizeof(hd));
	memcpy(&ev, buf + sizeof(hd), sizeof(ev));
	CHECK(n == (long)EV_SZ && hd.flags == 0 && hd.sequence == 0 &&
	      ev.virt_id == 5 && ev.addr == IOMMUFD_TRIGGER_IOVA &&
	      ev.reason == VIOMMU_FR_ADDR_RANGE);
	/* one queued; three more: one fits, two are lost */
	CHECK(!iommufd_viommu_trigger(r.ctx, r.dev_id));
	CHECK(!iommufd_viommu_trigger(r.ctx, r.dev_id));
	CHECK(!iommufd_viommu_trigger(r.ctx, r.dev_id));
	n = iommufd_vevent_read(r.ctx, fd, buf, sizeof(buf));
	CHECK(n == (long)(2 * EV_SZ + sizeof(hd)));
	memcpy(&hd, buf + EV_SZ, sizeof(hd));
	CHECK(hd.flags == 0 && hd.sequence == 2);
	memcpy(&hd, buf + 2 * EV_SZ, sizeof(hd));
	CHECK(hd.flags == SIOVH_VEVENTQ_FLAG_LOST_EVENTS && hd.sequence == 4);
	CHECK(!iommufd_viommu_trigger(r.ctx, r.dev_id));
	CHECK(iommufd_vevent_read(r.ctx, fd, buf, sizeof(buf)) ==
	      (long)EV_SZ);
	memcpy(&hd, buf, sizeof(hd));
	CHECK(hd.sequence == 5);
	CHECK(destroy(&r, q) == -EBUSY);
	close(fd);
	CHECK(iommufd_vevent_read(r.ctx, fd, buf, sizeof(buf)) == -EBADF);
	fd = -1;
	CHECK(!destroy(&r, q));
	ok = true;
out:
	if (fd >= 0)
		close(fd);
	rig_fini(&r);
	return ok;
}

static int hwq_new(struct rig *r, uint32_t v, uint32_t index, uint64_t iova,
		   uint64_t len, uint32_t *id)
{
	struct siovh_hw_queue_alloc c = {
		.size = sizeof(c), .viommu_id = v,
		.type = IOMMUFD_HW_QUEUE_TYPE_REF, .index = index,
		.nesting_parent_iova = iova, .length = len,
	};
	int ret = ioc(r, SIOVH_IOMMU_HW_QUEUE_ALLOC, &c);

	*id = c.out_hw_queue_id;
	return ret;
}

/* HW queues: mapped memory, ascending indexes, each holding the one
 * below and the vIOMMU. */
static bool s_hw_queue(int fault)
{
	uint32_t parent, v, q0, q1, id;
	uint64_t iova = 0x80000000ull, n;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57));
	CHECK(!paging(&r, r.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, &parent));
	CHECK(!viommu_new(&r, IOMMUFD_VIOMMU_TYPE_REF, parent, &v));
	CHECK(hwq_new(&r, v, 0, GPA + PAGES * PG, PG, &id) == -ENOENT);
	CHECK(hwq_new(&r, v, 0, UINT64_MAX - 1, 4, &id) == -EOVERFLOW);
	CHECK(hwq_new(&r, v, 1, GPA, PG, &id) == -EIO);
	/* the same user page twice, side by side: no break in the IOVAs,
	 * one in the memory */
	CHECK(!map(&r, r.ioas, FIXED, r.mem, PG, &iova));
	iova += PG;
	CHECK(!map(&r, r.ioas, FIXED, r.mem, PG, &iova));
	CHECK(hwq_new(&r, v, 0, iova - PG, 2 * PG, &id) == -EFAULT);
	CHECK(!hwq_new(&r, v, 0, GPA + 16, 2 * PG, &q0));
	CHECK(hwq_new(&r, v, 0, GPA, PG, &id) == -EEXIST);
	CHECK(!hwq_new(&r, v, 1, GPA, PG, &q1));
	CHECK(hwq_new(&r, v, 2, GPA, PG, &id) == -EINVAL);
	CHECK(destroy(&r, q0) == -EBUSY);
	CHECK(destroy(&r, v) == -EBUSY);
	CHECK(!destroy(&r, q1));
	CHECK(!destroy(&r, q0));
	CHECK(!destroy(&r, v));
	CHECK(!unmap(&r, r.ioas, 0x80000000ull, 2 * PG, &n));
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* A vIOMMU's MMIO page: its offset, exact mmap, held while mapped. */
static bool s_mmio(int fault)
{
	struct iommufd_ref_viommu_data d = { .flags = IOMMUFD_REF_VIOMMU_MMIO };
	struct siovh_viommu_alloc c = {
		.size = sizeof(c), .type = IOMMUFD_VIOMMU_TYPE_REF,
		.data_len = sizeof(d), .data_uptr = (uintptr_t)&d,
	};
	const int rw = PROT_READ | PROT_WRITE;
	uint32_t parent;
	uint8_t *p = NULL, *q;
	struct rig r;
	bool ok = false;

	CHECK(rig_init(&r, fault, 57));
	CHECK(!paging(&r, r.ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, &parent));
	c.dev_id = r.dev_id;
	c.hwpt_id = parent;
	d.__reserved = 1;
	CHECK(ioc(&r, SIOVH_IOMMU_VIOMMU_ALLOC, &c) == -EOPNOTSUPP);
	d.__reserved = 0;
	c.data_len = 4;
	CHECK(ioc(&r, SIOVH_IOMMU_VIOMMU_ALLOC, &c) == -EINVAL);
	c.data_len = sizeof(d) + 8;	/* longer than the struct */
	CHECK(ioc(&r, SIOVH_IOMMU_VIOMMU_ALLOC, &c) == -EINVAL);
	c.data_len = sizeof(d);
	CHECK(!ioc(&r, SIOVH_IOMMU_VIOMMU_ALLOC, &c));
	CHECK(d.out_mmap_offset == PG && d.out_mmap_length == PG);
	CHECK(!iommufd_mmap(r.ctx, PG, 2 * PG, rw, MAP_SHARED) &&
	      errno == ENXIO);
	CHECK(!iommufd_mmap(r.ctx, PG, PG, rw, MAP_PRIVATE) && errno == EINVAL);
	p = iommufd_mmap(r.ctx, PG, PG, rw, MAP_SHARED);
	q = iommufd_mmap(r.ctx, PG, PG, PROT_READ, MAP_SHARED);
	CHECK(p && q);
	p[0] = 0x5a;			/* one page, two mappings */
	CHECK(q[0] == 0x5a);
	CHECK(!iommufd_munmap(r.ctx, q, PG));
	CHECK(destroy(&r, c.out_viommu_id) == -EBUSY);
	CHECK(!iommufd_munmap(r.ctx, p, PG));
	p = NULL;
	CHECK(!destroy(&r, c.out_viommu_id));
	CHECK(!iommufd_mmap(r.ctx, PG, PG, rw, MAP_SHARED) && errno == ENXIO);
	ok = true;
out:
	if (p)
		munmap(p, PG);
	rig_fini(&r);
	return ok;
}

static const struct tap_scenario scenarios[] = {
	{ "VIOMMU_ALLOC checks, the parent held", s_viommu_alloc },
	{ "vDEVICEs: unique, holding, tombstoned", s_vdevice },
	{ "nested HWPTs and invalidation on a vIOMMU", s_nested_inv },
	{ "vEVENTQ: checks, sequence, overflow", s_veventq },
	{ "HW queues: memory, order, holding", s_hw_queue },
	{ "a vIOMMU's MMIO page: offset, mmap, holding", s_mmio },
};

int main(void)
{
	return rig_run_matrix(NULL, 0,
			      scenarios,
			      sizeof(scenarios) / sizeof(scenarios[0]),
			      rig_viommu_fault,
			      "every vIOMMU fault is observable");
}
