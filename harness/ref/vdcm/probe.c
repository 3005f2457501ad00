/* SPDX-License-Identifier: MIT */
/*
 * The test facet's view of the VDCM and the hardware under it (test.h):
 * what a check may look at but a VMM cannot, like IOMMU_TEST_CMD.
 */
#include <errno.h>
#include <string.h>

#include "vdcm_internal.h"

int vdcm_parent_probe(struct vdcm *vdcm, struct siovh_parent_probe *out)
{
	uint32_t i;

	if (!vdcm || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->nr_adis = vdcm->nr_adis;
	for (i = 0; i < vdcm->nr_adis; i++)
		if (!vdcm->adi_owner[i] && !vdcm_adi_leaked(vdcm, i))
			out->free_adis++;
	out->nr_vdevs = vdcm->nr_vdevs;
	out->pasid_enabled = vdcm_hw_pasid_enabled(vdcm);
	out->pinned_pages = vdcm->pinned_pages;
	/* Hardware that cannot count IOMMU faults reports 0 here; its test
	 * facet has no dma_fault_pop, which checks look at first. */
	vdcm_hw_iommu_faults(vdcm, &out->iommu_faults);
	return 0;
}

int vdcm_vdev_probe(struct vdcm *vdcm, struct vdcm_vdev *vdev,
		    struct siovh_vdev_probe *out)
{
	int ret = vdcm_vdev_check(vdcm, vdev, false);

	if (ret)
		return ret;
	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->open = vdev->open;
	out->nr_adis = vdev->cur_queues;
	memcpy(out->adis, vdev->adi, vdev->cur_queues * sizeof(out->adis[0]));
	out->default_pasid = vdev->open ? vdev->pasid : 0;
	out->cur_queues = vdev->cur_queues;
	out->max_queues = vdev_max_queues(vdev);
	out->pinned_pages = vdev->pins.nr;
	out->migration_state = vdev->open ? vdev->mig.state :
				VFIO_DEVICE_STATE_RUNNING;
	return 0;
}

int vdcm_adi_probe(struct vdcm *vdcm, uint32_t adi,
		   struct siovh_adi_probe *out)
{
	if (!vdcm || !out || adi >= vdcm->nr_adis)
		return -EINVAL;
	return vdcm_hw_adi_probe(vdcm, adi, out);
}

/*
 * The ADI's event log: the device's events merged with the IOMMU events the
 * VDCM logged (PASID_DETACH). Sequence numbers are the device's doubled; a
 * VDCM event takes the odd number just after the device event it followed.
 */
int vdcm_adi_trace(struct vdcm *vdcm, uint32_t adi,
		   struct siovh_adi_event *ev, size_t max, size_t *n)
{
	struct siovh_adi_event dev[256];
	const struct vdcm_adi_log *log;
	size_t nd = 0, i = 0, j = 0, k = 0;
	int ret;

	if (!vdcm || !n || (!ev && max) || adi >= vdcm->nr_adis)
		return -EINVAL;
	ret = vdcm_hw_adi_device_trace(vdcm, adi, dev, 256, &nd);
	if (ret)
		return ret;
	log = &vdcm->log[adi];
	while (k < max && (i < nd || j < log->nr)) {
		if (j < log->nr && (i == nd || log->ev[j].after < dev[i].seq)) {
			ev[k].kind = log->ev[j].kind;
			ev[k].arg = log->ev[j].arg;
			ev[k].seq = 2 * log->ev[j].after + 1;
			j++;
		} else {
			ev[k] = dev[i];
			ev[k].seq = 2 * dev[i].seq;
			i++;
		}
		k++;
	}
	*n = k;
	return 0;
}

int vdcm_dma_fault_pop(struct vdcm *vdcm, struct siovh_dma_fault *out)
{
	if (!vdcm || !out)
		return -EINVAL;
	return vdcm_hw_fault_pop(vdcm, out);
}
