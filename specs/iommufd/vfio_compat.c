// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.COMPAT 3-7: the VFIO type1 container ioctls on /dev/iommu. A
 * VMM written for a VFIO container (seed 003: "compatibility of the legacy
 * type1 path") keeps its VFIO_SET_IOMMU / VFIO_IOMMU_GET_INFO / MAP_DMA /
 * UNMAP_DMA calls; iommufd answers them on the IOAS that IOMMU_VFIO_IOAS
 * names (compat.c, COMPAT.1-2). The rules are linux/vfio.h's, which
 * iommufd.h points to for them.
 */
#include <string.h>
#include <sys/mman.h>

#include <linux/vfio.h>

#include "specs/enomem/walk.h"
#include "vsva.h"

#define SRC_COMPAT SEED003 "\"IOMMU FD\" (compatibility of the legacy type1 path); " SRC_H("IOMMU_VFIO_IOAS (\"Set or Get the IOAS that VFIO compatibility will use\")")
#define CM_SIZE (16 * PG)

/* A VFIO ioctl on the target's /dev/iommu: its return value or -errno. */
static int vfio_ioctl(struct siovh_check *check, unsigned long cmd,
		      uintptr_t arg)
{
	return fd_ioctl(check, cmd, (void *)arg);
}

/* Make id the compat IOAS. */
static void must_compat(struct siovh_check *check, uint32_t id)
{
	struct iommu_vfio_ioas v = {
		.size = sizeof(v), .ioas_id = id, .op = IOMMU_VFIO_IOAS_SET,
	};

	ASSERT_OK(fd_ioctl(check, IOMMU_VFIO_IOAS, &v));
}

static int map_dma(struct siovh_check *check, uint32_t flags, void *va,
		   uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .flags = flags, .vaddr = (uintptr_t)va,
		.iova = iova, .size = size,
	};

	return vfio_ioctl(check, VFIO_IOMMU_MAP_DMA, (uintptr_t)&m);
}

/* UNMAP_DMA; *size in, the bytes unmapped out. */
static int unmap_dma(struct siovh_check *check, uint32_t flags,
		     uint64_t iova, uint64_t *size)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .flags = flags, .iova = iova, .size = *size,
	};
	int ret = vfio_ioctl(check, VFIO_IOMMU_UNMAP_DMA, (uintptr_t)&u);

	*size = u.size;
	return ret;
}

SIOVH_CLAUSE(compat_container,
	.id = "IOMMUFD.COMPAT.3", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "the container ioctls on /dev/iommu: VFIO_GET_API_VERSION returns VFIO_API_VERSION; CHECK_EXTENSION is 1 for TYPE1v2, TYPE1 and UNMAP_ALL and 0 for an extension it does not know, DMA_CC_IOMMU an error with no compatibility IOAS and 0 or 1 with one; GET_INFO, MAP_DMA and UNMAP_DMA with a NULL argument are -EFAULT; SET_IOMMU of TYPE1v2 fails with no compatibility IOAS and succeeds with one, and of a type other than type1 fails; VFIO_IOMMU_DIRTY_PAGES is -ENOTTY",
	.source = SRC_COMPAT "; " SRC_VFIO_H("VFIO_GET_API_VERSION, VFIO_CHECK_EXTENSION, VFIO_SET_IOMMU"),
	.needs = NEEDS_IOMMUFD)
{
	struct vfio_iommu_type1_dirty_bitmap d = { .argsz = sizeof(d) };
	uint32_t id = must_ioas(check);
	int ret;

	EXPECT_EQ(vfio_ioctl(check, VFIO_GET_API_VERSION, 0),
		  VFIO_API_VERSION);
	EXPECT_EQ(vfio_ioctl(check, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU),
		  1);
	EXPECT_EQ(vfio_ioctl(check, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU),
		  1);
	EXPECT_EQ(vfio_ioctl(check, VFIO_CHECK_EXTENSION, VFIO_UNMAP_ALL), 1);
	EXPECT_EQ(vfio_ioctl(check, VFIO_CHECK_EXTENSION, 0x7fff), 0);

	EXPECT_LT(vfio_ioctl(check, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), 0);
	EXPECT_LT(vfio_ioctl(check, VFIO_CHECK_EXTENSION, VFIO_DMA_CC_IOMMU),
		  0);
	must_compat(check, id);
	ret = vfio_ioctl(check, VFIO_CHECK_EXTENSION, VFIO_DMA_CC_IOMMU);
	EXPECT_TRUE(ret == 0 || ret == 1);
	EXPECT_ERRNO(vfio_ioctl(check, VFIO_IOMMU_GET_INFO, 0), -EFAULT);
	EXPECT_ERRNO(vfio_ioctl(check, VFIO_IOMMU_MAP_DMA, 0), -EFAULT);
	EXPECT_ERRNO(vfio_ioctl(check, VFIO_IOMMU_UNMAP_DMA, 0), -EFAULT);
	EXPECT_LT(vfio_ioctl(check, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_IOMMU), 0);
	EXPECT_OK(vfio_ioctl(check, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	EXPECT_ERRNO(vfio_ioctl(check, VFIO_IOMMU_DIRTY_PAGES, (uintptr_t)&d),
		     -ENOTTY);
}

/* Walk the chain of info (argsz bytes): the IOVA ranges and DMA_AVAIL. */
static void check_chain(struct siovh_check *check, const unsigned char *buf,
			uint32_t argsz, const struct ioas_ranges *r)
{
	const struct vfio_iommu_type1_info *info = (const void *)buf;
	const struct vfio_iommu_type1_info_cap_iova_range *iov;
	const struct vfio_iommu_type1_info_dma_avail *avail;
	const struct vfio_info_cap_header *h;
	unsigned int n_iova = 0, n_avail = 0, hops = 0;
	const struct vfio_iova_range *v;
	uint32_t off, i;

	EXPECT_EQ(info->cap_offset, sizeof(*info));
	for (off = info->cap_offset; off && hops < 16; off = h->next, hops++) {
		ASSERT_TRUE(off >= sizeof(*info) && off % 8 == 0 &&
			    off + sizeof(*h) <= argsz);
		h = (const void *)(buf + off);
		EXPECT_EQ(h->version, 1);
		if (h->id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL) {
			n_avail++;
			ASSERT_TRUE(off + sizeof(*avail) <= argsz);
			avail = (const void *)h;
			EXPECT_GT(avail->avail, 0);
		} else if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			n_iova++;
			iov = (const void *)h;
			ASSERT_TRUE(off + sizeof(*iov) +
				    iov->nr_iovas * sizeof(*v) <= argsz);
			EXPECT_EQ(iov->nr_iovas, r->n);
			v = (const void *)(buf + off + sizeof(*iov));
			for (i = 0; i < iov->nr_iovas && i < r->n; i++) {
				EXPECT_EQ(v[i].start, r->v[i].start);
				EXPECT_EQ(v[i].end, r->v[i].last);
			}
		}
	}
	EXPECT_LT(hops, 16);
	EXPECT_EQ(n_iova, 1);
	EXPECT_EQ(n_avail, 1);
}

SIOVH_CLAUSE(compat_get_info,
	.id = "IOMMUFD.COMPAT.4", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "VFIO_IOMMU_GET_INFO on /dev/iommu: -EINVAL for an argsz that ends before iova_pgsizes, an error with no compatibility IOAS; else flags PGSIZES and CAPS, iova_pgsizes whose smallest page is a multiple of the IOAS's out_iova_alignment, argsz raised to the size of the capability chain and cap_offset 0 when argsz is only the struct (nothing written past it), and with that argsz a chain at cap_offset of 8-byte aligned version-1 capabilities holding DMA_AVAIL (avail > 0) once and IOVA_RANGE once, whose ranges are those IOMMU_IOAS_IOVA_RANGES reports for the compatibility IOAS",
	.source = SRC_COMPAT "; " SRC_VFIO_H("VFIO_IOMMU_GET_INFO (struct vfio_iommu_type1_info, VFIO_IOMMU_INFO_CAPS, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL)"),
	.needs = NEEDS_IOMMUFD)
{
	struct {
		struct vfio_iommu_type1_info info;
		unsigned char tail[64];
	} small;
	uint32_t id = must_ioas(check), need, i;
	struct vfio_iommu_type1_info *info;
	struct ioas_ranges r;
	unsigned char *buf;

	memset(&small, 0, sizeof(small));
	small.info.argsz = offsetof(struct vfio_iommu_type1_info,
				    iova_pgsizes);
	EXPECT_ERRNO(vfio_ioctl(check, VFIO_IOMMU_GET_INFO,
				(uintptr_t)&small.info), -EINVAL);
	small.info.argsz = sizeof(small.info);
	EXPECT_LT(vfio_ioctl(check, VFIO_IOMMU_GET_INFO,
			     (uintptr_t)&small.info), 0);

	try_attached(check, id);	/* a domain's page sizes, if any */
	must_compat(check, id);
	must_ranges(check, id, &r);
	memset(&small, 0xa5, sizeof(small));
	small.info.argsz = sizeof(small.info);
	ASSERT_OK(vfio_ioctl(check, VFIO_IOMMU_GET_INFO,
			     (uintptr_t)&small.info));
	EXPECT_TRUE(small.info.flags & VFIO_IOMMU_INFO_PGSIZES);
	EXPECT_TRUE(small.info.flags & VFIO_IOMMU_INFO_CAPS);
	ASSERT_NE(small.info.iova_pgsizes, 0);
	if (r.align)
		EXPECT_EQ((small.info.iova_pgsizes &
			   -small.info.iova_pgsizes) % r.align, 0);
	EXPECT_EQ(small.info.cap_offset, 0);
	need = small.info.argsz;
	EXPECT_GT(need, sizeof(small.info));
	for (i = 0; i < sizeof(small.tail); i++)
		if (small.tail[i] != 0xa5)
			break;
	EXPECT_EQ(i, sizeof(small.tail));
	ASSERT_TRUE(need <= 4096);

	buf = must_pages(check, 1);
	info = (void *)buf;
	info->argsz = need;
	ASSERT_OK(vfio_ioctl(check, VFIO_IOMMU_GET_INFO, (uintptr_t)info));
	EXPECT_EQ(info->argsz, need);
	check_chain(check, buf, need, &r);
}

SIOVH_CLAUSE(compat_map_unmap,
	.id = "IOMMUFD.COMPAT.5", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "VFIO_IOMMU_MAP_DMA / UNMAP_DMA on /dev/iommu act on the compatibility IOAS: with none they fail; an argsz below the struct or an unknown flag is -EINVAL; a mapping goes into the IOAS IOMMU_VFIO_IOAS names (IOMMU_IOAS_MAP over it there is -EEXIST, another IOAS is untouched), a second MAP_DMA over it fails; UNMAP_DMA of it reports its size; an UNMAP_DMA that would cut a mapping fails and unmaps nothing; FLAG_ALL with iova or size nonzero is -EINVAL, and with both 0 unmaps every mapping and reports their total",
	.source = SRC_COMPAT "; " SRC_VFIO_H("VFIO_IOMMU_MAP_DMA, VFIO_IOMMU_UNMAP_DMA (\"VFIO_DMA_UNMAP_FLAG_ALL\")"),
	.needs = NEEDS_IOMMUFD)
{
	const uint32_t rw = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	uint32_t other = must_ioas(check), id = must_ioas(check);
	struct vfio_iommu_type1_dma_map m = { .argsz = 8, .flags = rw };
	void *buf = must_pages(check, 4);
	uint64_t b, iova, size;

	try_attached(check, id);
	try_attached(check, other);
	b = must_base(check, id);
	EXPECT_LT(map_dma(check, rw, buf, b, PG), 0);
	must_compat(check, id);

	m.vaddr = (uintptr_t)buf;
	m.iova = b;
	m.size = PG;
	EXPECT_ERRNO(vfio_ioctl(check, VFIO_IOMMU_MAP_DMA, (uintptr_t)&m),
		     -EINVAL);
	EXPECT_ERRNO(map_dma(check, rw | (1u << 20), buf, b, PG), -EINVAL);
	size = PG;
	EXPECT_ERRNO(unmap_dma(check, 1u << 20, b, &size), -EINVAL);

	ASSERT_OK(map_dma(check, rw, buf, b, 2 * PG));
	iova = b + PG;
	EXPECT_ERRNO(ioas_map(check, id, FIXED, buf, PG, &iova), -EEXIST);
	EXPECT_EQ(unmap_all(check, other), 0);
	EXPECT_LT(map_dma(check, rw, buf, b + PG, PG), 0);
	size = PG;
	EXPECT_LT(unmap_dma(check, 0, b, &size), 0);	/* cuts it */
	size = 2 * PG;
	EXPECT_OK(unmap_dma(check, 0, b, &size));
	EXPECT_EQ(size, 2 * PG);

	ASSERT_OK(map_dma(check, rw, buf, b, PG));
	ASSERT_OK(map_dma(check, VFIO_DMA_MAP_FLAG_READ, buf, b + 4 * PG,
			  2 * PG));
	size = PG;
	EXPECT_ERRNO(unmap_dma(check, VFIO_DMA_UNMAP_FLAG_ALL, 0, &size),
		     -EINVAL);
	size = 0;
	EXPECT_ERRNO(unmap_dma(check, VFIO_DMA_UNMAP_FLAG_ALL, b, &size),
		     -EINVAL);
	size = 0;
	EXPECT_OK(unmap_dma(check, VFIO_DMA_UNMAP_FLAG_ALL, 0, &size));
	EXPECT_EQ(size, 3 * PG);
	EXPECT_EQ(unmap_all(check, id), 0);
}

/* ---- IOMMUFD.COMPAT.6: allocation failures (specs/enomem/walk.h) ---- */

struct cm_ctx {
	uint32_t id;
	uint64_t base;
	void *buf;
};

static int cm_call(struct siovh_check *check, void *p)
{
	struct cm_ctx *c = p;

	return map_dma(check, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		       c->buf, c->base, CM_SIZE);
}

/* The compat IOAS held nothing before: it still holds nothing. */
static void cm_same(struct siovh_check *check, void *p)
{
	EXPECT_EQ(unmap_all(check, ((struct cm_ctx *)p)->id), 0);
}

static void cm_undo(struct siovh_check *check, void *p)
{
	EXPECT_EQ(unmap_all(check, ((struct cm_ctx *)p)->id), CM_SIZE);
}

SIOVH_CLAUSE(compat_map_enomem,
	.id = "IOMMUFD.COMPAT.6", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "VFIO_IOMMU_MAP_DMA on /dev/iommu of 16 pages across a 2 MiB boundary into the compatibility IOAS with a device attached (the target's test device where it has one), whose memory allocation fails (each in turn), returns -ENOMEM and maps nothing; then it succeeds and UNMAP_DMA reports the whole range",
	.source = SRC_COMPAT "; " SRC_VFIO_H("VFIO_IOMMU_MAP_DMA") "; " SRC_ENOMEM_H "; " SRC_ENOMEM_DERIVED,
	.needs = NEEDS_IOMMUFD | NEEDS_FAIL_NTH)
{
	static const struct enomem_op op = {
		"VFIO_IOMMU_MAP_DMA (compat IOAS)", cm_call, cm_same, cm_undo,
	};
	struct cm_ctx c = { 0 };
	uint64_t size = CM_SIZE;

	c.id = must_ioas(check);
	if (try_attached(check, c.id))
		siovh_note(check, "no test device attached: the walk runs on an IOAS without one");
	must_compat(check, c.id);
	c.base = must_base(check, c.id) + (2ull << 20) - 8 * PG;
	c.buf = must_pages(check, CM_SIZE / PG);
	memset(c.buf, 0x3c, CM_SIZE);
	enomem_walk(check, &op, &c);
	EXPECT_OK(unmap_dma(check, 0, c.base, &size));
	EXPECT_EQ(size, CM_SIZE);
}

/* ---- IOMMUFD.COMPAT.7: TYPE1 (v1), whose unmap may cut a mapping ---- */

/* IOMMU_OPTION HUGE_PAGES of IOAS id: SET val, or GET into *val. */
static int huge_pages(struct siovh_check *check, uint32_t id, uint16_t op,
		      uint64_t *val)
{
	return iommu_option(check, IOMMU_OPTION_HUGE_PAGES, op, id, 0, val);
}

/* An access on ioas with a page pinned at iova; -1 when the target has
 * no test access. */
static int pin_one(struct siovh_check *check, uint32_t ioas, uint64_t iova,
		   const void *uptr, uint32_t *pin)
{
	struct siovh_target *t = siovh_check_target(check);
	int acc = -1;

	if (!t->iommufd->test_access_create ||
	    t->iommufd->test_access_create(t, ioas, SIOVH_ACCESS_PIN_PAGES,
					   &acc))
		return -1;
	if (t->iommufd->test_access_pin(t, acc, iova, PG, 0, uptr, pin)) {
		EXPECT_OK(t->iommufd->test_access_destroy(t, acc));
		return -1;
	}
	return acc;
}

SIOVH_CLAUSE(compat_type1_cut,
	.id = "IOMMUFD.COMPAT.7", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "VFIO_SET_IOMMU of TYPE1 (v1) on /dev/iommu turns the compatibility IOAS's large pages off, as IOMMU_OPTION HUGE_PAGES 0 (GET then reads 0), and both are -EINVAL while a domain of the IOAS holds a mapping; after it UNMAP_DMA unmaps inside a mapping: size reports the bytes asked, the parts either side stay mapped as mappings of their own (IOMMU_IOAS_UNMAP of exactly each succeeds), an UNMAP_DMA of the hole unmaps 0 bytes (type1's answer: no error), and a cut in a mapping an access has pinned pages of is -EINVAL and unmaps nothing",
	.source = SRC_COMPAT "; " SRC_VFIO_H("VFIO_TYPE1_IOMMU against VFIO_TYPE1v2_IOMMU, VFIO_SET_IOMMU, VFIO_IOMMU_UNMAP_DMA") "; " SRC_H("IOMMU_OPTION_HUGE_PAGES") "; derived: Linux 6.12 and 7.3 iommufd vfio_compat.c, which emulates TYPE1's unmap inside a mapping by turning large pages off",
	.needs = NEEDS_IOMMUFD)
{
	const uint32_t rw = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	void *buf = must_pages(check, 8);
	uint32_t id = must_ioas(check), pin = 0;
	uint64_t b, size, val;
	struct vs s;
	int acc;

	/* a domain on the IOAS: a paging HWPT for a bound device */
	vs_any_dev(check, &s);
	ASSERT_OK(hwpt_paging(check, s.dev_id, id, 0, NULL));
	b = must_base(check, id);
	must_compat(check, id);
	ASSERT_OK(map_dma(check, rw, buf, b, PG));
	EXPECT_ERRNO(vfio_ioctl(check, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU),
		     -EINVAL);
	val = 0;
	EXPECT_ERRNO(huge_pages(check, id, IOMMU_OPTION_OP_SET, &val), -EINVAL);
	EXPECT_OK(huge_pages(check, id, IOMMU_OPTION_OP_GET, &val));
	EXPECT_EQ(val, 1);
	size = PG;
	ASSERT_OK(unmap_dma(check, 0, b, &size));

	/* no mapping left: TYPE1 goes in */
	ASSERT_OK(vfio_ioctl(check, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU));
	EXPECT_OK(huge_pages(check, id, IOMMU_OPTION_OP_GET, &val));
	EXPECT_EQ(val, 0);
	ASSERT_OK(map_dma(check, rw, buf, b, 8 * PG));
	size = 2 * PG;
	EXPECT_OK(unmap_dma(check, 0, b + 2 * PG, &size));
	EXPECT_EQ(size, 2 * PG);
	size = 2 * PG;
	EXPECT_OK(unmap_dma(check, 0, b + 2 * PG, &size));
	EXPECT_EQ(size, 0);

	/* [b + 4 pages, b + 8 pages) with its page 6 pinned: no cut in it */
	acc = pin_one(check, id, b + 6 * PG, (char *)buf + 6 * PG, &pin);
	if (acc >= 0) {
		struct siovh_target *t = siovh_check_target(check);

		size = PG;
		EXPECT_ERRNO(unmap_dma(check, 0, b + 5 * PG, &size), -EINVAL);
		EXPECT_OK(t->iommufd->test_access_unpin(t, acc, pin));
		EXPECT_OK(t->iommufd->test_access_destroy(t, acc));
	} else {
		siovh_note(check, "the target has no test access: the pinned cut is not checked");
	}
	EXPECT_OK(ioas_unmap(check, id, b, 2 * PG, &size));
	EXPECT_EQ(size, 2 * PG);
	EXPECT_OK(ioas_unmap(check, id, b + 4 * PG, 4 * PG, &size));
	EXPECT_EQ(size, 4 * PG);
}
