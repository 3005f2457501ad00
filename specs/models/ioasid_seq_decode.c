/* SPDX-License-Identifier: MIT */
/*
 * Bytes -> IOASID operations, their printable form, and the seeded byte
 * generator. Decoding is total: every 4-byte pattern is an operation, so a
 * fuzzer never wastes an input on a parse error.
 *
 *	byte 0	operation kind (weighted table on the low 5 bits)
 *	byte 1	set slot (bits 0-1), set selector (bits 2-3), extra (4-7)
 *	byte 2	ID selector, range start, token
 *	byte 3	operation argument (quota, range length, private, spid,
 *		getter, event and flags, priority)
 */
#include <stdio.h>

#include "siovh/model.h"

/*
 * Weights: allocation and the reference operations dominate, set churn is
 * rarer so that sets live long enough to fill up.
 */
static const enum siovh_ioasid_op_kind kind_table[32] = {
	SIOVH_IOASID_OP_SET_ALLOC, SIOVH_IOASID_OP_SET_ALLOC,
	SIOVH_IOASID_OP_SET_ADJUST, SIOVH_IOASID_OP_SET_GET,
	SIOVH_IOASID_OP_SET_PUT, SIOVH_IOASID_OP_FOR_EACH,
	SIOVH_IOASID_OP_CAPACITY,
	SIOVH_IOASID_OP_ALLOC, SIOVH_IOASID_OP_ALLOC, SIOVH_IOASID_OP_ALLOC,
	SIOVH_IOASID_OP_ALLOC, SIOVH_IOASID_OP_ALLOC,
	SIOVH_IOASID_OP_FREE, SIOVH_IOASID_OP_FREE, SIOVH_IOASID_OP_FREE,
	SIOVH_IOASID_OP_GET, SIOVH_IOASID_OP_GET, SIOVH_IOASID_OP_GET,
	SIOVH_IOASID_OP_PUT, SIOVH_IOASID_OP_PUT, SIOVH_IOASID_OP_PUT,
	SIOVH_IOASID_OP_FIND, SIOVH_IOASID_OP_FIND,
	SIOVH_IOASID_OP_ATTACH_DATA,
	SIOVH_IOASID_OP_ATTACH_SPID, SIOVH_IOASID_OP_ATTACH_SPID,
	SIOVH_IOASID_OP_FIND_BY_SPID, SIOVH_IOASID_OP_FIND_BY_SPID,
	SIOVH_IOASID_OP_NOTIFY, SIOVH_IOASID_OP_NOTIFY,
	SIOVH_IOASID_OP_REGISTER, SIOVH_IOASID_OP_UNREGISTER,
};

static const char *const kind_names[SIOVH_IOASID_OP_NR] = {
	[SIOVH_IOASID_OP_SET_ALLOC] = "set_alloc",
	[SIOVH_IOASID_OP_SET_ADJUST] = "set_adjust",
	[SIOVH_IOASID_OP_SET_GET] = "set_get",
	[SIOVH_IOASID_OP_SET_PUT] = "set_put",
	[SIOVH_IOASID_OP_FOR_EACH] = "set_for_each",
	[SIOVH_IOASID_OP_CAPACITY] = "get_capacity",
	[SIOVH_IOASID_OP_ALLOC] = "alloc",
	[SIOVH_IOASID_OP_FREE] = "free",
	[SIOVH_IOASID_OP_GET] = "get",
	[SIOVH_IOASID_OP_PUT] = "put",
	[SIOVH_IOASID_OP_FIND] = "find",
	[SIOVH_IOASID_OP_ATTACH_DATA] = "attach_data",
	[SIOVH_IOASID_OP_ATTACH_SPID] = "attach_spid",
	[SIOVH_IOASID_OP_FIND_BY_SPID] = "find_by_spid",
	[SIOVH_IOASID_OP_NOTIFY] = "notify",
	[SIOVH_IOASID_OP_REGISTER] = "register",
	[SIOVH_IOASID_OP_UNREGISTER] = "unregister",
};

static void decode_idsel(uint8_t b, struct siovh_ioasid_op *op)
{
	if (b < 176) {
		op->idsel = SIOVH_IOASID_IDSEL_KNOWN;
		op->id_arg = b;
	} else if (b < 232) {
		op->idsel = SIOVH_IOASID_IDSEL_WINDOW;
		op->id_arg = b - 176u;
	} else if (b < 238) {
		op->idsel = SIOVH_IOASID_IDSEL_ZERO;
	} else if (b < 244) {
		op->idsel = SIOVH_IOASID_IDSEL_TOP;
	} else if (b < 250) {
		op->idsel = SIOVH_IOASID_IDSEL_CAPACITY;
	} else {
		op->idsel = SIOVH_IOASID_IDSEL_INVALID;
	}
}

static void decode_set_alloc(const uint8_t *b, struct siovh_ioasid_op *op)
{
	static const enum siovh_ioasid_op_setkind bad[3] = {
		SIOVH_IOASID_SETKIND_NULL_TOKEN,
		SIOVH_IOASID_SETKIND_MM_NOTOKEN,
		SIOVH_IOASID_SETKIND_BADTYPE,
	};
	unsigned int k = b[3] >> 4, q = b[3] & 0xf;

	op->token = b[2] % SIOVH_IOASID_SEQ_TOKENS;
	if (k < 9)
		op->setkind = SIOVH_IOASID_SETKIND_NULL;
	else if (k == 14)
		op->setkind = bad[b[2] % 3];
	else
		op->setkind = SIOVH_IOASID_SETKIND_MM;
	op->quota_arg = b[2] >> 2;
	if (q == 12)
		op->quota = SIOVH_IOASID_QUOTA_ZERO;
	else if (q == 13)
		op->quota = SIOVH_IOASID_QUOTA_POOL;
	else if (q == 14)
		op->quota = SIOVH_IOASID_QUOTA_BEYOND;
	else
		op->quota = SIOVH_IOASID_QUOTA_SMALL;
}

static void decode_set_adjust(const uint8_t *b, struct siovh_ioasid_op *op)
{
	static const enum siovh_ioasid_op_quota q[8] = {
		SIOVH_IOASID_QUOTA_SMALL, SIOVH_IOASID_QUOTA_SMALL,
		SIOVH_IOASID_QUOTA_SMALL, SIOVH_IOASID_QUOTA_ZERO,
		SIOVH_IOASID_QUOTA_COUNT, SIOVH_IOASID_QUOTA_BELOW,
		SIOVH_IOASID_QUOTA_POOL, SIOVH_IOASID_QUOTA_BEYOND,
	};

	op->quota = q[b[3] & 7];
	op->quota_arg = b[3] >> 3;
}

static void decode_alloc(const uint8_t *b, struct siovh_ioasid_op *op)
{
	static const enum siovh_ioasid_op_range r[5] = {
		SIOVH_IOASID_RANGE_ZERO, SIOVH_IOASID_RANGE_TOP,
		SIOVH_IOASID_RANGE_FULL, SIOVH_IOASID_RANGE_REVERSED,
		SIOVH_IOASID_RANGE_BEYOND,
	};
	unsigned int sel = b[1] >> 4;

	op->range = sel < 11 ? SIOVH_IOASID_RANGE_WINDOW : r[sel - 11];
	op->lo = b[2];
	op->len = b[3] & 0x1f;
	op->priv = (b[3] >> 5) % SIOVH_IOASID_SEQ_PRIVS;
}

/*
 * Mostly BIND and UNBIND on valid flags; one in eight events and one in
 * eight flag values are ones notify() must refuse.
 */
static void decode_notify(const uint8_t *b, struct siovh_ioasid_op *op)
{
	static const uint32_t bad_events[4] = {
		SIOVH_IOASID_NOTIFY_ALLOC, SIOVH_IOASID_NOTIFY_FREE, 0, 0x30,
	};
	static const unsigned int flags[8] = {
		SIOVH_IOASID_NOTIFY_FLAG_ALL, SIOVH_IOASID_NOTIFY_FLAG_SET,
		SIOVH_IOASID_NOTIFY_FLAG_MM, SIOVH_IOASID_NOTIFY_FLAG_ALL,
		SIOVH_IOASID_NOTIFY_FLAG_SET, SIOVH_IOASID_NOTIFY_FLAG_MM,
		SIOVH_IOASID_NOTIFY_FLAG_ALL, 0,
	};
	unsigned int e = b[3] & 7, f = (b[3] >> 3) & 7;

	if (e < 7)
		op->event = e & 1 ? SIOVH_IOASID_NOTIFY_UNBIND :
				    SIOVH_IOASID_NOTIFY_BIND;
	else
		op->event = bad_events[b[3] >> 6];
	op->flags = flags[f];
	if (f == 7 && (b[3] & 0x40))
		op->flags = 0x4;	/* an unknown flag */
}

static void decode_register(const uint8_t *b, struct siovh_ioasid_op *op)
{
	static const int prio[6] = {
		SIOVH_IOASID_PRIO_LAST, SIOVH_IOASID_PRIO_DEFAULT,
		SIOVH_IOASID_PRIO_CPU, SIOVH_IOASID_PRIO_DEVICE, -1, 7,
	};

	op->mm = b[1] & 4;
	op->nb = (b[1] >> 4) % SIOVH_IOASID_SEQ_NBS;
	op->token = b[2] % SIOVH_IOASID_SEQ_TOKENS;
	op->priority = prio[b[3] % 6];
}

void siovh_ioasid_op_decode(const uint8_t b[SIOVH_IOASID_OP_BYTES],
			    struct siovh_ioasid_op *op)
{
	static const enum siovh_ioasid_op_setsel setsel[4] = {
		SIOVH_IOASID_SETSEL_OWNER, SIOVH_IOASID_SETSEL_OWNER,
		SIOVH_IOASID_SETSEL_OWNER, SIOVH_IOASID_SETSEL_SLOT,
	};
	static const enum siovh_ioasid_op_setsel findsel[4] = {
		SIOVH_IOASID_SETSEL_OWNER, SIOVH_IOASID_SETSEL_OWNER,
		SIOVH_IOASID_SETSEL_SLOT, SIOVH_IOASID_SETSEL_NULL,
	};

	*op = (struct siovh_ioasid_op){ 0 };
	op->kind = kind_table[b[0] & 31];
	op->slot = b[1] & 3;
	op->setsel = setsel[(b[1] >> 2) & 3];
	decode_idsel(b[2], op);

	switch (op->kind) {
	case SIOVH_IOASID_OP_SET_ALLOC:
		decode_set_alloc(b, op);
		break;
	case SIOVH_IOASID_OP_SET_ADJUST:
		decode_set_adjust(b, op);
		break;
	case SIOVH_IOASID_OP_ALLOC:
		decode_alloc(b, op);
		break;
	case SIOVH_IOASID_OP_FIND:
		op->setsel = findsel[(b[1] >> 2) & 3];
		op->getter = b[3] % 3;
		break;
	case SIOVH_IOASID_OP_ATTACH_DATA:
		op->priv = b[3] % SIOVH_IOASID_SEQ_PRIVS;
		break;
	case SIOVH_IOASID_OP_ATTACH_SPID:
	case SIOVH_IOASID_OP_FIND_BY_SPID:
		op->spid = b[3] % (SIOVH_IOASID_SEQ_SPIDS + 1);
		break;
	case SIOVH_IOASID_OP_NOTIFY:
		decode_notify(b, op);
		break;
	case SIOVH_IOASID_OP_REGISTER:
	case SIOVH_IOASID_OP_UNREGISTER:
		decode_register(b, op);
		break;
	default:
		break;
	}
}

static const char *const setsel_names[] = { "owner", "slot", "NULL" };
static const char *const idsel_names[] = {
	"known", "window", "zero", "top", "capacity", "invalid",
};
static const char *const quota_names[] = {
	"small", "zero", "count", "below", "pool", "beyond",
};
static const char *const range_names[] = {
	"window", "zero", "top", "full", "reversed", "beyond",
};

static int format_id(const struct siovh_ioasid_op *op, char *buf, size_t len)
{
	return snprintf(buf, len, "%s S%u %s[%u]", kind_names[op->kind],
			op->slot, idsel_names[op->idsel], op->id_arg);
}

int siovh_ioasid_op_format(const struct siovh_ioasid_op *op, char *buf,
			   size_t len)
{
	const char *kind = op->kind < SIOVH_IOASID_OP_NR ?
			   kind_names[op->kind] : "?";
	int n;

	switch (op->kind) {
	case SIOVH_IOASID_OP_SET_ALLOC:
		return snprintf(buf, len, "%s S%u kind %d token %u quota %s(%u)",
				kind, op->slot, (int)op->setkind, op->token,
				quota_names[op->quota], op->quota_arg);
	case SIOVH_IOASID_OP_SET_ADJUST:
		return snprintf(buf, len, "%s S%u quota %s(%u)", kind,
				op->slot, quota_names[op->quota],
				op->quota_arg);
	case SIOVH_IOASID_OP_ALLOC:
		return snprintf(buf, len, "%s S%u %s +%u..+%u P%u", kind,
				op->slot, range_names[op->range], op->lo,
				op->len, op->priv);
	case SIOVH_IOASID_OP_FREE:
	case SIOVH_IOASID_OP_GET:
	case SIOVH_IOASID_OP_PUT:
		n = format_id(op, buf, len);
		return n + snprintf(buf + n, len > (size_t)n ? len - n : 0,
				    " set=%s", setsel_names[op->setsel]);
	case SIOVH_IOASID_OP_FIND:
		n = format_id(op, buf, len);
		return n + snprintf(buf + n, len > (size_t)n ? len - n : 0,
				    " set=%s getter %d",
				    setsel_names[op->setsel], op->getter);
	case SIOVH_IOASID_OP_ATTACH_DATA:
		n = format_id(op, buf, len);
		return n + snprintf(buf + n, len > (size_t)n ? len - n : 0,
				    " P%u", op->priv);
	case SIOVH_IOASID_OP_ATTACH_SPID:
	case SIOVH_IOASID_OP_FIND_BY_SPID:
		n = format_id(op, buf, len);
		return n + snprintf(buf + n, len > (size_t)n ? len - n : 0,
				    " spid %u", op->spid);
	case SIOVH_IOASID_OP_NOTIFY:
		n = format_id(op, buf, len);
		return n + snprintf(buf + n, len > (size_t)n ? len - n : 0,
				    " event %#x flags %#x", op->event,
				    op->flags);
	case SIOVH_IOASID_OP_REGISTER:
	case SIOVH_IOASID_OP_UNREGISTER:
		return snprintf(buf, len, "%s N%u %s%u prio %d", kind, op->nb,
				op->mm ? "M" : "S", op->mm ? op->token : op->slot,
				op->priority);
	default:
		return snprintf(buf, len, "%s S%u", kind, op->slot);
	}
}

uint64_t siovh_seq_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void siovh_seq_fill(uint64_t seed, uint8_t *buf, size_t len)
{
	uint64_t state = seed, r = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (!(i & 7))
			r = siovh_seq_next(&state);
		buf[i] = (uint8_t)r;
		r >>= 8;
	}
}
