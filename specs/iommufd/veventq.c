// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.VEVENTQ 1-3: the vIOMMU's event queues (Linux 6.15+): events the
 * IOMMU reports for a device, named by its vDEVICE's virt_id, read from
 * the queue's fd as a header (sequence index, LOST_EVENTS flag) and the
 * event's data — seed 004's "IOMMU page faults reach the user" for the
 * faults a guest must see through its virtual IOMMU. The events come from
 * the iommufd facet's vevent_trigger (the IOMMU reporting a fault of the
 * device; a kernel's mock IOMMU on request). Helpers: viommu.h.
 */
#include <string.h>
#include <unistd.h>

#include "viommu.h"

#define HDR sizeof(struct siovh_vevent_header)
#define SRC_FAULTS_REACH SRC_VSVA("vSVA") " (IOMMU page faults reach the user)"

static int trigger(struct siovh_check *check, const struct vi *x)
{
	struct siovh_target *t = siovh_check_target(check);

	return t->iommufd->vevent_trigger(t, x->dev_id);
}

static void need_events(struct siovh_check *check)
{
	struct siovh_target *t = siovh_check_target(check);

	if (!t->iommufd->vevent_trigger || !t->iommufd->vevent_read)
		SKIP("the target cannot make its IOMMU report an event (no vevent_trigger or vevent_read)");
}

static long vread(struct siovh_check *check, int fd, void *buf, size_t len)
{
	struct siovh_target *t = siovh_check_target(check);

	return t->iommufd->vevent_read(t, fd, buf, len);
}

/* The event at p: a header with flags 0 and sequence seq, then data
 * naming VI_VIRT_ID. */
static void expect_event(struct siovh_check *check, const struct vi *x,
			 const uint8_t *p, uint32_t seq, const char *which)
{
	struct siovh_vevent_header h;
	uint32_t virt_id;

	memcpy(&h, p, HDR);
	memcpy(&virt_id, p + HDR, sizeof(virt_id));
	if (h.flags || h.sequence != seq)
		FAIL("%s: header flags 0x%x sequence %u, expected flags 0 sequence %u",
		     which, h.flags, h.sequence, seq);
	if (virt_id != VI_VIRT_ID)
		FAIL("%s: the event names virt_id 0x%x, expected 0x%x (the vDEVICE's)",
		     which, virt_id, VI_VIRT_ID);
	(void)x;
}

static void veventq_refused(struct siovh_check *check,
			    struct siovh_veventq_alloc c, int want,
			    const char *what)
{
	int ret = veventq_alloc(check, &c);

	if (ret != want)
		FAIL("VEVENTQ_ALLOC with %s returned %d (%s), expected %d",
		     what, ret, ret ? strerror(-ret) : "success", want);
	if (!ret) {
		close((int)c.out_veventq_fd);
		obj_destroy(check, c.out_veventq_id);
	}
}

SIOVH_CLAUSE(veventq_alloc_rules,
	.id = "IOMMUFD.VEVENTQ.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "IOMMU_VEVENTQ_ALLOC refuses flags, __reserved and type 0 (-EOPNOTSUPP), depth 0 or above 2^19 (-EINVAL), a viommu_id that is no vIOMMU (-ENOENT) and a second queue of a type on one vIOMMU (-EEXIST); the queue's fd holds it (DESTROY -EBUSY until closed)",
	.source = SRC_VEVENTQ " (\"@flags: Must be 0\", \"@__reserved: Must be 0\", \"A vIOMMU can have multiple FDs for different types, but is confined to one per @type\"); drivers/iommu/iommufd/eventq.c (VEVENTQ_MAX_DEPTH)",
	.needs = NEEDS_IOMMUFD)
{
	struct siovh_veventq_alloc ok = { .size = 0 }, c;
	uint32_t q;
	int fd;
	struct vi x;

	vi_up_viommu(check, &x);
	ok.viommu_id = x.viommu;
	ok.type = x.caps.veventq_type;
	ok.veventq_depth = 8;
	c = ok;
	c.flags = 1;
	veventq_refused(check, c, -EOPNOTSUPP, "flags 1");
	c = ok;
	c.__reserved = 1;
	veventq_refused(check, c, -EOPNOTSUPP, "__reserved 1");
	c = ok;
	c.type = SIOVH_VEVENTQ_TYPE_DEFAULT;
	veventq_refused(check, c, -EOPNOTSUPP, "type 0 (DEFAULT)");
	c = ok;
	c.veventq_depth = 0;
	veventq_refused(check, c, -EINVAL, "depth 0");
	c = ok;
	c.veventq_depth = (1u << 19) + 1;
	veventq_refused(check, c, -EINVAL, "depth 2^19 + 1");
	c = ok;
	c.viommu_id = x.parent;
	veventq_refused(check, c, -ENOENT, "a HWPT as viommu_id");
	q = vi_veventq(check, &x, 8, &fd);
	veventq_refused(check, ok, -EEXIST, "a type the vIOMMU has a queue of");
	EXPECT_ERRNO(obj_destroy(check, q), -EBUSY);
	close(fd);
	EXPECT_ERRNO(vread(check, fd, &c, sizeof(c)), -EBADF);
	EXPECT_OK(obj_destroy(check, q));
	/* the type is free again; this queue goes with the target, its fd
	 * open */
	vi_veventq(check, &x, 8, &fd);
}

SIOVH_CLAUSE(vevent_delivery,
	.id = "IOMMUFD.VEVENTQ.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "an event the IOMMU reports for a device attached to a vIOMMU's nested HWPT reaches the vIOMMU's vEVENTQ: read gives a header (flags 0, sequence 0, 1, ... in report order) and the data naming the vDEVICE's virt_id, whole events only (a buffer below the header, or below the first event, -EINVAL); with no queue of the type the report is refused (-EOPNOTSUPP), and a device without the vDEVICE's attachment gets none (-ENOENT)",
	.source = SRC_VEVENTQ " (\"Each vEVENT in a vEVENTQ encloses a struct iommufd_vevent_header followed by a type-specific data structure\"); " SRC_VEVENT_HDR "; " SRC_FAULTS_REACH,
	.needs = NEEDS_IOMMUFD)
{
	uint8_t buf[4 * (HDR + 64)];
	size_t ev;
	long n;
	int fd;
	struct vi x;

	need_events(check);
	vi_up_viommu(check, &x);
	ev = HDR + x.caps.vevent_len;
	ASSERT_LE(x.caps.vevent_len, 64u);
	ASSERT_GE(x.caps.vevent_len, (uint32_t)sizeof(uint32_t));
	EXPECT_ERRNO(trigger(check, &x), -ENOENT);
	vi_up_events(check, &x);
	EXPECT_ERRNO(trigger(check, &x), -EOPNOTSUPP);
	vi_veventq(check, &x, 8, &fd);
	ASSERT_OK(trigger(check, &x));
	ASSERT_OK(trigger(check, &x));
	EXPECT_ERRNO(vread(check, fd, buf, HDR - 1), -EINVAL);
	EXPECT_ERRNO(vread(check, fd, buf, ev - 1), -EINVAL);
	n = vread(check, fd, buf, ev);
	ASSERT_EQ(n, (long)ev);
	expect_event(check, &x, buf, 0, "the first event");
	n = vread(check, fd, buf, sizeof(buf));
	ASSERT_EQ(n, (long)ev);
	expect_event(check, &x, buf, 1, "the second event");
	close(fd);
}

SIOVH_CLAUSE(vevent_overflow,
	.id = "IOMMUFD.VEVENTQ.3", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a vEVENTQ holds at most veventq_depth events: those reported while it is full are lost, and a LOST_EVENTS header (no data) with the last lost event's sequence index sits at the tail until read; the next event continues the sequence",
	.source = SRC_VEVENTQ " (\"A vEVENTQ will lose events due to overflow, if the number of the vEVENTs hits @veventq_depth\"); " SRC_VEVENT_HDR " (\"an IOMMU_VEVENTQ_FLAG_LOST_EVENTS header would be added to the tail, and no data would follow this header\")",
	.needs = NEEDS_IOMMUFD)
{
	uint8_t buf[8 * (HDR + 64)];
	struct siovh_vevent_header h;
	size_t ev;
	long n;
	int fd, i;
	struct vi x;

	need_events(check);
	vi_up_viommu(check, &x);
	ev = HDR + x.caps.vevent_len;
	ASSERT_LE(x.caps.vevent_len, 64u);
	vi_up_events(check, &x);
	vi_veventq(check, &x, 2, &fd);
	for (i = 0; i < 4; i++)		/* 0, 1 queued; 2, 3 lost */
		ASSERT_OK(trigger(check, &x));
	/* room for the two events only: the header waits */
	n = vread(check, fd, buf, 2 * ev);
	ASSERT_EQ(n, (long)(2 * ev));
	expect_event(check, &x, buf, 0, "event 0");
	expect_event(check, &x, buf + ev, 1, "event 1");
	n = vread(check, fd, buf, sizeof(buf));
	ASSERT_EQ(n, (long)HDR);
	memcpy(&h, buf, HDR);
	EXPECT_EQ(h.flags, SIOVH_VEVENTQ_FLAG_LOST_EVENTS);
	EXPECT_EQ(h.sequence, 3u);
	ASSERT_OK(trigger(check, &x));
	n = vread(check, fd, buf, sizeof(buf));
	ASSERT_EQ(n, (long)ev);
	expect_event(check, &x, buf, 4, "the event after the loss");
	/* one left unread: it goes with the queue when the target closes */
	ASSERT_OK(trigger(check, &x));
}
