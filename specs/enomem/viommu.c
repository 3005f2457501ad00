// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.VIOMMU.10: the vIOMMU objects' allocation failures, by the
 * fail-nth walk (walk.h): VIOMMU_ALLOC (with its MMIO pages where the
 * type has them), VDEVICE_ALLOC, VEVENTQ_ALLOC and HW_QUEUE_ALLOC, each
 * failing at each of its allocations in turn, return -ENOMEM and leave no
 * object behind. The device and its parent: specs/iommufd/viommu.h.
 */
#include <string.h>
#include <unistd.h>

#include "specs/iommufd/viommu.h"
#include "walk.h"

struct vi_ctx {
	struct vi x;
	uint32_t top;			/* the highest ID the clause holds */
	uint32_t made;
	int made_fd;
	uint64_t qmem;			/* a mapped page for the HW queue */
	uint8_t data[sizeof(((struct siovh_viommu_caps *)0)->mmio_data)];
};

/* No object under the IDs a failed allocation could have used. */
static void vi_no_new_ids(struct siovh_check *check, void *p)
{
	struct vi_ctx *c = p;
	uint32_t id;

	for (id = c->top + 1; id <= c->top + 4; id++)
		EXPECT_ERRNO(obj_destroy(check, id), -ENOENT);
}

static void vi_undo(struct siovh_check *check, void *p)
{
	EXPECT_OK(obj_destroy(check, ((struct vi_ctx *)p)->made));
}

static int viommu_call(struct siovh_check *check, void *p)
{
	struct vi_ctx *c = p;
	struct siovh_viommu_alloc a = {
		.type = c->x.caps.viommu_type, .dev_id = c->x.dev_id,
		.hwpt_id = c->x.parent, .data_len = c->x.caps.mmio_data_len,
		.data_uptr = c->x.caps.mmio_data_len ? (uintptr_t)c->data : 0,
	};
	int ret;

	memcpy(c->data, c->x.caps.mmio_data, sizeof(c->data));
	ret = viommu_alloc(check, &a);
	c->made = a.out_viommu_id;
	return ret;
}

static int vdev_call(struct siovh_check *check, void *p)
{
	struct vi_ctx *c = p;

	return vdev_alloc(check, c->x.viommu, c->x.dev_id, VI_VIRT_ID,
			  &c->made);
}

static int veventq_call(struct siovh_check *check, void *p)
{
	struct vi_ctx *c = p;
	struct siovh_veventq_alloc a = {
		.viommu_id = c->x.viommu, .type = c->x.caps.veventq_type,
		.veventq_depth = 4,
	};
	int ret = veventq_alloc(check, &a);

	c->made = a.out_veventq_id;
	c->made_fd = ret ? -1 : (int)a.out_veventq_fd;
	return ret;
}

static void veventq_undo(struct siovh_check *check, void *p)
{
	struct vi_ctx *c = p;

	close(c->made_fd);
	vi_undo(check, p);
}

static int hwq_call(struct siovh_check *check, void *p)
{
	struct vi_ctx *c = p;
	struct siovh_hw_queue_alloc a = {
		.size = sizeof(a), .viommu_id = c->x.viommu,
		.type = c->x.caps.hw_queue_type, .nesting_parent_iova = c->qmem,
		.length = PG,
	};
	int ret = fd_ioctl(check, SIOVH_IOMMU_HW_QUEUE_ALLOC, &a);

	c->made = a.out_hw_queue_id;
	return ret;
}

SIOVH_CLAUSE(enomem_viommu,
	.id = "IOMMUFD.VIOMMU.10", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "VIOMMU_ALLOC (with its MMIO pages), VDEVICE_ALLOC, VEVENTQ_ALLOC and HW_QUEUE_ALLOC whose memory allocation fails (each in turn) return -ENOMEM and leave no object behind (no new ID), and then succeed",
	.source = SRC_ENOMEM_H "; " SRC_ENOMEM_DERIVED "; " SRC_VIOMMU,
	.needs = NEEDS_IOMMUFD | NEEDS_FAIL_NTH)
{
	static const struct enomem_op viommu_op = {
		"IOMMU_VIOMMU_ALLOC", viommu_call, vi_no_new_ids, vi_undo,
	};
	static const struct enomem_op vdev_op = {
		"IOMMU_VDEVICE_ALLOC", vdev_call, vi_no_new_ids, vi_undo,
	};
	static const struct enomem_op veventq_op = {
		"IOMMU_VEVENTQ_ALLOC", veventq_call, vi_no_new_ids,
		veventq_undo,
	};
	static const struct enomem_op hwq_op = {
		"IOMMU_HW_QUEUE_ALLOC", hwq_call, vi_no_new_ids, vi_undo,
	};
	struct vi_ctx c;
	uint8_t *mem;

	memset(&c, 0, sizeof(c));
	vi_up(check, &c.x);
	mem = must_pages(check, 1);
	c.qmem = must_base(check, c.x.ioas);
	ASSERT_OK(ioas_map(check, c.x.ioas, FIXED, mem, PG, &c.qmem));
	ASSERT_OK(ioas_alloc(check, &c.top));	/* the highest ID held */
	enomem_walk(check, &viommu_op, &c);
	c.x.viommu = c.made;
	c.top = c.made;
	enomem_walk(check, &vdev_op, &c);
	c.top = c.made;
	enomem_walk(check, &veventq_op, &c);
	close(c.made_fd);
	c.top = c.made;
	if (c.x.caps.hw_queue_type)
		enomem_walk(check, &hwq_op, &c);
}
