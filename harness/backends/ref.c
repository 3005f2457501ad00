/* SPDX-License-Identifier: MIT */
/*
 * The ref backend: the reference platform of one target, behind the ioasid,
 * test, vfio_device, iommufd and pci facets:
 *
 *	IOASID core (the system's PASID space)
 *	viommu      (the IOMMU; the parent's DMA is translated here)
 *	siovdev     (the SIOV parent, RID REF_RID, behind the viommu)
 *	vdcm        (the VDCM over the parent; the VDEVs)
 *	iommufd     (/dev/iommu: IOAS, HWPT, device and fault objects; its
 *	             devices are the VDCM's VDEVs, bound through the VDCM's
 *	             vSVA calls; the IOMMU's page responses go to the parent)
 *	kvm         (KVM's guest PASID translation, kept by the IOASID
 *	             notifications of each bound VDEV's VM)
 *
 * The ops below only translate the target into a module and pass the call
 * on; the behaviour is all in harness/ref. This file also plays the host
 * of the parent: its DMA goes to viommu_dma() with the parent's RID, its
 * interrupt messages to vdcm_msi().
 *
 * The parent is siovdev_config_default's, described by specs/profiles/
 * ref.json, or (ref:profile=PATH) the one PATH describes (ref_profile.c);
 * profile_path() names that profile, so the clauses judge the parent by it.
 *
 * ref:parent=vfio:BDF keeps the IOASID core and the VDCM and replaces the
 * parent and its IOMMU with a real endpoint and the running kernel's
 * iommufd: ref_open hands it to ref_vfio.c.
 *
 * Faults: the table is the union of the modules' X-macro lists, in the
 * order ioasid, siovdev, viommu, vdcm, iommufd, kvm ("ioasid-<name>",
 * "siovdev-<name>", ...); spec->fault indexes it and ref_open routes the
 * index to its module. Facets: ioasid faults "ioasid", vdcm and kvm
 * faults "vdev";
 * a siovdev, viommu or iommufd fault has the facet its reach column names
 * (faults.h: PCI "pci", VDEV "vdev", IOMMUFD "iommufd"), and one of reach
 * UNIT, which no facet can observe, is left out of the table: the module's
 * unit tests prove those.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/backends/ref.h"
#include "harness/backends/ref_internal.h"
#include "harness/backends/vfio_parent.h"
#include "harness/ref/alloc/alloc.h"
#include "harness/ref/iommufd/iommufd.h"
#include "harness/ref/kvm/kvm_pasid.h"
#include "harness/ref/ioasid/ioasid.h"
#include "harness/ref/siovdev/siovdev.h"
#include "harness/ref/vdcm/vdcm.h"
#include "harness/ref/viommu/viommu.h"

/* The parent's requester ID: bus 1, device 0, function 0. */
#define REF_RID 0x0100
/* The reference profile, relative to the repository. */
#define REF_PROFILE "specs/profiles/ref.json"

#define REF_FEATURES (SIOVH_FEAT_IOASID | SIOVH_FEAT_TEST_IOASID | \
		      SIOVH_FEAT_IOASID_THREADS | SIOVH_FEAT_VFIO_DEVICE | \
		      SIOVH_FEAT_PCI_CONFIG | SIOVH_FEAT_TEST_VDEV | \
		      SIOVH_FEAT_VDEV_MIGRATION | SIOVH_FEAT_VDEV_DIRTY | \
		      SIOVH_FEAT_REF_ENGINE | SIOVH_FEAT_IOMMUFD | \
		      SIOVH_FEAT_FAIL_NTH | SIOVH_FEAT_PARENT_REPROBE)
/* Only a parent with PRI sends page requests (siovdev.h "Page requests"). */
#define REF_FEATURES_PRI SIOVH_FEAT_PAGE_REQUEST


static struct ioasid_core *core_of(struct siovh_target *t)
{
	return ref_of(t)->ioasid;
}

/* The facet's opaque set is the core's set. */
static struct ioasid_set *set_of(struct siovh_ioasid_set *set)
{
	return (struct ioasid_set *)set;
}

static int ref_set_alloc(struct siovh_target *t, void *token, uint32_t quota,
			 enum siovh_ioasid_set_type type,
			 struct siovh_ioasid_set **out)
{
	struct ioasid_set *set;
	int err;

	if (!out)
		return -EINVAL;
	err = ioasid_set_alloc(core_of(t), token, quota, type, &set);
	if (!err)
		*out = (struct siovh_ioasid_set *)set;
	return err;
}

static int ref_set_adjust(struct siovh_target *t, struct siovh_ioasid_set *set,
			  uint32_t quota)
{
	return ioasid_set_adjust(core_of(t), set_of(set), quota);
}

static void ref_set_get(struct siovh_target *t, struct siovh_ioasid_set *set)
{
	ioasid_set_get(core_of(t), set_of(set));
}

static void ref_set_put(struct siovh_target *t, struct siovh_ioasid_set *set)
{
	ioasid_set_put(core_of(t), set_of(set));
}

static int ref_set_for_each(struct siovh_target *t,
			    struct siovh_ioasid_set *set,
			    void (*fn)(siovh_ioasid_t id, void *data),
			    void *data)
{
	return ioasid_set_for_each(core_of(t), set_of(set), fn, data);
}

static int ref_get_capacity(struct siovh_target *t, uint32_t *capacity,
			    uint32_t *avail)
{
	return ioasid_get_capacity(core_of(t), capacity, avail);
}

static int ref_alloc(struct siovh_target *t, struct siovh_ioasid_set *set,
		     siovh_ioasid_t min, siovh_ioasid_t max, void *private,
		     siovh_ioasid_t *out)
{
	return ioasid_alloc(core_of(t), set_of(set), min, max, private, out);
}

static void ref_free(struct siovh_target *t, struct siovh_ioasid_set *set,
		     siovh_ioasid_t id)
{
	ioasid_free(core_of(t), set_of(set), id);
}

static int ref_get(struct siovh_target *t, struct siovh_ioasid_set *set,
		   siovh_ioasid_t id)
{
	return ioasid_get(core_of(t), set_of(set), id);
}

static int ref_put(struct siovh_target *t, struct siovh_ioasid_set *set,
		   siovh_ioasid_t id)
{
	return ioasid_put(core_of(t), set_of(set), id);
}

static int ref_find(struct siovh_target *t, struct siovh_ioasid_set *set,
		    siovh_ioasid_t id, bool (*getter)(void *private),
		    void **private_out)
{
	return ioasid_find(core_of(t), set_of(set), id, getter, private_out);
}

static int ref_attach_data(struct siovh_target *t,
			   struct siovh_ioasid_set *set, siovh_ioasid_t id,
			   void *data)
{
	return ioasid_attach_data(core_of(t), set_of(set), id, data);
}

static int ref_attach_spid(struct siovh_target *t,
			   struct siovh_ioasid_set *set, siovh_ioasid_t id,
			   siovh_ioasid_t spid)
{
	return ioasid_attach_spid(core_of(t), set_of(set), id, spid);
}

static int ref_find_by_spid(struct siovh_target *t,
			    struct siovh_ioasid_set *set, siovh_ioasid_t spid,
			    siovh_ioasid_t *out)
{
	return ioasid_find_by_spid(core_of(t), set_of(set), spid, out);
}

static int ref_register_notifier(struct siovh_target *t,
				 struct siovh_ioasid_set *set,
				 struct siovh_ioasid_nb *nb)
{
	return ioasid_register_notifier(core_of(t), set_of(set), nb);
}

static int ref_unregister_notifier(struct siovh_target *t,
				   struct siovh_ioasid_set *set,
				   struct siovh_ioasid_nb *nb)
{
	return ioasid_unregister_notifier(core_of(t), set_of(set), nb);
}

static int ref_register_notifier_mm(struct siovh_target *t, void *token,
				    struct siovh_ioasid_nb *nb)
{
	return ioasid_register_notifier_mm(core_of(t), token, nb);
}

static int ref_unregister_notifier_mm(struct siovh_target *t, void *token,
				      struct siovh_ioasid_nb *nb)
{
	return ioasid_unregister_notifier_mm(core_of(t), token, nb);
}

static int ref_notify(struct siovh_target *t, struct siovh_ioasid_set *set,
		      siovh_ioasid_t id, enum siovh_ioasid_event event,
		      unsigned int flags)
{
	return ioasid_notify(core_of(t), set_of(set), id, event, flags);
}

static const struct siovh_ioasid_ops ref_ioasid_ops = {
	.set_alloc = ref_set_alloc,
	.set_adjust = ref_set_adjust,
	.set_get = ref_set_get,
	.set_put = ref_set_put,
	.set_for_each = ref_set_for_each,
	.get_capacity = ref_get_capacity,
	.alloc = ref_alloc,
	.free = ref_free,
	.get = ref_get,
	.put = ref_put,
	.find = ref_find,
	.attach_data = ref_attach_data,
	.attach_spid = ref_attach_spid,
	.find_by_spid = ref_find_by_spid,
	.register_notifier = ref_register_notifier,
	.unregister_notifier = ref_unregister_notifier,
	.register_notifier_mm = ref_register_notifier_mm,
	.unregister_notifier_mm = ref_unregister_notifier_mm,
	.notify = ref_notify,
};

static int ref_ioasid_probe(struct siovh_target *t, siovh_ioasid_t id,
			    struct siovh_ioasid_probe *out)
{
	return ioasid_probe(core_of(t), id, out);
}

static int ref_ioasid_set_probe(struct siovh_target *t,
				struct siovh_ioasid_set *set,
				struct siovh_ioasid_set_probe *out)
{
	return ioasid_set_probe(core_of(t), set_of(set), out);
}

/* ---- The VDCM probes (test facet) ---- */

static struct vdcm *vdcm_of(struct siovh_target *t)
{
	return ref_of(t)->vdcm;
}

/* The facet's opaque VDEV is the VDCM's. */
static struct vdcm_vdev *vdev_of(struct siovh_vdev *vdev)
{
	return (struct vdcm_vdev *)vdev;
}

/*
 * After a probe that failed (parent_reprobe) the parent has no VDCM: no
 * types to create from, nothing of a VDCM to look at (test.h).
 */
static int ref_unbound(struct siovh_target *t)
{
	return vdcm_of(t) ? 0 : -ENODEV;
}

int ref_parent_probe(struct siovh_target *t,
			    struct siovh_parent_probe *out)
{
	int ret = ref_unbound(t);

	return ret ? ret : vdcm_parent_probe(vdcm_of(t), out);
}

int ref_vdev_probe(struct siovh_target *t, struct siovh_vdev *vdev,
			  struct siovh_vdev_probe *out)
{
	return vdcm_vdev_probe(vdcm_of(t), vdev_of(vdev), out);
}

int ref_adi_probe(struct siovh_target *t, uint32_t adi,
			 struct siovh_adi_probe *out)
{
	int ret = ref_unbound(t);

	return ret ? ret : vdcm_adi_probe(vdcm_of(t), adi, out);
}

static int ref_adi_trace(struct siovh_target *t, uint32_t adi,
			 struct siovh_adi_event *ev, size_t max, size_t *n)
{
	int ret = ref_unbound(t);

	return ret ? ret : vdcm_adi_trace(vdcm_of(t), adi, ev, max, n);
}

static int ref_dma_fault_pop(struct siovh_target *t,
			     struct siovh_dma_fault *out)
{
	int ret = ref_unbound(t);

	return ret ? ret : vdcm_dma_fault_pop(vdcm_of(t), out);
}

static int ref_parent_reprobe(struct siovh_target *t);

int ref_vdev_set_queues(struct siovh_target *t, struct siovh_vdev *vdev,
			uint32_t n)
{
	return vdcm_set_cur_queues(vdcm_of(t), vdev_of(vdev), n);
}

/* The reference's fail-nth is its modules' allocator (ref/alloc/alloc.h). */
static int ref_fail_nth(struct siovh_target *t, unsigned int nth,
			unsigned int *left)
{
	unsigned int was = ref_fail_nth_arm(nth);

	(void)t;
	if (left)
		*left = was;
	return 0;
}

static const struct siovh_test_ops ref_test_ops = {
	.ioasid_probe = ref_ioasid_probe,
	.ioasid_set_probe = ref_ioasid_set_probe,
	.parent_probe = ref_parent_probe,
	.vdev_probe = ref_vdev_probe,
	.adi_probe = ref_adi_probe,
	.adi_trace = ref_adi_trace,
	.dma_fault_pop = ref_dma_fault_pop,
	.fail_nth = ref_fail_nth,
	.parent_reprobe = ref_parent_reprobe,
	.vdev_set_queues = ref_vdev_set_queues,
};

/* ---- The VFIO-device facet ---- */

static int ref_list_types(struct siovh_target *t, char *buf, size_t len)
{
	int ret = ref_unbound(t);

	return ret ? ret : vdcm_list_types(vdcm_of(t), buf, len);
}

static int ref_available_instances(struct siovh_target *t, const char *type,
				   unsigned int *out)
{
	int ret = ref_unbound(t);

	return ret ? ret : vdcm_available_instances(vdcm_of(t), type, out);
}

static int ref_create(struct siovh_target *t, const char *type,
		      const uint8_t uuid[16], struct siovh_vdev **out)
{
	struct vdcm_vdev *vdev;
	int ret = ref_unbound(t);

	if (ret)
		return ret;
	if (!out)
		return -EINVAL;
	ret = vdcm_vdev_create(vdcm_of(t), type, uuid, &vdev);
	if (!ret)
		*out = (struct siovh_vdev *)vdev;
	return ret;
}

static int ref_remove(struct siovh_target *t, struct siovh_vdev *vdev)
{
	return vdcm_vdev_remove(vdcm_of(t), vdev_of(vdev));
}

static int ref_open_vdev(struct siovh_target *t, struct siovh_vdev *vdev)
{
	return vdcm_vdev_open(vdcm_of(t), vdev_of(vdev));
}

/*
 * The close of the VDEV's device fd, which is also its cdev: the iommufd
 * device object bound through it goes first (detached, unbound), as the
 * kernel's cdev release unbinds from iommufd, then the VDCM's release.
 */
static int ref_release(struct siovh_target *t, struct siovh_vdev *vdev)
{
	struct siovh_vdev_probe p;

	if (ref_of(t)->iommufd &&
	    !vdcm_vdev_probe(vdcm_of(t), vdev_of(vdev), &p) && p.open)
		iommufd_device_close(ref_of(t)->iommufd, vdev);
	return vdcm_vdev_release(vdcm_of(t), vdev_of(vdev));
}

static int ref_ioctl(struct siovh_target *t, struct siovh_vdev *vdev,
		     unsigned long cmd, void *arg)
{
	return vdcm_vdev_ioctl(vdcm_of(t), vdev_of(vdev), cmd, arg);
}

static ssize_t ref_pread(struct siovh_target *t, struct siovh_vdev *vdev,
			 void *buf, size_t len, uint64_t offset)
{
	return vdcm_vdev_pread(vdcm_of(t), vdev_of(vdev), buf, len, offset);
}

static void ref_dev_deliver(void *priv);

/*
 * A write may make the parent send page requests that the IOMMU answers
 * itself (the page is there, or its queue is full): those answers reach
 * the device as soon as the write returns, as on hardware, not only at
 * the user's next fault-queue call.
 */
static ssize_t ref_pwrite(struct siovh_target *t, struct siovh_vdev *vdev,
			  const void *buf, size_t len, uint64_t offset)
{
	ssize_t n = vdcm_vdev_pwrite(vdcm_of(t), vdev_of(vdev), buf, len,
				     offset);

	ref_dev_deliver(ref_of(t));
	return n;
}

static void *ref_mmap(struct siovh_target *t, struct siovh_vdev *vdev,
		      uint64_t offset, size_t len)
{
	return vdcm_vdev_mmap(vdcm_of(t), vdev_of(vdev), offset, len);
}

static int ref_munmap(struct siovh_target *t, struct siovh_vdev *vdev,
		      void *addr, size_t len)
{
	return vdcm_vdev_munmap(vdcm_of(t), vdev_of(vdev), addr, len);
}

static int ref_container_ioctl(struct siovh_target *t,
			       struct siovh_vdev *vdev, unsigned long cmd,
			       void *arg)
{
	return vdcm_container_ioctl(vdcm_of(t), vdev_of(vdev), cmd, arg);
}

const struct siovh_vfio_device_ops ref_vfio_device_ops = {
	.list_types = ref_list_types,
	.available_instances = ref_available_instances,
	.create = ref_create,
	.remove = ref_remove,
	.open = ref_open_vdev,
	.release = ref_release,
	.ioctl = ref_ioctl,
	.pread = ref_pread,
	.pwrite = ref_pwrite,
	.mmap = ref_mmap,
	.munmap = ref_munmap,
	.container_ioctl = ref_container_ioctl,
};

/* ---- The iommufd facet: /dev/iommu ---- */

static int ref_iommufd_ioctl(struct siovh_target *t, unsigned long cmd,
			     void *arg)
{
	return iommufd_ioctl(ref_of(t)->iommufd, cmd, arg);
}

/* An ioctl on the VDEV's cdev: the VDEV must be open (a cdev fd exists). */
static int ref_iommufd_device_ioctl(struct siovh_target *t,
				    struct siovh_vdev *vdev,
				    unsigned long cmd, void *arg)
{
	struct siovh_vdev_probe p;
	int ret = vdcm_vdev_probe(vdcm_of(t), vdev_of(vdev), &p);

	if (ret)
		return ret;
	if (!p.open)
		return -EBADF;
	return iommufd_device_ioctl(ref_of(t)->iommufd, vdev, cmd, arg);
}

static ssize_t ref_fault_read(struct siovh_target *t, int fd, void *buf,
			      size_t len)
{
	return iommufd_fault_read(ref_of(t)->iommufd, fd, buf, len);
}

static ssize_t ref_fault_write(struct siovh_target *t, int fd,
			       const void *buf, size_t len)
{
	return iommufd_fault_write(ref_of(t)->iommufd, fd, buf, len);
}

/*
 * The test access (target.h test_access_*): the reference's access API
 * (iommufd.h, "Accesses"), whose driver is the kernel's test user; the
 * handle is the access's object ID. The flags are the same bits.
 */
_Static_assert(SIOVH_ACCESS_PIN_PAGES == IOMMUFD_ACCESS_PIN_PAGES &&
	       SIOVH_ACCESS_KEEP_PINS == IOMMUFD_ACCESS_KEEP_PINS &&
	       SIOVH_ACCESS_WRITE == IOMMUFD_ACCESS_RW_WRITE &&
	       SIOVH_ACCESS_FOREIGN == IOMMUFD_ACCESS_RW_FOREIGN,
	       "target.h access flags are the reference's");

static int ref_access_create(struct siovh_target *t, uint32_t ioas_id,
			     uint32_t flags, int *access)
{
	uint32_t id;
	int ret = iommufd_access_create(ref_of(t)->iommufd, ioas_id, flags,
					&id);

	if (!ret)
		*access = (int)id;
	return ret;
}

static int ref_access_destroy(struct siovh_target *t, int access)
{
	return iommufd_access_destroy(ref_of(t)->iommufd, (uint32_t)access);
}

static int ref_access_replace(struct siovh_target *t, int access,
			      uint32_t ioas_id)
{
	return iommufd_access_replace(ref_of(t)->iommufd, (uint32_t)access,
				      ioas_id);
}

static int ref_access_pin(struct siovh_target *t, int access, uint64_t iova,
			  uint64_t length, uint32_t flags, const void *uptr,
			  uint32_t *pin_id)
{
	return iommufd_access_pin(ref_of(t)->iommufd, (uint32_t)access, iova,
				  length, flags, uptr, pin_id);
}

static int ref_access_unpin(struct siovh_target *t, int access,
			    uint32_t pin_id)
{
	return iommufd_access_unpin(ref_of(t)->iommufd, (uint32_t)access,
				    pin_id);
}

static int ref_access_rw(struct siovh_target *t, int access, uint64_t iova,
			 void *buf, uint64_t len, uint32_t flags)
{
	return iommufd_access_rw(ref_of(t)->iommufd, (uint32_t)access, iova,
				 buf, len, flags);
}

static const struct siovh_iommufd_ops ref_iommufd_ops = {
	.ioctl = ref_iommufd_ioctl,
	.device_ioctl = ref_iommufd_device_ioctl,
	.fault_read = ref_fault_read,
	.fault_write = ref_fault_write,
	.test_access_create = ref_access_create,
	.test_access_destroy = ref_access_destroy,
	.test_access_replace = ref_access_replace,
	.test_access_pin = ref_access_pin,
	.test_access_unpin = ref_access_unpin,
	.test_access_rw = ref_access_rw,
	.viommu_caps = ref_viommu_caps,
	.vevent_trigger = ref_vevent_trigger,
	.vevent_read = ref_vevent_read,
	.mmap = ref_iommufd_mmap,
	.munmap = ref_iommufd_munmap,
};

/* ---- The VDCM's vSVA calls, as iommufd's device ops ---- */

/*
 * A VDEV bound to /dev/iommu is a VM's device: KVM listens to the VM's
 * IOASID notifications (its token is the VDEV, vdcm.h "vSVA") from bind
 * to unbind, so that it keeps the guest's PASID translation (kvm_pasid.h).
 */
static int ref_dev_bind(void *priv, void *dev, uint16_t *rid,
			uint32_t *default_pasid)
{
	struct ref_target *ref = priv;
	int ret = kvm_pasid_watch(ref->kvm, dev);

	if (ret)
		return ret;
	ret = vdcm_vdev_iommu_bind(ref->vdcm, dev, rid, default_pasid);
	if (ret)
		kvm_pasid_unwatch(ref->kvm, dev);
	return ret;
}

static int ref_dev_unbind(void *priv, void *dev)
{
	struct ref_target *ref = priv;
	int ret = vdcm_vdev_iommu_unbind(ref->vdcm, dev);

	kvm_pasid_unwatch(ref->kvm, dev);
	return ret;
}

static int ref_dev_gpasid_alloc(void *priv, void *dev, uint32_t gpasid,
				uint32_t *hpasid)
{
	return vdcm_vdev_gpasid_alloc(((struct ref_target *)priv)->vdcm, dev, gpasid, hpasid);
}

static int ref_dev_gpasid_free(void *priv, void *dev, uint32_t gpasid)
{
	return vdcm_vdev_gpasid_free(((struct ref_target *)priv)->vdcm, dev, gpasid);
}

static int ref_dev_host_to_gpasid(void *priv, uint32_t hpasid, void **dev,
				  uint32_t *gpasid)
{
	struct vdcm_vdev *v;
	int ret = vdcm_host_to_gpasid(((struct ref_target *)priv)->vdcm, hpasid, &v, gpasid);

	if (!ret && dev)
		*dev = v;
	return ret;
}

static int ref_dev_gpasid_to_host(void *priv, void *dev, uint32_t gpasid,
				  uint32_t *hpasid)
{
	return vdcm_vdev_gpasid_to_host(((struct ref_target *)priv)->vdcm, dev, gpasid, hpasid);
}

/* The IOMMU's page responses go to the parent (the device side of PRI). */
static void ref_dev_deliver(void *priv)
{
	struct ref_target *ref = priv;
	struct viommu_page_response r;

	if (!ref->iommu)
		return;			/* a real parent: the kernel's IOMMU */
	while (!viommu_prq_response_pop(ref->iommu, &r))
		if (r.rid == REF_RID)
			siovdev_page_response(ref->parent, r.pasid,
					      r.prg_index, r.code);
}

static const struct iommufd_dev_ops ref_iommufd_dev_ops = {
	.bind = ref_dev_bind,
	.unbind = ref_dev_unbind,
	.gpasid_alloc = ref_dev_gpasid_alloc,
	.gpasid_free = ref_dev_gpasid_free,
	.gpasid_to_host = ref_dev_gpasid_to_host,
	.host_to_gpasid = ref_dev_host_to_gpasid,
	.deliver_responses = ref_dev_deliver,
};

/* ---- The PCI facet: the parent's config space ---- */

static bool cfg_access_ok(size_t len, uint64_t offset)
{
	return (len == 1 || len == 2 || len == 4) && !(offset % len) &&
	       offset < SIOVDEV_CFG_SIZE;
}

static ssize_t ref_cfg_read(struct siovh_target *t, void *buf, size_t len,
			    uint64_t offset)
{
	uint32_t val;
	int ret;

	if (!buf || !cfg_access_ok(len, offset))
		return -EINVAL;
	ret = siovdev_cfg_read(ref_of(t)->parent, (uint32_t)offset,
			       (unsigned int)len, &val);
	if (ret)
		return ret;
	memcpy(buf, &val, len);		/* little-endian host */
	return (ssize_t)len;
}

static ssize_t ref_cfg_write(struct siovh_target *t, const void *buf,
			     size_t len, uint64_t offset)
{
	uint32_t val = 0;
	int ret;

	if (!buf || !cfg_access_ok(len, offset))
		return -EINVAL;
	memcpy(&val, buf, len);
	ret = siovdev_cfg_write(ref_of(t)->parent, (uint32_t)offset,
				(unsigned int)len, val);
	return ret ? ret : (ssize_t)len;
}

const char *ref_profile_path(struct siovh_target *t)
{
	return ref_of(t)->profile;
}

static const struct siovh_pci_ops ref_pci_ops = {
	.cfg_read = ref_cfg_read,
	.cfg_write = ref_cfg_write,
	.profile_path = ref_profile_path,
};

/*
 * Where the reference profile is: REF_PROFILE under the working directory
 * (make runs from the repository), else under the repository the running
 * program was built in (build/VARIANT/PROGRAM, two levels down).
 */
void siovh_ref_profile_path(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;
	int up;

	snprintf(buf, len, "%s", REF_PROFILE);
	if (!access(REF_PROFILE, R_OK))
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	for (up = 0; up < 3; up++) {
		slash = strrchr(exe, '/');
		if (!slash)
			return;
		*slash = '\0';
	}
	if (strlen(exe) + sizeof("/" REF_PROFILE) <= len)
		snprintf(buf, len, "%s/%s", exe, REF_PROFILE);
}

/* ---- Faults ---- */

/* A siovdev or viommu fault's facet, by its reach (faults.h). */
#define REF_FACET_PCI	"pci"
#define REF_FACET_VDEV	"vdev"
#define REF_FACET_IOMMUFD "iommufd"
/* Keep an entry of that reach in the table, or (UNIT) leave it out. */
#define REF_KEEP_PCI(...)	__VA_ARGS__
#define REF_KEEP_VDEV(...)	__VA_ARGS__
#define REF_KEEP_IOMMUFD(...)	__VA_ARGS__
#define REF_KEEP_UNIT(...)

#define REF_IOASID_FAULT(c, n, s) {					\
		.name = "ioasid-" n,					\
		.facet = "ioasid",					\
		.summary = s,						\
		.code = IOASID_FAULT_##c,				\
	},
#define REF_SIOVDEV_FAULT(c, n, r, s) REF_KEEP_##r({			\
		.name = "siovdev-" n,					\
		.facet = REF_FACET_##r,					\
		.summary = s,						\
		.code = SIOVDEV_FAULT_##c,				\
	},)
#define REF_VIOMMU_FAULT(c, n, r, s) REF_KEEP_##r({			\
		.name = "viommu-" n,					\
		.facet = REF_FACET_##r,					\
		.summary = s,						\
		.code = VIOMMU_FAULT_##c,				\
	},)
#define REF_VDCM_FAULT(c, n, s) {					\
		.name = "vdcm-" n,					\
		.facet = "vdev",					\
		.summary = s,						\
		.code = VDCM_FAULT_##c,					\
	},
#define REF_KVM_FAULT(c, n, s) {					\
		.name = "kvm-" n,					\
		.facet = "vdev",					\
		.summary = s,						\
		.code = KVM_PASID_FAULT_##c,				\
	},
#define REF_IOMMUFD_FAULT(c, n, r, s) REF_KEEP_##r({			\
		.name = "iommufd-" n,					\
		.facet = REF_FACET_##r,					\
		.summary = s,						\
		.code = IOMMUFD_FAULT_##c,				\
	},)

static const struct siovh_fault ref_faults[] = {
	IOASID_FAULT_LIST(REF_IOASID_FAULT)
	SIOVDEV_FAULT_LIST(REF_SIOVDEV_FAULT)
	VIOMMU_FAULT_LIST(REF_VIOMMU_FAULT)
	VDCM_FAULT_LIST(REF_VDCM_FAULT)
	IOMMUFD_FAULT_LIST(REF_IOMMUFD_FAULT)
	KVM_PASID_FAULT_LIST(REF_KVM_FAULT)
	{ .name = NULL },
};

#define REF_NR_FAULTS (sizeof(ref_faults) / sizeof(ref_faults[0]) - 1)

/* Which module each entry of ref_faults belongs to, entry for entry. */
enum ref_module {
	REF_IOASID, REF_SIOVDEV, REF_VIOMMU, REF_VDCM, REF_IOMMUFD, REF_KVM,
};

#define REF_IOASID_MODULE(c, n, s) REF_IOASID,
#define REF_SIOVDEV_MODULE(c, n, r, s) REF_KEEP_##r(REF_SIOVDEV,)
#define REF_VIOMMU_MODULE(c, n, r, s) REF_KEEP_##r(REF_VIOMMU,)
#define REF_VDCM_MODULE(c, n, s) REF_VDCM,
#define REF_IOMMUFD_MODULE(c, n, r, s) REF_KEEP_##r(REF_IOMMUFD,)
#define REF_KVM_MODULE(c, n, s) REF_KVM,

static const unsigned char ref_fault_module[] = {
	IOASID_FAULT_LIST(REF_IOASID_MODULE)
	SIOVDEV_FAULT_LIST(REF_SIOVDEV_MODULE)
	VIOMMU_FAULT_LIST(REF_VIOMMU_MODULE)
	VDCM_FAULT_LIST(REF_VDCM_MODULE)
	IOMMUFD_FAULT_LIST(REF_IOMMUFD_MODULE)
	KVM_PASID_FAULT_LIST(REF_KVM_MODULE)
};

_Static_assert(sizeof(ref_fault_module) == REF_NR_FAULTS,
	       "ref_fault_module must match ref_faults entry for entry");

/* One fault code per module; NONE for all but the one spec->fault names. */

static int ref_route_fault(int index, struct ref_faults *f)
{
	int code;

	*f = (struct ref_faults) { IOASID_FAULT_NONE, SIOVDEV_FAULT_NONE,
				   VIOMMU_FAULT_NONE, VDCM_FAULT_NONE,
				   IOMMUFD_FAULT_NONE, KVM_PASID_FAULT_NONE };
	if (index < 0)
		return 0;
	if ((size_t)index >= REF_NR_FAULTS)
		return -EINVAL;
	code = ref_faults[index].code;
	switch (ref_fault_module[index]) {
	case REF_IOASID:
		f->ioasid = code;
		break;
	case REF_SIOVDEV:
		f->siovdev = code;
		break;
	case REF_VIOMMU:
		f->viommu = code;
		break;
	case REF_VDCM:
		f->vdcm = code;
		break;
	case REF_KVM:
		f->kvm = code;
		break;
	default:
		f->iommufd = code;
		break;
	}
	return 0;
}

/* ---- The host of the parent ---- */

static int ref_host_dma(void *host, uint32_t pasid, uint64_t addr, void *buf,
			size_t len, bool write)
{
	struct ref_target *ref = host;

	return viommu_dma(ref->iommu, REF_RID, true, pasid, addr, buf, len,
			  write);
}

static void ref_host_msi(void *host, uint64_t addr, uint32_t data)
{
	struct ref_target *ref = host;

	if (ref->vdcm)
		vdcm_msi(ref->vdcm, addr, data);
}

/* A PRI page request of the parent goes to the IOMMU's queue (the
 * parent's requests are PASID-tagged: its ADIs always are). */
static int ref_host_page_request(void *host, uint32_t pasid, uint64_t addr,
				 uint32_t perm, uint16_t prg_index, bool last)
{
	struct ref_target *ref = host;
	struct viommu_page_request r = {
		.rid = REF_RID, .pasid_valid = true, .pasid = pasid,
		.addr = addr, .perm = perm, .prg_index = prg_index,
		.last = last,
	};

	/* -ENOSPC (and -EEXIST, only with the fault viommu-prq-present-
	 * answered): sent, and the unit answers SUCCESS itself (its
	 * response waits in the ring for the next delivery); -ENOENT (no
	 * PRE entry) and -EINVAL: not taken, unrecoverable for the device.
	 * Responses are never delivered from inside this call: the device
	 * starts waiting only when it returns. */
	int ret = viommu_prq_submit(ref->iommu, &r);

	return ret == -EEXIST || ret == -ENOSPC ? 0 : ret;
}

static const struct siovdev_host_ops ref_host_ops = {
	.dma = ref_host_dma,
	.msi = ref_host_msi,
	.page_request = ref_host_page_request,
};

void ref_destroy(struct ref_target *ref)
{
	iommufd_ctx_destroy(ref->iommufd);
	vdcm_destroy(ref->vdcm);
	vfio_parent_close(ref->vfio);
	kvm_pasid_destroy(ref->kvm);
	siovdev_destroy(ref->parent);
	viommu_destroy(ref->iommu);
	if (ref->ioasid)
		ioasid_core_destroy(ref->ioasid);
	free(ref);
}

/* ---- The parent's configuration (ref:profile=PATH, ref_profile.c) ---- */

#define REF_CONFIG_FMT \
	"adis=%u ims=%u queue=%u caps=%u width=%u pgsz=%u fsaw=%u dirty=%u"

int siovh_ref_config_format(const struct siovh_ref_config *cfg, char *buf,
			    size_t len)
{
	const struct siovdev_config *p = &cfg->parent;
	int n = snprintf(buf, len, REF_CONFIG_FMT, p->nr_adis,
			 p->ims_entries, p->max_queue, p->caps,
			 p->pasid_width, p->page_sizes, cfg->fs_addr_width,
			 cfg->dirty);

	return n < 0 || (size_t)n >= len ? -1 : n;
}

int siovh_ref_config_parse(const char *text, struct siovh_ref_config *cfg)
{
	struct siovdev_config *p = &cfg->parent;
	int end = -1;

	if (sscanf(text, REF_CONFIG_FMT "%n", &p->nr_adis, &p->ims_entries,
		   &p->max_queue, &p->caps, &p->pasid_width,
		   &p->page_sizes, &cfg->fs_addr_width, &cfg->dirty,
		   &end) != 8 ||
	    end < 0 || text[end])
		return -EINVAL;
	return 0;
}

/* The parent and IOMMU: the defaults, or what the spec's profile says. */
static int ref_parent_config(const struct siovh_target_spec *spec,
			     struct siovh_ref_config *cfg)
{
	struct viommu_config icfg;

	if (!spec->arg[0]) {
		siovdev_config_default(&cfg->parent);
		viommu_config_default(&icfg);
		cfg->fs_addr_width = icfg.fs_addr_width;
		cfg->dirty = 1;
		return 0;
	}
	return siovh_ref_config_parse(spec->arg + strlen(spec->arg) + 1, cfg);
}

/* The VDCM's probe of the in-process parent (ref_build, reprobe). */
static int ref_vdcm_probe(struct ref_target *ref)
{
	struct vdcm_params params = {
		.parent = ref->parent, .iommu = ref->iommu,
		.ioasid = ref->ioasid, .rid = REF_RID, .fault = ref->vdcm_fault,
	};

	ref->vdcm = vdcm_create(&params);
	return ref->vdcm ? 0 : -errno;
}

/*
 * parent_reprobe (test.h): the driver's unbind, then its bind. Unbind:
 * each VDEV's cdev is closed for its user (the close that
 * vfio_unregister_group_dev waits for), which unbinds it from /dev/iommu
 * as in ref_release; then the VDCM's remove releases what is still open
 * and removes every VDEV. Bind: a new VDCM probes the same parent.
 */
static int ref_parent_reprobe(struct siovh_target *t)
{
	struct ref_target *ref = ref_of(t);
	struct vdcm_vdev *v;

	for (v = vdcm_vdev_next(ref->vdcm, NULL); v;
	     v = vdcm_vdev_next(ref->vdcm, v))
		iommufd_device_close(ref->iommufd, v);
	vdcm_destroy(ref->vdcm);
	ref->vdcm = NULL;
	return ref_vdcm_probe(ref);
}

static int ref_build(struct ref_target *ref, const struct ref_faults *f,
		     const struct siovh_ref_config *cfg)
{
	struct viommu_config icfg;
	struct iommufd_platform plat;
	int ret;

	ref->ioasid = ioasid_core_create(REF_IOASID_CAPACITY, f->ioasid);
	if (!ref->ioasid)
		return -errno;
	ref->kvm = kvm_pasid_create(ref->ioasid, f->kvm);
	if (!ref->kvm)
		return -errno;
	viommu_config_default(&icfg);
	icfg.fs_addr_width = cfg->fs_addr_width;
	ref->iommu = viommu_create(&icfg, f->viommu);
	if (!ref->iommu)
		return -errno;
	ref->parent = siovdev_create(&cfg->parent, &ref_host_ops, ref,
				     f->siovdev);
	if (!ref->parent)
		return -errno;
	ref->vdcm_fault = f->vdcm;
	ret = ref_vdcm_probe(ref);
	if (ret)
		return ret;
	plat = (struct iommufd_platform) {
		.iommu = ref->iommu, .dev_ops = &ref_iommufd_dev_ops,
		.dev_priv = ref, .dirty_tracking = cfg->dirty != 0,
	};
	ref->iommufd = iommufd_ctx_create(&plat, f->iommufd);
	return ref->iommufd ? 0 : -errno;
}

static int ref_open(const struct siovh_target_spec *spec,
		    struct siovh_target *t)
{
	struct siovh_ref_config dcfg;
	struct ref_faults f;
	struct ref_target *ref;
	int ret;

	ret = ref_route_fault(spec->fault, &f);
	if (!ret && siovh_ref_parent_bdf(spec))
		return ref_vfio_open(spec, &f, t);
	if (!ret)
		ret = ref_parent_config(spec, &dcfg);
	if (ret)
		return ret;
	ref = calloc(1, sizeof(*ref));
	if (!ref)
		return -ENOMEM;
	ret = ref_build(ref, &f, &dcfg);
	if (ret) {
		ref_destroy(ref);
		return ret;
	}
	if (spec->arg[0])
		snprintf(ref->profile, sizeof(ref->profile), "%s", spec->arg);
	else
		siovh_ref_profile_path(ref->profile, sizeof(ref->profile));
	t->priv = ref;
	t->features = REF_FEATURES;
	if (dcfg.parent.caps & SIOVDEV_HAS_PRI)
		t->features |= REF_FEATURES_PRI;
	t->ioasid = &ref_ioasid_ops;
	t->test = &ref_test_ops;
	t->vfio_device = &ref_vfio_device_ops;
	t->iommufd = &ref_iommufd_ops;
	t->pci = &ref_pci_ops;
	return 0;
}

static void ref_close(struct siovh_target *t)
{
	ref_destroy(ref_of(t));
	t->priv = NULL;
	t->ioasid = NULL;
	t->test = NULL;
	t->vfio_device = NULL;
	t->iommufd = NULL;
	t->pci = NULL;
}

static const char *ref_lacks(const struct siovh_target *t, uint64_t feature)
{
	const struct ref_target *ref = t->priv;

	if (ref && ref->vfio)
		return ref_vfio_lacks(feature);
	if (feature == SIOVH_FEAT_PAGE_REQUEST)
		return "the parent has no PRI capability (its profile's parent.ext_caps lacks \"pri\")";
	return NULL;
}

const struct siovh_backend siovh_ref_backend = {
	.name = "ref",
	.summary = "in-process reference implementations (IOASID core, SIOV endpoint, IOMMU, VDCM, /dev/iommu)",
	.faults = ref_faults,
	.open = ref_open,
	.close = ref_close,
	.lacks = ref_lacks,
};
