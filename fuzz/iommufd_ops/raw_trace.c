// SPDX-License-Identifier: MIT
/*
 * iommufd_ops' lines of the per-operation trace (raw_trace.h): what the
 * raw mode's calls and the IOAS engine's operations print when the replay
 * driver turns the trace on (fuzz/common/trace.h says what two targets'
 * lines must have in common).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/iommufd.h>
#include <sys/ioctl.h>

#include "fuzz/common/trace.h"
#include "raw_trace.h"

/* ", size N" when the caller's size is not the struct's (trace). */
const char *size_text(const struct call *c)
{
	static char buf[32];

	if (c->size == c->known)
		return "";
	snprintf(buf, sizeof(buf), ", size %u", c->size);
	return buf;
}

/*
 * A MAP's or COPY's line: the IOVA it placed, as the trace names it (a
 * chosen one is "auto#K": targets choose differently; trace.h).
 */
void trace_placed(const struct call *c, const char *args, int ret,
		  uint32_t ioas, uint32_t flags, uint64_t iova_in,
		  uint64_t length)
{
	const size_t at = c->cmd == IOMMU_IOAS_MAP ?
		offsetof(struct iommu_ioas_map, iova) :
		offsetof(struct iommu_ioas_copy, dst_iova);
	uint64_t iova;

	if (!fz_trace_on)
		return;
	if (ret || c->size < c->known) {
		fz_trace("%s -> %s", args, fz_trace_err(ret));
		return;
	}
	memcpy(&iova, c->arg + at, sizeof(iova));
	if (!(flags & IOMMU_IOAS_MAP_FIXED_IOVA) || iova != iova_in)
		fz_trace_iova_chosen(ioas, iova, length);
	fz_trace("%s -> 0 iova %s", args, fz_trace_iova(ioas, iova));
}

/* IOVA_RANGES' line: the count, alignment and the ranges it wrote. */
void trace_ranges(const struct call *c, const char *name, uint32_t max,
		  int ret, const struct iommu_iova_range *out)
{
	struct iommu_ioas_iova_ranges st;
	char text[400] = "";
	size_t len = 0;
	uint32_t i;

	if (!fz_trace_on)
		return;
	if ((ret && ret != -EMSGSIZE) || c->size < c->known) {
		fz_trace("iova_ranges(%s, room %u%s) -> %s", name, max,
			 size_text(c), fz_trace_err(ret));
		return;
	}
	memcpy(&st, c->arg, sizeof(st));
	for (i = 0; i < st.num_iovas && i < max && len < sizeof(text); i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					" [%#llx, %#llx]",
					(unsigned long long)out[i].start,
					(unsigned long long)out[i].last);
	/* The ranges and alignment are the IOAS's geometry, which targets
	 * choose (the reference: a page, its interrupt window and 48-bit
	 * aperture; Linux, for an IOAS no domain constrains: 1 and none):
	 * shown, not compared (trace.h, " ~ "), and so is whether they fit
	 * the room given (0 or -EMSGSIZE). */
	fz_trace("iova_ranges(%s, room %u%s) -> 0|EMSGSIZE ~ %s num %u "
		 "align %#llx%s", name, max, size_text(c), fz_trace_err(ret),
		 st.num_iovas, (unsigned long long)st.out_iova_alignment, text);
}

/*
 * Is cmd one that Linux's VFS handles for any file (do_vfs_ioctl), so
 * that /dev/iommu never sees it? The in-process reference has no VFS.
 */
bool vfs_ioctl(unsigned long cmd)
{
	static const unsigned long vfs[] = {
		FIOCLEX, FIONCLEX, FIONBIO, FIOASYNC, FIOQSIZE, FIONREAD,
		FIFREEZE, FITHAW, FS_IOC_FIEMAP, FIGETBSZ, FICLONE,
		FICLONERANGE, FIDEDUPERANGE,
	};
	size_t i;

	for (i = 0; i < sizeof(vfs) / sizeof(vfs[0]); i++)
		if ((uint32_t)cmd == (uint32_t)vfs[i])
			return true;
	return false;
}

/*
 * An engine's finished call as a trace line, without its step number;
 * its DMA probes are left out (only a target with DMA runs them; a probe
 * that disagrees with the model ends the run, which the verdict shows).
 */
void trace_engine_line(const char *line, void *data)
{
	const char *op = strchr(line, ' ');

	(void)data;
	op = op ? op + 1 : line;
	if (!strncmp(op, "probe", 5) || !strncmp(op, "baseline", 8))
		return;
	fz_trace("seq %s", op);
}

