/* SPDX-License-Identifier: MIT */
/*
 * Internals of the reference /dev/iommu: the object table, the IOAS and its
 * ordered interval sets (areas, allowed ranges), HWPTs, devices and fault
 * queues. Files: main.c (context, objects, DESTROY, dispatch), ioas.c,
 * copy.c, map_file.c, ranges.c, iopt.c (IOAS), vfio_compat.c, option.c,
 * hwpt.c, dirty.c, device.c, hw_info.c, invalidate.c, fault.c, access.c,
 * viommu_obj.c (vIOMMU, vDEVICE, vEVENTQ), hw_queue.c, mmap.c.
 */
#ifndef IOMMUFD_INTERNAL_H
#define IOMMUFD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/iommufd.h>

#include "iommufd.h"
#include "siovh/iommufd_uapi.h"

#define IOMMUFD_PAGE 4096ull
/* The reference IOMMU's address width (viommu_config_default). */
#define IOMMUFD_AW 48

/* One closed interval [start, last]. */
struct iova_span {
	uint64_t start;
	uint64_t last;
};

/* A mapped area: [iova, last] -> user_va, sharing the pages object pages. */
struct iopt_area {
	uint64_t iova;
	uint64_t last;
	uint64_t user_va;
	uint64_t pages;			/* ID of the pinned-pages bookkeeping */
	uint32_t prot;			/* IOMMU_IOAS_MAP_READABLE | WRITEABLE */
	bool pages_writable;		/* pinned by a MAP with WRITEABLE */
	bool prevent_access;		/* an UNMAP found it pinned (access.c) */
};

/* At most this many HWPTs on one IOAS, devices' PASIDs, fault groups. */
#define IOMMUFD_MAX_DOMAINS	16
#define IOMMUFD_MAX_PASIDS	16
#define IOMMUFD_MAX_GROUPS	64
#define IOMMUFD_MAX_RECORDS	64

/*
 * The domains an IOAS's areas are mirrored into (its paging HWPTs'): an
 * area inserted is mapped into each, an area removed unmapped from each.
 */
struct area_mirror {
	struct viommu *iommu;
	uint32_t n;
	uint32_t dom[IOMMUFD_MAX_DOMAINS];
	/* Faults carried by the IOAS (set at IOAS_ALLOC); test them with
	 * mirror_fault(m, flag), false for m == NULL, which folds them away
	 * in the coverage build as iommufd_fault() does. */
	bool skip_unmap;		/* the fault hwpt-unmap-stale */
	bool mirror_first;		/* the fault map-mirror-first */
	bool keep_partial;		/* the fault map-mirror-keeps-partial */
	bool starts_empty;		/* the fault hwpt-starts-empty */
};

#ifdef SIOVH_NO_FAULT_HOOKS
#define mirror_fault(m, flag)	((void)(m), false)
#else
#define mirror_fault(m, flag)	((m) && (m)->flag)
#endif

/*
 * An ordered set of disjoint areas: a sorted array, found by binary search.
 * Disjoint and sorted by iova means sorted by last too.
 */
struct area_set {
	struct iopt_area *v;
	size_t n, cap;
	struct area_mirror *mirror;	/* NULL: mirrored nowhere */
};

/* An ordered set of disjoint spans (the ALLOW_IOVAS list). */
struct span_set {
	struct iova_span *v;
	size_t n;
};

enum iommufd_obj_type {
	IOMMUFD_OBJ_IOAS = 1,
	IOMMUFD_OBJ_HWPT_PAGING,
	IOMMUFD_OBJ_HWPT_NESTED,
	IOMMUFD_OBJ_DEVICE,
	IOMMUFD_OBJ_FAULT,
	IOMMUFD_OBJ_ACCESS,
	IOMMUFD_OBJ_VIOMMU,
	IOMMUFD_OBJ_VDEVICE,
	IOMMUFD_OBJ_VEVENTQ,
	IOMMUFD_OBJ_HW_QUEUE,
	/* a vDEVICE forced out by its device's close: its ID stays taken
	 * (no lookup finds it) until the context closes */
	IOMMUFD_OBJ_TOMBSTONE,
};

struct iommufd_ioas {
	struct area_set areas;
	struct span_set allowed;
	struct area_mirror mirror;
	uint32_t hwpts;			/* paging HWPTs on it */
	uint32_t accesses;		/* accesses attached to it */
	bool no_huge_pages;		/* HUGE_PAGES 0 or VFIO TYPE1 set */
};

/* A HWPT: paging (a viommu domain mirroring ioas_id) or nested (a guest
 * first stage over the paging parent_id). */
struct iommufd_hwpt {
	uint32_t flags;			/* IOMMU_HWPT_ALLOC_* as allocated */
	uint32_t ioas_id;		/* paging */
	uint32_t parent_id;		/* nested */
	uint32_t domain;		/* the DID: own (paging), parent's */
	uint32_t fault_id;		/* 0: none */
	struct iommu_hwpt_vtd_s1 s1;	/* nested */
	uint32_t users;			/* attachments (device, PASID) */
	uint32_t children;		/* nested HWPTs over it */
	uint32_t viommu_id;		/* nested on a vIOMMU: it (0: none) */
	uint32_t viommus;		/* paging: vIOMMUs over it */
};

/* Where a device is attached: at its default PASID (pasid unused) or at
 * guest PASID pasid, backed by host PASID hpasid. */
struct iommufd_attach {
	bool used;
	uint32_t hwpt_id;
	uint32_t pasid, hpasid;
};

struct iommufd_device {
	void *dev;
	uint16_t rid;
	uint32_t default_pasid;
	struct iommufd_attach def;	/* the RID's (default PASID's) */
	struct iommufd_attach pasids[IOMMUFD_MAX_PASIDS];
	uint32_t vdev_id;		/* its vDEVICE (0: none) */
};

/* A vIOMMU: the guest's IOMMU instance over a nesting parent. */
struct iommufd_viommu {
	uint32_t type;
	uint32_t hwpt_id;		/* the NEST_PARENT paging HWPT */
	uint32_t users;			/* vDEVICEs, nested HWPTs, vEVENTQs */
};

/* A device's virtual instance on a vIOMMU. */
struct iommufd_vdevice {
	uint32_t viommu_id, dev_id;
	uint64_t virt_id;
};

/* A HW queue: the IOMMU reads guest memory at [iova, iova + length). */
struct iommufd_hw_queue {
	uint32_t viommu_id, type, index;
	uint64_t iova, length;
	bool next;			/* queue index + 1 exists: it
					 * depends on this one */
};

/* One event in a vEVENTQ, oldest first. */
struct iommufd_vevent {
	struct iommufd_vevent *next;
	uint32_t seq;
	uint32_t len;
	uint8_t data[];
};

/*
 * A vEVENTQ: at most depth events, then a LOST_EVENTS header at the tail
 * (only ever at the tail: an event queued after it takes its place, the
 * gap in the sequence telling the loss).
 */
struct iommufd_veventq {
	int fd;				/* out_veventq_fd, the user's end */
	int own;			/* our end of the socket pair */
	uint32_t viommu_id, type, depth;
	uint32_t seq;			/* the next event's sequence index */
	uint32_t n;			/* events queued */
	struct iommufd_vevent *head, *tail;
	bool lost;			/* a LOST_EVENTS header at the tail */
	uint32_t lost_seq;
};

/*
 * A page request group a fault queue took: cookie <-> the IOMMU's group.
 * tag names it internally from collection on (unread records carry it in
 * their cookie field); the cookie is given when the user reads its first
 * record, 0 before (the kernel allocates it in read(), not when the IOMMU
 * reports the request). last: its last request was collected; read_last:
 * read by the user too (only then can it be answered).
 */
struct iommufd_group {
	uint32_t tag;
	uint32_t cookie;
	uint32_t dev_id;
	uint16_t rid;
	bool pasid_valid, last, read_last;
	uint32_t hpasid;
	uint16_t prg_index;
};

struct iommufd_fault_queue {
	int fd;				/* out_fault_fd, the user's end */
	int own;			/* our end of the socket pair: it
					 * hangs up when the user's closes */
	uint32_t users;			/* HWPTs referring to it */
	uint32_t next_tag;
	uint32_t ngroups;
	struct iommufd_group g[IOMMUFD_MAX_GROUPS];
	uint32_t nrec;			/* read from the IOMMU, not yet by
					 * the user */
	struct iommu_hwpt_pgfault rec[IOMMUFD_MAX_RECORDS];
};

/* One pin of an access: [iova, last] of its IOAS. */
struct iommufd_pin {
	uint32_t id;
	uint64_t iova, last;
};

/* An in-kernel user of an IOAS and its driver's pins (access.c). */
struct iommufd_access {
	struct iommufd_ioas *ioas;	/* attached to; NULL: none */
	uint32_t flags;			/* IOMMUFD_ACCESS_PIN_PAGES, ... */
	uint32_t next_pin;
	size_t npins, cap;
	struct iommufd_pin *pins;
};

struct iommufd_obj {
	enum iommufd_obj_type type;
	uint32_t id;
	union {
		struct iommufd_ioas ioas;
		struct iommufd_hwpt hwpt;
		struct iommufd_device idev;
		struct iommufd_fault_queue fault;
		struct iommufd_access access;
		struct iommufd_viommu viommu;
		struct iommufd_vdevice vdev;
		struct iommufd_veventq veventq;
		struct iommufd_hw_queue hwq;
	};
};

/* A MAP_FILE's pages: the file range mapped into the process (map_file.c). */
struct iommufd_file_map {
	uint64_t pages;			/* the pages object's ID */
	void *addr;
	size_t len;
};

/* A page the user can mmap at offset of the context (mmap.c). */
#define IOMMUFD_MAX_MAPS	4
struct iommufd_mmap {
	uint64_t offset, length;
	uint32_t owner;			/* the object it belongs to */
	int memfd;
	uint32_t maps;			/* the user's live mappings */
	void *addr[IOMMUFD_MAX_MAPS];
};

struct iommufd_ctx {
	int fault;
	struct iommufd_platform plat;	/* iommu NULL: IOAS only */
	struct iommufd_obj **objs;	/* objs[id - 1], NULL when free */
	uint32_t nobjs;
	uint32_t last_id;		/* the last ID IOAS_ALLOC handed out */
	uint64_t next_pages;		/* ID of the next pages object */
	uint32_t vfio_ioas_id;		/* IOMMU_VFIO_IOAS: the compat IOAS
					 * (0: none); not a reference */
	bool account_mm;		/* IOMMU_OPTION_RLIMIT_MODE 1 */
	struct iommufd_file_map *files;	/* MAP_FILE's mappings */
	size_t nfiles;
	struct iommufd_mmap *mmaps;	/* mmap.c */
	uint32_t nmmaps;
};

/* The command being executed: its kernel copy and whether to write back. */
struct iommufd_ucmd {
	struct iommufd_ctx *ctx;
	void *cmd;
	bool respond;
};

/* Off in the coverage build: README.md, "Coverage". */
#ifdef SIOVH_NO_FAULT_HOOKS
#define iommufd_fault(ctx, fault)	((void)(ctx), (void)(fault), false)
#else
static inline bool iommufd_fault(const struct iommufd_ctx *ctx, int fault)
{
	return ctx->fault == fault;
}
#endif

/* ---- area_set / span_set (iopt.c) ---- */

/* Index of the first area with last >= start (n when none). */
size_t area_lower(const struct area_set *s, uint64_t start);
/* Index of the first area meeting [start, last], or n. */
size_t area_first_in(const struct area_set *s, uint64_t start, uint64_t last);
/* Insert a (disjoint from every area); 0 or -ENOMEM. */
int area_insert(struct area_set *s, const struct iopt_area *a);
void area_remove(struct area_set *s, size_t i);
/*
 * Split area i in two at iova, the last IOVA of the lower part (inside it,
 * not its last): both keep the pages object and the domains keep their
 * mapping, which is the same pages at the same IOVAs. 0 or -ENOMEM.
 */
int area_split(struct area_set *s, size_t i, uint64_t iova);
void area_set_free(struct area_set *s);
/* Mirror s into domain from now on, its areas mapped now (0 or -errno,
 * nothing mapped); stop mirroring into it and unmap it whole. */
int area_mirror_add(struct area_set *s, uint32_t domain);
void area_mirror_del(struct area_set *s, uint32_t domain);
/* Does a span of set meet [start, last]? */
bool span_meets(const struct iova_span *v, size_t n, uint64_t start,
		uint64_t last);

/* The reserved IOVAs of every IOAS, sorted. */
extern const struct iova_span iommufd_reserved[];
extern const size_t iommufd_nr_reserved;

/*
 * Pick an IOVA for length bytes (alignment align, a power of two) in ioas:
 * not reserved, not mapped, inside the allowed list when it is not empty.
 * 0 with *iova, or -ENOSPC.
 */
int iopt_alloc_iova(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas,
		    uint64_t length, uint64_t align, uint64_t *iova);
/*
 * May [iova, iova + length) be mapped with FIXED_IOVA? 0, -EINVAL
 * (unaligned or reserved), -EOVERFLOW, -EEXIST (an area is there).
 */
int iopt_check_fixed(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas,
		     uint64_t iova, uint64_t length);

/*
 * Where a mapping of length bytes from user address va goes: with
 * IOMMU_IOAS_MAP_FIXED_IOVA in flags *iova, checked; else an IOVA chosen
 * with the alignment iommufd.h describes, stored in *iova.
 */
int iopt_place(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas,
	       uint32_t flags, uint64_t length, uint64_t va, uint64_t *iova);

/* ---- objects (main.c) ---- */

/* The IOAS with ID id, or NULL. */
struct iommufd_ioas *iommufd_get_ioas(struct iommufd_ctx *ctx, uint32_t id);
/* The object with ID id (of type, or any type for 0), or NULL. */
struct iommufd_obj *iommufd_get_obj(struct iommufd_ctx *ctx, uint32_t id,
				    enum iommufd_obj_type type);
/* Free obj's slot and obj (its type's release already done). */
void iommufd_obj_remove(struct iommufd_ctx *ctx, struct iommufd_obj *obj);
static inline bool iommufd_is_hwpt(const struct iommufd_obj *o)
{
	return o && (o->type == IOMMUFD_OBJ_HWPT_PAGING ||
		     o->type == IOMMUFD_OBJ_HWPT_NESTED);
}

/* ---- HWPTs (hwpt.c) ---- */
int iommufd_hwpt_alloc(struct iommufd_ucmd *ucmd);
/* -EBUSY while in use; else release (the object stays to be freed). */
int iommufd_hwpt_busy(struct iommufd_ctx *ctx, struct iommufd_obj *obj);
void iommufd_hwpt_release(struct iommufd_ctx *ctx, struct iommufd_obj *obj);
/* Point (rid, hpasid) at hwpt in the IOMMU (attach or bind). */
int iommufd_hwpt_install(struct iommufd_ctx *ctx, struct iommufd_obj *hwpt,
			 uint16_t rid, uint32_t hpasid);

/* ---- IOMMU_OPTION (option.c) ---- */
int iommufd_option(struct iommufd_ucmd *ucmd);

/* ---- dirty tracking (dirty.c) ---- */
int iommufd_hwpt_set_dirty_tracking(struct iommufd_ucmd *ucmd);
int iommufd_hwpt_get_dirty_bitmap(struct iommufd_ucmd *ucmd);

/* ---- devices (device.c) ---- */
void iommufd_device_release(struct iommufd_ctx *ctx, struct iommufd_obj *obj);
/* The bound device with dev_id, or NULL. */
struct iommufd_device *iommufd_get_device(struct iommufd_ctx *ctx,
					  uint32_t dev_id);

/* ---- IOMMU_GET_HW_INFO (hw_info.c), IOMMU_HWPT_INVALIDATE
 * (invalidate.c), fault queues (fault.c) ---- */
int iommufd_get_hw_info(struct iommufd_ucmd *ucmd);
struct viommu_config;
/* The VT-d cap/ecap registers the reference reports for cfg. */
void iommufd_vtd_regs(const struct viommu_config *cfg,
		      struct iommu_hw_info_vtd *vtd);
int iommufd_hwpt_invalidate(struct iommufd_ucmd *ucmd);
int iommufd_fault_alloc(struct iommufd_ucmd *ucmd);
void iommufd_fault_release(struct iommufd_ctx *ctx, struct iommufd_obj *obj);
/* Is the queue's out_fault_fd still open (then DESTROY is -EBUSY)? */
bool iommufd_fault_fd_open(const struct iommufd_fault_queue *f);
/* Pull the IOMMU's queued page requests into their fault queues. */
void iommufd_fault_collect(struct iommufd_ctx *ctx);
/* MAP and COPY: -EINVAL when flags grant neither READABLE nor WRITEABLE. */
int iommufd_check_map_prot(struct iommufd_ctx *ctx, uint32_t flags);
/*
 * (rid, hpasid) leaves its HWPT: its groups in every fault queue are
 * completed INVALID toward the device and forgotten with their unread
 * records, so a late response to one is an unknown cookie.
 */
void iommufd_fault_detach(struct iommufd_ctx *ctx, uint16_t rid,
			  uint32_t hpasid);
/*
 * (rid, hpasid) was moved to another HWPT (replace): the same, for the
 * groups it made under the old one, as the kernel answers the old
 * attachment's groups once the new domain is in.
 */
void iommufd_fault_replaced(struct iommufd_ctx *ctx, uint16_t rid,
			    uint32_t hpasid);

/* ---- accesses (access.c) ---- */
/*
 * Area a of ioas is about to go (UNMAP): notify the accesses if a pin
 * meets it. 0 when none does any more; -EDEADLOCK when one still does
 * (the area is then barred from pin and rw).
 */
int iommufd_access_notify_unmap(struct iommufd_ctx *ctx,
				struct iommufd_ioas *ioas,
				struct iopt_area *a);
/* Does a pin of an access attached to ioas meet [start, last]? */
bool iommufd_access_pinned(struct iommufd_ctx *ctx,
			   const struct iommufd_ioas *ioas, uint64_t start,
			   uint64_t last);
void iommufd_access_release(struct iommufd_ctx *ctx, struct iommufd_obj *obj);
/* The fault access-ioas-not-held: ioas is destroyed under its accesses. */
void iommufd_access_ioas_gone(struct iommufd_ctx *ctx,
			      struct iommufd_ioas *ioas);

/* ---- vIOMMU, vDEVICE, vEVENTQ (viommu_obj.c) ---- */
int iommufd_viommu_alloc(struct iommufd_ucmd *ucmd);
int iommufd_vdevice_alloc(struct iommufd_ucmd *ucmd);
int iommufd_veventq_alloc(struct iommufd_ucmd *ucmd);
int iommufd_hw_queue_alloc(struct iommufd_ucmd *ucmd);
/* mmap.c: a region of len bytes for owner at *offset; 0 or -errno. All of
 * owner's regions go (the user's mappings stay memory of their own). Does
 * a live mapping of one of owner's regions hold it? */
int iommufd_mmap_alloc(struct iommufd_ctx *ctx, uint32_t owner, uint64_t len,
		       uint64_t *offset);
void iommufd_mmap_free_owner(struct iommufd_ctx *ctx, uint32_t owner);
bool iommufd_mmap_held(const struct iommufd_ctx *ctx, uint32_t owner);
void iommufd_hw_queue_release(struct iommufd_ctx *ctx, struct iommufd_obj *obj);
/* DESTROY's -EBUSY rule for the three, and their release. */
bool iommufd_viommu_obj_busy(struct iommufd_ctx *ctx, struct iommufd_obj *obj);
void iommufd_viommu_obj_release(struct iommufd_ctx *ctx,
				struct iommufd_obj *obj);
/* HWPT_ALLOC with pt_id a vIOMMU: a nested HWPT over its parent. */
int iommufd_viommu_alloc_nested(struct iommufd_ucmd *ucmd,
				struct iommufd_obj *viommu);
/* HWPT_INVALIDATE with hwpt_id a vIOMMU. */
int iommufd_viommu_invalidate(struct iommufd_ucmd *ucmd,
			      struct iommufd_obj *viommu);
/* May idev attach to hwpt? A vIOMMU's nested HWPT needs the device's
 * vDEVICE on that vIOMMU (-ENOENT). */
int iommufd_viommu_attach_check(struct iommufd_ctx *ctx,
				const struct iommufd_device *idev,
				const struct iommufd_obj *hwpt);
/* The device is going: its vDEVICE is destroyed, its ID tombstoned. */
void iommufd_vdevice_force_out(struct iommufd_ctx *ctx,
			       struct iommufd_device *idev);

/* ---- the IOAS ioctls (ioas.c); each gets the kernel copy of its struct */

int iommufd_ioas_alloc(struct iommufd_ucmd *ucmd);
int iommufd_ioas_map(struct iommufd_ucmd *ucmd);
int iommufd_ioas_unmap(struct iommufd_ucmd *ucmd);
int iommufd_ioas_copy(struct iommufd_ucmd *ucmd);
int iommufd_ioas_iova_ranges(struct iommufd_ucmd *ucmd);
int iommufd_ioas_allow_iovas(struct iommufd_ucmd *ucmd);
int iommufd_vfio_ioas(struct iommufd_ucmd *ucmd);
/* Large pages off (HUGE_PAGES 0, TYPE1): 0, or -EINVAL while a domain
 * holds mappings. */
int iommufd_ioas_disable_huge_pages(struct iommufd_ctx *ctx,
				    struct iommufd_ioas *ioas);
/* Cut the area holding iova at iova (its lower part's last): 0, -EBUSY,
 * -EINVAL (off a page, pinned by an access) or -ENOMEM. */
int iommufd_ioas_cut(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas,
		     uint64_t iova);
/* IOMMU_IOAS_MAP_FILE (map_file.c); the close unmaps the files' pages. */
int iommufd_ioas_map_file(struct iommufd_ucmd *ucmd);
int iommufd_ioas_change_process(struct iommufd_ucmd *ucmd);
void iommufd_file_maps_release(struct iommufd_ctx *ctx);
/* The VFIO type1 ioctls on /dev/iommu (vfio_compat.c): the result or
 * -errno; -ENOTTY for a number it does not have. */
int iommufd_vfio_ioctl(struct iommufd_ctx *ctx, unsigned long cmd, void *arg);
/* Unmap everything, remove the lists; the IOAS may be freed after. */
void iommufd_ioas_release(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas);
/* A new object of type in ctx (its lowest free ID); NULL on -ENOMEM. */
struct iommufd_obj *iommufd_obj_new(struct iommufd_ctx *ctx,
				    enum iommufd_obj_type type);

#endif /* IOMMUFD_INTERNAL_H */
