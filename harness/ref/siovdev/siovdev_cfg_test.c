/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the reference SIOV endpoint, part 1: config space. The
 * type-0 header's RO/RW/RW1C bits, BAR sizing, the capability chains, the
 * SIOV DVSEC field by field, access rules, Function Level Reset, each
 * scenario ending with the whole image passing the specs' checker
 * (specs/dvsec/cfg_image.h, tested on its own in cfg_image_test.c); then
 * the config-space faults. TAP.
 */
#include "siovdev_test_helpers.h"

#define DVSEC(d)	siovdev_cfg_ext_offset(d, SIOVDEV_DVSEC_ID_EXT)
#define PASIDCAP(d)	siovdev_cfg_ext_offset(d, SIOVDEV_EXT_ID_PASID)

static bool s_header(int fault)
{
	struct host h;
	struct siovdev *d = setup(&h, fault);
	struct siovdev_desc desc = copy_desc(0, MEM_BASE, 8, 0);
	bool ok = false;

	CHECK(d);
	CHECK(cr(d, 0x00, 2) == SIOVDEV_VENDOR_ID);
	cw(d, 0x00, 2, 0x1234);
	CHECK(cr(d, 0x00, 4) == (SIOVDEV_DEVICE_ID << 16 | SIOVDEV_VENDOR_ID));
	CHECK(cr(d, 0x08, 4) == (SIOVDEV_CLASS << 8 | SIOVDEV_REVISION));
	CHECK(cr(d, 0x0e, 1) == 0 && cr(d, 0x34, 1) == SIOVDEV_CFG_PCIE);
	cw(d, 0x04, 2, 0xffff);
	CHECK(cr(d, 0x04, 2) == 0x0546);
	cw(d, 0x04, 2, 0x0006);
	CHECK(cr(d, 0x04, 2) == 0x0006);
	cw(d, 0x3c, 2, 0xff5a);			/* line RW, pin RO 0 */
	CHECK(cr(d, 0x3c, 2) == 0x005a);

	/* A failed DMA sets received-master-abort; RW1C clears it. */
	CHECK(cr(d, 0x06, 2) == 0x0010);
	CHECK(siovdev_submit(d, 0, &desc) == 0);
	CHECK(cr(d, 0x06, 2) == 0x2010);
	cw(d, 0x06, 2, 0x0000);
	cw(d, 0x06, 2, 0x0010);			/* RO bit: no effect */
	CHECK(cr(d, 0x06, 2) == 0x2010);
	cw(d, 0x04, 4, 0x20000006);		/* COMMAND+STATUS at once */
	CHECK(cr(d, 0x04, 4) == 0x00100006);
	CHECK(valid(d));
	ok = true;
out:
	siovdev_destroy(d);
	return ok;
}

static bool s_bars(int fault)
{
	struct host h;
	struct siovdev *d = setup(&h, fault);
	bool ok = false;

	CHECK(d);
	CHECK(cr(d, 0x10, 4) == 0x4 && cr(d, 0x18, 4) == 0x4);
	cw(d, 0x10, 4, 0xffffffff);
	cw(d, 0x14, 4, 0xffffffff);
	CHECK(cr(d, 0x10, 4) == 0xffff8004 && cr(d, 0x14, 4) == 0xffffffff);
	cw(d, 0x10, 4, 0xfe001234);
	cw(d, 0x14, 4, 0x1);
	CHECK(cr(d, 0x10, 4) == 0xfe000004 && cr(d, 0x14, 4) == 0x1);
	/* Eight 4 KiB portals: 32 KiB. */
	cw(d, 0x18, 4, 0xffffffff);
	CHECK(cr(d, 0x18, 4) == 0xffff8004);
	CHECK(siovdev_bar_size(d, 2) == 0x8000);
	CHECK(siovdev_portal_offset(d, 3) == 0x3000);
	cw(d, 0x20, 4, 0xffffffff);
	cw(d, 0x24, 4, 0xffffffff);
	CHECK(cr(d, 0x20, 4) == 0 && cr(d, 0x24, 4) == 0);
	CHECK(siovdev_bar_size(d, 1) == 0 && siovdev_bar_size(d, 0) == 0x8000);
	/* 64 KiB system pages: portals follow, BAR2 is 512 KiB. */
	cw(d, DVSEC(d) + SIOVDEV_DVSEC_SYS_PGSZ, 4, 0x10);
	CHECK(siovdev_portal_offset(d, 3) == 0x30000);
	CHECK(siovdev_bar_size(d, 2) == 0x80000);
	cw(d, 0x18, 4, 0xffffffff);
	CHECK(cr(d, 0x18, 4) == 0xfff80004);
	ok = true;
out:
	siovdev_destroy(d);
	return ok;
}

/* The chain of a device with the given caps: the ext IDs in order. */
static bool chain_is(uint32_t caps, const uint16_t *ids, size_t n)
{
	struct siovdev_config cfg;
	struct host h;
	struct siovdev *d;
	uint32_t off = 0x100;
	size_t i;
	bool ok = true;

	siovdev_config_default(&cfg);
	cfg.caps = caps;
	d = siovdev_create(&cfg, &ops, &h, 0);
	if (!d)
		return false;
	for (i = 0; i < n && ok; i++) {
		ok = off && (cr(d, off, 4) & 0xffff) == ids[i] &&
		     (cr(d, off, 4) >> 16 & 0xf) == 1 &&
		     siovdev_cfg_ext_offset(d, ids[i]) == off;
		off = cr(d, off, 4) >> 20;
	}
	ok = ok && off == 0;
	/* Without IMS: no DVSEC IMS bit, one MSI-X vector per ADI more. */
	if (!(caps & SIOVDEV_HAS_IMS))
		ok = ok && cr(d, DVSEC(d) + SIOVDEV_DVSEC_CAP, 4) == 0 &&
		     cr(d, SIOVDEV_CFG_MSIX + 2, 2) == cfg.nr_adis;
	ok = ok && (!(caps & SIOVDEV_HAS_PASID) || valid(d));
	siovdev_destroy(d);
	return ok;
}

static bool s_caps(int fault)
{
	static const uint16_t all[] = { 0x1b, 0x0f, 0x13, 0x23 };
	static const uint16_t pasid_only[] = { 0x1b, 0x23 };
	static const uint16_t none[] = { 0x23 };
	struct host h;
	struct siovdev *d = setup(&h, fault);
	uint32_t pasid, pri, ats;
	bool ok = false;

	CHECK(d);
	CHECK(cr(d, 0x40, 2) == (SIOVDEV_CFG_MSIX << 8 | 0x10));
	CHECK(cr(d, 0x42, 2) == 0x0002);
	CHECK(cr(d, 0x80, 2) == 0x0011);
	CHECK(cr(d, 0x82, 2) == 0);		/* one vector: errors */
	CHECK(cr(d, 0x84, 4) == SIOVDEV_MSIX_TABLE);
	CHECK(cr(d, 0x88, 4) == SIOVDEV_MSIX_PBA);
	cw(d, 0x82, 2, 0xffff);
	CHECK(cr(d, 0x82, 2) == 0xc000);
	cw(d, 0x48, 2, 0x7fff);
	CHECK(cr(d, 0x48, 2) == 0x79ff);
	CHECK(chain_is(SIOVDEV_HAS_PASID | SIOVDEV_HAS_ATS | SIOVDEV_HAS_PRI |
		       SIOVDEV_HAS_IMS, all, 4));
	CHECK(chain_is(SIOVDEV_HAS_PASID, pasid_only, 2));
	CHECK(chain_is(0, none, 1));

	pasid = PASIDCAP(d);
	CHECK(pasid == SIOVDEV_CFG_PASID);
	CHECK(cr(d, pasid + 4, 2) == (20 << 8 | 0x6));
	cw(d, pasid + 6, 2, 0xffff);
	CHECK(cr(d, pasid + 6, 2) == 0x7);
	cw(d, pasid + 6, 2, 0);
	CHECK(cr(d, pasid + 6, 2) == 0);
	ats = siovdev_cfg_ext_offset(d, SIOVDEV_EXT_ID_ATS);
	cw(d, ats + 4, 4, 0xffffffff);
	CHECK(cr(d, ats + 4, 4) == (0x801fu << 16 | 0x0020));
	pri = siovdev_cfg_ext_offset(d, SIOVDEV_EXT_ID_PRI);
	CHECK(cr(d, pri + 6, 2) == 0x8100);	/* stopped while disabled */
	cw(d, pri + 4, 2, 0x3);			/* enable + reset */
	CHECK(cr(d, pri + 4, 2) == 0x1 && cr(d, pri + 6, 2) == 0x8000);
	CHECK(cr(d, pri + 8, 4) == 32);
	cw(d, pri + 4, 2, 0);
	CHECK(cr(d, pri + 6, 2) == 0x8100);
	CHECK(valid(d));
	ok = true;
out:
	siovdev_destroy(d);
	return ok;
}

static bool s_dvsec(int fault)
{
	struct host h;
	struct siovdev *d = setup(&h, fault);
	uint8_t before[SIOVDEV_CFG_SIZE], after[SIOVDEV_CFG_SIZE];
	uint32_t at, sps;
	bool ok = false;

	CHECK(d);
	at = DVSEC(d);
	sps = at + SIOVDEV_DVSEC_SYS_PGSZ;
	CHECK(cr(d, at, 4) == (0x23 | 1 << 16));
	CHECK(cr(d, at + 4, 4) == (0x8086 | 0x18 << 20));
	CHECK(cr(d, at + 8, 2) == 5 && cr(d, at + 0x0a, 1) == 0);
	CHECK(cr(d, at + 0x0b, 1) == SIOVDEV_DVSEC_FLAG_HOMOGENEOUS);
	CHECK(cr(d, at + 0x0c, 4) == 0x211 && cr(d, sps, 4) == 1);
	CHECK(cr(d, at + 0x14, 4) == SIOVDEV_DVSEC_CAP_IMS);

	/* RO fields ignore writes of every size. */
	siovdev_cfg_image(d, before);
	cw(d, at, 4, 0xffffffff);
	cw(d, at + 4, 4, 0);
	cw(d, at + 8, 4, 0xffffffff);
	cw(d, at + 0x0b, 1, 0);
	cw(d, at + 0x0a, 2, 0xffff);
	cw(d, at + 0x0c, 4, 0xffffffff);
	cw(d, at + 0x0e, 2, 0);
	cw(d, at + 0x14, 4, 0);
	cw(d, at + 0x14, 1, 0xfe);
	siovdev_cfg_image(d, after);
	CHECK(memcmp(before, after, sizeof(before)) == 0);

	/* System page size: exactly one bit, and a supported one. */
	cw(d, sps, 4, 0x3);
	CHECK(cr(d, sps, 4) == 1);
	cw(d, sps, 4, 0x2);			/* 8 KiB: unsupported */
	CHECK(cr(d, sps, 4) == 1);
	cw(d, sps, 4, 0x210);
	CHECK(cr(d, sps, 4) == 1);
	cw(d, sps, 4, 0);
	CHECK(cr(d, sps, 4) == 1);
	cw(d, sps, 4, 0x80000000);
	CHECK(cr(d, sps, 4) == 1);
	cw(d, sps, 4, 0x200);			/* 2 MiB */
	CHECK(cr(d, sps, 4) == 0x200);
	CHECK(valid(d));
	cw(d, sps, 1, 0x10);			/* merged: 0x210 */
	CHECK(cr(d, sps, 4) == 0x200);
	cw(d, sps, 2, 0x0010);			/* merged: 0x10 */
	CHECK(cr(d, sps, 4) == 0x10);
	cw(d, sps + 1, 1, 0x00);		/* merged: 0x10 again */
	CHECK(cr(d, sps, 4) == 0x10);
	CHECK(valid(d));
	ok = true;
out:
	siovdev_destroy(d);
	return ok;
}

static bool s_access(int fault)
{
	struct host h;
	struct siovdev *d = setup(&h, fault);
	struct siovdev_desc desc = { .opcode = SIOVDEV_OP_NOP };
	uint8_t b[64] = { 0 };
	uint32_t v;
	bool ok = false;

	CHECK(d);
	CHECK(siovdev_cfg_read(d, 0, 3, &v) == -EINVAL);
	CHECK(siovdev_cfg_read(d, 1, 2, &v) == -EINVAL);
	CHECK(siovdev_cfg_read(d, 4096, 1, &v) == -EINVAL);
	CHECK(siovdev_cfg_write(d, 2, 4, 0) == -EINVAL);
	CHECK(siovdev_cfg_read(d, 0xffc, 4, &v) == 0 && v == 0);
	CHECK(siovdev_bar_read(d, 0, 0, b, 2) == -EINVAL);
	CHECK(siovdev_bar_read(d, 0, 2, b, 4) == -EINVAL);
	CHECK(siovdev_bar_read(d, 0, SIOVDEV_BAR0_SIZE, b, 4) == -EINVAL);
	CHECK(siovdev_bar_read(d, 1, 0, b, 4) == -EINVAL);
	CHECK(siovdev_bar_write(d, 2, 0, b, 8) == -EINVAL);
	CHECK(siovdev_bar_write(d, 2, 32, b, 64) == -EINVAL);
	CHECK(siovdev_bar_read(d, 2, 0x1000, b, 4) == 0);
	CHECK(b[0] == 0xff && b[3] == 0xff);
	CHECK(siovdev_bar_read(d, 0, 0, b, 8) == 0);
	CHECK(le64(b) == (0x00010000ull | 8ull << 32));
	CHECK(rr(d, SIOVDEV_REG_IMS_SIZE) == 32);
	CHECK(rr(d, SIOVDEV_REG_MAX_QUEUE) == 16);
	rw(d, SIOVDEV_REG_NR_ADIS, 3);
	CHECK(rr(d, SIOVDEV_REG_NR_ADIS) == 8);
	/* Memory space off: BAR accesses are unsupported requests. */
	cw(d, 0x04, 2, 0x4);
	CHECK(siovdev_bar_read(d, 0, 0, b, 4) == -EIO);
	CHECK(siovdev_bar_write(d, 2, 0, b, 64) == -EIO);
	CHECK(siovdev_submit(d, 0, &desc) == -EIO);
	CHECK(siovdev_submit(d, 8, &desc) == -EINVAL);
	ok = true;
out:
	siovdev_destroy(d);
	return ok;
}

static bool s_flr(int fault)
{
	struct host h;
	struct siovdev *d = setup(&h, fault);
	struct siovdev_adi_probe p;
	struct siovdev_event ev[SIOVDEV_EVENT_DEPTH];
	size_t n;
	bool ok = false;

	CHECK(d);
	cw(d, DVSEC(d) + SIOVDEV_DVSEC_SYS_PGSZ, 4, 0x10);
	cw(d, 0x10, 4, 0xfe000000);
	cw(d, 0x48, 2, 0x8000 | 0x2810);
	CHECK(cr(d, 0x04, 2) == 0 && cr(d, 0x10, 4) == 0x4);
	CHECK(cr(d, 0x48, 2) == 0x2810);
	CHECK(cr(d, DVSEC(d) + SIOVDEV_DVSEC_SYS_PGSZ, 4) == 1);
	CHECK(cr(d, PASIDCAP(d) + 6, 2) == 0);
	cw(d, 0x04, 2, 0x6);
	CHECK(siovdev_adi_probe(d, 2, &p) == 0);
	CHECK(!p.enabled && !p.pasid_valid && p.irq == 2 && p.irq_masked);
	CHECK(siovdev_adi_trace(d, 2, ev, SIOVDEV_EVENT_DEPTH, &n) == 0);
	CHECK(n == 3 && ev[2].kind == SIOVDEV_EV_RESET);
	CHECK(valid(d));
	ok = true;
out:
	siovdev_destroy(d);
	return ok;
}

static void test_config(void)
{
	struct siovdev_host_ops no_dma = { NULL, host_msi, NULL };
	struct siovdev_config cfg, bad;
	struct host h;
	struct siovdev *d;
	size_t i;
	static const struct { size_t off; uint32_t val; } bads[] = {
		{ offsetof(struct siovdev_config, nr_adis), 0 },
		{ offsetof(struct siovdev_config, nr_adis), 65 },
		{ offsetof(struct siovdev_config, ims_entries), 7 },
		{ offsetof(struct siovdev_config, ims_entries), 1025 },
		{ offsetof(struct siovdev_config, max_queue), 0 },
		{ offsetof(struct siovdev_config, max_queue), 257 },
		{ offsetof(struct siovdev_config, caps), 0x10 },
		{ offsetof(struct siovdev_config, pasid_width), 0 },
		{ offsetof(struct siovdev_config, pasid_width), 21 },
		{ offsetof(struct siovdev_config, page_sizes), 0x10 },
		{ offsetof(struct siovdev_config, page_sizes), 0x100001 },
	};

	siovdev_config_default(&cfg);
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		bad = cfg;
		memcpy((char *)&bad + bads[i].off, &bads[i].val, 4);
		errno = 0;
		d = siovdev_create(&bad, &ops, &h, 0);
		if (d || errno != EINVAL)
			FAIL("config %zu accepted", i);
		siovdev_destroy(d);
	}
	EXPECT_TRUE(!siovdev_create(&cfg, NULL, &h, 0));
	EXPECT_TRUE(!siovdev_create(&cfg, &no_dma, &h, 0));
	EXPECT_TRUE(!siovdev_create(&cfg, &ops, &h, SIOVDEV_FAULT_COUNT));
	d = siovdev_create(&cfg, &ops, &h, 0);
	ASSERT_TRUE(d != NULL);
	EXPECT_EQ(siovdev_get_config(d)->nr_adis, 8);
	siovdev_destroy(d);
	siovdev_destroy(NULL);
	EXPECT_TRUE(!strcmp(siovdev_error_name(SIOVDEV_ERR_NO_PASID),
			    "no-pasid"));
	EXPECT_TRUE(!strcmp(siovdev_event_name(SIOVDEV_EV_DRAIN), "drain"));
	EXPECT_TRUE(!strcmp(siovdev_event_name(0), "?"));
}

int main(void)
{
	static const struct tap_test fixed[] = {
		{ "config and create", test_config },
	};
	static const struct tap_scenario scen[] = {
		{ "header registers", s_header },
		{ "BAR sizing and portals", s_bars },
		{ "capabilities", s_caps },
		{ "DVSEC fields", s_dvsec },
		{ "access rules", s_access },
		{ "function level reset", s_flr },
	};

	return run_all(fixed, sizeof(fixed) / sizeof(fixed[0]), scen,
		       sizeof(scen) / sizeof(scen[0]), true);
}
