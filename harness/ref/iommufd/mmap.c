// SPDX-License-Identifier: MIT
/*
 * mmap() of the reference /dev/iommu (iommufd.h, "vIOMMU", MMIO page): a
 * vIOMMU allocated with IOMMUFD_REF_VIOMMU_MMIO gets a page the guest sees
 * as its IOMMU's registers, and an offset of the context to mmap it at
 * (linux/iommufd.h of 7.x: the driver's "mmap offset argument ... for user
 * space to mmap"; Linux's _iommufd_alloc_mmap and iommufd_fops_mmap). The
 * page is a memfd, so each mapping the user makes is the same memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness/ref/alloc/alloc.h"
#include "iommufd_internal.h"

static bool overlaps(const struct iommufd_mmap *m, uint64_t off,
		     uint64_t len)
{
	return off < m->offset + m->length && m->offset < off + len;
}

/* The lowest free offset from one page up, as Linux allocates it. */
static uint64_t free_offset(const struct iommufd_ctx *ctx, uint64_t len)
{
	uint64_t off = IOMMUFD_PAGE;
	bool moved;
	uint32_t i;

	do {
		moved = false;
		for (i = 0; i < ctx->nmmaps; i++) {
			if (overlaps(&ctx->mmaps[i], off, len)) {
				off = ctx->mmaps[i].offset +
				      ctx->mmaps[i].length;
				moved = true;
			}
		}
	} while (moved);
	return off;
}

int iommufd_mmap_alloc(struct iommufd_ctx *ctx, uint32_t owner, uint64_t len,
		       uint64_t *offset)
{
	struct iommufd_mmap *v, *m;
	int fd;

	fd = memfd_create("siovh-viommu-mmio", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)len))
		goto err_fd;
	v = ref_realloc(ctx->mmaps, (ctx->nmmaps + 1) * sizeof(*v));
	if (!v)
		goto err_fd;
	ctx->mmaps = v;
	m = &ctx->mmaps[ctx->nmmaps++];
	*m = (struct iommufd_mmap) {
		.offset = free_offset(ctx, len), .length = len,
		.owner = owner, .memfd = fd,
	};
	*offset = m->offset;
	return 0;

err_fd:
	close(fd);
	return -ENOMEM;
}

void iommufd_mmap_free_owner(struct iommufd_ctx *ctx, uint32_t owner)
{
	uint32_t i;

	for (i = 0; i < ctx->nmmaps; i++) {
		if (ctx->mmaps[i].owner != owner)
			continue;
		close(ctx->mmaps[i].memfd);
		ctx->mmaps[i--] = ctx->mmaps[--ctx->nmmaps];
	}
}

bool iommufd_mmap_held(const struct iommufd_ctx *ctx, uint32_t owner)
{
	uint32_t i;

	for (i = 0; i < ctx->nmmaps; i++)
		if (ctx->mmaps[i].owner == owner && ctx->mmaps[i].maps &&
		    !iommufd_fault(ctx, IOMMUFD_FAULT_MMAP_UNHELD))
			return true;
	return false;
}

void *iommufd_mmap(struct iommufd_ctx *ctx, uint64_t offset, size_t len,
		   int prot, int flags)
{
	struct iommufd_mmap *m = NULL;
	void *p;
	uint32_t i;

	if (len % IOMMUFD_PAGE || !(flags & MAP_SHARED)) {
		errno = EINVAL;
		return NULL;
	}
	if (prot & PROT_EXEC) {
		errno = EPERM;
		return NULL;
	}
	/* only a region exactly: its offset and its length */
	for (i = 0; i < ctx->nmmaps; i++)
		if (ctx->mmaps[i].offset == offset &&
		    (ctx->mmaps[i].length == len ||
		     iommufd_fault(ctx, IOMMUFD_FAULT_MMAP_ANY_LENGTH)))
			m = &ctx->mmaps[i];
	if (!m || m->maps == IOMMUFD_MAX_MAPS) {
		errno = ENXIO;
		return NULL;
	}
	p = mmap(NULL, len, prot, MAP_SHARED, m->memfd, 0);
	if (p == MAP_FAILED)
		return NULL;
	m->addr[m->maps++] = p;
	return p;
}

int iommufd_munmap(struct iommufd_ctx *ctx, void *addr, size_t len)
{
	struct iommufd_mmap *m;
	uint32_t i, k;

	for (i = 0; i < ctx->nmmaps; i++) {
		m = &ctx->mmaps[i];
		for (k = 0; k < m->maps; k++) {
			if (m->addr[k] != addr)
				continue;
			m->addr[k] = m->addr[--m->maps];
			return munmap(addr, len) ? -errno : 0;
		}
	}
	return -EINVAL;
}
