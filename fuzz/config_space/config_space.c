// SPDX-License-Identifier: MIT
/*
 * config_space: raw 4 KiB config-space images, and the reference SIOV
 * endpoint's own config space under fuzzed writes, through the specs'
 * config-image checker cfg_image_validate (specs/dvsec/cfg_image.h, which
 * the clause SIOV.DVSEC.27 applies to the parent's space).
 *
 * Byte 0 picks the mode:
 *  0  raw image: the rest of the input, zero-padded to 4 KiB (so short
 *     inputs exercise the header and the first extended capabilities);
 *  1  the image of a reference device (its configuration from the input)
 *     with byte patches from the input laid over it;
 *  2  a reference device (configuration from the input) driven with
 *     config-space writes and reads of every size and offset.
 *
 * Oracle, besides the sanitizers:
 *  - the checker is total and deterministic: any image gets 0 or
 *    -EINVAL, the same answer twice, and a NUL-terminated reason that
 *    fits whatever buffer it is given;
 *  - a device the reference agrees to create with a PASID capability has
 *    a valid config space, and keeps one after any sequence of writes
 *    (RO fields ignore writes, the chains stay well formed, DESIGN.md
 *    "SIOV DVSEC");
 *  - a read returns what the image holds at that offset.
 */
#include <errno.h>
#include <string.h>

#include "harness/ref/siovdev/siovdev.h"
#include "specs/dvsec/cfg_image.h"
#include "fuzz/common/fuzz.h"

#define WHY	160

/* Validate twice, with a full and a tiny reason buffer: same verdict. */
static int validate(const uint8_t *img, const char *what)
{
	char why[WHY], small[8];
	int a, b;

	memset(why, 'x', sizeof(why));
	memset(small, 'x', sizeof(small));
	a = cfg_image_validate(img, why, sizeof(why));
	b = cfg_image_validate(img, small, sizeof(small));
	if ((a != 0 && a != -EINVAL) || a != b)
		fz_fail("%s: validator returned %d, then %d", what, a, b);
	if (!memchr(why, 0, sizeof(why)) || !memchr(small, 0, sizeof(small)))
		fz_fail("%s: reason not NUL-terminated", what);
	if (a && !why[0])
		fz_fail("%s: rejected without a reason", what);
	return a;
}

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

static const struct siovdev_host_ops host_ops = {
	.dma = no_dma,
	.msi = no_msi,
};

/* A device configuration from the input. */
static void read_config(struct fz *f, struct siovdev_config *cfg_out)
{
	struct siovdev_config cfg;
	uint8_t b = fz_u8(f);

	siovdev_config_default(&cfg);
	if (b & 1) {
		cfg.nr_adis = fz_u8(f) % (SIOVDEV_MAX_ADIS + 2);
		cfg.caps = fz_u8(f) & 0xf;
		cfg.ims_entries = cfg.caps & SIOVDEV_HAS_IMS ?
				  cfg.nr_adis + fz_u8(f) : 0;
		cfg.max_queue = 1 + fz_u8(f);
		cfg.pasid_width = fz_u8(f) % 22;
		cfg.page_sizes = fz_u8(f) & 2 ? fz_u32(f) : 1u | (fz_u8(f) << 4);
	}
	*cfg_out = cfg;
}

static struct siovdev *device_get(const struct siovdev_config *cfg);

/* A device whose configuration comes from the input (maybe refused). */
static struct siovdev *make_device(struct fz *f, bool *pasid)
{
	struct siovdev_config cfg;

	read_config(f, &cfg);
	*pasid = cfg.caps & SIOVDEV_HAS_PASID;
	return device_get(&cfg);
}

/*
 * The power-on image of a device of each configuration seen, made (and
 * checked) the first time: creating a device is a pure function of its
 * configuration, and costs more than everything else mode 1 does (per-ADI
 * queues and 256-entry event logs, from fresh memory under ASan). A slot
 * per hash of the configuration; a collision just makes the image again.
 */
#define IMAGES		64

struct image {
	bool valid;
	bool created;			/* siovdev_create accepted cfg */
	struct siovdev_config cfg;
	uint8_t img[SIOVDEV_CFG_SIZE];
};

static const struct image *new_image(struct fz *f)
{
	static struct image cache[IMAGES];
	struct siovdev_config cfg;
	struct image *im;
	struct siovdev *d;
	uint32_t h = 2166136261u;
	const uint8_t *b;
	size_t i;

	read_config(f, &cfg);
	for (b = (const uint8_t *)&cfg, i = 0; i < sizeof(cfg); i++)
		h = (h ^ b[i]) * 16777619u;
	im = &cache[h % IMAGES];
	if (im->valid && !memcmp(&im->cfg, &cfg, sizeof(cfg)))
		return im;
	im->valid = false;
	im->cfg = cfg;
	d = siovdev_create(&cfg, &host_ops, NULL, SIOVDEV_FAULT_NONE);
	im->created = d != NULL;
	if (d) {
		siovdev_cfg_image(d, im->img);
		siovdev_destroy(d);
		if ((cfg.caps & SIOVDEV_HAS_PASID) &&
		    validate(im->img, "a new device's image"))
			fz_fail("the image of a device with PASID does not "
				"validate");
	}
	im->valid = true;
	return im;
}

static void mode_raw(struct fz *f)
{
	uint8_t img[SIOVDEV_CFG_SIZE];

	fz_bytes(f, img, sizeof(img));
	fz_note_u64((uint64_t)(int64_t)validate(img, "raw image"));
}

static void mode_patch(struct fz *f)
{
	const struct image *im = new_image(f);
	uint8_t img[SIOVDEV_CFG_SIZE];
	uint16_t off;
	uint8_t len;

	/* Whether the image was made now or before, the input sees the
	 * same: the digest notes what it sees. */
	fz_note_u64(im->created);
	if (!im->created)
		return;
	memcpy(img, im->img, sizeof(img));
	while (!fz_empty(f)) {
		off = fz_u16(f) % SIOVDEV_CFG_SIZE;
		len = 1 + fz_u8(f) % 8;
		if (off + len > SIOVDEV_CFG_SIZE)
			len = (uint8_t)(SIOVDEV_CFG_SIZE - off);
		fz_bytes(f, img + off, len);
	}
	fz_note_u64((uint64_t)(int64_t)validate(img, "patched image"));
}

static void check_read(struct siovdev *d, const uint8_t *img, uint32_t off,
		       unsigned int size)
{
	uint32_t val = 0, want = 0;
	int ret = siovdev_cfg_read(d, off, size, &val);

	if (ret)
		fz_fail("cfg_read(%#x, %u) failed: %d", off, size, ret);
	memcpy(&want, img + off, size);
	if (val != want)
		fz_fail("cfg_read(%#x, %u) = %#x, the image holds %#x", off,
			size, val, want);
}

/*
 * The device of mode 2, kept for the next input that asks for the same
 * configuration: creating one (per-ADI queues and event logs, from fresh
 * memory under ASan) was a third of this target's time (perf). Kept only
 * while provably as new: after an input the device goes through a
 * Function Level Reset, and its config image and every ADI's probe must
 * then equal what they were when it was created (what a config write can
 * depend on); otherwise it is destroyed. The reset's own RESET events in
 * the ADIs' logs are not compared: nothing this target does reads them.
 */
struct snapshot {
	uint8_t img[SIOVDEV_CFG_SIZE];
	struct siovdev_adi_probe adi[SIOVDEV_MAX_ADIS];
};

static struct {
	bool valid;			/* d is what cfg creates (NULL: refused) */
	struct siovdev *d;
	struct siovdev_config cfg;
	struct snapshot fresh;
} kept;

FZ_ORACLE static void snapshot(struct siovdev *d, uint32_t nr_adis,
			       struct snapshot *s)
{
	uint32_t i;

	memset(s, 0, sizeof(*s));
	siovdev_cfg_image(d, s->img);
	for (i = 0; i < nr_adis && i < SIOVDEV_MAX_ADIS; i++)
		if (siovdev_adi_probe(d, i, &s->adi[i]))
			fz_fail("adi_probe(%u) of a new device failed", i);
}

static struct siovdev *device_get(const struct siovdev_config *cfg)
{
	if (kept.valid && !memcmp(&kept.cfg, cfg, sizeof(*cfg)))
		return kept.d;
	siovdev_destroy(kept.d);
	kept.d = siovdev_create(cfg, &host_ops, NULL, SIOVDEV_FAULT_NONE);
	kept.cfg = *cfg;
	kept.valid = true;
	if (kept.d)
		snapshot(kept.d, cfg->nr_adis, &kept.fresh);
	return kept.d;
}

FZ_ORACLE static void device_put(struct siovdev *d)
{
	static struct snapshot now;

	siovdev_flr(d);
	snapshot(d, kept.cfg.nr_adis, &now);
	if (!memcmp(&now, &kept.fresh, sizeof(now)))
		return;
	siovdev_destroy(d);
	kept.d = NULL;
	kept.valid = false;
}

static void mode_writes(struct fz *f)
{
	static const unsigned int sizes[] = { 1, 2, 4, 4, 3, 8 };
	uint8_t img[SIOVDEV_CFG_SIZE];
	unsigned int size;
	struct siovdev *d;
	uint32_t off, val;
	bool pasid;
	int ret;

	d = make_device(f, &pasid);
	if (!d)
		return;
	while (!fz_empty(f)) {
		size = fz_pick(f, sizes);
		off = fz_u8(f) & 0x80 ? fz_u16(f) : 0x100 + fz_u8(f);
		if (fz_u8(f) < 224)	/* mostly aligned and in range */
			off = (off % SIOVDEV_CFG_SIZE) & ~(size - 1);
		val = fz_u32(f);
		ret = siovdev_cfg_write(d, off, size, val);
		if (ret && ret != -EINVAL)
			fz_fail("cfg_write(%#x, %u) returned %d", off, size,
				ret);
		siovdev_cfg_image(d, img);
		fz_note_u64((uint64_t)(int64_t)ret);
		fz_note(img, sizeof(img));
		if (validate(img, "device after writes") && pasid)
			fz_fail("config space invalid after cfg_write(%#x, %u, "
				"%#x)", off, size, val);
		if (!ret)
			check_read(d, img, off, size);
	}
	device_put(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);

	switch (fz_u8(&f) % 3) {
	case 0:
		mode_raw(&f);
		break;
	case 1:
		mode_patch(&f);
		break;
	default:
		mode_writes(&f);
		break;
	}
	return 0;
}
