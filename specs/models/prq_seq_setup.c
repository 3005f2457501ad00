// SPDX-License-Identifier: MIT
/*
 * The target side of the page request sequence engine: the VDEV, guest
 * memory with its stage-1 table, the IOAS, HWPTs and fault queue, and the
 * calls the operations make (prq_seq_internal.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "prq_seq_internal.h"

#define CMD_MEMORY	(1u << 1)
#define CMD_MASTER	(1u << 2)
#define QCTRL_ENABLE	1u

/* ---- calls ---- */

int ps_ioctl(struct prq_seq *s, unsigned long cmd, void *arg)
{
	return s->t->iommufd->ioctl(s->t, cmd, arg);
}

uint8_t *ps_page(struct prq_seq *s, unsigned int i)
{
	return s->mem + (PS_TABLES + i) * PS_PG;
}

uint64_t *ps_pte(struct prq_seq *s, unsigned int i)
{
	return (uint64_t *)(s->mem + 3 * PS_PG) + i;
}

struct ps_record *ps_record(struct prq_seq *s, uint32_t q)
{
	return (struct ps_record *)(ps_page(s, PS_CR_PAGE) + q * 64);
}

static int region_write(struct prq_seq *s, uint32_t region, uint64_t off,
			const void *buf, size_t len)
{
	ssize_t r = s->t->vfio_device->pwrite(s->t, s->v, buf, len,
					      s->off[region % 16] + off);

	return r < 0 ? (int)r : (size_t)r == len ? 0 : -EIO;
}

int ps_qctrl(struct prq_seq *s, uint32_t q, uint32_t val)
{
	return region_write(s, s->qctrl[q]->region, s->qctrl[q]->offset, &val,
			    sizeof(val));
}

int ps_submit(struct prq_seq *s, uint32_t q, const struct ps_desc *d)
{
	return region_write(s, s->ty->portal_region,
			    s->ty->portal_offset + q * s->ty->portal_stride,
			    d, sizeof(*d));
}

int ps_inv_page(struct prq_seq *s, unsigned int i)
{
	struct iommu_hwpt_vtd_s1_invalidate e = {
		.addr = PS_GVA + i * PS_PG, .npages = 1,
	};
	struct iommu_hwpt_invalidate c = {
		.size = sizeof(c), .hwpt_id = s->nested,
		.data_uptr = (uintptr_t)&e,
		.data_type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
		.entry_len = sizeof(e), .entry_num = 1,
	};

	return ps_ioctl(s, IOMMU_HWPT_INVALIDATE, &c);
}

int ps_fault_alloc(struct prq_seq *s, uint32_t *id, int *fd)
{
	struct iommu_fault_alloc c = { .size = sizeof(c) };
	int ret = ps_ioctl(s, IOMMU_FAULT_QUEUE_ALLOC, &c);

	if (!ret) {
		*id = c.out_fault_id;
		*fd = (int)c.out_fault_fd;
	}
	return ret;
}

int ps_nested(struct prq_seq *s, uint32_t fault_id, uint32_t *out)
{
	struct iommu_hwpt_vtd_s1 s1 = { .pgtbl_addr = PS_GPA,
					.addr_width = 48 };
	struct iommu_hwpt_alloc c = {
		.size = sizeof(c), .flags = IOMMU_HWPT_FAULT_ID_VALID,
		.dev_id = s->dev_id, .pt_id = s->parent,
		.data_type = IOMMU_HWPT_DATA_VTD_S1, .data_len = sizeof(s1),
		.data_uptr = (uintptr_t)&s1, .fault_id = fault_id,
	};
	int ret = ps_ioctl(s, IOMMU_HWPT_ALLOC, &c);

	if (!ret)
		*out = c.out_hwpt_id;
	return ret;
}

int ps_attach(struct prq_seq *s, uint32_t pt_id)
{
	struct siovh_vfio_attach_pt a = { .argsz = sizeof(a), .pt_id = pt_id };

	return s->t->iommufd->device_ioctl(s->t, s->v,
					   VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
}

int ps_destroy(struct prq_seq *s, uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	return ps_ioctl(s, IOMMU_DESTROY, &d);
}

/* ---- set-up ---- */

/* The type with a portal and the most queues (qN_ctrl registers). */
static int pick_type(struct prq_seq *s, const struct siovh_profile *p,
		     uint32_t *nq)
{
	char name[24];
	uint32_t i, n, best = 0;

	for (i = 0; i < p->nr_types; i++) {
		const struct siovh_profile_type *ty = &p->types[i];

		if (!ty->has_portal)
			continue;
		for (n = 0; n < ty->adis && n < PRQ_MODEL_QUEUES; n++) {
			snprintf(name, sizeof(name), "q%u_ctrl", n);
			if (!siovh_profile_reg(ty, name))
				break;
		}
		if (n > best) {
			best = n;
			s->ty = ty;
		}
	}
	for (i = 0; i < best; i++) {
		snprintf(name, sizeof(name), "q%u_ctrl", i);
		s->qctrl[i] = siovh_profile_reg(s->ty, name);
	}
	*nq = best;
	return best ? 0 : -ENODEV;
}

static int vdev_up(struct prq_seq *s, uint32_t nq)
{
	static const uint8_t uuid[16] = { 0x9e, 0x0c, 0x5e, 0x9a, 0, 0, 0x40,
					  0, 0x80, 0, 0, 0, 0, 0, 0, 0x01 };
	const struct siovh_vfio_device_ops *ops = s->t->vfio_device;
	struct vfio_region_info ri;
	uint16_t cmd = CMD_MEMORY | CMD_MASTER;
	uint32_t i;
	int ret;

	ret = ops->create(s->t, s->ty->name, uuid, &s->v);
	if (!ret)
		ret = ops->open(s->t, s->v);
	if (ret)
		return ret;
	s->open = true;
	for (i = 0; i < 16 && i < s->ty->num_regions; i++) {
		ri = (struct vfio_region_info) { .argsz = sizeof(ri),
						 .index = i };
		ret = ops->ioctl(s->t, s->v, VFIO_DEVICE_GET_REGION_INFO, &ri);
		if (ret)
			return ret;
		s->off[i] = ri.offset;
	}
	ret = region_write(s, VFIO_PCI_CONFIG_REGION_INDEX, 4, &cmd,
			   sizeof(cmd));
	for (i = 0; !ret && i < nq; i++)
		ret = ps_qctrl(s, i, QCTRL_ENABLE);
	return ret;
}

/* Guest memory: the stage-1 table, every data page mapped but the
 * model's pages, which start not present. */
static int memory_up(struct prq_seq *s)
{
	uint64_t *tbl;
	unsigned int i;

	s->mem = mmap(NULL, PS_PAGES * PS_PG, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->mem == MAP_FAILED) {
		s->mem = NULL;
		return -ENOMEM;
	}
	tbl = (uint64_t *)s->mem;
	tbl[0] = (PS_GPA + 1 * PS_PG) | PS_PTE;		/* PML4[0] */
	tbl[512 + 1] = (PS_GPA + 2 * PS_PG) | PS_PTE;	/* PDPT[1] */
	tbl[1024] = (PS_GPA + 3 * PS_PG) | PS_PTE;	/* PD[0] */
	for (i = PRQ_MODEL_PAGES; i < PS_DATA; i++)
		*ps_pte(s, i) = (PS_GPA + (PS_TABLES + i) * PS_PG) | PS_PTE;
	for (i = 0; i < PRQ_MODEL_PAGES; i++) {
		s->page_byte[i] = (uint8_t)(0xa0 + i);
		memset(ps_page(s, i), s->page_byte[i], PS_PG);
	}
	return 0;
}

static int iommu_up(struct prq_seq *s)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b),
					      .iommufd = 3 };
	struct iommu_ioas_alloc ia = { .size = sizeof(ia) };
	struct iommu_ioas_map m = {
		.size = sizeof(m), .length = PS_PAGES * PS_PG, .iova = PS_GPA,
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
	};
	struct iommu_hwpt_alloc h = { .size = sizeof(h),
				      .flags = IOMMU_HWPT_ALLOC_NEST_PARENT };
	int ret;

	ret = ps_ioctl(s, IOMMU_IOAS_ALLOC, &ia);
	if (ret)
		return ret;
	s->ioas = ia.out_ioas_id;
	m.ioas_id = s->ioas;
	m.user_va = (uintptr_t)s->mem;
	ret = ps_ioctl(s, IOMMU_IOAS_MAP, &m);
	if (!ret)
		ret = s->t->iommufd->device_ioctl(s->t, s->v,
						  VFIO_DEVICE_BIND_IOMMUFD, &b);
	if (ret)
		return ret;
	s->dev_id = b.out_devid;
	h.dev_id = s->dev_id;
	h.pt_id = s->ioas;
	ret = ps_ioctl(s, IOMMU_HWPT_ALLOC, &h);
	if (ret)
		return ret;
	s->parent = h.out_hwpt_id;
	ret = ps_attach(s, s->parent);
	if (!ret)
		ret = ps_fault_alloc(s, &s->fq_id, &s->fq_fd);
	if (!ret)
		ret = ps_nested(s, s->fq_id, &s->nested);
	return ret ? ret : ps_attach(s, s->nested);
}

/* The ADIs behind the queues, when the test facet can tell. */
static void probe_up(struct prq_seq *s, uint32_t nq)
{
	const struct siovh_test_ops *test = s->t->test;
	struct siovh_vdev_probe vp;
	uint32_t i;

	s->probe = test && test->vdev_probe && test->adi_probe &&
		   !test->vdev_probe(s->t, s->v, &vp) && vp.nr_adis >= nq;
	for (i = 0; s->probe && i < nq; i++)
		s->adi[i] = vp.adis[i];
}

int ps_setup(struct prq_seq *s, const struct siovh_profile *p)
{
	uint32_t nq = 0;
	int ret;

	if (!s->t->vfio_device || !s->t->iommufd ||
	    !s->t->iommufd->device_ioctl || !s->t->iommufd->fault_read ||
	    !s->t->iommufd->fault_write)
		return -EOPNOTSUPP;
	ret = pick_type(s, p, &nq);
	if (!ret)
		ret = vdev_up(s, nq);
	if (!ret)
		ret = memory_up(s);
	if (!ret)
		ret = iommu_up(s);
	if (ret)
		return ret;
	probe_up(s, nq);
	prq_model_init(&s->m, nq, PRQ_MODEL_PAGES);
	return 0;
}

void ps_teardown(struct prq_seq *s)
{
	const struct siovh_vfio_device_ops *ops = s->t->vfio_device;

	if (s->open)
		ops->release(s->t, s->v);	/* the cdev's close unbinds */
	if (s->v)
		ops->remove(s->t, s->v);
	if (s->nested)
		ps_destroy(s, s->nested);
	if (s->parent)
		ps_destroy(s, s->parent);
	if (s->fq_fd >= 0)
		close(s->fq_fd);
	if (s->fq_id)
		ps_destroy(s, s->fq_id);
	if (s->ioas)
		ps_destroy(s, s->ioas);
	if (s->mem)
		munmap(s->mem, PS_PAGES * PS_PG);
}
