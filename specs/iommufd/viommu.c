// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.VIOMMU 1-7: the vIOMMU objects of Linux 6.13+ through which
 * vSVA nests a guest's first-stage tables (seed 004, "vSVA": the guest
 * owns the first stage over the host's second; its IOMMU is virtual, and
 * devices keep guest-side IDs) — IOMMU_VIOMMU_ALLOC over a nesting parent,
 * IOMMU_VDEVICE_ALLOC (the guest's ID of a device on a vIOMMU), nested
 * HWPTs and cache invalidation on the vIOMMU, and their lifetime.
 * Helpers: viommu.h.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "viommu.h"

#define NOT_A_TYPE	0x7fff1234u	/* no IOMMU has this vIOMMU type */

SIOVH_CLAUSE(viommu_alloc_holds,
	.id = "IOMMUFD.VIOMMU.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "IOMMU_VIOMMU_ALLOC of the IOMMU's type over a NEST_PARENT paging HWPT makes a vIOMMU that holds its parent (DESTROY of the parent -EBUSY) until the vIOMMU is destroyed",
	.source = SRC_VIOMMU " (\"@hwpt_id: ID of a nesting parent HWPT to associate to\"); " SRC_NEST_VSVA,
	.needs = NEEDS_IOMMUFD)
{
	struct vi x;

	vi_up_viommu(check, &x);
	EXPECT_NE(x.viommu, 0u);
	EXPECT_ERRNO(obj_destroy(check, x.parent), -EBUSY);
	EXPECT_OK(obj_destroy(check, x.viommu));
	EXPECT_ERRNO(obj_destroy(check, x.viommu), -ENOENT);
	EXPECT_OK(obj_destroy(check, x.parent));
}

/* The allocation refused with want, and no vIOMMU made. */
static void viommu_refused(struct siovh_check *check, struct vi *x,
			   struct siovh_viommu_alloc c, int want,
			   const char *what)
{
	int ret = viommu_alloc(check, &c);

	if (ret != want)
		FAIL("VIOMMU_ALLOC with %s returned %d (%s), expected %d",
		     what, ret, ret ? strerror(-ret) : "success", want);
	if (!ret)
		obj_destroy(check, c.out_viommu_id);
	(void)x;
}

SIOVH_CLAUSE(viommu_alloc_errors,
	.id = "IOMMUFD.VIOMMU.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "IOMMU_VIOMMU_ALLOC refuses flags (-EOPNOTSUPP), the reserved type 0 and a type the IOMMU lacks (-EOPNOTSUPP), a dev_id or hwpt_id of the wrong object (-ENOENT) and a parent allocated without NEST_PARENT (-EINVAL)",
	.source = SRC_VIOMMU " (\"@flags: Must be 0\", \"@type: ... Must be defined in enum iommu_viommu_type\", IOMMU_VIOMMU_TYPE_DEFAULT \"Reserved for future use\"); drivers/iommu/iommufd/viommu.c",
	.needs = NEEDS_IOMMUFD)
{
	struct siovh_viommu_alloc ok = { .size = 0 }, c;
	uint32_t plain;
	struct vi x;

	vi_up(check, &x);
	ASSERT_OK(hwpt_paging(check, x.dev_id, x.ioas, 0, &plain));
	ok.type = x.caps.viommu_type;
	ok.dev_id = x.dev_id;
	ok.hwpt_id = x.parent;
	c = ok;
	c.flags = 1;
	viommu_refused(check, &x, c, -EOPNOTSUPP, "flags 1");
	c = ok;
	c.type = SIOVH_VIOMMU_TYPE_DEFAULT;
	viommu_refused(check, &x, c, -EOPNOTSUPP, "type 0 (DEFAULT)");
	c = ok;
	c.type = NOT_A_TYPE;
	viommu_refused(check, &x, c, -EOPNOTSUPP, "a type the IOMMU lacks");
	c = ok;
	c.dev_id = x.ioas;
	viommu_refused(check, &x, c, -ENOENT, "an IOAS as dev_id");
	c = ok;
	c.hwpt_id = x.ioas;
	viommu_refused(check, &x, c, -ENOENT, "an IOAS as hwpt_id");
	c = ok;
	c.hwpt_id = plain;
	viommu_refused(check, &x, c, -EINVAL,
		       "a paging HWPT without NEST_PARENT");
	/* and the parent is free: nothing holds it */
	EXPECT_OK(obj_destroy(check, x.parent));
}

SIOVH_CLAUSE(vdevice_alloc,
	.id = "IOMMUFD.VIOMMU.3", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "IOMMU_VDEVICE_ALLOC gives a device one vDEVICE (a second -EEXIST) and a virt_id to one device per vIOMMU (another device with it -EEXIST, with another virt_id it succeeds); a viommu_id or dev_id of the wrong object is -ENOENT",
	.source = SRC_VDEVICE " (\"@virt_id: Virtual device ID per vIOMMU, e.g. ... vRID of Intel VT-d\"); drivers/iommu/iommufd/viommu.c",
	.needs = NEEDS_IOMMUFD)
{
	uint32_t vd, vd2, dev2;
	struct vs s2;
	struct vi x;

	vi_up_viommu(check, &x);
	dev2 = vi_second_dev(check, &x, &s2);
	EXPECT_ERRNO(vdev_alloc(check, x.parent, x.dev_id, VI_VIRT_ID, NULL),
		     -ENOENT);
	EXPECT_ERRNO(vdev_alloc(check, x.viommu, x.ioas, VI_VIRT_ID, NULL),
		     -ENOENT);
	ASSERT_OK(vdev_alloc(check, x.viommu, x.dev_id, VI_VIRT_ID, &vd));
	EXPECT_ERRNO(vdev_alloc(check, x.viommu, x.dev_id, VI_VIRT_ID + 1,
				NULL), -EEXIST);
	EXPECT_ERRNO(vdev_alloc(check, x.viommu, dev2, VI_VIRT_ID, NULL),
		     -EEXIST);
	EXPECT_OK(vdev_alloc(check, x.viommu, dev2, VI_VIRT_ID + 1, &vd2));
	EXPECT_NE(vd, vd2);
	/* the virt_id is free again once its vDEVICE is gone */
	EXPECT_OK(obj_destroy(check, vd));
	EXPECT_OK(vdev_alloc(check, x.viommu, x.dev_id, VI_VIRT_ID, NULL));
}

SIOVH_CLAUSE(viommu_lifetime,
	.id = "IOMMUFD.VIOMMU.4", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a vIOMMU is held by its vDEVICEs, its nested HWPTs and its vEVENTQs (DESTROY -EBUSY while any exists); destroyed in order (the vEVENTQ once its fd is closed), each goes, then the vIOMMU",
	.source = SRC_VIOMMU "; " SRC_VDEVICE " (\"User should use IOMMU_DESTROY to destroy the virtual device before destroying the physical device\"); " SRC_VEVENTQ,
	.needs = NEEDS_IOMMUFD)
{
	uint32_t vd, h, q;
	int fd;
	struct vi x;

	vi_up_viommu(check, &x);
	ASSERT_OK(vdev_alloc(check, x.viommu, x.dev_id, VI_VIRT_ID, &vd));
	EXPECT_ERRNO(obj_destroy(check, x.viommu), -EBUSY);
	EXPECT_OK(obj_destroy(check, vd));
	ASSERT_OK(vi_nested(check, &x, x.viommu, 0, &h));
	EXPECT_ERRNO(obj_destroy(check, x.viommu), -EBUSY);
	EXPECT_OK(obj_destroy(check, h));
	q = vi_veventq(check, &x, 4, &fd);
	EXPECT_ERRNO(obj_destroy(check, x.viommu), -EBUSY);
	close(fd);
	EXPECT_OK(obj_destroy(check, q));
	EXPECT_OK(obj_destroy(check, x.viommu));
	EXPECT_ERRNO(obj_destroy(check, vd), -ENOENT);
	EXPECT_ERRNO(obj_destroy(check, h), -ENOENT);
	EXPECT_ERRNO(obj_destroy(check, q), -ENOENT);
}

SIOVH_CLAUSE(viommu_nested,
	.id = "IOMMUFD.VIOMMU.5", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "IOMMU_HWPT_ALLOC on a vIOMMU makes a nested HWPT from the IOMMU's data (unknown flags, no data and data of another type -EOPNOTSUPP); a device attaches to it only with its vDEVICE on that vIOMMU (-ENOENT without)",
	.source = SRC_VIOMMU_H("struct iommu_hwpt_alloc (\"@pt_id: The IOAS or HWPT or vIOMMU to connect this HWPT to\")") "; " SRC_VDEVICE "; " SRC_NEST_VSVA,
	.needs = NEEDS_IOMMUFD)
{
	struct iommu_hwpt_alloc c = { .size = sizeof(c) };
	uint32_t h;
	struct vi x;

	vi_up_viommu(check, &x);
	/* flags beyond FAULT_ID_VALID: no nesting parent on a vIOMMU */
	EXPECT_ERRNO(vi_nested(check, &x, x.viommu,
			       IOMMU_HWPT_ALLOC_NEST_PARENT, NULL), -EOPNOTSUPP);
	c.dev_id = x.dev_id;
	c.pt_id = x.viommu;
	EXPECT_ERRNO(fd_ioctl(check, IOMMU_HWPT_ALLOC, &c), -EOPNOTSUPP);
	/* data of a type the IOMMU does not take */
	x.caps.nested_type++;
	EXPECT_ERRNO(vi_nested(check, &x, x.viommu, 0, NULL), -EOPNOTSUPP);
	x.caps.nested_type--;
	ASSERT_OK(vi_nested(check, &x, x.viommu, 0, &h));
	EXPECT_ERRNO(vi_attach(check, &x, h), -ENOENT);
	ASSERT_OK(vdev_alloc(check, x.viommu, x.dev_id, VI_VIRT_ID, NULL));
	EXPECT_OK(vi_attach(check, &x, h));
	EXPECT_ERRNO(obj_destroy(check, h), -EBUSY);
}

SIOVH_CLAUSE(viommu_invalidate,
	.id = "IOMMUFD.VIOMMU.6", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "IOMMU_HWPT_INVALIDATE on a vIOMMU takes entries that name vDEVICEs by virt_id: entry_num 0 probes, known virt_ids succeed (entry_num back as the count), an unknown one is -EINVAL with entry_num the entries done before it; an unknown entry flag (-EOPNOTSUPP), another data type (-EINVAL) and nonzero bytes past the entry the IOMMU knows (-E2BIG) are refused",
	.source = SRC_VIOMMU_H("struct iommu_hwpt_invalidate (\"@hwpt_id: ID of a nested HWPT or a vIOMMU\", \"@entry_num: ... Output the number of requests successfully handled by kernel\")"),
	.needs = NEEDS_IOMMUFD)
{
	const uint32_t good[2] = { VI_VIRT_ID, VI_VIRT_ID };
	const uint32_t mixed[2] = { VI_VIRT_ID, VI_VIRT_ID + 7 };
	uint32_t num;
	struct vi x;

	vi_up_viommu(check, &x);
	vi_up_events(check, &x);	/* the vDEVICE, attached nested */
	num = 9;
	EXPECT_OK(vi_inv(check, &x, x.viommu, good, 0, &num));
	EXPECT_EQ(num, 0u);
	EXPECT_OK(vi_inv(check, &x, x.viommu, good, 2, &num));
	EXPECT_EQ(num, 2u);
	EXPECT_ERRNO(vi_inv(check, &x, x.viommu, mixed + 1, 1, &num),
		     -EINVAL);
	EXPECT_EQ(num, 0u);
	EXPECT_ERRNO(vi_inv(check, &x, x.viommu, mixed, 2, &num), -EINVAL);
	EXPECT_EQ(num, 1u);
	/* an entry with an unknown flag, of another data type, with
	 * nonzero bytes past the IOMMU's entry: refused, none done */
	x.caps.inv[0] = 0x80;
	EXPECT_ERRNO(vi_inv(check, &x, x.viommu, good, 1, &num), -EOPNOTSUPP);
	EXPECT_EQ(num, 0u);
	x.caps.inv[0] = 0;
	x.caps.inv_type++;
	EXPECT_ERRNO(vi_inv(check, &x, x.viommu, good, 1, &num), -EINVAL);
	EXPECT_EQ(num, 0u);
	x.caps.inv_type--;
	x.caps.inv[x.caps.inv_len] = 1;
	x.caps.inv_len += 4;
	EXPECT_ERRNO(vi_inv(check, &x, x.viommu, good, 1, &num), -E2BIG);
	EXPECT_EQ(num, 0u);
}

SIOVH_CLAUSE(vdevice_device_close,
	.id = "IOMMUFD.VIOMMU.7", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "closing a device's cdev destroys its vDEVICE and leaves the vDEVICE's ID taken until the iommufd closes: DESTROY of it is -ENOENT, no new object gets it, and the vIOMMU is free",
	.source = SRC_VDEVICE " (\"the virtual device would be forcibly destroyed on physical device destruction, its vdevice_id would be permanently leaked (unremovable & unreusable) until iommu fd closed\")",
	.needs = NEEDS_VSVA)
{
	struct siovh_target *t = siovh_check_target(check);
	uint32_t vd, dev2, id;
	struct vs s2;
	struct vi x;

	vi_up_viommu(check, &x);
	if (x.mock)
		SKIP("the test device cannot be closed from user space");
	dev2 = vi_second_dev(check, &x, &s2);
	ASSERT_OK(vdev_alloc(check, x.viommu, dev2, VI_VIRT_ID, &vd));
	ASSERT_OK(t->vfio_device->release(t, s2.d.v));
	s2.d.open = false;
	EXPECT_ERRNO(obj_destroy(check, vd), -ENOENT);
	/* new objects take the free IDs, up to past vd's: none is vd's */
	do {
		id = must_ioas(check);
		if (id == vd)
			FAIL_FATAL("IOAS_ALLOC handed out %u, the forced-out vDEVICE's ID", id);
	} while (id < vd);
	EXPECT_OK(obj_destroy(check, x.viommu));
}

static int hwq_alloc(struct siovh_check *check, const struct vi *x,
		     uint32_t viommu, uint32_t type, uint32_t index,
		     uint64_t iova, uint64_t len, uint32_t *out)
{
	struct siovh_hw_queue_alloc c = {
		.size = sizeof(c), .viommu_id = viommu, .type = type,
		.index = index, .nesting_parent_iova = iova, .length = len,
	};
	int ret = fd_ioctl(check, SIOVH_IOMMU_HW_QUEUE_ALLOC, &c);

	(void)x;
	if (out)
		*out = c.out_hw_queue_id;
	return ret;
}

SIOVH_CLAUSE(hw_queue_alloc,
	.id = "IOMMUFD.VIOMMU.8", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "IOMMU_HW_QUEUE_ALLOC refuses flags and types the IOMMU lacks (-EOPNOTSUPP), length 0 (-EINVAL), a range past U64_MAX (-EOVERFLOW), no vIOMMU (-ENOENT), queue memory the parent does not map (-ENOENT) or maps from broken-up memory (-EFAULT); indexes go from 0 up (a gap -EIO, a taken one -EEXIST, past the IOMMU's count -EINVAL), each queue holds the one below it and the vIOMMU (-EBUSY)",
	.source = SRC_VIOMMU_H("struct iommu_hw_queue_alloc (\"@nesting_parent_iova: Base address of the queue memory in the guest physical address space\", \"it must use a different @index per type\")") "; drivers/iommu/iommufd/viommu.c (iommufd_hw_queue_alloc_phys: \"the underlying physical pages of the guest queue must be contiguous\")",
	.needs = NEEDS_IOMMUFD)
{
	uint32_t q[8], ty, i;
	uint64_t base, iova;
	uint8_t *mem;
	struct vi x;

	vi_up_viommu(check, &x);
	ty = x.caps.hw_queue_type;
	if (!ty)
		SKIP("the target's IOMMU has no HW queues");
	ASSERT_LE(x.caps.hw_queues, 8u);
	ASSERT_GE(x.caps.hw_queues, 1u);
	mem = must_pages(check, 2);
	base = iova = must_base(check, x.ioas);
	ASSERT_OK(ioas_map(check, x.ioas, FIXED, mem, 2 * PG, &iova));
	/* one page twice, side by side: the IOVAs run on, the memory not */
	iova = base + 16 * PG;
	ASSERT_OK(ioas_map(check, x.ioas, FIXED, mem, PG, &iova));
	iova += PG;
	ASSERT_OK(ioas_map(check, x.ioas, FIXED, mem, PG, &iova));

	EXPECT_ERRNO(hwq_alloc(check, &x, x.viommu, SIOVH_HW_QUEUE_TYPE_DEFAULT,
			       0, base, PG, NULL), -EOPNOTSUPP);
	EXPECT_ERRNO(hwq_alloc(check, &x, x.viommu, NOT_A_TYPE, 0, base, PG,
			       NULL), -EOPNOTSUPP);
	EXPECT_ERRNO(hwq_alloc(check, &x, x.viommu, ty, 0, base, 0, NULL),
		     -EINVAL);
	EXPECT_ERRNO(hwq_alloc(check, &x, x.viommu, ty, 0, UINT64_MAX - 1, 4,
			       NULL), -EOVERFLOW);
	EXPECT_ERRNO(hwq_alloc(check, &x, x.parent, ty, 0, base, PG, NULL),
		     -ENOENT);
	EXPECT_ERRNO(hwq_alloc(check, &x, x.viommu, ty, 0, base + 8 * PG, PG,
			       NULL), -ENOENT);
	EXPECT_ERRNO(hwq_alloc(check, &x, x.viommu, ty, 0, base + PG, 2 * PG,
			       NULL), -ENOENT);
	EXPECT_ERRNO(hwq_alloc(check, &x, x.viommu, ty, 0, base + 16 * PG,
			       2 * PG, NULL), -EFAULT);
	if (x.caps.hw_queues > 1)
		EXPECT_ERRNO(hwq_alloc(check, &x, x.viommu, ty, 1, base, PG,
				       NULL), -EIO);
	/* one page each: two pages of user memory need not be physically
	 * contiguous on a kernel (then -EFAULT, as above) */
	for (i = 0; i < x.caps.hw_queues; i++)
		ASSERT_OK(hwq_alloc(check, &x, x.viommu, ty, i, base, PG,
				    &q[i]));
	EXPECT_ERRNO(hwq_alloc(check, &x, x.viommu, ty, 0, base, PG, NULL),
		     -EEXIST);
	EXPECT_ERRNO(hwq_alloc(check, &x, x.viommu, ty, x.caps.hw_queues, base,
			       PG, NULL), -EINVAL);
	EXPECT_ERRNO(obj_destroy(check, x.viommu), -EBUSY);
	for (i = x.caps.hw_queues; i-- > 0;) {
		if (i)
			EXPECT_ERRNO(obj_destroy(check, q[i - 1]), -EBUSY);
		EXPECT_OK(obj_destroy(check, q[i]));
	}
	EXPECT_OK(obj_destroy(check, x.viommu));
}

SIOVH_CLAUSE(viommu_mmio,
	.id = "IOMMUFD.VIOMMU.9", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a vIOMMU whose type data asks for its MMIO pages (data shorter than the type's first version or longer than its struct -EINVAL, no pointer -EFAULT) gets an mmap offset and length (page multiples) back; mmap of /dev/iommu there, shared and of exactly that length, maps them (a private mapping -EINVAL, an executable one -EPERM, another offset or length -ENXIO); a mapping holds the vIOMMU (DESTROY -EBUSY until munmap), and the pages go with it",
	.source = SRC_VIOMMU " (\"@data_uptr: User pointer to a driver-specific virtual IOMMU data\"); include/linux/iommu.h (iommu_copy_struct_from_user); " SRC_VIOMMU_H("struct iommu_viommu_tegra241_cmdqv (\"@out_vintf_mmap_offset: mmap offset argument\")") "; drivers/iommu/iommufd/main.c (iommufd_fops_mmap)",
	.needs = NEEDS_IOMMUFD)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_viommu_alloc c = { .size = 0 };
	uint8_t data[sizeof(((struct siovh_viommu_caps *)0)->mmio_data) + 8];
	uint8_t data2[sizeof(data)];
	uint64_t off2, len2;
	uint32_t v2;
	const int rw = PROT_READ | PROT_WRITE;
	uint64_t off, len;
	void *p, *q;
	struct vi x;

	vi_up(check, &x);
	if (!x.caps.mmio_data_len)
		SKIP("the target's vIOMMU type has no MMIO pages to mmap");
	if (!t->iommufd->mmap || !t->iommufd->munmap)
		SKIP("the target's iommufd facet cannot mmap (no mmap/munmap)");
	memcpy(data, x.caps.mmio_data, sizeof(data));
	c.type = x.caps.viommu_type;
	c.dev_id = x.dev_id;
	c.hwpt_id = x.parent;
	c.data_len = x.caps.mmio_data_len;
	c.data_uptr = (uintptr_t)data;
	/* too short, no pointer, longer than the IOMMU's struct (even with
	 * zero bytes past it: Linux's iommu_copy_struct_from_user refuses
	 * what the driver does not know, -EINVAL, where an ioctl struct's
	 * zero tail is accepted) */
	c.data_len = 4;
	EXPECT_ERRNO(viommu_alloc(check, &c), -EINVAL);
	c.data_len = x.caps.mmio_data_len;
	c.data_uptr = 0;
	EXPECT_ERRNO(viommu_alloc(check, &c), -EFAULT);
	c.data_uptr = (uintptr_t)data;
	c.data_len = x.caps.mmio_data_len + 8;
	EXPECT_ERRNO(viommu_alloc(check, &c), -EINVAL);
	c.data_len = x.caps.mmio_data_len;
	ASSERT_OK(viommu_alloc(check, &c));
	memcpy(&off, data + x.caps.mmio_offset_off, sizeof(off));
	memcpy(&len, data + x.caps.mmio_length_off, sizeof(len));
	siovh_note(check, "MMIO at offset 0x%llx, 0x%llx bytes",
		   (unsigned long long)off, (unsigned long long)len);
	ASSERT_NE(len, 0u);
	EXPECT_EQ(off % (uint64_t)sysconf(_SC_PAGESIZE), 0u);
	EXPECT_EQ(len % (uint64_t)sysconf(_SC_PAGESIZE), 0u);

	errno = 0;
	EXPECT_TRUE(!t->iommufd->mmap(t, off, len, rw, MAP_PRIVATE) &&
		    errno == EINVAL);
	errno = 0;
	EXPECT_TRUE(!t->iommufd->mmap(t, off, len, PROT_READ | PROT_EXEC,
				      MAP_SHARED) && errno == EPERM);
	errno = 0;
	EXPECT_TRUE(!t->iommufd->mmap(t, off + len, len, rw, MAP_SHARED) &&
		    errno == ENXIO);
	errno = 0;
	q = t->iommufd->mmap(t, off, len + (uint64_t)sysconf(_SC_PAGESIZE),
			     rw, MAP_SHARED);
	EXPECT_TRUE(!q && errno == ENXIO);
	p = t->iommufd->mmap(t, off, len, rw, MAP_SHARED);
	if (!p)
		FAIL_FATAL("mmap of the vIOMMU's MMIO pages at 0x%llx: %s",
			   (unsigned long long)off, strerror(errno));
	EXPECT_ERRNO(obj_destroy(check, c.out_viommu_id), -EBUSY);
	/* a second vIOMMU's pages: elsewhere */
	memcpy(data2, x.caps.mmio_data, sizeof(x.caps.mmio_data));
	v2 = c.out_viommu_id;
	c.data_uptr = (uintptr_t)data2;
	ASSERT_OK(viommu_alloc(check, &c));
	memcpy(&off2, data2 + x.caps.mmio_offset_off, sizeof(off2));
	memcpy(&len2, data2 + x.caps.mmio_length_off, sizeof(len2));
	if (off2 < off + len && off < off2 + len2)
		FAIL("the second vIOMMU's MMIO [0x%llx, +0x%llx) overlaps the first's [0x%llx, +0x%llx)",
		     (unsigned long long)off2, (unsigned long long)len2,
		     (unsigned long long)off, (unsigned long long)len);
	EXPECT_OK(obj_destroy(check, c.out_viommu_id));
	EXPECT_OK(t->iommufd->munmap(t, p, len));
	EXPECT_OK(obj_destroy(check, v2));
	c.out_viommu_id = v2;
	errno = 0;
	EXPECT_TRUE(!t->iommufd->mmap(t, off, len, rw, MAP_SHARED) &&
		    errno == ENXIO);
}
