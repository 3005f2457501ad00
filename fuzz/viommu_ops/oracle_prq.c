// SPDX-License-Identifier: MIT
/*
 * The viommu_ops oracle for page requests: a model of the page request
 * queue, its groups and the responses toward the devices, from the
 * contract of viommu_prq_submit and its neighbours in viommu.h. A request
 * is never checked against the tables: every request of a PRE entry is
 * queued, as the header says. Every answer, every popped request and response and
 * the counters are compared with the model after each operation.
 *
 * One assumption beyond the header: a drain completes its groups in the
 * order they were opened into free slots of the group table (the first
 * free slot first), which fixes the order of its INVALID responses.
 */
#include <errno.h>
#include <string.h>

#include "fuzz/common/fuzz.h"
#include "viommu_ops.h"

#define Q	(&vo.prq)

FZ_ORACLE static bool grp_is(const struct group *g, uint16_t rid, bool pv,
			     uint32_t pasid, uint16_t idx)
{
	return g->used && g->rid == rid && g->pasid_valid == pv &&
	       (!pv || g->pasid == pasid) && g->prg_index == idx;
}

FZ_ORACLE static struct group *grp_find(uint16_t rid, bool pv,
					uint32_t pasid, uint16_t idx)
{
	uint32_t i;

	for (i = 0; i < vo.cfg.prq_depth; i++)
		if (grp_is(&Q->groups[i], rid, pv, pasid, idx))
			return &Q->groups[i];
	return NULL;
}

FZ_ORACLE static void respond(uint16_t rid, bool pv, uint32_t pasid,
			      uint16_t idx, uint32_t code)
{
	uint32_t n = vo.cfg.prq_depth;

	if (Q->resp_count == n) {	/* the oldest is dropped */
		Q->resp_head = (Q->resp_head + 1) % n;
		Q->resp_count--;
	}
	Q->resp[(Q->resp_head + Q->resp_count) % n] =
		(struct viommu_page_response){
			.rid = rid, .pasid_valid = pv,
			.pasid = pv ? pasid : 0, .prg_index = idx,
			.code = code };
	Q->resp_count++;
}

FZ_ORACLE static void auto_respond(const struct viommu_page_request *r,
				   uint32_t code)
{
	if (!r->last)
		return;
	respond(r->rid, r->pasid_valid, r->pasid, r->prg_index, code);
	Q->auto_responses++;
}

FZ_ORACLE static bool req_valid(const struct viommu_page_request *r)
{
	uint32_t rwx = VIOMMU_PR_READ | VIOMMU_PR_WRITE | VIOMMU_PR_EXEC;

	return !(r->perm & ~VIOMMU_PR_ALL) && (r->perm & rwx) &&
	       !((r->perm & VIOMMU_PR_WRITE) && (r->perm & VIOMMU_PR_EXEC)) &&
	       !(r->addr % PAGE) && r->prg_index <= VIOMMU_PRG_INDEX_MAX &&
	       (!r->pasid_valid || !(r->pasid >> vo.cfg.pasid_bits));
}

/* A lost request: the queue or the group table is full. */
FZ_ORACLE static int overflow(const struct viommu_page_request *r,
			      struct group *g)
{
	Q->overflows++;
	if (r->last) {
		if (g)
			g->used = false;
		auto_respond(r, VIOMMU_PR_SUCCESS);
	}
	return -ENOSPC;
}

/* The model's answer to a request, the model updated. */
FZ_ORACLE static int submit_model(const struct viommu_page_request *r)
{
	uint32_t key = r->pasid_valid ? r->pasid : VIOMMU_NO_PASID, i;
	const struct pe_slot *s;
	struct group *g;

	if (!req_valid(r))
		return -EINVAL;
	s = vo_pe(r->rid, key);
	if (!s || s->e.type == VIOMMU_PGTT_SECOND_STAGE ||
	    !(s->e.flags & VIOMMU_FS_F_PRE)) {
		auto_respond(r, VIOMMU_PR_INVALID);
		return -ENOENT;
	}
	/* Every request of a PRE entry is queued, even one the tables grant. */
	g = grp_find(r->rid, r->pasid_valid, r->pasid, r->prg_index);
	if (Q->req_count == vo.cfg.prq_depth)
		return overflow(r, g);
	for (i = 0; !g && i < vo.cfg.prq_depth; i++) {
		if (Q->groups[i].used)
			continue;
		g = &Q->groups[i];
		*g = (struct group){ .used = true,
				     .pasid_valid = r->pasid_valid,
				     .rid = r->rid,
				     .pasid = r->pasid_valid ? r->pasid : 0,
				     .prg_index = r->prg_index };
	}
	if (!g)
		return overflow(r, NULL);
	Q->req[(Q->req_head + Q->req_count) % vo.cfg.prq_depth] = *r;
	Q->req_count++;
	Q->queued++;
	if (r->last)
		g->outstanding = true;
	return 0;
}

FZ_ORACLE void vo_prq_submit(const struct viommu_page_request *r)
{
	int want = submit_model(r);
	int ret = viommu_prq_submit(vo.v, r);

	fz_note_u64((uint64_t)ret);
	if (ret != want)
		fz_fail("page request rid %#x pasid %d/%#x addr %#llx perm %#x "
			"prg %u%s: %d, the contract says %d", r->rid,
			r->pasid_valid, r->pasid, (unsigned long long)r->addr,
			r->perm, r->prg_index, r->last ? " last" : "", ret,
			want);
}

FZ_ORACLE void vo_prq_pop(void)
{
	struct viommu_page_request got, *w;
	int ret = viommu_prq_pop(vo.v, &got);

	fz_note_u64((uint64_t)ret);
	if (!Q->req_count) {
		if (ret != -ENOENT)
			fz_fail("prq_pop on an empty queue: %d", ret);
		return;
	}
	w = &Q->req[Q->req_head];
	Q->req_head = (Q->req_head + 1) % vo.cfg.prq_depth;
	Q->req_count--;
	if (ret)
		fz_fail("prq_pop: %d with %u requests queued", ret,
			Q->req_count + 1);
	if (got.rid != w->rid || got.pasid_valid != w->pasid_valid ||
	    (w->pasid_valid && got.pasid != w->pasid) ||
	    got.addr != w->addr || got.perm != w->perm ||
	    got.prg_index != w->prg_index || got.last != w->last ||
	    got.private_data != w->private_data)
		fz_fail("prq_pop: rid %#x prg %u addr %#llx perm %#x last %d "
			"data %#llx; the oldest queued is rid %#x prg %u addr "
			"%#llx perm %#x last %d data %#llx", got.rid,
			got.prg_index, (unsigned long long)got.addr, got.perm,
			got.last, (unsigned long long)got.private_data, w->rid,
			w->prg_index, (unsigned long long)w->addr, w->perm,
			w->last, (unsigned long long)w->private_data);
}

FZ_ORACLE void vo_prq_response(const struct viommu_page_response *r)
{
	struct group *g = grp_find(r->rid, r->pasid_valid, r->pasid,
				   r->prg_index);
	bool code_ok = r->code == VIOMMU_PR_SUCCESS ||
		       r->code == VIOMMU_PR_INVALID ||
		       r->code == VIOMMU_PR_FAILURE;
	int want = code_ok && g && g->outstanding ? 0 : -EINVAL;
	int ret = viommu_page_response(vo.v, r);

	fz_note_u64((uint64_t)ret);
	if (ret != want)
		fz_fail("page response rid %#x pasid %d/%#x prg %u code %#x: "
			"%d, the contract says %d (%s)", r->rid, r->pasid_valid,
			r->pasid, r->prg_index, r->code, ret, want,
			!code_ok ? "unknown code" : !g ? "no such group" :
			!g->outstanding ? "group still open" : "outstanding");
	if (want)
		return;
	g->used = false;
	respond(r->rid, r->pasid_valid, r->pasid, r->prg_index, r->code);
}

FZ_ORACLE static bool drain_match(uint16_t rid, bool pv, uint32_t pasid,
				  uint32_t flags, uint16_t drid, bool dpv,
				  uint32_t dpasid)
{
	if (rid != drid)
		return false;
	if (!(flags & VIOMMU_DRAIN_F_PASID))
		return true;
	return pv == dpv && (!pv || pasid == dpasid);
}

FZ_ORACLE void vo_prq_drain(uint16_t rid, uint32_t flags, bool pv,
			    uint32_t pasid)
{
	uint32_t n = vo.cfg.prq_depth, i, kept = 0;
	int want = 0, ret;

	if (flags & ~VIOMMU_DRAIN_F_PASID) {
		want = -EINVAL;
		goto call;
	}
	for (i = 0; i < Q->req_count; i++) {
		struct viommu_page_request r = Q->req[(Q->req_head + i) % n];

		if (!drain_match(r.rid, r.pasid_valid, r.pasid, flags, rid, pv,
				 pasid))
			Q->req[(Q->req_head + kept++) % n] = r;
	}
	Q->req_count = kept;
	for (i = 0; i < n; i++) {
		struct group *g = &Q->groups[i];

		if (!g->used || !drain_match(g->rid, g->pasid_valid, g->pasid,
					     flags, rid, pv, pasid))
			continue;
		g->used = false;
		respond(g->rid, g->pasid_valid, g->pasid, g->prg_index,
			VIOMMU_PR_INVALID);
		want++;
	}
call:
	ret = viommu_prq_drain(vo.v, rid, flags, pv, pasid);
	fz_note_u64((uint64_t)ret);
	if (ret != want)
		fz_fail("prq_drain rid %#x flags %#x pasid %d/%#x: %d, the "
			"model completes %d groups", rid, flags, pv, pasid, ret,
			want);
}

FZ_ORACLE void vo_prq_response_pop(void)
{
	struct viommu_page_response got, *w;
	int ret = viommu_prq_response_pop(vo.v, &got);

	fz_note_u64((uint64_t)ret);
	if (!Q->resp_count) {
		if (ret != -ENOENT)
			fz_fail("prq_response_pop with none sent: %d (rid %#x "
				"prg %u code %#x)", ret, got.rid, got.prg_index,
				got.code);
		return;
	}
	w = &Q->resp[Q->resp_head];
	Q->resp_head = (Q->resp_head + 1) % vo.cfg.prq_depth;
	Q->resp_count--;
	if (ret || got.rid != w->rid || got.pasid_valid != w->pasid_valid ||
	    got.pasid != w->pasid || got.prg_index != w->prg_index ||
	    got.code != w->code)
		fz_fail("prq_response_pop: %d, rid %#x pasid %d/%#x prg %u "
			"code %#x; the oldest response sent is rid %#x pasid "
			"%d/%#x prg %u code %#x", ret, got.rid, got.pasid_valid,
			got.pasid, got.prg_index, got.code, w->rid,
			w->pasid_valid, w->pasid, w->prg_index, w->code);
}

FZ_ORACLE bool vo_prq_group(unsigned int n, struct viommu_page_response *r)
{
	uint32_t i, used = 0;

	for (i = 0; i < vo.cfg.prq_depth; i++)
		used += Q->groups[i].used;
	if (!used)
		return false;
	n %= used;
	for (i = 0; i < vo.cfg.prq_depth; i++) {
		const struct group *g = &Q->groups[i];

		if (!g->used || n--)
			continue;
		r->rid = g->rid;
		r->pasid_valid = g->pasid_valid;
		r->pasid = g->pasid;
		r->prg_index = g->prg_index;
		return true;
	}
	return false;
}

FZ_ORACLE void vo_prq_check(void)
{
	struct viommu_stats st;
	uint32_t i, used = 0, groups = viommu_prq_groups(vo.v);

	for (i = 0; i < vo.cfg.prq_depth; i++)
		used += Q->groups[i].used;
	if (groups != used)
		fz_fail("%u page request groups open or outstanding, the model "
			"has %u", groups, used);
	viommu_get_stats(vo.v, &st);
	if (st.prq_queued != Q->queued || st.prq_overflows != Q->overflows ||
	    st.prq_auto_responses != Q->auto_responses)
		fz_fail("stats: %llu page requests queued, %llu lost, %llu "
			"answered by the unit; the model says %llu, %llu, %llu",
			(unsigned long long)st.prq_queued,
			(unsigned long long)st.prq_overflows,
			(unsigned long long)st.prq_auto_responses,
			(unsigned long long)Q->queued,
			(unsigned long long)Q->overflows,
			(unsigned long long)Q->auto_responses);
}
