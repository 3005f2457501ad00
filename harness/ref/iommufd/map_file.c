// SPDX-License-Identifier: MIT
/*
 * IOMMU_IOAS_MAP_FILE: a range of a memfd mapped at an IOVA, as a VMM maps
 * guest RAM it holds as a memfd (by fd and offset, not by address). The
 * argument rules are MAP's where the two share fields, plus the file's own
 * (iommufd.h, "MAP_FILE"). The pages behind the area are the file's: the
 * reference maps the range of the file into the process (MAP_SHARED), the
 * way the kernel pins the memfd's folios, and hands the IOMMU that address,
 * so a device's DMA through the area reads and writes the file. The
 * mapping lasts while an area uses its pages object (COPY shares it); the
 * ones no area uses any more are dropped at the next MAP_FILE and at the
 * context's close.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "harness/ref/alloc/alloc.h"
#include "iommufd_internal.h"

#define MAP_FILE_FLAGS (IOMMU_IOAS_MAP_FIXED_IOVA | \
			IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)

/* Is pages used by an area of any IOAS of ctx? */
static bool pages_used(struct iommufd_ctx *ctx, uint64_t pages)
{
	struct iommufd_ioas *ioas;
	uint32_t id;
	size_t i;

	for (id = 1; id <= ctx->nobjs; id++) {
		ioas = iommufd_get_ioas(ctx, id);
		for (i = 0; ioas && i < ioas->areas.n; i++)
			if (ioas->areas.v[i].pages == pages)
				return true;
	}
	return false;
}

/* Unmap file mapping i (it is no longer used) and forget it. */
static void file_map_drop(struct iommufd_ctx *ctx, size_t i)
{
	munmap(ctx->files[i].addr, ctx->files[i].len);
	ctx->files[i] = ctx->files[--ctx->nfiles];
}

/* Drop the file mappings no area uses any more. */
static void file_maps_sweep(struct iommufd_ctx *ctx)
{
	size_t i = 0;

	while (i < ctx->nfiles) {
		if (pages_used(ctx, ctx->files[i].pages))
			i++;
		else
			file_map_drop(ctx, i);
	}
}

void iommufd_file_maps_release(struct iommufd_ctx *ctx)
{
	while (ctx->nfiles)
		file_map_drop(ctx, ctx->nfiles - 1);
	free(ctx->files);
	ctx->files = NULL;
}

/* -EBADF for a fd that is not open. */
static int check_fd(struct iommufd_ctx *ctx, int fd)
{
	if (fcntl(fd, F_GETFL) < 0)
		return iommufd_fault(ctx, IOMMUFD_FAULT_MAP_FILE_BADF_EINVAL) ?
		       -EINVAL : -EBADF;
	return 0;
}

/*
 * The file range [start, start + length): a memfd or another shmem /
 * hugetlbfs file (the ones that have seals: -EINVAL, as Linux pins only
 * those), the range inside the file's size (-EINVAL), and the fd open for
 * what the mapping grants (-EACCES): for reading always, for writing when
 * WRITEABLE.
 */
static int check_file(struct iommufd_ctx *ctx, int fd, uint64_t start,
		      uint64_t length, uint32_t flags)
{
	int mode = fcntl(fd, F_GETFL) & O_ACCMODE;
	struct stat st;

	if (fcntl(fd, F_GET_SEALS) < 0 &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_MAP_FILE_ANY_FD))
		return -EINVAL;
	if (fstat(fd, &st))
		return -errno;
	if ((start >= (uint64_t)st.st_size ||
	     length > (uint64_t)st.st_size - start) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_MAP_FILE_PAST_EOF))
		return -EINVAL;
	if (iommufd_fault(ctx, IOMMUFD_FAULT_MAP_FILE_MODE_IGNORED))
		return 0;
	if (mode == O_WRONLY ||
	    (mode == O_RDONLY && (flags & IOMMU_IOAS_MAP_WRITEABLE)))
		return -EACCES;
	return 0;
}

/*
 * The pages of the range: the file mapped into the process. A fd open
 * read-only gets a read-only mapping (only the fault map-file-mode-ignored
 * lets such a fd through with WRITEABLE); a range past the end (the fault
 * map-file-past-eof) maps too, and only an access there would fault.
 */
static int file_map(struct iommufd_ctx *ctx, int fd, uint64_t start,
		    uint64_t length, uint64_t pages, uint64_t *va)
{
	int mode = fcntl(fd, F_GETFL) & O_ACCMODE;
	int prot = PROT_READ | (mode == O_RDWR ? PROT_WRITE : 0);
	struct iommufd_file_map *v;
	void *addr;

	v = ref_realloc(ctx->files, (ctx->nfiles + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	ctx->files = v;
	addr = mmap(NULL, length, prot, MAP_SHARED, fd, (off_t)start);
	if (addr == MAP_FAILED)
		return -errno;
	ctx->files[ctx->nfiles++] = (struct iommufd_file_map) {
		.pages = pages, .addr = addr, .len = length,
	};
	*va = (uintptr_t)addr;
	return 0;
}

int iommufd_ioas_map_file(struct iommufd_ucmd *ucmd)
{
	struct siovh_ioas_map_file *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	struct iommufd_ioas *ioas;
	struct iopt_area a;
	uint64_t iova = cmd->iova, va = 0, pages;
	int ret;

	if ((cmd->flags & ~MAP_FILE_FLAGS) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_FLAGS_IGNORED))
		return -EOPNOTSUPP;
	if (cmd->iova >= UINT64_MAX || cmd->length >= UINT64_MAX)
		return -EOVERFLOW;
	ret = iommufd_check_map_prot(ctx, cmd->flags);
	if (ret)
		return ret;
	ioas = iommufd_get_ioas(ctx, cmd->ioas_id);
	if (!ioas)
		return -ENOENT;
	if (!cmd->length)
		return -EINVAL;
	if (cmd->start > UINT64_MAX - (cmd->length - 1))
		return -EOVERFLOW;
	ret = check_fd(ctx, cmd->fd);
	if (ret)
		return ret;
	if ((cmd->start | cmd->length) % IOMMUFD_PAGE &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_MAP_UNALIGNED))
		return -EINVAL;
	/* the IOVA follows the file offset's alignment, as MAP's user_va */
	ret = iopt_place(ctx, ioas, cmd->flags, cmd->length, cmd->start, &iova);
	if (!ret)
		ret = check_file(ctx, cmd->fd, cmd->start, cmd->length,
				 cmd->flags);
	if (ret)
		return ret;
	file_maps_sweep(ctx);
	pages = ctx->next_pages++;
	ret = file_map(ctx, cmd->fd, cmd->start, cmd->length, pages, &va);
	if (ret)
		return ret;
	a = (struct iopt_area) {
		.iova = iova, .last = iova + cmd->length - 1,
		.user_va = va, .pages = pages,
		.prot = cmd->flags & (IOMMU_IOAS_MAP_READABLE |
				      IOMMU_IOAS_MAP_WRITEABLE),
		.pages_writable = (cmd->flags & IOMMU_IOAS_MAP_WRITEABLE) ||
			iommufd_fault(ctx, IOMMUFD_FAULT_MAP_FILE_PAGES_WRITABLE),
	};
	ret = area_insert(&ioas->areas, &a);
	if (ret) {
		file_map_drop(ctx, ctx->nfiles - 1);
		return iommufd_fault(ctx, IOMMUFD_FAULT_MAP_FILE_ENOMEM_OK) ?
		       0 : ret;
	}
	if (!iommufd_fault(ctx, IOMMUFD_FAULT_MAP_FILE_IOVA_UNREPORTED))
		cmd->iova = iova;
	ucmd->respond = true;
	return 0;
}

/*
 * IOMMU_IOAS_CHANGE_PROCESS: the pinned-page accounting of every mapping of
 * every IOAS moves to the calling process, which only MAP_FILE's mappings
 * allow (their pages are the file's, not an address space's): one other
 * mapping anywhere (a MAP's, or a COPY of one) is -EINVAL and nothing
 * moves. The reference pins and accounts nothing, so a move it allows
 * changes nothing it could report; what it has is that rule.
 */
int iommufd_ioas_change_process(struct iommufd_ucmd *ucmd)
{
	struct siovh_ioas_change_process *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	struct iommufd_ioas *ioas;
	uint32_t id;
	size_t i, k;

	if (cmd->__reserved &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_RESERVED_IGNORED))
		return -EOPNOTSUPP;
	for (id = 1; id <= ctx->nobjs; id++) {
		ioas = iommufd_get_ioas(ctx, id);
		for (i = 0; ioas && i < ioas->areas.n; i++) {
			for (k = 0; k < ctx->nfiles; k++)
				if (ctx->files[k].pages ==
				    ioas->areas.v[i].pages)
					break;
			if (k == ctx->nfiles &&
			    !iommufd_fault(ctx,
					   IOMMUFD_FAULT_CHANGE_PROCESS_ANY_MAP))
				return -EINVAL;
		}
	}
	return 0;
}
