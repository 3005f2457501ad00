// SPDX-License-Identifier: MIT
/*
 * The VDEV sequence engine (vdev_seq.h): decode, run each operation on the
 * target and on the model (vdev_model.h), compare, tear down.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "vdev_model.h"
#include "vdev_seq.h"
#include "seq_report.h"

#define LINE 160
#define CMD_MEMORY (1u << 1)
#define CMD_MASTER (1u << 2)
#define MBOX_SET_QUEUES 0x3
#define CFG_REGION VFIO_PCI_CONFIG_REGION_INDEX

struct seq_regs {
	const struct siovh_profile_reg *arg, *cmd, *bell, *status;
	const struct siovh_profile_reg *qctrl[16], *qstatus[16];
	uint64_t bar_size;		/* of arg's region */
};

struct seq_slot {
	struct siovh_vdev *v;
	uint64_t off[16];
	int efd[VDEV_MODEL_VECS];
};

struct siovh_vdev_seq {
	struct siovh_target *t;
	const struct siovh_profile *p;
	struct siovh_vdev_seq_config cfg;
	struct vdev_model m;
	struct seq_regs regs[VDEV_MODEL_TYPES];
	struct seq_slot slots[VDEV_MODEL_SLOTS];
	bool probe;
	uint32_t free0, vdevs0;
	struct seq_trace tr;		/* step, call, report; ring trace */
	char trace[SIOVH_VDEV_SEQ_TRACE][LINE + 48];
};

void siovh_vdev_op_decode(const uint8_t bytes[SIOVH_VDEV_OP_BYTES],
			  struct siovh_vdev_op *op)
{
	op->kind = (enum siovh_vdev_op_kind)(bytes[0] % SIOVH_VDEV_OP_NR);
	op->slot = bytes[1];
	op->a = bytes[2];
	op->b = bytes[3];
}

/* --- trace and report (seq_report.h) ------------------------------------- */

#define begin(s, ...)	seq_trace_begin(&(s)->tr, __VA_ARGS__)
#define done(s, ret)	seq_trace_done(&(s)->tr, ret)
#define diverge(s, ...)	seq_trace_diverge(&(s)->tr, __VA_ARGS__)

static bool cmp_ret(struct siovh_vdev_seq *s, int got, int want)
{
	done(s, got);
	if (got == want || (s->m.leeway == VDEV_MODEL_ANY_ERRNO && got < 0 &&
			    want < 0))
		return true;
	return diverge(s, "returned %d, the model expects %d%s", got, want,
		       s->m.leeway ? " (or any failure)" : "");
}

/* --- target helpers ------------------------------------------------------ */

static void uuid_of(unsigned int n, uint8_t uuid[16])
{
	memset(uuid, 0x5e, 16);
	uuid[15] = (uint8_t)n;
}

static int rw(struct siovh_vdev_seq *s, struct seq_slot *sl, bool write,
	      uint32_t region, uint64_t off, void *val, size_t len)
{
	ssize_t r;

	off += region < 16 ? sl->off[region] : 0;
	r = write ? s->t->vfio_device->pwrite(s->t, sl->v, val, len, off) :
		    s->t->vfio_device->pread(s->t, sl->v, val, len, off);
	return r < 0 ? (int)r : (size_t)r == len ? 0 : -EIO;
}

static int reg_rw(struct siovh_vdev_seq *s, struct seq_slot *sl, bool write,
		  const struct siovh_profile_reg *g, uint32_t *val)
{
	return rw(s, sl, write, g->region, g->offset, val, 4);
}

static int fetch_offsets(struct siovh_vdev_seq *s, struct seq_slot *sl)
{
	struct vfio_region_info ri;
	uint32_t i;
	int ret;

	for (i = 0; i < 16; i++) {
		memset(&ri, 0, sizeof(ri));
		ri.argsz = sizeof(ri);
		ri.index = i;
		ret = s->t->vfio_device->ioctl(s->t, sl->v,
					       VFIO_DEVICE_GET_REGION_INFO, &ri);
		sl->off[i] = ret ? 0 : ri.offset;
	}
	return 0;
}

static int set_irq(struct siovh_vdev_seq *s, struct seq_slot *sl,
		   uint32_t action, uint32_t vec, int fd, bool with_fd)
{
	uint8_t buf[sizeof(struct vfio_irq_set) + sizeof(int)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;

	memset(buf, 0, sizeof(buf));
	set->argsz = sizeof(*set) + (with_fd ? sizeof(int) : 0);
	set->flags = action | (with_fd ? VFIO_IRQ_SET_DATA_EVENTFD :
					 VFIO_IRQ_SET_DATA_NONE);
	set->index = VFIO_PCI_MSIX_IRQ_INDEX;
	set->start = vec;
	set->count = 1;
	memcpy(set->data, &fd, sizeof(fd));
	return s->t->vfio_device->ioctl(s->t, sl->v, VFIO_DEVICE_SET_IRQS, set);
}

static int mig_set(struct siovh_vdev_seq *s, struct seq_slot *sl,
		   uint32_t state)
{
	uint8_t buf[sizeof(struct vfio_device_feature) +
		    sizeof(struct vfio_device_feature_mig_state)];
	struct vfio_device_feature *f = (struct vfio_device_feature *)buf;
	struct vfio_device_feature_mig_state *ms = (void *)f->data;
	int ret;

	memset(buf, 0, sizeof(buf));
	f->argsz = sizeof(buf);
	f->flags = VFIO_DEVICE_FEATURE_SET |
		   VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE;
	ms->device_state = state;
	ms->data_fd = -1;
	ret = s->t->vfio_device->ioctl(s->t, sl->v, VFIO_DEVICE_FEATURE, f);
	if (!ret && ms->data_fd >= 0)
		close(ms->data_fd);
	return ret;
}

/* --- comparison after a step -------------------------------------------- */

static bool check_state(struct siovh_vdev_seq *s, unsigned int touched)
{
	struct siovh_parent_probe pp;
	struct siovh_vdev_probe vp;
	struct vdev_model_vdev *mv;
	uint64_t got;
	unsigned int i, k;

	for (i = 0; i < s->cfg.slots; i++) {
		mv = &s->m.v[i];
		if (!mv->open)
			continue;
		for (k = 0; k < VDEV_MODEL_VECS; k++) {
			got = 0;
			if (read(s->slots[i].efd[k], &got, sizeof(got)) !=
			    (ssize_t)sizeof(got))
				got = 0;
			if (got != mv->signals[k])
				return diverge(s, "slot %u vector %u signalled "
					       "%llu times, the model expects "
					       "%u", i, k,
					       (unsigned long long)got,
					       mv->signals[k]);
			mv->signals[k] = 0;
		}
	}
	if (!s->probe)
		return true;
	if (s->t->test->parent_probe(s->t, &pp))
		return diverge(s, "parent_probe failed");
	if (pp.free_adis != s->free0 - (s->m.nr_adis - s->m.free_adis) ||
	    pp.nr_vdevs != s->vdevs0 + vdev_model_count(&s->m))
		return diverge(s, "parent has %u free ADIs and %u VDEVs, the "
			       "model expects %u and %u", pp.free_adis,
			       pp.nr_vdevs,
			       s->free0 - (s->m.nr_adis - s->m.free_adis),
			       s->vdevs0 + vdev_model_count(&s->m));
	mv = &s->m.v[touched];
	if (!mv->exists)
		return true;
	memset(&vp, 0, sizeof(vp));
	if (s->t->test->vdev_probe(s->t, s->slots[touched].v, &vp))
		return diverge(s, "vdev_probe of slot %u failed", touched);
	if (vp.open != mv->open || vp.nr_adis != mv->curq ||
	    vp.cur_queues != mv->curq ||
	    (mv->open && vp.migration_state != mv->mig))
		return diverge(s, "slot %u: open %u, %u ADIs, curQ %u, "
			       "migration %u; the model expects %u, %u, %u, %u",
			       touched, vp.open, vp.nr_adis, vp.cur_queues,
			       vp.migration_state, mv->open, mv->curq,
			       mv->curq, mv->mig);
	return true;
}

/* --- operations ---------------------------------------------------------- */

static const uint32_t mig_states[8] = {
	VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_RUNNING,
	VFIO_DEVICE_STATE_STOP_COPY, VFIO_DEVICE_STATE_RUNNING_P2P,
	VFIO_DEVICE_STATE_ERROR, VFIO_DEVICE_STATE_PRE_COPY,
	VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_RUNNING,
};

static bool op_create(struct siovh_vdev_seq *s, unsigned int i,
		      unsigned int a, unsigned int b)
{
	struct seq_slot *sl = &s->slots[i];
	int type = (int)(a % (s->p->nr_types + 1)), want, got;
	unsigned int uuid = b % s->cfg.uuids;
	struct siovh_vdev *v = NULL;
	uint8_t u[16];

	if (type == (int)s->p->nr_types)
		type = -1;
	if (s->m.v[i].exists)
		uuid = s->m.v[i].uuid;	/* an occupied slot: a duplicate */
	uuid_of(uuid, u);
	begin(s, "create(S%u, %s, uuid %u)", i,
	      type < 0 ? "unknown" : s->p->types[type].name, uuid);
	got = s->t->vfio_device->create(s->t, type < 0 ? "siovh-no-such" :
					s->p->types[type].name, u, &v);
	want = vdev_model_create(&s->m, i, type, uuid);
	if (!cmp_ret(s, got, want))
		return false;
	if (!got)
		sl->v = v;
	return true;
}

static bool op_run(struct siovh_vdev_seq *s, const struct siovh_vdev_op *op)
{
	unsigned int i = op->slot % s->cfg.slots;
	struct vdev_model_vdev *mv = &s->m.v[i];
	struct seq_slot *sl = &s->slots[i];
	const struct seq_regs *r;
	const struct vdev_model_type *ty;
	uint32_t val = 0, want_val = 0, st = 0, want_st = 0, n;
	int got, want;

	if (op->kind == SIOVH_VDEV_OP_AVAIL) {
		unsigned int k, avail;

		begin(s, "available_instances(*)");
		for (k = 0; k < s->p->nr_types; k++) {
			got = s->t->vfio_device->available_instances(
				s->t, s->p->types[k].name, &avail);
			if (got || avail != vdev_model_available(&s->m, (int)k))
				return diverge(s, "available_instances(%s) = %u "
					       "(ret %d), the model expects %u",
					       s->p->types[k].name, avail, got,
					       vdev_model_available(&s->m,
								    (int)k));
		}
		done(s, 0);
		return true;
	}
	if (op->kind == SIOVH_VDEV_OP_CREATE || !mv->exists) {
		if (op->kind == SIOVH_VDEV_OP_REMOVE && !mv->exists)
			return true;
		return op_create(s, i, op->a, op->b) && check_state(s, i);
	}
	ty = &s->m.types[mv->type];
	r = &s->regs[mv->type];
	switch (op->kind) {
	case SIOVH_VDEV_OP_REMOVE:
		begin(s, "remove(S%u)", i);
		got = s->t->vfio_device->remove(s->t, sl->v);
		want = vdev_model_remove(&s->m, i);
		if (!cmp_ret(s, got, want))
			return false;
		if (!got)
			sl->v = NULL;
		break;
	case SIOVH_VDEV_OP_OPEN:
		begin(s, "open(S%u)", i);
		got = s->t->vfio_device->open(s->t, sl->v);
		want = vdev_model_open(&s->m, i);
		if (!cmp_ret(s, got, want))
			return false;
		if (!got)
			fetch_offsets(s, sl);
		break;
	case SIOVH_VDEV_OP_RELEASE:
		begin(s, "release(S%u)", i);
		got = s->t->vfio_device->release(s->t, sl->v);
		if (!cmp_ret(s, got, vdev_model_release(&s->m, i)))
			return false;
		break;
	case SIOVH_VDEV_OP_RESET:
		begin(s, "reset(S%u)", i);
		got = s->t->vfio_device->ioctl(s->t, sl->v, VFIO_DEVICE_RESET,
					       NULL);
		if (!cmp_ret(s, got, vdev_model_reset(&s->m, i)))
			return false;
		break;
	case SIOVH_VDEV_OP_COMMAND:
		val = (op->b & 1 ? CMD_MEMORY : 0) | (op->b & 2 ? CMD_MASTER : 0);
		begin(s, "command(S%u, %#x)", i, val);
		got = rw(s, sl, true, CFG_REGION, 4, &val, 2);
		if (!cmp_ret(s, got, vdev_model_command(&s->m, i, val)))
			return false;
		break;
	case SIOVH_VDEV_OP_REG_READ:
		begin(s, "read(S%u, %s)", i, r->arg->name);
		got = reg_rw(s, sl, false, r->arg, &val);
		want = vdev_model_reg_read(&s->m, i, &want_val);
		if (!cmp_ret(s, got, want))
			return false;
		if (!got && val != want_val)
			return diverge(s, "read %#x, the model expects %#x", val,
				       want_val);
		break;
	case SIOVH_VDEV_OP_REG_WRITE:
		val = (op->a << 8 | op->b) * 0x10001u;
		begin(s, "write(S%u, %s, %#x)", i, r->arg->name, val);
		got = reg_rw(s, sl, true, r->arg, &val);
		if (!cmp_ret(s, got, vdev_model_reg_write(&s->m, i, val)))
			return false;
		break;
	case SIOVH_VDEV_OP_READ_OOB:
		begin(s, "read(S%u, region %u + %#llx)", i, r->arg->region,
		      (unsigned long long)r->bar_size);
		got = rw(s, sl, false, r->arg->region, r->bar_size,
				    &val, 4);
		if (!cmp_ret(s, got, vdev_model_read_oob(&s->m, i)))
			return false;
		break;
	case SIOVH_VDEV_OP_QUEUE_ENABLE:
		n = op->a % ty->adis;
		begin(s, "enable(S%u, q%u)", i, n);
		got = reg_rw(s, sl, true, r->qctrl[n], &(uint32_t){ 1 });
		want = vdev_model_queue_enable(&s->m, i, n, &want_st);
		if (!cmp_ret(s, got, want))
			return false;
		if (!got && (reg_rw(s, sl, false, r->qstatus[n], &st) ||
			     (st & 3) != want_st))
			return diverge(s, "q%u status %#x, the model expects %#x",
				       n, st & 3, want_st);
		break;
	case SIOVH_VDEV_OP_SET_QUEUES:
		n = op->b % (ty->adis + 2);
		begin(s, "SET_QUEUES(S%u, %u)", i, n);
		val = MBOX_SET_QUEUES;
		got = reg_rw(s, sl, true, r->cmd, &val);
		if (!got)
			got = reg_rw(s, sl, true, r->arg, &n);
		if (!got)
			got = reg_rw(s, sl, true, r->bell, &val);
		if (!got)
			got = reg_rw(s, sl, false, r->status, &st);
		want = vdev_model_set_queues(&s->m, i, n, &want_st);
		if (!cmp_ret(s, got, want))
			return false;
		if (!got && st != want_st)
			return diverge(s, "mailbox status %#x, the model expects "
				       "%#x", st, want_st);
		break;
	case SIOVH_VDEV_OP_IRQ_ARM:
		n = op->a % (ty->vectors + 1);
		begin(s, "%s(S%u, vector %u)", op->b & 1 ? "arm" : "disarm", i,
		      n);
		got = set_irq(s, sl, VFIO_IRQ_SET_ACTION_TRIGGER, n,
					 op->b & 1 && n < VDEV_MODEL_VECS ?
					 sl->efd[n] : -1, true);
		if (!cmp_ret(s, got, vdev_model_irq_arm(&s->m, i, n, op->b & 1)))
			return false;
		break;
	case SIOVH_VDEV_OP_IRQ_MASK:
		n = op->a % (ty->vectors + 1);
		begin(s, "%s(S%u, vector %u)", op->b & 1 ? "mask" : "unmask", i,
		      n);
		got = set_irq(s, sl, op->b & 1 ?
					 VFIO_IRQ_SET_ACTION_MASK :
					 VFIO_IRQ_SET_ACTION_UNMASK, n, -1,
					 false);
		if (!cmp_ret(s, got,
			     vdev_model_irq_mask(&s->m, i, n, op->b & 1)))
			return false;
		break;
	case SIOVH_VDEV_OP_IRQ_FIRE:
		n = op->a % (ty->vectors + 1);
		begin(s, "fire(S%u, vector %u)", i, n);
		got = set_irq(s, sl, VFIO_IRQ_SET_ACTION_TRIGGER, n,
					 -1, false);
		if (!cmp_ret(s, got, vdev_model_irq_fire(&s->m, i, n)))
			return false;
		break;
	case SIOVH_VDEV_OP_MIG:
		n = mig_states[op->b % 8];
		begin(s, "migrate(S%u, %u)", i, n);
		got = mig_set(s, sl, n);
		if (!cmp_ret(s, got, vdev_model_mig(&s->m, i, n)))
			return false;
		break;
	default:
		return true;
	}
	return check_state(s, i);
}

/* --- engine -------------------------------------------------------------- */

static int type_regs(const struct siovh_profile_type *ty, struct seq_regs *r)
{
	const struct siovh_profile_region *rg;
	char name[32];
	uint32_t q;

	r->arg = siovh_profile_reg(ty, "mbox_arg");
	r->cmd = siovh_profile_reg(ty, "mbox_cmd");
	r->bell = siovh_profile_reg(ty, "mbox_doorbell");
	r->status = siovh_profile_reg(ty, "mbox_status");
	if (!r->arg || !r->cmd || !r->bell || !r->status || ty->adis > 16)
		return -EINVAL;
	for (q = 0; q < ty->adis; q++) {
		snprintf(name, sizeof(name), "q%u_ctrl", q);
		r->qctrl[q] = siovh_profile_reg(ty, name);
		snprintf(name, sizeof(name), "q%u_status", q);
		r->qstatus[q] = siovh_profile_reg(ty, name);
		if (!r->qctrl[q] || !r->qstatus[q])
			return -EINVAL;
	}
	rg = siovh_profile_region(ty, r->arg->region);
	r->bar_size = rg ? rg->size : 0;
	return 0;
}

int siovh_vdev_seq_open(struct siovh_target *t, const struct siovh_profile *p,
			const struct siovh_vdev_seq_config *cfg,
			struct siovh_vdev_seq **out)
{
	struct siovh_vdev_seq *s;
	struct siovh_parent_probe pp;
	struct vdev_model_type mt;
	const struct siovh_profile_irq *q;
	uint32_t i, k;

	if (!t->vfio_device)
		return -EOPNOTSUPP;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->t = t;
	s->p = p;
	seq_trace_init(&s->tr, LINE, LINE, SEQ_TRACE_RING(s->trace),
		       SEQ_TRACE_REPORT);
	s->cfg = cfg ? *cfg : (struct siovh_vdev_seq_config){ 0 };
	if (!s->cfg.slots || s->cfg.slots > VDEV_MODEL_SLOTS)
		s->cfg.slots = 4;
	if (!s->cfg.uuids || s->cfg.uuids > VDEV_MODEL_UUIDS)
		s->cfg.uuids = 5;
	s->probe = !s->cfg.no_probe && t->test && t->test->parent_probe &&
		   (t->features & SIOVH_FEAT_TEST_VDEV);
	vdev_model_init(&s->m, p->parent.adis);
	for (i = 0; i < p->nr_types; i++) {
		q = siovh_profile_irq(&p->types[i], VFIO_PCI_MSIX_IRQ_INDEX);
		mt = (struct vdev_model_type){
			.adis = p->types[i].adis,
			.max_instances = p->types[i].max_instances,
			.default_queues = p->types[i].default_queues ?
					  p->types[i].default_queues :
					  p->types[i].adis,
			.vectors = q ? q->count : 0,
			.mig_flags = p->types[i].migration_flags,
		};
		if (type_regs(&p->types[i], &s->regs[i]) ||
		    vdev_model_add_type(&s->m, &mt) < 0)
			goto err;
	}
	for (i = 0; i < VDEV_MODEL_SLOTS; i++)
		for (k = 0; k < VDEV_MODEL_VECS; k++)
			s->slots[i].efd[k] = -1;
	for (i = 0; i < s->cfg.slots; i++)
		for (k = 0; k < VDEV_MODEL_VECS; k++) {
			s->slots[i].efd[k] = eventfd(0, EFD_NONBLOCK |
						     EFD_CLOEXEC);
			if (s->slots[i].efd[k] < 0)
				goto err;
		}
	if (s->probe) {
		if (t->test->parent_probe(t, &pp))
			goto err;
		s->free0 = pp.free_adis;
		s->vdevs0 = pp.nr_vdevs;
	}
	*out = s;
	return 0;
err:
	siovh_vdev_seq_close(s);
	return -EINVAL;
}

void siovh_vdev_seq_close(struct siovh_vdev_seq *s)
{
	uint32_t i, k;

	if (!s)
		return;
	for (i = 0; i < VDEV_MODEL_SLOTS; i++)
		for (k = 0; k < VDEV_MODEL_VECS; k++)
			if (s->slots[i].efd[k] >= 0)
				close(s->slots[i].efd[k]);
	free(s);
}

static bool teardown(struct siovh_vdev_seq *s)
{
	unsigned int i;

	for (i = 0; i < s->cfg.slots; i++) {
		if (s->m.v[i].open) {
			begin(s, "teardown release(S%u)", i);
			if (!cmp_ret(s, s->t->vfio_device->release(s->t,
							s->slots[i].v),
				     vdev_model_release(&s->m, i)))
				return false;
		}
		if (s->m.v[i].exists) {
			begin(s, "teardown remove(S%u)", i);
			if (!cmp_ret(s, s->t->vfio_device->remove(s->t,
							s->slots[i].v),
				     vdev_model_remove(&s->m, i)))
				return false;
			s->slots[i].v = NULL;
			if (!check_state(s, i))
				return false;
		}
	}
	if (s->m.free_adis != s->m.nr_adis)
		return diverge(s, "the model leaked ADIs (engine bug)");
	return true;
}

int siovh_vdev_seq_run(struct siovh_vdev_seq *s, const uint8_t *buf,
		       size_t len)
{
	struct siovh_vdev_op op;
	size_t i;

	if (s->tr.broken)
		return -EINVAL;
	seq_trace_restart(&s->tr);
	for (i = 0; i + SIOVH_VDEV_OP_BYTES <= len; i += SIOVH_VDEV_OP_BYTES) {
		siovh_vdev_op_decode(buf + i, &op);
		if (!op_run(s, &op))
			return 1;
	}
	return teardown(s) ? 0 : 1;
}

const char *siovh_vdev_seq_report(const struct siovh_vdev_seq *s)
{
	return s->tr.report;
}

uint64_t siovh_vdev_seq_ops(const struct siovh_vdev_seq *s)
{
	return s->tr.ops;
}
