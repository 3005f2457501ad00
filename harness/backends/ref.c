/* SPDX-License-Identifier: MIT */
/*
 * The ref backend: one reference IOASID core per target, behind the ioasid
 * and test facets. Each op below only translates the target into its core
 * and the facet's opaque set handle into the core's set; the behaviour is
 * all in harness/ref/ioasid.
 *
 * Faults: the table is made from the core's IOASID_FAULT_LIST, so a fault
 * added there appears here as "ioasid-<name>". spec->fault indexes it.
 */
#include <errno.h>

#include "harness/backends/ref.h"
#include "harness/ref/ioasid/ioasid.h"

/* The talk's PASID space: 20 bits. */
#define REF_IOASID_CAPACITY (1u << 20)

#define REF_FEATURES (SIOVH_FEAT_IOASID | SIOVH_FEAT_TEST_IOASID | \
		      SIOVH_FEAT_IOASID_THREADS)

static struct ioasid_core *core_of(struct siovh_target *t)
{
	return t->priv;
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

static const struct siovh_test_ops ref_test_ops = {
	.ioasid_probe = ref_ioasid_probe,
	.ioasid_set_probe = ref_ioasid_set_probe,
};

#define REF_IOASID_FAULT(c, n, s) {					\
		.name = "ioasid-" n,					\
		.facet = "ioasid",					\
		.summary = s,						\
		.code = IOASID_FAULT_##c,				\
	},

static const struct siovh_fault ref_faults[] = {
	IOASID_FAULT_LIST(REF_IOASID_FAULT)
	{ .name = NULL },
};

#define REF_NR_FAULTS (sizeof(ref_faults) / sizeof(ref_faults[0]) - 1)

static int ref_open(const struct siovh_target_spec *spec,
		    struct siovh_target *t)
{
	int fault = IOASID_FAULT_NONE;
	struct ioasid_core *core;

	if (spec->fault >= 0) {
		if ((size_t)spec->fault >= REF_NR_FAULTS)
			return -EINVAL;
		fault = ref_faults[spec->fault].code;
	}
	core = ioasid_core_create(REF_IOASID_CAPACITY, fault);
	if (!core)
		return -errno;
	t->priv = core;
	t->features = REF_FEATURES;
	t->ioasid = &ref_ioasid_ops;
	t->test = &ref_test_ops;
	return 0;
}

static void ref_close(struct siovh_target *t)
{
	ioasid_core_destroy(core_of(t));
	t->priv = NULL;
	t->ioasid = NULL;
	t->test = NULL;
}

const struct siovh_backend siovh_ref_backend = {
	.name = "ref",
	.summary = "in-process reference implementations (IOASID core)",
	.faults = ref_faults,
	.open = ref_open,
	.close = ref_close,
};
