// SPDX-License-Identifier: MIT
/*
 * IOASID.ENOMEM 1: the IOASID core's calls that allocate memory, each
 * allocation failing in turn (walk.h), return -ENOMEM and change nothing:
 * no set, no ID taken or lost, no spid mapping, no notifier registered, no
 * callback made.
 */
#include <string.h>

#include "specs/ioasid/common.h"
#include "walk.h"

#define SRC_ID_ENOMEM SRC_API "; " SRC_SET_API "; " SRC_ENOMEM_DERIVED

struct id_ctx {
	struct siovh_ioasid_set *set, *made;
	uint32_t avail, nr_ids;
	siovh_ioasid_t id, got, spid;
	struct siovh_ioasid_nb nb;
	unsigned int calls;
	int token;
};

static struct siovh_ioasid_ops const *ops(struct siovh_check *check)
{
	return siovh_check_target(check)->ioasid;
}

/* The pool and the set hold what they held. */
static void pool_same(struct siovh_check *check, void *p)
{
	struct id_ctx *c = p;

	EXPECT_EQ(avail_of(check), c->avail);
	EXPECT_EQ(set_probe(check, c->set).nr_ids, c->nr_ids);
}

static int set_alloc_call(struct siovh_check *check, void *p)
{
	struct id_ctx *c = p;

	return ops(check)->set_alloc(siovh_check_target(check), &c->token, 8,
				     SIOVH_IOASID_SET_TYPE_MM, &c->made);
}

/* A single-ID range far from the IDs in use: its entry is new memory. */
static int alloc_call(struct siovh_check *check, void *p)
{
	struct id_ctx *c = p;

	return ops(check)->alloc(siovh_check_target(check), c->set, c->id,
				 c->id, NULL, &c->got);
}

static void alloc_same(struct siovh_check *check, void *p)
{
	struct id_ctx *c = p;

	pool_same(check, p);
	EXPECT_EQ(state_of(check, c->id), SIOVH_IOASID_STATE_FREE);
}

static int spid_call(struct siovh_check *check, void *p)
{
	struct id_ctx *c = p;

	return ops(check)->attach_spid(siovh_check_target(check), c->set,
				       c->got, c->spid);
}

static void spid_same(struct siovh_check *check, void *p)
{
	struct id_ctx *c = p;

	expect_spid_unmapped(check, c->set, c->spid);
	EXPECT_EQ(probe(check, c->got).spid, SIOVH_INVALID_IOASID);
}

static int count_call(struct siovh_ioasid_nb *nb,
		      const struct siovh_ioasid_notification *n)
{
	(void)n;
	((struct id_ctx *)((char *)nb - offsetof(struct id_ctx, nb)))->calls++;
	return 0;
}

static int register_call(struct siovh_check *check, void *p)
{
	struct id_ctx *c = p;

	return ops(check)->register_notifier_mm(siovh_check_target(check),
						&c->token, &c->nb);
}

/* Not registered: unregister finds nothing. */
static void register_same(struct siovh_check *check, void *p)
{
	struct id_ctx *c = p;

	EXPECT_LT(ops(check)->unregister_notifier_mm(
			siovh_check_target(check), &c->token, &c->nb), 0);
}

static void each_fn(siovh_ioasid_t id, void *data)
{
	(void)id;
	((struct id_ctx *)data)->calls++;
}

static int for_each_call(struct siovh_check *check, void *p)
{
	struct id_ctx *c = p;

	c->calls = 0;
	return ops(check)->set_for_each(siovh_check_target(check), c->set,
					each_fn, c);
}

static void for_each_same(struct siovh_check *check, void *p)
{
	EXPECT_EQ(((struct id_ctx *)p)->calls, 0);
}

SIOVH_CLAUSE(enomem_ioasid,
	.id = "IOASID.ENOMEM.1", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "set_alloc, alloc, attach_spid, register_notifier_mm and set_for_each whose memory allocation fails (each in turn) return -ENOMEM and change nothing: the pool's and the set's counts as before, the ID still free (and then allocated, nothing lost), no spid mapping, no notifier registered, no callback made",
	.source = SRC_ID_ENOMEM,
	.needs = NEEDS_PROBE | NEEDS_FAIL_NTH)
{
	static const struct enomem_op set_op = {
		"set_alloc", set_alloc_call, pool_same, NULL,
	};
	static const struct enomem_op alloc_op = {
		"alloc", alloc_call, alloc_same, NULL,
	};
	static const struct enomem_op spid_op = {
		"attach_spid", spid_call, spid_same, NULL,
	};
	static const struct enomem_op reg_op = {
		"register_notifier_mm", register_call, register_same, NULL,
	};
	static const struct enomem_op each_op = {
		"set_for_each", for_each_call, for_each_same, NULL,
	};
	struct siovh_target *t = siovh_check_target(check);
	struct id_ctx c;

	memset(&c, 0, sizeof(c));
	c.set = new_set(check, 8);
	new_id(check, c.set, 1, 1000, NULL);
	c.avail = avail_of(check);
	c.nr_ids = set_probe(check, c.set).nr_ids;
	enomem_walk(check, &set_op, &c);
	EXPECT_EQ(avail_of(check), c.avail - 8);
	t->ioasid->set_put(t, c.made);

	c.id = capacity_of(check) - 3;
	enomem_walk(check, &alloc_op, &c);
	EXPECT_EQ(c.got, c.id);
	c.nr_ids++;

	c.spid = 77;
	enomem_walk(check, &spid_op, &c);
	expect_spid_maps(check, c.set, c.spid, c.got);

	c.nb.call = count_call;
	enomem_walk(check, &reg_op, &c);
	EXPECT_OK(t->ioasid->unregister_notifier_mm(t, &c.token, &c.nb));

	enomem_walk(check, &each_op, &c);
	EXPECT_EQ(c.calls, c.nr_ids);
}
