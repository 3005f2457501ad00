// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.ENOMEM 1-3, VSVA.ENOMEM.1: /dev/iommu ioctls, device binds and
 * guest PASID attaches whose memory allocation fails return -ENOMEM and leave nothing
 * behind: no object under a new ID, no mapping, no reference on the
 * objects they name, no attachment. Each allocation of the call is made to
 * fail in turn (walk.h).
 */
#include <string.h>
#include <unistd.h>

#include "specs/iommufd/vsva.h"
#include "walk.h"

#define SRC_FD_ENOMEM SRC_ENOMEM_H "; " SRC_ENOMEM_DERIVED
#define NEEDS_FD_ENOMEM (NEEDS_IOMMUFD | NEEDS_FAIL_NTH)
#define NEEDS_VSVA_ENOMEM (NEEDS_VSVA | NEEDS_FAIL_NTH)
/* 1 GiB above the device's memory: page tables of its own to allocate */
#define MAP_FAR (VS_GPA + (1ull << 30))

/* No object under the IDs a failed allocation could have used. */
static void no_new_ids(struct siovh_check *check, uint32_t top)
{
	uint32_t id;

	for (id = top + 1; id <= top + 4; id++)
		EXPECT_ERRNO(obj_destroy(check, id), -ENOENT);
}

/* ---- IOMMUFD.ENOMEM.1: IOAS_ALLOC, IOAS_MAP, IOAS_COPY ---- */

struct ioas_ctx {
	uint32_t top;		/* the highest ID the clause holds */
	uint32_t src, dst, made;
	uint64_t base;
	void *buf;
};

static int ioas_alloc_call(struct siovh_check *check, void *p)
{
	struct ioas_ctx *c = p;

	return ioas_alloc(check, &c->made);
}

static void ioas_alloc_same(struct siovh_check *check, void *p)
{
	no_new_ids(check, ((struct ioas_ctx *)p)->top);
}

static int map_call(struct siovh_check *check, void *p)
{
	struct ioas_ctx *c = p;
	uint64_t iova = c->base;

	return ioas_map(check, c->src, FIXED, c->buf, 4 * PG, &iova);
}

/* Nothing is mapped where the failed MAP or COPY went. */
static void map_same(struct siovh_check *check, void *p)
{
	struct ioas_ctx *c = p;

	EXPECT_ERRNO(ioas_unmap(check, c->src, c->base, 4 * PG, NULL),
		     -ENOENT);
}

static void map_undo(struct siovh_check *check, void *p)
{
	EXPECT_EQ(unmap_all(check, ((struct ioas_ctx *)p)->src), 4 * PG);
}

static int copy_call(struct siovh_check *check, void *p)
{
	struct ioas_ctx *c = p;
	uint64_t iova = c->base;

	return ioas_copy(check, c->dst, c->src, FIXED, c->base, 4 * PG,
			 &iova);
}

static void copy_same(struct siovh_check *check, void *p)
{
	struct ioas_ctx *c = p;

	EXPECT_ERRNO(ioas_unmap(check, c->dst, c->base, 4 * PG, NULL),
		     -ENOENT);
	/* the source keeps its mapping */
	EXPECT_ERRNO(ioas_unmap(check, c->src, c->base + 4 * PG, PG, NULL),
		     -ENOENT);
}

static void copy_undo(struct siovh_check *check, void *p)
{
	struct ioas_ctx *c = p;
	uint64_t n = 0;

	EXPECT_OK(ioas_unmap(check, c->dst, c->base, 4 * PG, &n));
	EXPECT_EQ(n, 4 * PG);
}

/* Two allowed ranges of dst, both inside what it can use. */
static int allow_call(struct siovh_check *check, void *p)
{
	struct ioas_ctx *c = p;
	struct iommu_iova_range v[2] = {
		{ c->base, c->base + 16 * PG - 1 },
		{ c->base + 64 * PG, c->base + 128 * PG - 1 },
	};

	return ioas_allow(check, c->dst, v, 2);
}

/*
 * Where an automatic MAP of one page into dst lands ("MAP will only
 * allocate within the allowed IOVAs if they are present"); unmapped again.
 */
static uint64_t auto_iova(struct siovh_check *check, struct ioas_ctx *c)
{
	uint64_t iova = 0;

	ASSERT_OK(ioas_map(check, c->dst, RW, c->buf, PG, &iova));
	EXPECT_EQ(unmap_all(check, c->dst), PG);
	return iova;
}

/* The allowed list is still the one set before: [base + 256 pages, +256). */
static void allow_same(struct siovh_check *check, void *p)
{
	struct ioas_ctx *c = p;
	uint64_t iova = auto_iova(check, c);

	EXPECT_GE(iova, c->base + 256 * PG);
	EXPECT_LT(iova, c->base + 512 * PG);
}

SIOVH_CLAUSE(enomem_ioas,
	.id = "IOMMUFD.ENOMEM.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "IOAS_ALLOC, IOAS_MAP, IOAS_COPY (of one source mapping, and of two adjacent ones into an IOAS that has mappings already) and IOAS_ALLOW_IOVAS whose memory allocation fails (each allocation in turn) return -ENOMEM and leave no partial object: no new object ID, nothing mapped in the destination IOAS, the source unchanged, the allowed IOVA list as before (automatic MAP still places inside it)",
	.source = SRC_FD_ENOMEM "; " SRC_H("IOMMU_IOAS_ALLOC, IOMMU_IOAS_MAP, IOMMU_IOAS_COPY, IOMMU_IOAS_ALLOW_IOVAS"),
	.needs = NEEDS_FD_ENOMEM)
{
	static const struct enomem_op alloc_op = {
		"IOMMU_IOAS_ALLOC", ioas_alloc_call, ioas_alloc_same, NULL,
	};
	static const struct enomem_op map_op = {
		"IOMMU_IOAS_MAP", map_call, map_same, map_undo,
	};
	static const struct enomem_op copy_op = {
		"IOMMU_IOAS_COPY", copy_call, copy_same, copy_undo,
	};
	static const struct enomem_op allow_op = {
		"IOMMU_IOAS_ALLOW_IOVAS", allow_call, allow_same, NULL,
	};
	struct iommu_iova_range before = { 0, 0 };
	struct ioas_ctx c = { 0 };
	unsigned int i;
	uint64_t iova;

	c.src = must_ioas(check);
	c.dst = must_ioas(check);
	c.top = c.dst > c.src ? c.dst : c.src;
	c.base = must_base(check, c.src);
	c.buf = must_pages(check, 4);
	enomem_walk(check, &alloc_op, &c);
	EXPECT_GT(c.made, c.top);
	EXPECT_OK(obj_destroy(check, c.made));
	enomem_walk(check, &map_op, &c);
	EXPECT_EQ(unmap_all(check, c.dst), 0);
	enomem_walk(check, &copy_op, &c);
	EXPECT_EQ(unmap_all(check, c.dst), 4 * PG);
	EXPECT_EQ(unmap_all(check, c.src), 4 * PG);
	/*
	 * The same range as two adjacent source mappings, into a destination
	 * holding seven mappings elsewhere: the copy's pieces are two
	 * destination areas, and the room for the second one can fail after
	 * the first is in.
	 */
	for (i = 0; i < 2; i++) {
		iova = c.base + 2 * i * PG;
		ASSERT_OK(ioas_map(check, c.src, FIXED, (char *)c.buf + 2 * i * PG,
				   2 * PG, &iova));
	}
	for (i = 0; i < 7; i++) {
		iova = c.base + (64 + 2 * i) * PG;
		ASSERT_OK(ioas_map(check, c.dst, FIXED, c.buf, PG, &iova));
	}
	enomem_walk(check, &copy_op, &c);
	EXPECT_EQ(unmap_all(check, c.dst), 11 * PG);
	EXPECT_EQ(unmap_all(check, c.src), 4 * PG);
	before.start = c.base + 256 * PG;
	before.last = c.base + 512 * PG - 1;
	ASSERT_OK(ioas_allow(check, c.dst, &before, 1));
	enomem_walk(check, &allow_op, &c);
	iova = auto_iova(check, &c);
	EXPECT_TRUE((iova >= c.base && iova < c.base + 16 * PG) ||
		    (iova >= c.base + 64 * PG && iova < c.base + 128 * PG));
	EXPECT_OK(ioas_allow(check, c.dst, NULL, 0));
}

/* ---- IOMMUFD.ENOMEM.2: HWPT_ALLOC, FAULT_QUEUE_ALLOC, MAP into HWPTs ---- */

struct hwpt_ctx {
	struct vs s;
	uint32_t top, spare, fault, parent, made;
	int fault_fd, made_fd;
	int low_fd;		/* the lowest free descriptor, before */
	void *buf;
};

static void spare_up(struct siovh_check *check, struct hwpt_ctx *c)
{
	uint64_t iova;

	c->spare = must_ioas(check);
	iova = must_base(check, c->spare);
	ASSERT_OK(ioas_map(check, c->spare, FIXED, c->buf, 4 * PG, &iova));
}

static int paging_call(struct siovh_check *check, void *p)
{
	struct hwpt_ctx *c = p;

	return hwpt_paging(check, c->s.dev_id, c->spare,
			   IOMMU_HWPT_ALLOC_NEST_PARENT, &c->made);
}

/* The IOAS took no reference: it can be destroyed (and is made again). */
static void paging_same(struct siovh_check *check, void *p)
{
	struct hwpt_ctx *c = p;

	no_new_ids(check, c->top);
	EXPECT_OK(obj_destroy(check, c->spare));
	spare_up(check, c);
}

static void paging_undo(struct siovh_check *check, void *p)
{
	EXPECT_OK(obj_destroy(check, ((struct hwpt_ctx *)p)->made));
}

static int nested_call(struct siovh_check *check, void *p)
{
	struct hwpt_ctx *c = p;
	struct iommu_hwpt_vtd_s1 s1 = vs_s1();

	return hwpt_nested(check, c->s.dev_id, c->parent, &s1, sizeof(s1),
			   IOMMU_HWPT_FAULT_ID_VALID, c->fault, &c->made);
}

static int fault_alloc(struct siovh_check *check, uint32_t *id, int *fd)
{
	struct iommu_fault_alloc fa = { .size = sizeof(fa) };
	int ret = fd_ioctl(check, IOMMU_FAULT_QUEUE_ALLOC, &fa);

	if (!ret) {
		*id = fa.out_fault_id;
		*fd = (int)fa.out_fault_fd;
	}
	return ret;
}

/* The number the next open descriptor would get. */
static int lowest_free_fd(struct siovh_check *check)
{
	int fd = dup(0);

	ASSERT_GE(fd, 0);
	close(fd);
	return fd;
}

/* Neither the parent nor the fault queue took a reference. */
static void nested_same(struct siovh_check *check, void *p)
{
	struct hwpt_ctx *c = p;

	no_new_ids(check, c->top);
	close(c->fault_fd);		/* its fd holds the queue too */
	EXPECT_OK(obj_destroy(check, c->fault));
	EXPECT_OK(obj_destroy(check, c->parent));
	ASSERT_OK(fault_alloc(check, &c->fault, &c->fault_fd));
	ASSERT_OK(hwpt_paging(check, c->s.dev_id, c->s.ioas,
			      IOMMU_HWPT_ALLOC_NEST_PARENT, &c->parent));
}

static int queue_call(struct siovh_check *check, void *p)
{
	struct hwpt_ctx *c = p;

	return fault_alloc(check, &c->made, &c->made_fd);
}

/* No object, and no descriptor left open for it. */
static void queue_same(struct siovh_check *check, void *p)
{
	struct hwpt_ctx *c = p;

	no_new_ids(check, c->top);
	EXPECT_EQ(lowest_free_fd(check), c->low_fd);
}

static int map_hwpt_call(struct siovh_check *check, void *p)
{
	struct hwpt_ctx *c = p;
	uint64_t iova = MAP_FAR;

	return ioas_map(check, c->s.ioas, FIXED, c->buf, 4 * PG, &iova);
}

static void map_hwpt_same(struct siovh_check *check, void *p)
{
	struct hwpt_ctx *c = p;

	EXPECT_ERRNO(ioas_unmap(check, c->s.ioas,
				MAP_FAR, 4 * PG,
				NULL), -ENOENT);
	/* the device still reaches the memory mapped before */
	EXPECT_EQ(vs_copy(check, &c->s, false, 0, 1, 2, 0),
		  SIOVDEV_CS_SUCCESS);
}

static void map_hwpt_undo(struct siovh_check *check, void *p)
{
	struct hwpt_ctx *c = p;
	uint64_t n = 0;

	EXPECT_OK(ioas_unmap(check, c->s.ioas,
			     MAP_FAR, 4 * PG, &n));
	EXPECT_EQ(n, 4 * PG);
}

SIOVH_CLAUSE(enomem_hwpt,
	.id = "IOMMUFD.ENOMEM.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "HWPT_ALLOC (paging and nested), FAULT_QUEUE_ALLOC and an IOAS_MAP mirrored into HWPTs whose memory allocation fails (each in turn) return -ENOMEM and leave no partial object: no new ID (nor a descriptor open for a queue), no reference on the IOAS, parent or fault queue they name (each can be destroyed, the queue once its fd is closed), no mapping in the IOAS or its HWPTs (the same MAP then succeeds), the device's DMA as before",
	.source = SRC_FD_ENOMEM "; " SRC_H("IOMMU_HWPT_ALLOC, IOMMU_FAULT_QUEUE_ALLOC, IOMMU_IOAS_MAP"),
	.needs = NEEDS_VSVA_ENOMEM)
{
	static const struct enomem_op paging_op = {
		"IOMMU_HWPT_ALLOC (paging)", paging_call, paging_same,
		paging_undo,
	};
	static const struct enomem_op nested_op = {
		"IOMMU_HWPT_ALLOC (nested)", nested_call, nested_same,
		paging_undo,
	};
	static const struct enomem_op queue_op = {
		"IOMMU_FAULT_QUEUE_ALLOC", queue_call, queue_same, NULL,
	};
	static const struct enomem_op map_op = {
		"IOMMU_IOAS_MAP (mirrored)", map_hwpt_call, map_hwpt_same,
		map_hwpt_undo,
	};
	struct hwpt_ctx c;
	uint64_t iova;
	unsigned int i;

	memset(&c, 0, sizeof(c));
	vs_up(check, &c.s);
	vs_paging(check, &c.s);
	c.buf = must_pages(check, 4);
	spare_up(check, &c);
	ASSERT_OK(fault_alloc(check, &c.fault, &c.fault_fd));
	/* the nested HWPTs' parent: not attached, on the device's IOAS */
	ASSERT_OK(hwpt_paging(check, c.s.dev_id, c.s.ioas,
			      IOMMU_HWPT_ALLOC_NEST_PARENT, &c.parent));
	c.top = c.parent;
	enomem_walk(check, &paging_op, &c);
	EXPECT_OK(obj_destroy(check, c.made));
	enomem_walk(check, &nested_op, &c);
	EXPECT_OK(obj_destroy(check, c.made));
	c.low_fd = lowest_free_fd(check);
	enomem_walk(check, &queue_op, &c);
	close(c.made_fd);
	EXPECT_OK(obj_destroy(check, c.made));
	/* many areas already (the reference's area array is full at 8): the
	 * map's own bookkeeping must grow too */
	for (i = 0; i < 7; i++) {
		iova = MAP_FAR + (64 + 2 * i) * PG;
		ASSERT_OK(ioas_map(check, c.s.ioas, FIXED, c.buf, PG, &iova));
	}
	enomem_walk(check, &map_op, &c);
	/* the new mapping reaches the device through its HWPT */
	map_hwpt_undo(check, &c);
	EXPECT_EQ(vs_copy(check, &c.s, false, 0, 1, 2, 0), SIOVDEV_CS_SUCCESS);
}

/* ---- IOMMUFD.ENOMEM.3: VFIO_DEVICE_BIND_IOMMUFD ---- */

struct bind_ctx {
	struct vd d;
	uint32_t top, ioas, dev_id;
};

static int bind_call(struct siovh_check *check, void *p)
{
	struct bind_ctx *c = p;

	return dev_bind(check, &c->d, &c->dev_id);
}

/* No device object appeared, and the cdev is as unbound as before. */
static void bind_same(struct siovh_check *check, void *p)
{
	struct bind_ctx *c = p;

	no_new_ids(check, c->top);
	EXPECT_ERRNO(dev_attach(check, &c->d, false, 0, c->ioas), -EINVAL);
}

SIOVH_CLAUSE(enomem_bind,
	.id = "IOMMUFD.ENOMEM.3", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a BIND_IOMMUFD whose memory allocation fails (each in turn) returns -ENOMEM and leaves the cdev unbound: no device object under a new ID, ATTACH still refused as on an unbound cdev; the bind then succeeds and the device attaches",
	.source = SRC_VFIO_H("VFIO_DEVICE_BIND_IOMMUFD") "; " SRC_ENOMEM_H "; " SRC_ENOMEM_DERIVED,
	.needs = NEEDS_VSVA_ENOMEM)
{
	static const struct enomem_op bind_op = {
		"VFIO_DEVICE_BIND_IOMMUFD", bind_call, bind_same, NULL,
	};
	const struct siovh_profile *p = must_profile(check);
	struct bind_ctx c;
	uint32_t hwpt;

	memset(&c, 0, sizeof(c));
	c.ioas = must_ioas(check);
	c.top = c.ioas;
	vd_up(check, &p->types[0], &c.d, 0x61);
	enomem_walk(check, &bind_op, &c);
	EXPECT_GT(c.dev_id, c.top);
	ASSERT_OK(hwpt_paging(check, c.dev_id, c.ioas, 0, &hwpt));
	EXPECT_OK(dev_attach(check, &c.d, false, 0, hwpt));
	EXPECT_OK(dev_detach(check, &c.d, false, 0));
	EXPECT_OK(obj_destroy(check, hwpt));
	vd_down(check, &c.d);
}

/*
 * ---- VSVA.ENOMEM.1: attach a guest PASID ----
 * The VDCM's vSVA PASID management (guest PASID -> host PASID) is what
 * allocates here, so the clause is the vdev facet's, as the VSVA ones are.
 */

struct attach_ctx {
	struct vs s;
	uint32_t pasid;
};

static int attach_call(struct siovh_check *check, void *p)
{
	struct attach_ctx *c = p;

	return dev_attach(check, &c->s.d, true, c->pasid, c->s.nested);
}

/* The PASID is attached nowhere; the device's RID attachment holds. */
static void attach_same(struct siovh_check *check, void *p)
{
	struct attach_ctx *c = p;

	EXPECT_ERRNO(dev_detach(check, &c->s.d, true, c->pasid), -ENOENT);
	EXPECT_EQ(vs_copy(check, &c->s, true, 0, 1, 2, 0), SIOVDEV_CS_SUCCESS);
}

static void attach_undo(struct siovh_check *check, void *p)
{
	struct attach_ctx *c = p;

	EXPECT_OK(dev_detach(check, &c->s.d, true, c->pasid));
}

SIOVH_CLAUSE(enomem_attach,
	.id = "VSVA.ENOMEM.1", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a PASID attach (VFIO_DEVICE_ATTACH_IOMMUFD_PT with a guest PASID) whose memory allocation fails (each in turn) returns -ENOMEM and leaves the PASID attached nowhere and free to attach again, the device's other attachment working",
	.source = SEED000 "\"Intel Scalable IOV & vSVA\" (guest PASID -> host PASID); " SRC_VFIO_H("VFIO_DEVICE_ATTACH_IOMMUFD_PT (PASID)") "; " SRC_ENOMEM_DERIVED,
	.needs = NEEDS_VSVA_ENOMEM)
{
	static const struct enomem_op attach_op = {
		"VFIO_DEVICE_ATTACH_IOMMUFD_PT (PASID)", attach_call,
		attach_same, attach_undo,
	};
	struct attach_ctx c;

	memset(&c, 0, sizeof(c));
	c.pasid = 9;
	vs_up(check, &c.s);
	vs_nested(check, &c.s, 0);
	enomem_walk(check, &attach_op, &c);
	/* the PASID the walk finally attached reaches the nested table */
	EXPECT_EQ(vs_copy(check, &c.s, true, 0, 1, 2, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_OK(dev_detach(check, &c.s.d, true, c.pasid));
	EXPECT_OK(dev_detach(check, &c.s.d, false, 0));
}

/*
 * ---- VSVA.ENOMEM.2: bind a VDEV to /dev/iommu ----
 * The bind makes the VDEV a VM's device: iommufd's device object, the
 * VDCM's guest PASID set and KVM's watch of the VM's PASIDs all allocate.
 */

struct vm_bind_ctx {
	struct vs s;
	uint32_t dev_id;
};

static int vm_bind_call(struct siovh_check *check, void *p)
{
	struct vm_bind_ctx *c = p;

	return dev_bind(check, &c->s.d, &c->dev_id);
}

/* Not bound: nothing can be attached through the device. */
static void vm_bind_same(struct siovh_check *check, void *p)
{
	struct vm_bind_ctx *c = p;

	EXPECT_NE(dev_attach(check, &c->s.d, false, 0, c->s.parent), 0);
}

SIOVH_CLAUSE(enomem_vm_bind,
	.id = "VSVA.ENOMEM.2", .level = SIOVH_MUST, .facet = "vdev",
	.title = "VFIO_DEVICE_BIND_IOMMUFD whose memory allocation fails (each in turn) returns -ENOMEM and leaves the VDEV unbound (no attach through it) and free to bind again; bound at last, a guest PASID attaches and DMA goes through its nested HWPT",
	.source = SRC_VFIO_H("VFIO_DEVICE_BIND_IOMMUFD") "; " SEED000 "\"Intel Scalable IOV & vSVA\" (guest PASID -> host PASID); " SRC_ENOMEM_DERIVED,
	.needs = NEEDS_VSVA_ENOMEM)
{
	static const struct enomem_op vm_bind_op = {
		"VFIO_DEVICE_BIND_IOMMUFD", vm_bind_call, vm_bind_same, NULL,
	};
	struct iommu_hwpt_vtd_s1 s1 = vs_s1();
	struct vm_bind_ctx c;

	memset(&c, 0, sizeof(c));
	/* a first device makes the IOAS and the parent HWPT; the second is
	 * walked */
	vs_up(check, &c.s);
	vs_nested(check, &c.s, 0);
	vd_down(check, &c.s.d);
	vd_up(check, &must_profile(check)->types[0], &c.s.d, 2);
	q_enable(check, &c.s.d, 0);
	enomem_walk(check, &vm_bind_op, &c);
	ASSERT_OK(hwpt_nested(check, c.dev_id, c.s.parent, &s1, sizeof(s1),
			      0, 0, &c.s.nested));
	ASSERT_OK(dev_attach(check, &c.s.d, false, 0, c.s.nested));
	EXPECT_EQ(vs_copy(check, &c.s, true, 0, 1, 2, 0), SIOVDEV_CS_SUCCESS);
	ASSERT_OK(dev_attach(check, &c.s.d, true, 9, c.s.nested));
	EXPECT_OK(dev_detach(check, &c.s.d, true, 9));
	EXPECT_OK(dev_detach(check, &c.s.d, false, 0));
}

/*
 * ---- VSVA.ENOMEM.3: an IOAS map under a nested HWPT, failing midway ----
 * Four pages at GPA XMAP, two below a 2 MiB boundary and two above it: the
 * parent's second-stage table needs a new leaf table for each half, so an
 * allocation can fail after the first half is in. A second paging HWPT on
 * the IOAS, made after the parent, needs its own: an allocation can also
 * fail once the parent has all of it.
 */

#define XMAP	(VS_GPA + (4ull << 20) - 2 * PG)
#define XGVA	5	/* guest VA pages 5, 6 -> XMAP, XMAP + 2 pages */

struct xmap_ctx {
	struct vs s;
	uint8_t *buf;
};

static int xmap_call(struct siovh_check *check, void *p)
{
	struct xmap_ctx *c = p;
	uint64_t iova = XMAP;

	return ioas_map(check, c->s.ioas, FIXED, c->buf, 4 * PG, &iova);
}

/* Nothing of it mapped: not in the IOAS, and no page of either half
 * reached through the guest's table. */
static void xmap_same(struct siovh_check *check, void *p)
{
	struct xmap_ctx *c = p;
	unsigned int k;

	EXPECT_ERRNO(ioas_unmap(check, c->s.ioas, XMAP, 4 * PG, NULL),
		     -ENOENT);
	for (k = 0; k < 2; k++) {
		memset(c->buf, 0x11, 4 * PG);
		EXPECT_EQ(vs_copy(check, &c->s, true, 0, XGVA + k, 2, 0),
			  SIOVDEV_CS_PAGE_FAULT);
		EXPECT_EQ(c->buf[2 * k * PG], 0x11);
	}
	drain_faults(check);
}

static void xmap_undo(struct siovh_check *check, void *p)
{
	struct xmap_ctx *c = p;

	EXPECT_OK(ioas_unmap(check, c->s.ioas, XMAP, 4 * PG, NULL));
}

SIOVH_CLAUSE(enomem_nested_map,
	.id = "VSVA.ENOMEM.3", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "an IOAS_MAP under a nested HWPT's parent, crossing a 2 MiB boundary, whose memory allocation fails (each in turn, also after its first half is in the parent's table, and after all of it is in the parent's table but not yet in a second paging HWPT's of the IOAS) returns -ENOMEM and leaves no page of it reachable through the guest's table; mapped at last, both halves are",
	.source = SRC_MAP "; " SRC_VSVA("Bind Guest PASID Table") "; " SRC_ENOMEM_DERIVED,
	.needs = NEEDS_VSVA_ENOMEM)
{
	static const struct enomem_op xmap_op = {
		"IOMMU_IOAS_MAP (under a nested HWPT)", xmap_call, xmap_same,
		xmap_undo,
	};
	struct xmap_ctx c;
	uint32_t second;
	unsigned int k;

	memset(&c, 0, sizeof(c));
	vs_up(check, &c.s);
	vs_nested(check, &c.s, 0);
	/* made after the parent, so a map reaches it after the parent's
	 * table; its tables for XMAP are new too */
	ASSERT_OK(hwpt_paging(check, c.s.dev_id, c.s.ioas, 0, &second));
	c.buf = must_pages(check, 4);
	*vs_pte(&c.s, XGVA) = XMAP | VS_PTE_FLAGS;
	*vs_pte(&c.s, XGVA + 1) = (XMAP + 2 * PG) | VS_PTE_FLAGS;
	memset(vs_page(&c.s, 0), 0x5a, 256);
	enomem_walk(check, &xmap_op, &c);
	for (k = 0; k < 2; k++) {
		EXPECT_EQ(vs_copy(check, &c.s, true, 0, XGVA + k, 2, 0),
			  SIOVDEV_CS_SUCCESS);
		EXPECT_EQ(c.buf[2 * k * PG], 0x5a);
	}
	EXPECT_OK(obj_destroy(check, second));
}
