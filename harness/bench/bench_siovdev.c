/* SPDX-License-Identifier: MIT */
/*
 * The device core's own descriptor rate (issue 8): the in-process figure
 * next to the one the SIOV endpoint profile measures in the VM
 * (vm-images/guest/siov-pasid-test.c, "# bench descriptors-*": the same
 * 64-byte MEMFILL descriptors through the same core, there behind a
 * vfio-pci portal write, QEMU's MMIO dispatch and its VT-d).
 *
 * A bare siovdev with a host whose DMA is a memcpy into a small buffer:
 * ADI 0 enabled on PASID 1, each descriptor one 64-byte BAR2 write that
 * returns when the ADI has run it. Descriptors per second, the median of
 * SIOVDEV_BATCHES batches.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness/ref/siovdev/siovdev.h"

#include "bench.h"

#define SIOVDEV_BATCHES 31u
#define SIOVDEV_DESCS 8192u
#define MEM_SIZE 0x2000u

struct mem_host {
	uint8_t mem[MEM_SIZE];
};

static int mem_dma(void *host, uint32_t pasid, uint64_t addr, void *buf,
		   size_t len, bool write)
{
	struct mem_host *h = host;

	(void)pasid;
	if (addr >= MEM_SIZE || len > MEM_SIZE - addr)
		return -EFAULT;
	if (write)
		memcpy(h->mem + addr, buf, len);
	else
		memcpy(buf, h->mem + addr, len);
	return 0;
}

static void mem_msi(void *host, uint64_t addr, uint32_t data)
{
	(void)host;
	(void)addr;
	(void)data;
}

static const struct siovdev_host_ops mem_ops = {
	.dma = mem_dma, .msi = mem_msi,
};

static int reg(struct siovdev *d, uint64_t off, uint32_t val)
{
	return siovdev_bar_write(d, 0, off, &val, sizeof(val));
}

/* Memory space + bus master, PASID enabled, ADI 0 on PASID 1. */
static int core_up(struct siovdev *d)
{
	int ret = siovdev_cfg_write(d, 0x04, 2, 0x6);

	if (!ret)
		ret = siovdev_cfg_write(d, siovdev_cfg_ext_offset(d,
					SIOVDEV_EXT_ID_PASID) + 6, 2, 1);
	if (!ret)
		ret = reg(d, SIOVDEV_REG_ADI(0, SIOVDEV_ADI_PASID),
			  1 | SIOVDEV_ADI_PASID_VALID);
	if (!ret)
		ret = reg(d, SIOVDEV_REG_ADI(0, SIOVDEV_ADI_CTRL),
			  SIOVDEV_ADI_CTRL_ENABLE);
	return ret;
}

int bench_siovdev(json_t *root)
{
	static struct mem_host host;
	const struct siovdev_desc desc = {
		.opcode = SIOVDEV_OP_MEMFILL, .size = 64, .dst = 0x1000,
		.src = 0x4242424242424242ull,
	};
	double samples[SIOVDEV_BATCHES], med;
	struct siovdev_adi_probe p;
	struct siovdev_config cfg;
	struct siovdev *d;
	uint64_t t0;
	unsigned int b, i;
	int ret;

	siovdev_config_default(&cfg);
	d = siovdev_create(&cfg, &mem_ops, &host, SIOVDEV_FAULT_NONE);
	if (!d)
		return -errno;
	ret = core_up(d);
	for (b = 0; !ret && b < SIOVDEV_BATCHES; b++) {
		t0 = bench_now_ns();
		for (i = 0; !ret && i < SIOVDEV_DESCS; i++)
			ret = siovdev_bar_write(d, 2, 0, &desc, sizeof(desc));
		samples[b] = SIOVDEV_DESCS * 1e9 / (double)(bench_now_ns() - t0);
	}
	/* Every descriptor must have run, or the figure means nothing. */
	if (!ret && (siovdev_adi_probe(d, 0, &p) ||
		     p.completed != SIOVDEV_BATCHES * SIOVDEV_DESCS))
		ret = -EIO;
	siovdev_destroy(d);
	if (ret) {
		fprintf(stderr, "siovh-bench: device core: %s\n", strerror(-ret));
		return ret;
	}
	med = bench_median(samples, SIOVDEV_BATCHES);
	printf("reference device core (in-process; median of %u batches of %u)\n",
	       SIOVDEV_BATCHES, SIOVDEV_DESCS);
	printf("  %-14s %12.0f descriptors/s (64-byte MEMFILL, portal write)\n",
	       "descriptors", med);
	json_object_set_new(root, "siovdev", json_pack("{s:f,s:i}",
			    "descriptors_per_s", med, "descriptor_bytes", 64));
	return 0;
}
