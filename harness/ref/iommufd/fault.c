// SPDX-License-Identifier: MIT
/*
 * Fault queues (IOMMU_FAULT_QUEUE_ALLOC): the IOMMU's page requests for
 * the HWPTs that carry a fault object, read as struct iommu_hwpt_pgfault
 * records, answered with struct iommu_hwpt_page_response records, each
 * response handed to the IOMMU and from there to the device. The rules
 * are in iommufd.h ("Fault queues").
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>

#include "harness/ref/viommu/viommu.h"
#include "iommufd_internal.h"

/*
 * The fd is one end of a socket pair, so that the number is the process's
 * own and its close is seen: like the kernel's, whose open file holds a
 * reference on the queue (eventq.c), the queue cannot be destroyed while
 * the user has it open. Reads and writes go through iommufd_fault_read()
 * and iommufd_fault_write(), not through the socket.
 */
int iommufd_fault_alloc(struct iommufd_ucmd *ucmd)
{
	struct iommu_fault_alloc *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	struct iommufd_obj *obj;
	int sv[2];

	if (cmd->flags && !iommufd_fault(ctx, IOMMUFD_FAULT_FAULT_ALLOC_FLAGS))
		return -EOPNOTSUPP;
	if (!ctx->plat.iommu)
		return -ENODEV;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	obj = iommufd_obj_new(ctx, IOMMUFD_OBJ_FAULT);
	if (!obj) {
		close(sv[0]);
		close(sv[1]);
		return -ENOMEM;
	}
	obj->fault.own = sv[0];
	obj->fault.fd = sv[1];
	obj->fault.next_tag = 1;
	cmd->out_fault_id = obj->id;
	cmd->out_fault_fd = (uint32_t)sv[1];
	ucmd->respond = true;
	return 0;
}

bool iommufd_fault_fd_open(const struct iommufd_fault_queue *f)
{
	struct pollfd p = { .fd = f->own, .events = POLLIN };

	/* Nothing is ever sent: readable or hung up means closed. */
	return poll(&p, 1, 0) == 0;
}

static void deliver(struct iommufd_ctx *ctx)
{
	if (ctx->plat.dev_ops && ctx->plat.dev_ops->deliver_responses)
		ctx->plat.dev_ops->deliver_responses(ctx->plat.dev_priv);
}

static void respond(struct iommufd_ctx *ctx, const struct iommufd_group *g,
		    uint32_t code)
{
	struct viommu_page_response r = {
		.rid = g->rid, .pasid_valid = g->pasid_valid,
		.pasid = g->hpasid, .prg_index = g->prg_index, .code = code,
	};

	viommu_page_response(ctx->plat.iommu, &r);
}

/* Complete a group the user will not answer: INVALID toward the device
 * (an open group, last request not yet seen, is drained in the IOMMU). */
static void complete(struct iommufd_ctx *ctx, const struct iommufd_group *g,
		     uint32_t code)
{
	if (g->last)
		respond(ctx, g, code);
	else
		viommu_prq_drain(ctx->plat.iommu, g->rid, VIOMMU_DRAIN_F_PASID,
				 g->pasid_valid, g->hpasid);
}

/*
 * Complete every group of the queue INVALID (destroy, close). Defensive,
 * like the kernel's: a queue goes only when no HWPT refers to it, a HWPT
 * only when nothing is attached to it, and detach and replace have
 * completed the groups already, so none is left here through the uAPI.
 */
void iommufd_fault_release(struct iommufd_ctx *ctx, struct iommufd_obj *obj)
{
	struct iommufd_fault_queue *f = &obj->fault;
	uint32_t i;

	iommufd_fault_collect(ctx);
	for (i = 0; i < f->ngroups; i++)
		complete(ctx, &f->g[i], VIOMMU_PR_INVALID);
	f->ngroups = 0;
	f->nrec = 0;
	deliver(ctx);
	/* Still open only when the context goes (or with a fault): the
	 * target's descriptors die with it. A closed one's number may be
	 * someone else's by now. */
	if (iommufd_fault_fd_open(f))
		close(f->fd);
	close(f->own);
}

/*
 * Where (rid, hpasid) is attached: the device object, its attachment and
 * whether it is a guest PASID's. NULL when nothing is.
 */
static struct iommufd_obj *attached_at(struct iommufd_ctx *ctx, uint16_t rid,
				       uint32_t hpasid,
				       const struct iommufd_attach **at)
{
	struct iommufd_device *d;
	uint32_t i, k;

	for (i = 0; i < ctx->nobjs; i++) {
		if (!ctx->objs[i] || ctx->objs[i]->type != IOMMUFD_OBJ_DEVICE)
			continue;
		d = &ctx->objs[i]->idev;
		if (d->rid != rid)
			continue;
		if (d->def.used && d->default_pasid == hpasid) {
			*at = &d->def;
			return ctx->objs[i];
		}
		for (k = 0; k < IOMMUFD_MAX_PASIDS; k++) {
			if (d->pasids[k].used && d->pasids[k].hpasid == hpasid) {
				*at = &d->pasids[k];
				return ctx->objs[i];
			}
		}
	}
	return NULL;
}

static struct iommufd_group *group_of(struct iommufd_fault_queue *f,
				      const struct viommu_page_request *r)
{
	struct iommufd_group *g;
	uint32_t i;

	for (i = 0; i < f->ngroups; i++) {
		g = &f->g[i];
		if (g->rid == r->rid && g->pasid_valid == r->pasid_valid &&
		    g->hpasid == r->pasid && g->prg_index == r->prg_index &&
		    !g->last)
			return g;
	}
	if (f->ngroups == IOMMUFD_MAX_GROUPS)
		return NULL;
	g = &f->g[f->ngroups++];
	*g = (struct iommufd_group) {
		.tag = f->next_tag++, .rid = r->rid,
		.pasid_valid = r->pasid_valid, .hpasid = r->pasid,
		.prg_index = r->prg_index,
	};
	return g;
}

static uint32_t free_cookie(const struct iommufd_fault_queue *f);

/* Route one page request to its fault queue; false: nobody takes it. */
static bool route(struct iommufd_ctx *ctx, const struct viommu_page_request *r)
{
	const struct iommufd_attach *at = NULL;
	struct iommufd_obj *dev, *hw, *fo;
	struct iommu_hwpt_pgfault *rec;
	struct iommufd_group *g;
	struct iommufd_fault_queue *f;
	void *gdev;
	uint32_t i, gpasid = 0;

	dev = attached_at(ctx, r->rid, r->pasid, &at);
	hw = dev ? iommufd_get_obj(ctx, at->hwpt_id, 0) : NULL;
	fo = iommufd_is_hwpt(hw) && hw->hwpt.fault_id ?
	     iommufd_get_obj(ctx, hw->hwpt.fault_id, IOMMUFD_OBJ_FAULT) : NULL;
	for (i = 1; fo && iommufd_fault(ctx, IOMMUFD_FAULT_ROUTE_ANY_QUEUE) &&
		    i <= ctx->nobjs; i++) {
		/* the bug: the lowest-ID queue takes every request */
		if (iommufd_get_obj(ctx, i, IOMMUFD_OBJ_FAULT)) {
			fo = iommufd_get_obj(ctx, i, IOMMUFD_OBJ_FAULT);
			break;
		}
	}
	if (!fo)
		return false;
	f = &fo->fault;
	if (f->nrec == IOMMUFD_MAX_RECORDS)
		return false;
	g = group_of(f, r);
	if (!g)
		return false;
	g->dev_id = dev->id;
	if (r->last)
		g->last = true;
	if (iommufd_fault(ctx, IOMMUFD_FAULT_ANSWER_UNREAD)) {
		/* the bug: cookie and answerability at collection */
		if (!g->cookie)
			g->cookie = free_cookie(f);
		g->read_last = g->last;
	}
	rec = &f->rec[f->nrec++];
	memset(rec, 0, sizeof(*rec));
	rec->dev_id = dev->id;
	if (at != &dev->idev.def) {
		/* A guest PASID: the guest sees its own number only. */
		if (ctx->plat.dev_ops->host_to_gpasid(ctx->plat.dev_priv,
						      r->pasid, &gdev,
						      &gpasid))
			gpasid = at->pasid;
		if (iommufd_fault(ctx, IOMMUFD_FAULT_PGFAULT_HOST_PASID))
			gpasid = r->pasid;
		if (!iommufd_fault(ctx, IOMMUFD_FAULT_PGFAULT_NO_PASID_VALID))
			rec->flags |= IOMMU_PGFAULT_FLAGS_PASID_VALID;
		rec->pasid = gpasid;
	}
	if (r->last)
		rec->flags |= IOMMU_PGFAULT_FLAGS_LAST_PAGE;
	rec->grpid = r->prg_index;
	rec->perm = r->perm & VIOMMU_PR_ALL;	/* same bits as PERM_* */
	if (iommufd_fault(ctx, IOMMUFD_FAULT_PGFAULT_PERM_READ))
		rec->perm = IOMMU_PGFAULT_PERM_READ;
	rec->addr = r->addr;
	rec->cookie = g->tag;		/* the cookie comes at read */
	return true;
}

void iommufd_fault_collect(struct iommufd_ctx *ctx)
{
	struct viommu_page_request r;
	struct iommufd_group g;
	bool answered = false;

	if (!ctx->plat.iommu)
		return;
	while (!viommu_prq_pop(ctx->plat.iommu, &r)) {
		if (route(ctx, &r) || !r.last)
			continue;
		/* Nobody to ask: the group is answered INVALID. */
		g = (struct iommufd_group) {
			.rid = r.rid, .pasid_valid = r.pasid_valid,
			.hpasid = r.pasid, .prg_index = r.prg_index,
		};
		respond(ctx, &g, VIOMMU_PR_INVALID);
		answered = true;
	}
	if (answered)
		deliver(ctx);
}

static struct iommufd_fault_queue *fault_of_fd(struct iommufd_ctx *ctx, int fd)
{
	uint32_t i;

	for (i = 0; fd >= 0 && i < ctx->nobjs; i++)
		if (ctx->objs[i] && ctx->objs[i]->type == IOMMUFD_OBJ_FAULT &&
		    ctx->objs[i]->fault.fd == fd &&
		    (iommufd_fault_fd_open(&ctx->objs[i]->fault) ||
		     /* the bug: the number is taken for the queue's still */
		     iommufd_fault(ctx, IOMMUFD_FAULT_CLOSED_FD_READS)))
			return &ctx->objs[i]->fault;
	return NULL;	/* -EBADF, also for a queue whose fd was closed */
}

static struct iommufd_group *group_by_tag(struct iommufd_fault_queue *f,
					  uint32_t tag)
{
	uint32_t i;

	for (i = 0; i < f->ngroups; i++)
		if (f->g[i].tag == tag)
			return &f->g[i];
	return NULL;
}

/* The lowest cookie from 1 no group of f has (the kernel's allocator). */
static uint32_t free_cookie(const struct iommufd_fault_queue *f)
{
	uint32_t c = 1, i;

again:
	for (i = 0; i < f->ngroups; i++) {
		if (f->g[i].cookie == c) {
			c++;
			goto again;
		}
	}
	return c;
}

/*
 * The first n unread records go to the user: each group gets its cookie
 * with its first record read, and becomes answerable with its last.
 */
static void hand_out(struct iommufd_fault_queue *f, size_t n)
{
	struct iommufd_group *g;
	size_t i;

	for (i = 0; i < n; i++) {
		g = group_by_tag(f, f->rec[i].cookie);
		if (!g)
			continue;
		if (!g->cookie)
			g->cookie = free_cookie(f);
		if (f->rec[i].flags & IOMMU_PGFAULT_FLAGS_LAST_PAGE)
			g->read_last = true;
		f->rec[i].cookie = g->cookie;
	}
}

long iommufd_fault_read(struct iommufd_ctx *ctx, int fd, void *buf,
			size_t len)
{
	const size_t rsz = sizeof(struct iommu_hwpt_pgfault);
	struct iommufd_fault_queue *f = ctx ? fault_of_fd(ctx, fd) : NULL;
	size_t n;

	if (!f)
		return -EBADF;
	if (len % rsz)
		return -EINVAL;
	if (!buf && len)
		return -EFAULT;
	iommufd_fault_collect(ctx);
	if (!f->nrec)
		return -EAGAIN;
	n = len / rsz < f->nrec ? len / rsz : f->nrec;
	hand_out(f, n);
	memcpy(buf, f->rec, n * rsz);
	memmove(f->rec, f->rec + n, (f->nrec - n) * rsz);
	f->nrec -= (uint32_t)n;
	if (iommufd_fault(ctx, IOMMUFD_FAULT_READ_DROPS_REST))
		f->nrec = 0;
	return (long)(n * rsz);
}

static struct iommufd_group *group_by_cookie(struct iommufd_fault_queue *f,
					     uint32_t cookie)
{
	uint32_t i;

	for (i = 0; cookie && i < f->ngroups; i++)
		if (f->g[i].cookie == cookie)
			return &f->g[i];
	return NULL;
}

/* The index of the first record of buf[0..n) that cannot be sent (n when
 * every one can): bad code, unknown or unanswerable cookie, repeated. */
static size_t first_bad(struct iommufd_ctx *ctx, struct iommufd_fault_queue *f,
			const char *buf, size_t n)
{
	const size_t rsz = sizeof(struct iommu_hwpt_page_response);
	struct iommu_hwpt_page_response resp;
	struct iommufd_group *g;
	size_t i, j;

	for (i = 0; i < n; i++) {
		memcpy(&resp, buf + i * rsz, rsz);
		if (resp.code != IOMMUFD_PAGE_RESP_SUCCESS &&
		    resp.code != IOMMUFD_PAGE_RESP_INVALID)
			return i;
		g = group_by_cookie(f, resp.cookie);
		if (!g || !g->read_last)
			return i;
		for (j = 0; j < i &&
			    !iommufd_fault(ctx, IOMMUFD_FAULT_WRITE_DUP_OK); j++)
			if (!memcmp(buf + j * rsz, &resp.cookie,
				    sizeof(resp.cookie)))
				return i;	/* answered twice here */
	}
	return n;
}

/* Send buf[0..n), checked, to the IOMMU; the groups are done. */
static void send_responses(struct iommufd_ctx *ctx,
			   struct iommufd_fault_queue *f, const char *buf,
			   size_t n)
{
	const size_t rsz = sizeof(struct iommu_hwpt_page_response);
	struct iommu_hwpt_page_response resp;
	struct iommufd_group *g;
	size_t i;

	for (i = 0; i < n; i++) {
		memcpy(&resp, buf + i * rsz, rsz);
		g = group_by_cookie(f, resp.cookie);
		if (!g)
			continue;	/* write-dup-ok: gone already */
		respond(ctx, g, resp.code == IOMMUFD_PAGE_RESP_SUCCESS ?
				VIOMMU_PR_SUCCESS : VIOMMU_PR_INVALID);
		if (!iommufd_fault(ctx, IOMMUFD_FAULT_ANSWER_TWICE))
			*g = f->g[--f->ngroups];
	}
	deliver(ctx);
}

long iommufd_fault_write(struct iommufd_ctx *ctx, int fd, const void *buf,
			 size_t len)
{
	const size_t rsz = sizeof(struct iommu_hwpt_page_response);
	struct iommufd_fault_queue *f = ctx ? fault_of_fd(ctx, fd) : NULL;
	size_t bad, n = len / rsz;

	if (!f)
		return -EBADF;
	if (len % rsz && !iommufd_fault(ctx, IOMMUFD_FAULT_WRITE_LEN_UNCHECKED))
		return -EINVAL;
	if (!buf && len)
		return -EFAULT;
	/* All or nothing: every record is checked before any is sent. */
	bad = first_bad(ctx, f, buf, n);
	if (bad < n) {
		if (iommufd_fault(ctx, IOMMUFD_FAULT_WRITE_PARTIAL))
			send_responses(ctx, f, buf, bad);
		return -EINVAL;
	}
	send_responses(ctx, f, buf, n);
	return (long)len;
}

/* Whether group g is (rid, hpasid)'s, the detached requester's: other
 * requesters sharing the queue keep theirs. */
static bool group_of_requester(struct iommufd_ctx *ctx,
			       const struct iommufd_group *g, uint16_t rid,
			       uint32_t hpasid)
{
	if (g && iommufd_fault(ctx, IOMMUFD_FAULT_DETACH_FORGETS_ALL))
		return true;	/* the bug: the whole queue's groups */
	return g && g->rid == rid && g->hpasid == hpasid;
}

/* Drop f's groups of (rid, hpasid), completing them, and their unread
 * records; true if there were any. */
static bool fault_forget(struct iommufd_ctx *ctx, struct iommufd_fault_queue *f,
			 uint16_t rid, uint32_t hpasid)
{
	struct iommufd_group *g;
	uint32_t i, k = 0;
	bool any = false;

	for (i = 0; i < f->nrec; i++) {
		g = group_by_tag(f, f->rec[i].cookie);
		if (!group_of_requester(ctx, g, rid, hpasid))
			f->rec[k++] = f->rec[i];
	}
	f->nrec = k;
	for (i = 0; i < f->ngroups;) {
		g = &f->g[i];
		if (!group_of_requester(ctx, g, rid, hpasid)) {
			i++;
			continue;
		}
		complete(ctx, g, VIOMMU_PR_INVALID);
		*g = f->g[--f->ngroups];
		any = true;
	}
	return any;
}

/* Complete and forget every group of (rid, hpasid), in every queue. */
static void forget_everywhere(struct iommufd_ctx *ctx, uint16_t rid,
			      uint32_t hpasid)
{
	bool any = false;
	uint32_t i;

	iommufd_fault_collect(ctx);
	for (i = 0; i < ctx->nobjs; i++)
		if (ctx->objs[i] && ctx->objs[i]->type == IOMMUFD_OBJ_FAULT)
			any |= fault_forget(ctx, &ctx->objs[i]->fault, rid,
					    hpasid);
	if (any)
		deliver(ctx);
}

void iommufd_fault_detach(struct iommufd_ctx *ctx, uint16_t rid,
			  uint32_t hpasid)
{
	if (!iommufd_fault(ctx, IOMMUFD_FAULT_DETACH_KEEPS_GROUPS))
		forget_everywhere(ctx, rid, hpasid);
}

void iommufd_fault_replaced(struct iommufd_ctx *ctx, uint16_t rid,
			    uint32_t hpasid)
{
	if (!iommufd_fault(ctx, IOMMUFD_FAULT_REPLACE_KEEPS_GROUPS))
		forget_everywhere(ctx, rid, hpasid);
}
