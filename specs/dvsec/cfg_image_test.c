// SPDX-License-Identifier: MIT
/*
 * Unit tests of the config-image checker (cfg_image.h): the reference
 * device's power-on image passes, in its default configuration and without
 * ATS, PRI and IMS; one mutation at a time of the default image fails with
 * the rule it breaks named in the reason; the reason buffer may be short or
 * absent; cfg_image_ext_chain judges the extended chain alone. TAP; exit 1
 * on any failure.
 */
#include <errno.h>
#include <string.h>

#include "harness/ref/siovdev/siovdev.h"
#include "harness/ref/tap.h"
#include "cfg_image.h"

_Static_assert(CFG_IMAGE_SIZE == SIOVDEV_CFG_SIZE, "one config space size");

static int no_dma(void *host, uint32_t pasid, uint64_t addr, void *buf,
		  size_t len, bool write)
{
	(void)host, (void)pasid, (void)addr, (void)buf, (void)len, (void)write;
	return -EFAULT;
}

static void no_msi(void *host, uint64_t addr, uint32_t data)
{
	(void)host, (void)addr, (void)data;
}

static const struct siovdev_host_ops ops = { .dma = no_dma, .msi = no_msi };

/* The power-on image of a reference device with cfg; false if refused. */
static bool ref_image(const struct siovdev_config *cfg,
		      uint8_t img[CFG_IMAGE_SIZE])
{
	struct siovdev *d = siovdev_create(cfg, &ops, NULL, 0);

	if (!d)
		return false;
	siovdev_cfg_image(d, img);
	siovdev_destroy(d);
	return true;
}

static void patch(uint8_t *img, uint32_t off, uint32_t size, uint32_t val)
{
	uint32_t k;

	for (k = 0; k < size; k++)
		img[off + k] = (uint8_t)(val >> 8 * k);
}

static void test_good_images(void)
{
	uint8_t img[CFG_IMAGE_SIZE];
	struct siovdev_config cfg;
	char msg[160];

	siovdev_config_default(&cfg);
	ASSERT_TRUE(ref_image(&cfg, img));
	EXPECT_EQ(cfg_image_validate(img, msg, sizeof(msg)), 0);
	EXPECT_EQ(msg[0], 0);
	EXPECT_EQ(cfg_image_ext_chain(img, msg, sizeof(msg)), 0);
	/* The ref-lite parent: PASID and the DVSEC only, MSI-X per ADI. */
	cfg.caps = SIOVDEV_HAS_PASID;
	cfg.ims_entries = 0;
	cfg.nr_adis = 4;
	ASSERT_TRUE(ref_image(&cfg, img));
	EXPECT_EQ(cfg_image_validate(img, msg, sizeof(msg)), 0);
	if (msg[0])
		FAIL("PASID-only image: %s", msg);
}

/* The default image, then one mutation at a time (offsets of siovdev.h's
 * layout: PCIe 0x40, MSI-X 0x80, PASID 0x100, ATS 0x110, PRI 0x120,
 * DVSEC 0x130). */
static void test_mutations(void)
{
	static const struct { uint32_t off, size, val; const char *what; }
	muts[] = {
		{ 0x130, 4, 0x10023 | 0x100u << 20, "loops" },
		{ 0x134, 4, 0x8086 | 0x14u << 20, "length" },
		{ 0x134, 4, 0x8086 | 0x08u << 20, "shorter than its header" },
		{ 0x134, 4, 0x8086 | 1u << 16 | 0x18u << 20, "revision" },
		{ 0x13c, 4, 0x210, "4 KiB" },
		{ 0x140, 4, 0x3, "one bit" },
		{ 0x140, 4, 0x2, "supported" },
		{ 0x140, 4, 0x0, "one bit" },
		{ 0x13b, 1, 0x3, "flags" },
		{ 0x144, 4, 0x3, "reserved" },
		{ 0x138, 2, 4, "no SIOV DVSEC" },
		{ 0x130, 4, 0x23 | 2u << 16, "version" },
		{ 0x100, 2, 0x0d, "no PASID" },
		{ 0x104, 2, 0x0006, "width" },
		{ 0x104, 2, 0x1506, "width" },
		{ 0x34, 1, 0x41, "0x41" },
		{ 0x81, 1, 0x40, "loops" },
		{ 0x81, 1, 0x44, "overlaps" },
		{ 0x41, 1, 0x00, "MSI-X" },
		{ 0x40, 1, 0x05, "PCI Express" },
		{ 0x06, 2, 0x0000, "capabilities-list" },
		{ 0x00, 2, 0xffff, "vendor" },
		{ 0x00, 2, 0x0000, "vendor" },
		{ 0x0e, 1, 0x01, "header type" },
		{ 0x110, 4, 0x1000f | 0x104u << 20, "overlaps" },
		{ 0x110, 4, 0x1000f | 0xffeu << 20, "aligned" },
		{ 0x110, 4, 0x1000f | 0x0fcu << 20, "outside" },
		{ 0x120, 4, 0x10013 | 0x100u << 20, "loops" },
		{ 0x100, 4, 0, "no extended" },
	};
	uint8_t good[CFG_IMAGE_SIZE], img[CFG_IMAGE_SIZE];
	struct siovdev_config cfg;
	char msg[160];
	size_t i;

	siovdev_config_default(&cfg);
	ASSERT_TRUE(ref_image(&cfg, good));
	for (i = 0; i < sizeof(muts) / sizeof(muts[0]); i++) {
		memcpy(img, good, sizeof(img));
		patch(img, muts[i].off, muts[i].size, muts[i].val);
		if (cfg_image_validate(img, msg, sizeof(msg)) != -EINVAL)
			FAIL("mutation %zu (%s) passed", i, muts[i].what);
		else if (!strstr(msg, muts[i].what))
			FAIL("mutation %zu: \"%s\" lacks \"%s\"", i, msg,
			     muts[i].what);
	}
}

/* A capability that starts in its space but does not fit in it: the
 * pointer to it is fine, its size (by its ID) is not. */
static void test_fits(void)
{
	uint8_t img[CFG_IMAGE_SIZE];
	struct siovdev_config cfg;
	char msg[160];

	siovdev_config_default(&cfg);
	ASSERT_TRUE(ref_image(&cfg, img));
	img[0xf8] = 0x11;		/* an MSI-X capability (12 bytes) */
	img[0x81] = 0xf8;		/* after the real one */
	EXPECT_EQ(cfg_image_validate(img, msg, sizeof(msg)), -EINVAL);
	EXPECT_TRUE(strstr(msg, "runs past 0x100") != NULL);
	ASSERT_TRUE(ref_image(&cfg, img));
	patch(img, 0xff8, 4, 0x10013);	/* a PRI capability (16 bytes) */
	patch(img, 0x130, 4, 0x10023 | 0xff8u << 20);
	EXPECT_EQ(cfg_image_ext_chain(img, msg, sizeof(msg)), -EINVAL);
	EXPECT_TRUE(strstr(msg, "runs past 0x1000") != NULL);
	ASSERT_TRUE(ref_image(&cfg, img));
	patch(img, 0xffc, 4, 0x10023);	/* a DVSEC in the last dword */
	patch(img, 0x130, 4, 0x10023 | 0xffcu << 20);
	EXPECT_EQ(cfg_image_ext_chain(img, msg, sizeof(msg)), -EINVAL);
	EXPECT_TRUE(strstr(msg, "runs past 4 KiB") != NULL);
}

/* MSI instead of MSI-X is a parent PCI Express allows; MSI is sized by
 * its Message Control (64-bit address, per-vector masking: 24 bytes). */
static void test_msi(void)
{
	uint8_t img[CFG_IMAGE_SIZE];
	struct siovdev_config cfg;
	char msg[160];

	siovdev_config_default(&cfg);
	ASSERT_TRUE(ref_image(&cfg, img));
	img[0x80] = 0x05;			/* MSI-X becomes MSI */
	patch(img, 0x82, 2, 1u << 7 | 1u << 8);
	EXPECT_EQ(cfg_image_validate(img, msg, sizeof(msg)), 0);
	if (msg[0])
		FAIL("MSI parent: %s", msg);
	/* The same MSI moved to 0xec runs past the legacy space's end. */
	memcpy(img + 0xec, img + 0x80, 4);
	img[0x41] = 0xec;
	EXPECT_EQ(cfg_image_validate(img, msg, sizeof(msg)), -EINVAL);
	EXPECT_TRUE(strstr(msg, "runs past 0x100") != NULL);
	/* Without the masking bit it is 14 bytes and fits there. */
	patch(img, 0xee, 2, 1u << 7);
	EXPECT_EQ(cfg_image_validate(img, msg, sizeof(msg)), 0);
}

/* Two SIOV DVSECs: the chain itself is wrong, not only the DVSEC. */
static void test_ext_chain(void)
{
	uint8_t img[CFG_IMAGE_SIZE];
	struct siovdev_config cfg;
	char msg[160];

	siovdev_config_default(&cfg);
	ASSERT_TRUE(ref_image(&cfg, img));
	/* A copy of the DVSEC at 0x200, linked after the first. */
	memcpy(img + 0x200, img + 0x130, 0x18);
	patch(img, 0x130, 4, 0x10023 | 0x200u << 20);
	EXPECT_EQ(cfg_image_ext_chain(img, msg, sizeof(msg)), -EINVAL);
	EXPECT_TRUE(strstr(msg, "two SIOV DVSECs") != NULL);
	/* A broken DVSEC field is no business of the chain's. */
	ASSERT_TRUE(ref_image(&cfg, img));
	patch(img, 0x13c, 4, 0x210);
	EXPECT_EQ(cfg_image_ext_chain(img, msg, sizeof(msg)), 0);
	EXPECT_EQ(cfg_image_validate(img, msg, sizeof(msg)), -EINVAL);
	/* Nor is the legacy list. */
	ASSERT_TRUE(ref_image(&cfg, img));
	patch(img, 0x34, 1, 0x41);
	EXPECT_EQ(cfg_image_ext_chain(img, msg, sizeof(msg)), 0);
}

/* The reason fits any buffer, and none is needed. */
static void test_reason_buffer(void)
{
	uint8_t img[CFG_IMAGE_SIZE];
	char small[8];

	memset(img, 0, sizeof(img));
	memset(small, 'x', sizeof(small));
	EXPECT_EQ(cfg_image_validate(img, small, sizeof(small)), -EINVAL);
	EXPECT_TRUE(memchr(small, 0, sizeof(small)) != NULL);
	EXPECT_EQ(cfg_image_validate(img, NULL, 0), -EINVAL);
	EXPECT_EQ(cfg_image_ext_chain(img, NULL, 0), -EINVAL);
}

int main(void)
{
	static const struct tap_test tests[] = {
		{ "reference images pass", test_good_images },
		{ "each broken rule is caught and named", test_mutations },
		{ "every capability fits in its space", test_fits },
		{ "MSI in place of MSI-X, sized by its control", test_msi },
		{ "the extended chain alone", test_ext_chain },
		{ "short and absent reason buffers", test_reason_buffer },
	};

	return tap_run(tests, sizeof(tests) / sizeof(tests[0]));
}
