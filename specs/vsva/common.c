/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "siovh/target.h"

#include "common.h"

static const struct siovh_profile_type *sva_type(struct siovh_check *check,
						 uint32_t min_queues)
{
	const struct siovh_profile *p = must_profile(check);

	return must_type(check, p, min_queues);
}

static void sva_bind(struct siovh_check *check, struct sva *s)
{
	struct vfio_device_bind_iommufd b = {
		.argsz = sizeof(b), .iommufd = 3,
	};

	ASSERT_OK(s->d.t->iommufd->device_ioctl(s->d.t, s->d.v,
						VFIO_DEVICE_BIND_IOMMUFD, &b));
	s->devid = b.out_devid;
}

static uint32_t sva_hwpt(struct siovh_check *check, struct sva *s)
{
	struct iommu_hwpt_alloc a = {
		.size = sizeof(a), .dev_id = s->devid, .pt_id = s->ioas,
	};

	ASSERT_OK(fd_ioctl(check, IOMMU_HWPT_ALLOC, &a));
	return a.out_hwpt_id;
}

static int sva_attach(struct sva *s, uint32_t flags, uint32_t pasid,
		      uint32_t pt_id)
{
	struct siovh_vfio_attach_pt a = {
		.argsz = sizeof(a), .flags = flags, .pt_id = pt_id,
		.pasid = pasid,
	};

	return s->d.t->iommufd->device_ioctl(s->d.t, s->d.v,
					     VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
}

void must_sva(struct siovh_check *check, struct sva *s, uint32_t min_queues,
	      bool vpasid)
{
	const struct siovh_profile_type *ty = sva_type(check, min_queues);
	uint64_t iova;

	memset(s, 0, sizeof(*s));
	must_portal(check, ty);
	vd_up(check, ty, &s->d, 0);
	cfg_wr(check, &s->d, CFG_COMMAND, CMD_MEMORY | CMD_MASTER, 2);
	if (vpasid)
		cfg_wr(check, &s->d, vd_find_ecap(check, &s->d, ECAP_PASID_ID) + 6,
		       1, 2);
	sva_bind(check, s);
	s->ioas = must_ioas(check);
	s->buf.size = SVA_PAGES * PG;
	s->buf.va = must_pages(check, SVA_PAGES);
	iova = must_base(check, s->ioas);
	ASSERT_OK(ioas_map(check, s->ioas, FIXED, s->buf.va, s->buf.size,
			   &iova));
	s->buf.iova = iova;
	s->hwpt = sva_hwpt(check, s);
	ASSERT_OK(sva_attach(s, 0, 0, s->hwpt));
	s->default_pasid = vdev_probe(check, &s->d).default_pasid;
}

int sva_pasid_attach(struct siovh_check *check, struct sva *s,
		     uint32_t pasid, uint32_t pt_id)
{
	(void)check;
	return sva_attach(s, VFIO_DEVICE_ATTACH_PASID, pasid, pt_id);
}

int sva_pasid_detach(struct siovh_check *check, struct sva *s,
		     uint32_t pasid)
{
	struct siovh_vfio_detach_pt a = {
		.argsz = sizeof(a), .flags = VFIO_DEVICE_DETACH_PASID,
		.pasid = pasid,
	};

	(void)check;
	return s->d.t->iommufd->device_ioctl(s->d.t, s->d.v,
					     VFIO_DEVICE_DETACH_IOMMUFD_PT, &a);
}

void qpasid_wr(struct siovh_check *check, struct sva *s, uint32_t q,
	       uint32_t val)
{
	reg_wr(check, &s->d, must_reg(check, s->d.ty, "q%u_pasid", q), val);
}

uint32_t qpasid_rd(struct siovh_check *check, struct sva *s, uint32_t q)
{
	return (uint32_t)reg_rd(check, &s->d,
				must_reg(check, s->d.ty, "q%u_pasid", q));
}

uint32_t qstatus(struct siovh_check *check, struct sva *s, uint32_t q)
{
	return (uint32_t)reg_rd(check, &s->d,
				must_reg(check, s->d.ty, "q%u_status", q));
}

uint32_t sva_adi(struct siovh_check *check, struct sva *s, uint32_t q)
{
	struct siovh_vdev_probe p = vdev_probe(check, &s->d);

	ASSERT_TRUE(q < p.nr_adis);
	return p.adis[q];
}

int64_t last_dma_pasid(struct siovh_check *check, uint32_t adi)
{
	struct siovh_adi_event ev[64];
	size_t n = adi_trace(check, adi, ev, 64);

	while (n--)
		if (ev[n].kind == SIOVH_ADI_EV_DMA)
			return ev[n].arg;
	return -1;
}
