/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the IOASID clauses (the files of specs/ioasid): sources, set and
 * ID constructors that end the check when the set-up itself fails, probes,
 * and notifier blocks that record what they hear and, when asked, act like
 * the talk's users (KVM and the VDCM take a reference on BIND, drop it on
 * UNBIND, and drop everything they hold on FREE).
 *
 * Every helper takes the check as `check`, so that the EXPECT/ASSERT macros
 * of spec.h work inside them.
 */
#ifndef SIOVH_SPECS_IOASID_COMMON_H
#define SIOVH_SPECS_IOASID_COMMON_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "siovh/spec.h"

#define SEED001 "001_31fd9bc1970018d6.txt, "
#define SRC_SET_API SEED001 "\"IOASID Set Key APIs\""
#define SRC_API SEED001 "\"IOASID API\""
#define SRC_NOTIFIER_API SEED001 "\"IOASID Notifier API\""
#define SRC_LIFECYCLE SEED001 "\"IOASID Lifecycle in Guest SVA\""
#define SRC_GAPS SEED001 \
	"\"Problem Statement: Gaps in Existing APIs for vSVA Support\""
#define SRC_SYNC SEED001 "\"Problem Statement: Keep IOASID users in sync\""
#define SRC_SOLUTIONS SEED001 "\"Proposed Solutions\""

/*
 * A call must fail, and the contract does not say with which errno (the
 * reference's errno is in the clause's comment).
 */
#define EXPECT_FAILS(expr) EXPECT_LT(expr, 0)

#define NEEDS_IOASID SIOVH_FEAT_IOASID
#define NEEDS_PROBE (SIOVH_FEAT_IOASID | SIOVH_FEAT_TEST_IOASID)

/* A NULL-type set of quota q; ends the check if set_alloc fails. */
struct siovh_ioasid_set *new_set(struct siovh_check *check, uint32_t quota);
struct siovh_ioasid_set *new_mm_set(struct siovh_check *check, void *token,
				    uint32_t quota);
/* An ID in [min, max]; ends the check if alloc fails or strays. */
siovh_ioasid_t new_id(struct siovh_check *check, struct siovh_ioasid_set *set,
		      siovh_ioasid_t min, siovh_ioasid_t max, void *private);
/*
 * Make an active ID of set free-pending: take a reference, then free it.
 * The one reference left is the caller's to put. Ends the check if the get
 * fails.
 */
void make_pending(struct siovh_check *check, struct siovh_ioasid_set *set,
		  siovh_ioasid_t id);
/* The ID space and what the pool has left. */
uint32_t capacity_of(struct siovh_check *check);
uint32_t avail_of(struct siovh_check *check);
/* An ID well inside the space, away from its edges: capacity / 2. */
siovh_ioasid_t mid_id(struct siovh_check *check);

/*
 * find_by_spid(set, spid) finds want (taking a reference on it, which is
 * left held), or is -ENOENT; each notes what it got when it fails, and
 * returns whether it passed.
 */
bool expect_spid_maps(struct siovh_check *check, struct siovh_ioasid_set *set,
		      siovh_ioasid_t spid, siovh_ioasid_t want);
bool expect_spid_unmapped(struct siovh_check *check,
			  struct siovh_ioasid_set *set, siovh_ioasid_t spid);

/* Probes (need SIOVH_FEAT_TEST_IOASID); end the check if the probe fails. */
struct siovh_ioasid_probe probe(struct siovh_check *check, siovh_ioasid_t id);
struct siovh_ioasid_set_probe set_probe(struct siovh_check *check,
					struct siovh_ioasid_set *set);
uint32_t refs_of(struct siovh_check *check, siovh_ioasid_t id);
enum siovh_ioasid_state state_of(struct siovh_check *check, siovh_ioasid_t id);

/* --- notifier blocks ----------------------------------------------------- */

#define EVLOG_MAX 128

struct ev {
	int who;
	enum siovh_ioasid_event event;
	siovh_ioasid_t id;
	siovh_ioasid_t spid;
	struct siovh_ioasid_set *set;
	void *token;
	void *private;
	/* The ID as probed during the callback (LISTEN_PROBE). */
	enum siovh_ioasid_state state;
	uint32_t refs;
};

struct evlog {
	struct ev e[EVLOG_MAX];
	int n;
	int lost;			/* deliveries beyond EVLOG_MAX */
};

enum listen_role {
	LISTEN_RECORD = 0,		/* record only */
	LISTEN_BIND_REF = 1 << 0,	/* get on BIND, put on UNBIND (KVM) */
	LISTEN_DROP_ON_FREE = 1 << 1,	/* put all it holds on FREE */
	LISTEN_PROBE = 1 << 2,		/* probe the ID during the callback */
	LISTEN_HOLD = LISTEN_BIND_REF | LISTEN_DROP_ON_FREE,
};

#define LISTEN_IDS 8

struct listener {
	struct siovh_ioasid_nb nb;	/* first: the callback casts back */
	int who;
	unsigned int role;
	struct evlog *log;
	struct siovh_target *t;
	uint32_t held;			/* references it holds, in all */
	struct {
		siovh_ioasid_t id;
		uint32_t n;
	} holds[LISTEN_IDS];		/* ... and per ID */
	int err;			/* first failure of the callback's calls */
};

void listener_init(struct listener *l, struct siovh_target *t,
		   struct evlog *log, int who, int priority, unsigned int role);
/* The listener now holds (take) or gives up (drop) a reference on id. */
void listener_take(struct listener *l, siovh_ioasid_t id);
bool listener_drop(struct listener *l, siovh_ioasid_t id);
/* Deliveries of event (0: any) to who (-1: anyone) for id (INVALID: any). */
int evlog_count(const struct evlog *log, int who, uint32_t event,
		siovh_ioasid_t id);
/* "who:EVENT:id, ..." for notes. */
const char *evlog_text(const struct evlog *log, char *buf, size_t len);
/* Note the log into the check's evidence. */
void evlog_note(struct siovh_check *check, const char *what,
		const struct evlog *log);

#endif /* SIOVH_SPECS_IOASID_COMMON_H */
