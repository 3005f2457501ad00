/* SPDX-License-Identifier: MIT */
/*
 * The page request queue and page responses (viommu.h, "Page requests"):
 * a ring of requests for software, a table of page request groups (open:
 * requests seen, not the last; outstanding: the last seen, waiting for
 * software's response), and a ring of responses for the devices.
 */
#include <errno.h>
#include <stdlib.h>

#include "harness/ref/alloc/alloc.h"
#include "viommu_internal.h"

int prq_init(struct viommu *v)
{
	struct prq_state *q = &v->prq;
	uint32_t n = v->cfg.prq_depth;

	q->req = ref_calloc(n, sizeof(*q->req));
	if (!q->req)
		goto err;
	q->groups = ref_calloc(n, sizeof(*q->groups));
	if (!q->groups)
		goto err_req;
	q->resp = ref_calloc(n, sizeof(*q->resp));
	if (!q->resp)
		goto err_groups;
	return 0;

err_groups:
	free(q->groups);
err_req:
	free(q->req);
err:
	return -1;
}

void prq_destroy(struct viommu *v)
{
	free(v->prq.resp);
	free(v->prq.groups);
	free(v->prq.req);
}

/* ---- Groups ---- */

static bool group_is(const struct prq_group *g, uint16_t rid,
		     bool pasid_valid, uint32_t pasid, uint16_t prg_index)
{
	return g->used && g->rid == rid && g->pasid_valid == pasid_valid &&
	       (!pasid_valid || g->pasid == pasid) &&
	       g->prg_index == prg_index;
}

static struct prq_group *group_find(struct viommu *v, uint16_t rid,
				    bool pasid_valid, uint32_t pasid,
				    uint16_t prg_index)
{
	uint32_t i;

	for (i = 0; i < v->cfg.prq_depth; i++)
		if (group_is(&v->prq.groups[i], rid, pasid_valid, pasid,
			     prg_index))
			return &v->prq.groups[i];
	return NULL;
}

static struct prq_group *group_new(struct viommu *v,
				   const struct viommu_page_request *r)
{
	uint32_t i;

	for (i = 0; i < v->cfg.prq_depth; i++) {
		struct prq_group *g = &v->prq.groups[i];

		if (g->used)
			continue;
		*g = (struct prq_group){
			.used = true,
			.pasid_valid = r->pasid_valid,
			.rid = r->rid,
			.pasid = r->pasid_valid ? r->pasid : 0,
			.prg_index = r->prg_index,
		};
		return g;
	}
	return NULL;
}

/* Send a group's response to its device: the ring drops its oldest
 * response when full. */
static void respond(struct viommu *v, uint16_t rid, bool pasid_valid,
		    uint32_t pasid, uint16_t prg_index, uint32_t code)
{
	struct prq_state *q = &v->prq;
	uint32_t n = v->cfg.prq_depth;

	if (q->resp_count == n) {
		q->resp_head = (q->resp_head + 1) % n;
		q->resp_count--;
	}
	q->resp[(q->resp_head + q->resp_count) % n] =
		(struct viommu_page_response){
			.rid = rid,
			.pasid_valid = pasid_valid,
			.pasid = pasid_valid ? pasid : 0,
			.prg_index = prg_index,
			.code = code,
		};
	q->resp_count++;
}

/* The unit answers a request's group itself (if it is the last). */
static void auto_respond(struct viommu *v, const struct viommu_page_request *r,
			 uint32_t code)
{
	if (!r->last)
		return;
	respond(v, r->rid, r->pasid_valid, r->pasid, r->prg_index, code);
	v->stats.prq_auto_responses++;
}

/* ---- Requests ---- */

static bool request_valid(const struct viommu *v,
			  const struct viommu_page_request *r)
{
	uint32_t rwx = VIOMMU_PR_READ | VIOMMU_PR_WRITE | VIOMMU_PR_EXEC;

	return !(r->perm & ~VIOMMU_PR_ALL) && (r->perm & rwx) &&
	       !((r->perm & VIOMMU_PR_WRITE) && (r->perm & VIOMMU_PR_EXEC)) &&
	       !(r->addr & (VIOMMU_PAGE_SIZE - 1)) &&
	       r->prg_index <= VIOMMU_PRG_INDEX_MAX &&
	       (!r->pasid_valid || r->pasid < (1u << v->cfg.pasid_bits));
}

/* LCOV_EXCL_START: an injected fault's body (README.md, "Coverage") */
static uint32_t request_access(const struct viommu_page_request *r)
{
	return ((r->perm & VIOMMU_PR_WRITE) ? VIOMMU_ACC_WRITE : 0) |
	       ((r->perm & VIOMMU_PR_EXEC) ? VIOMMU_ACC_EXEC : 0) |
	       ((r->perm & VIOMMU_PR_PRIV) ? VIOMMU_ACC_PRIV : 0);
}
/* LCOV_EXCL_STOP */

/* The request's PASID entry, if it takes page requests. */
static const struct pasid_entry *request_entry(struct viommu *v,
					       const struct viommu_page_request *r)
{
	uint32_t key = r->pasid_valid ? r->pasid : VIOMMU_NO_PASID;
	const struct pasid_entry *pe = pasid_entry_find(v, r->rid, key, false);

	if (!pe || pe->type == VIOMMU_PGTT_NONE ||
	    pe->type == VIOMMU_PGTT_SECOND_STAGE ||
	    !(pe->fs.flags & VIOMMU_FS_F_PRE))
		return NULL;
	return pe;
}

/*
 * Whether the tables (not the caches) already grant the request: only the
 * injected fault prq-present-answered asks. The unit does not walk for a
 * page request (viommu.h): a request it gets from a device whose cached
 * translation is stale must still reach software, the only one that can
 * invalidate.
 */
/* LCOV_EXCL_START: an injected fault's body (README.md, "Coverage") */
static bool request_present(struct viommu *v, const struct pasid_entry *pe,
			    const struct viommu_page_request *r)
{
	uint32_t key = r->pasid_valid ? r->pasid : VIOMMU_NO_PASID;
	struct xlate_fault f;
	struct iotlb_entry e;

	return !fs_translate(v, pe, key, r->addr, false, &e, &f) &&
	       !access_check(v, pe, &e, request_access(r), &f);
}
/* LCOV_EXCL_STOP */

/* Lose the request: full queue or group table. */
static int overflow(struct viommu *v, const struct viommu_page_request *r,
		    struct prq_group *g)
{
	if (viommu_fault(v, VIOMMU_FAULT_PRQ_OVERFLOW_SILENT))
		return -ENOSPC;
	v->stats.prq_overflows++;
	if (r->last) {
		if (g)
			g->used = false;
		auto_respond(v, r, VIOMMU_PR_SUCCESS);
	}
	return -ENOSPC;
}

int viommu_prq_submit(struct viommu *v, const struct viommu_page_request *r)
{
	struct prq_state *q = &v->prq;
	const struct pasid_entry *pe;
	struct prq_group *g;

	if (!request_valid(v, r))
		return -EINVAL;
	pe = request_entry(v, r);
	if (!pe) {
		auto_respond(v, r, VIOMMU_PR_INVALID);
		return -ENOENT;
	}
	g = group_find(v, r->rid, r->pasid_valid, r->pasid, r->prg_index);
	if (viommu_fault(v, VIOMMU_FAULT_PRQ_PRESENT_ANSWERED) && !g &&
	    request_present(v, pe, r)) {
		auto_respond(v, r, VIOMMU_PR_SUCCESS);
		return -EEXIST;
	}
	if (q->req_count == v->cfg.prq_depth)
		return overflow(v, r, g);
	if (!g)
		g = group_new(v, r);
	if (!g)
		return overflow(v, r, NULL);
	q->req[(q->req_head + q->req_count) % v->cfg.prq_depth] = *r;
	q->req_count++;
	v->stats.prq_queued++;
	if (r->last || viommu_fault(v, VIOMMU_FAULT_PRQ_LAST_IGNORED))
		g->outstanding = true;
	return 0;
}

int viommu_prq_pop(struct viommu *v, struct viommu_page_request *out)
{
	struct prq_state *q = &v->prq;

	if (!q->req_count)
		return -ENOENT;
	*out = q->req[q->req_head];
	q->req_head = (q->req_head + 1) % v->cfg.prq_depth;
	q->req_count--;
	return 0;
}

/* ---- Responses ---- */

static bool code_valid(uint32_t code)
{
	return code == VIOMMU_PR_SUCCESS || code == VIOMMU_PR_INVALID ||
	       code == VIOMMU_PR_FAILURE;
}

int viommu_page_response(struct viommu *v,
			 const struct viommu_page_response *resp)
{
	struct prq_group *g;

	if (!code_valid(resp->code))
		return -EINVAL;
	g = group_find(v, resp->rid, resp->pasid_valid, resp->pasid,
		       resp->prg_index);
	if (!g || !g->outstanding)
		return viommu_fault(v, VIOMMU_FAULT_PRQ_UNKNOWN_PRG) ?
		       0 : -EINVAL;
	if (!viommu_fault(v, VIOMMU_FAULT_PRQ_RESPONSE_TWICE))
		g->used = false;
	respond(v, resp->rid, resp->pasid_valid, resp->pasid,
		resp->prg_index, resp->code);
	return 0;
}

int viommu_prq_response_pop(struct viommu *v,
			    struct viommu_page_response *out)
{
	struct prq_state *q = &v->prq;

	if (!q->resp_count)
		return -ENOENT;
	*out = q->resp[q->resp_head];
	q->resp_head = (q->resp_head + 1) % v->cfg.prq_depth;
	q->resp_count--;
	return 0;
}

/* ---- Drain ---- */

static bool drain_matches(uint16_t rid, bool pasid_valid, uint32_t pasid,
			  uint32_t flags, uint16_t d_rid, bool d_pasid_valid,
			  uint32_t d_pasid)
{
	if (rid != d_rid)
		return false;
	if (!(flags & VIOMMU_DRAIN_F_PASID))
		return true;
	return pasid_valid == d_pasid_valid && (!pasid_valid ||
						pasid == d_pasid);
}

/* Discard the matching queued requests, keeping the others' order. */
static void drain_requests(struct viommu *v, uint16_t rid, uint32_t flags,
			   bool pasid_valid, uint32_t pasid)
{
	struct prq_state *q = &v->prq;
	uint32_t n = v->cfg.prq_depth, i, kept = 0;

	for (i = 0; i < q->req_count; i++) {
		struct viommu_page_request r = q->req[(q->req_head + i) % n];

		if (drain_matches(r.rid, r.pasid_valid, r.pasid, flags, rid,
				  pasid_valid, pasid))
			continue;
		q->req[(q->req_head + kept) % n] = r;
		kept++;
	}
	q->req_count = kept;
}

int viommu_prq_drain(struct viommu *v, uint16_t rid, uint32_t flags,
		     bool pasid_valid, uint32_t pasid)
{
	int completed = 0;
	uint32_t i;

	if (flags & ~VIOMMU_DRAIN_F_PASID)
		return -EINVAL;
	drain_requests(v, rid, flags, pasid_valid, pasid);
	if (viommu_fault(v, VIOMMU_FAULT_PRQ_DRAIN_KEEPS_GROUPS))
		return 0;
	for (i = 0; i < v->cfg.prq_depth; i++) {
		struct prq_group *g = &v->prq.groups[i];

		if (!g->used || !drain_matches(g->rid, g->pasid_valid,
					       g->pasid, flags, rid,
					       pasid_valid, pasid))
			continue;
		g->used = false;
		respond(v, g->rid, g->pasid_valid, g->pasid, g->prg_index,
			VIOMMU_PR_INVALID);
		completed++;
	}
	return completed;
}

uint32_t viommu_prq_groups(const struct viommu *v)
{
	uint32_t i, n = 0;

	for (i = 0; i < v->cfg.prq_depth; i++)
		n += v->prq.groups[i].used;
	return n;
}
