/* SPDX-License-Identifier: MIT */
/*
 * IOASID notifiers: the talk's "IOASID Notifier API" slide. Chains per set
 * and per mm token, the delivery of ALLOC/FREE (sent by the core) and of
 * BIND/UNBIND (sent by notify()), and the table of mm tokens. The contract
 * is in ioasid.h.
 *
 * Delivery order is what keeps the users of an ID in step (the ioasid.h
 * priorities: the device stops DMA, then the CPU side, then the IOMMU tears
 * down). Each chain is kept sorted in delivery order; an event walks the
 * set's chain and the token's chain together, like the merge step of a merge
 * sort, so that the union is delivered in order without building it.
 */
#include <errno.h>
#include <search.h>
#include <stdlib.h>

#include "harness/ref/alloc/alloc.h"
#include "ioasid_internal.h"

/*
 * What tsearch(3) costs per node besides our record: key pointer and two
 * child pointers with the colour folded in (glibc). An estimate, for bytes.
 */
#define TREE_NODE_BYTES (3 * sizeof(void *))

/* Does registration a hear an event before registration b? */
static bool delivered_before(const struct ioasid_core *core,
			     const struct ioasid_nb_reg *a,
			     const struct ioasid_nb_reg *b)
{
	if (a->priority != b->priority) {
		if (ioasid_fault(core, IOASID_FAULT_NOTIFY_PRIO_INVERTED))
			return a->priority < b->priority;
		return a->priority > b->priority;
	}
	if (ioasid_fault(core, IOASID_FAULT_NOTIFY_EQUAL_LIFO))
		return a->seq > b->seq;
	return a->seq < b->seq;
}

static bool chain_has(const struct ioasid_chain *chain,
		      const struct siovh_ioasid_nb *nb)
{
	const struct ioasid_nb_reg *reg;

	for (reg = chain->first; reg; reg = reg->next) {
		if (reg->nb == nb)
			return true;
	}
	return false;
}

static int chain_add(struct ioasid_core *core, struct ioasid_chain *chain,
		     struct siovh_ioasid_nb *nb)
{
	struct ioasid_nb_reg **link = &chain->first;
	struct ioasid_nb_reg *reg;

	if (chain_has(chain, nb) &&
	    !ioasid_fault(core, IOASID_FAULT_REGISTER_DUP))
		return -EEXIST;
	reg = ref_malloc(sizeof(*reg));
	if (!reg)
		return -ENOMEM;
	reg->nb = nb;
	reg->priority = nb->priority;
	reg->seq = ++core->nb_seq;

	/* Keep the chain in delivery order: in before the first it precedes. */
	while (*link && !delivered_before(core, reg, *link))
		link = &(*link)->next;
	reg->next = *link;
	*link = reg;
	core->nr_regs++;
	return 0;
}

static int chain_del(struct ioasid_core *core, struct ioasid_chain *chain,
		     struct siovh_ioasid_nb *nb)
{
	struct ioasid_nb_reg **link;

	for (link = &chain->first; *link; link = &(*link)->next) {
		struct ioasid_nb_reg *reg = *link;

		if (reg->nb != nb)
			continue;
		if (ioasid_fault(core, IOASID_FAULT_UNREGISTER_NOOP))
			return 0;
		*link = reg->next;
		free(reg);
		core->nr_regs--;
		return 0;
	}
	return -ENOENT;
}

/* Free a chain's registrations; returns how many there were. */
static uint64_t chain_free(struct ioasid_chain *chain)
{
	uint64_t n = 0;

	while (chain->first) {
		struct ioasid_nb_reg *reg = chain->first;

		chain->first = reg->next;
		free(reg);
		n++;
	}
	return n;
}

void ioasid_chain_destroy(struct ioasid_core *core, struct ioasid_chain *chain)
{
	core->nr_regs -= chain_free(chain);
}

/*
 * Deliver one event about an active or pending ID to the chains that flags
 * select, in order. The set is pinned meanwhile: a callback may drop the
 * set's last reference and reclaim its last ID, and the set (with the chain
 * being walked) must outlive the walk. Each next link is read before the
 * callback, which may thus (only) unregister itself.
 */
void ioasid_send(struct ioasid_core *core, enum siovh_ioasid_event event,
		 uint32_t id, const struct ioasid_entry *e, unsigned int flags)
{
	struct ioasid_set *set = e->set;
	const struct siovh_ioasid_notification n = {
		.event = event,
		.id = id,
		.spid = e->spid,
		.set = (struct siovh_ioasid_set *)set,
		.token = set->token,
		.private = e->private,
	};
	struct ioasid_nb_reg *a = NULL, *b = NULL;

	if ((flags & SIOVH_IOASID_NOTIFY_FLAG_SET) &&
	    !ioasid_fault(core, IOASID_FAULT_NOTIFY_NO_SET_CHAIN))
		a = set->chain.first;
	if ((flags & SIOVH_IOASID_NOTIFY_FLAG_MM) && set->mm &&
	    !ioasid_fault(core, IOASID_FAULT_NOTIFY_NO_MM_CHAIN))
		b = set->mm->chain.first;

	set->pins++;
	while (a || b) {
		struct ioasid_nb_reg **from;
		struct ioasid_nb_reg *reg;

		from = (!b || (a && delivered_before(core, a, b))) ? &a : &b;
		reg = *from;
		*from = reg->next;
		reg->nb->call(reg->nb, &n);
	}
	set->pins--;
	ioasid_set_release_if_unused(core, set);
}

static bool valid_nb(const struct siovh_ioasid_nb *nb)
{
	return nb && nb->call;
}

int ioasid_register_notifier(struct ioasid_core *core, struct ioasid_set *set,
			     struct siovh_ioasid_nb *nb)
{
	int err;

	if (!set || !valid_nb(nb))
		return -EINVAL;
	ioasid_lock(core);
	err = chain_add(core, &set->chain, nb);
	ioasid_unlock(core);
	return err;
}

int ioasid_unregister_notifier(struct ioasid_core *core,
			       struct ioasid_set *set,
			       struct siovh_ioasid_nb *nb)
{
	int err;

	if (!set || !nb)
		return -EINVAL;
	ioasid_lock(core);
	err = chain_del(core, &set->chain, nb);
	ioasid_unlock(core);
	return err;
}

int ioasid_register_notifier_mm(struct ioasid_core *core, void *token,
				struct siovh_ioasid_nb *nb)
{
	struct ioasid_mm *mm;
	int err;

	if (!token || !valid_nb(nb))
		return -EINVAL;
	ioasid_lock(core);
	/* The token need not have a set yet: its set will find this chain. */
	mm = ioasid_mm_get(core, token);
	if (!mm) {
		err = -ENOMEM;
		goto out_unlock;
	}
	err = chain_add(core, &mm->chain, nb);
	if (err)
		ioasid_mm_release_if_unused(core, mm);
out_unlock:
	ioasid_unlock(core);
	return err;
}

int ioasid_unregister_notifier_mm(struct ioasid_core *core, void *token,
				  struct siovh_ioasid_nb *nb)
{
	struct ioasid_mm *mm;
	int err = -ENOENT;

	if (!token || !nb)
		return -EINVAL;
	ioasid_lock(core);
	mm = ioasid_mm_find(core, token);
	if (mm) {
		err = chain_del(core, &mm->chain, nb);
		ioasid_mm_release_if_unused(core, mm);
	}
	ioasid_unlock(core);
	return err;
}

static bool user_event(struct ioasid_core *core, enum siovh_ioasid_event event)
{
	if (event == SIOVH_IOASID_NOTIFY_ALLOC)
		return ioasid_fault(core, IOASID_FAULT_NOTIFY_ACCEPTS_ALLOC);
	return event == SIOVH_IOASID_NOTIFY_BIND ||
	       event == SIOVH_IOASID_NOTIFY_UNBIND;
}

int ioasid_notify(struct ioasid_core *core, struct ioasid_set *set,
		  siovh_ioasid_t id, enum siovh_ioasid_event event,
		  unsigned int flags)
{
	struct ioasid_entry *e;
	int err;

	if (!set || !user_event(core, event))
		return -EINVAL;
	if (!flags || (flags & ~SIOVH_IOASID_NOTIFY_FLAG_ALL))
		return -EINVAL;
	if (ioasid_fault(core, IOASID_FAULT_NOTIFY_FLAGS_IGNORED))
		flags = SIOVH_IOASID_NOTIFY_FLAG_ALL;

	ioasid_lock(core);
	err = ioasid_lookup(core, set, id, IOASID_FAULT_NOTIFY_NO_OWNER, &e);
	/* A pending ID's users are letting go: nothing to bind any more. */
	if (!err && e->state == SIOVH_IOASID_STATE_FREE_PENDING &&
	    !ioasid_fault(core, IOASID_FAULT_NOTIFY_PENDING))
		err = -EBUSY;
	if (!err)
		ioasid_send(core, event, id, e, flags);
	ioasid_unlock(core);
	return err;
}

/* The mm token table: a tsearch(3) tree of struct ioasid_mm by token. */

static int mm_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct ioasid_mm *)a)->token;
	uintptr_t y = (uintptr_t)((const struct ioasid_mm *)b)->token;

	return (x > y) - (x < y);
}

struct ioasid_mm *ioasid_mm_find(struct ioasid_core *core, void *token)
{
	const struct ioasid_mm key = { .token = token };
	void *node = tfind(&key, &core->mm_root, mm_cmp);

	return node ? *(struct ioasid_mm **)node : NULL;
}

struct ioasid_mm *ioasid_mm_get(struct ioasid_core *core, void *token)
{
	struct ioasid_mm *mm = ioasid_mm_find(core, token);

	if (mm)
		return mm;
	mm = ref_calloc(1, sizeof(*mm));
	if (!mm)
		return NULL;
	mm->token = token;
	if (!tsearch(mm, &core->mm_root, mm_cmp)) {
		free(mm);
		return NULL;
	}
	core->nr_mm++;
	return mm;
}

void ioasid_mm_release_if_unused(struct ioasid_core *core,
				 struct ioasid_mm *mm)
{
	if (mm->nr_sets || mm->chain.first)
		return;
	tdelete(mm, &core->mm_root, mm_cmp);
	free(mm);
	core->nr_mm--;
}

static void mm_free(void *p)
{
	struct ioasid_mm *mm = p;

	chain_free(&mm->chain);
	free(mm);
}

void ioasid_mm_destroy_all(struct ioasid_core *core)
{
	tdestroy(core->mm_root, mm_free);
	core->mm_root = NULL;
	core->nr_mm = 0;
}

size_t ioasid_notify_bytes(const struct ioasid_core *core)
{
	return core->nr_mm * (sizeof(struct ioasid_mm) + TREE_NODE_BYTES) +
	       core->nr_regs * sizeof(struct ioasid_nb_reg);
}
