// SPDX-License-Identifier: MIT
/*
 * Unit tests of the device-profile reader (siovh/profile.h): a good profile
 * parses into the values it says, the shipped reference profile loads, and
 * each of a table of broken profiles (the good one with one value replaced,
 * added or removed) is rejected with -EINVAL and a message naming the file
 * and the JSON path. TAP output; exit 1 on any failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <linux/vfio.h>

#include "siovh/profile.h"

static int n, failed;

static void result(bool ok, const char *fmt, const char *arg)
{
	printf("%sok %d - ", ok ? "" : "not ", ++n);
	printf(fmt, arg);
	printf("\n");
	if (!ok)
		failed++;
}

static const char good[] =
	"{ \"schema\": \"siovh-profile/1\", \"name\": \"t\",\n"
	"  \"parent\": { \"vendor_id\": \"0x8086\", \"device_id\": 4660,\n"
	"    \"adis\": 8, \"caps\": [\"pcie\", \"msix\"],\n"
	"    \"ext_caps\": [\"pasid\", \"ats\", \"pri\", \"dvsec\"],\n"
	"    \"pasid\": { \"width\": 20 }, \"ims_entries\": 2,\n"
	"    \"dvsec\": { \"function_dependency_link\": 0, \"flags\": 1,\n"
	"      \"supported_page_sizes\": \"0x553\", \"system_page_size\": 1,\n"
	"      \"capabilities\": 1 } },\n"
	"  \"types\": [ { \"name\": \"one\", \"adis\": 1, \"max_instances\": 8,\n"
	"    \"device\": { \"flags\": [\"pci\", \"reset\"], \"num_regions\": 9,\n"
	"      \"num_irqs\": 5 },\n"
	"    \"regions\": [\n"
	"      { \"index\": 0, \"size\": 8192, \"flags\": [\"read\", \"write\"] },\n"
	"      { \"index\": 2, \"size\": 8192,\n"
	"        \"flags\": [\"read\", \"write\", \"mmap\", \"caps\"],\n"
	"        \"fast\": [ { \"offset\": 0, \"size\": 4096 } ] },\n"
	"      { \"index\": 7, \"size\": 4096, \"flags\": [\"read\", \"write\"] } ],\n"
	"    \"irqs\": [ { \"index\": 2, \"count\": 2,\n"
	"      \"flags\": [\"eventfd\", \"noresize\"] } ],\n"
	"    \"config\": { \"vendor_id\": \"0x8086\", \"device_id\": 1,\n"
	"      \"class_code\": \"0x088000\", \"caps\": [\"pcie\", \"msix\"],\n"
	"      \"ext_caps\": [\"pasid\"], \"bars\": [ { \"bar\": 0, \"size\": 8192,\n"
	"      \"mem64\": true }, { \"bar\": 2, \"size\": 8192 } ] },\n"
	"    \"registers\": { \"ctrl\": { \"region\": 0, \"offset\": 16,\n"
	"      \"width\": 4, \"reset\": 0, \"writable\": \"0xff\" } },\n"
	"    \"portal\": { \"region\": 2, \"offset\": 0, \"stride\": 4096 },\n"
	"    \"queues\": { \"max\": 4, \"default\": 2 },\n"
	"    \"migration\": { \"flags\": [\"stop_copy\", \"p2p\"] },\n"
	"    \"dirty\": { \"page_size\": 4096 }, \"mailbox\": true } ] }\n";

/* Walk a "$.a.b[1].c" path to the parent container and the last step. */
static json_t *walk(json_t *root, const char *path, char *key, size_t *idx)
{
	const char *p = path + 1;	/* after '$' */
	json_t *cur = root, *parent = NULL;

	key[0] = '\0';
	*idx = (size_t)-1;
	while (*p && cur) {
		parent = cur;
		if (*p == '.') {
			size_t l = strcspn(p + 1, ".[");

			snprintf(key, 64, "%.*s", (int)l, p + 1);
			*idx = (size_t)-1;
			cur = json_object_get(cur, key);
			p += 1 + l;
		} else if (*p == '[') {
			*idx = strtoul(p + 1, NULL, 10);
			key[0] = '\0';
			cur = json_array_get(cur, *idx);
			p = strchr(p, ']') + 1;
		} else {
			return NULL;
		}
	}
	return parent;
}

/*
 * The good profile with the value at path replaced by value (JSON text),
 * or removed when value is NULL; then parsed. Returns the parse result.
 */
static int mutate(const char *path, const char *value, char *err,
		  size_t errlen)
{
	struct siovh_profile *pr = NULL;
	json_t *root = json_loads(good, 0, NULL), *parent, *v = NULL;
	char key[64], *text;
	size_t idx;
	int ret;

	parent = walk(root, path, key, &idx);
	if (value)
		v = json_loads(value, JSON_DECODE_ANY, NULL);
	if (!parent || (value && !v)) {
		snprintf(err, errlen, "test bug: cannot apply %s", path);
		json_decref(root);
		return -999;
	}
	if (key[0])
		value ? json_object_set_new(parent, key, v) :
			json_object_del(parent, key);
	else if (!value)
		json_array_remove(parent, idx);
	else if (idx == json_array_size(parent))
		json_array_append_new(parent, v);
	else
		json_array_set_new(parent, idx, v);
	text = json_dumps(root, 0);
	json_decref(root);
	ret = siovh_profile_parse(text, strlen(text), "t.json", &pr, err,
				  errlen);
	free(text);
	siovh_profile_free(pr);
	return ret;
}

static void test_good(void)
{
	struct siovh_profile *pr = NULL;
	const struct siovh_profile_type *ty;
	const struct siovh_profile_region *r;
	char err[256] = "";
	bool ok;
	int ret;

	ret = siovh_profile_parse(good, strlen(good), "t.json", &pr, err,
				  sizeof(err));
	if (ret)
		printf("# %s\n", err);
	result(ret == 0 && pr, "%s", "a good profile parses");
	if (!pr)
		return;
	ty = siovh_profile_type(pr, "one");
	r = siovh_profile_region(ty, 2);
	ok = pr->parent.vendor_id == 0x8086 && pr->parent.device_id == 4660 &&
	     pr->parent.adis == 8 && pr->parent.pasid_width == 20 &&
	     pr->parent.dvsec.supported_page_sizes == 0x553 &&
	     pr->parent.dvsec.flags == 1 && pr->parent.ims_entries == 2 &&
	     pr->parent.ext_caps == (SIOVH_PROFILE_EXT_PASID |
				     SIOVH_PROFILE_EXT_ATS |
				     SIOVH_PROFILE_EXT_PRI |
				     SIOVH_PROFILE_EXT_DVSEC);
	result(ok, "%s", "parent values are read (hex strings included)");
	ok = ty && ty->adis == 1 && ty->max_instances == 8 &&
	     ty->device_flags == (VFIO_DEVICE_FLAGS_PCI |
				  VFIO_DEVICE_FLAGS_RESET) &&
	     ty->num_regions == 9 && ty->nr_regions == 3 && r &&
	     r->nr_fast == 1 && r->fast[0].size == 4096 &&
	     r->flags == (VFIO_REGION_INFO_FLAG_READ |
			  VFIO_REGION_INFO_FLAG_WRITE |
			  VFIO_REGION_INFO_FLAG_MMAP |
			  VFIO_REGION_INFO_FLAG_CAPS) &&
	     siovh_profile_irq(ty, 2) && siovh_profile_irq(ty, 2)->count == 2 &&
	     ty->class_code == 0x088000 && ty->nr_bars == 2 &&
	     siovh_profile_bar(ty, 0)->mem64 &&
	     siovh_profile_reg(ty, "ctrl")->writable == 0xff &&
	     ty->has_portal && ty->portal_stride == 4096 &&
	     ty->max_queues == 4 && ty->default_queues == 2 &&
	     ty->migration_flags == (VFIO_MIGRATION_STOP_COPY |
				     VFIO_MIGRATION_P2P) &&
	     ty->dirty_page_size == 4096 && ty->has_mailbox && !ty->pinning;
	result(ok, "%s", "type values are read");
	ok = siovh_profile_is_fast(r, 0, 4096) &&
	     siovh_profile_is_fast(r, 4032, 64) &&
	     !siovh_profile_is_fast(r, 4032, 128) &&
	     !siovh_profile_is_fast(r, 4096, 1) &&
	     !siovh_profile_region(ty, 1) && !siovh_profile_type(pr, "two");
	result(ok, "%s", "lookups and fast-path test");
	siovh_profile_free(pr);
}

static void test_ref_profile(void)
{
	const char *dir = getenv("SIOVH_SRCDIR");
	struct siovh_profile *pr = NULL;
	char path[512], err[256] = "";
	int ret;

	snprintf(path, sizeof(path), "%s/specs/profiles/ref.json",
		 dir ? dir : ".");
	ret = siovh_profile_load(path, &pr, err, sizeof(err));
	if (ret)
		printf("# %s\n", err);
	result(ret == 0 && pr && pr->nr_types >= 2 &&
	       pr->iommu.first_stage_5level && pr->iommu.dirty_tracking,
	       "%s loads with at least two types, its IOMMU with FL5LP "
	       "and dirty tracking (the defaults)", "specs/profiles/ref.json");
	siovh_profile_free(pr);
	pr = NULL;
	snprintf(path, sizeof(path), "%s/specs/profiles/ref-lite.json",
		 dir ? dir : ".");
	ret = siovh_profile_load(path, &pr, err, sizeof(err));
	if (ret)
		printf("# %s\n", err);
	result(ret == 0 && pr && !pr->iommu.first_stage_5level &&
	       !pr->iommu.dirty_tracking,
	       "%s loads, its IOMMU without FL5LP or dirty tracking",
	       "specs/profiles/ref-lite.json");
	siovh_profile_free(pr);
}

/* specs/profiles/mtty.json: a software parent ("siov": false), I/O BARs. */
static void test_mtty_profile(void)
{
	const char *dir = getenv("SIOVH_SRCDIR");
	const struct siovh_profile_type *ty;
	struct siovh_profile *pr = NULL;
	char path[512], err[256] = "";
	int ret;

	snprintf(path, sizeof(path), "%s/specs/profiles/mtty.json",
		 dir ? dir : ".");
	ret = siovh_profile_load(path, &pr, err, sizeof(err));
	if (ret)
		printf("# %s\n", err);
	ty = pr ? siovh_profile_type(pr, "mtty-2") : NULL;
	result(ret == 0 && !pr->parent.siov && pr->parent.adis == 24 &&
	       !pr->parent.ext_caps && ty && ty->nr_bars == 2 &&
	       siovh_profile_bar(ty, 1) && siovh_profile_bar(ty, 1)->io &&
	       siovh_profile_bar(ty, 1)->size == 8 && !ty->caps,
	       "%s loads: a software parent of 24, I/O BARs of 8 bytes",
	       "specs/profiles/mtty.json");
	siovh_profile_free(pr);
}

/* specs/profiles/edu.json: a physical function through vfio-pci. */
static void test_edu_profile(void)
{
	const char *dir = getenv("SIOVH_SRCDIR");
	const struct siovh_profile_type *ty;
	struct siovh_profile *pr = NULL;
	char path[512], err[256] = "";
	int ret;

	snprintf(path, sizeof(path), "%s/specs/profiles/edu.json",
		 dir ? dir : ".");
	ret = siovh_profile_load(path, &pr, err, sizeof(err));
	if (ret)
		printf("# %s\n", err);
	ty = pr ? siovh_profile_type(pr, "vfio-pci") : NULL;
	result(ret == 0 && ty && ty->cfg_passthrough &&
	       !(ty->device_flags & VFIO_DEVICE_FLAGS_RESET),
	       "%s loads: config passed through, no reset flag",
	       "specs/profiles/edu.json");
	siovh_profile_free(pr);
}

/* One soft-parent document with parent and first BAR given. */
static int soft(const char *parent, const char *bar, char *err, size_t len)
{
	struct siovh_profile *pr = NULL;
	char doc[1024];
	int ret;

	snprintf(doc, sizeof(doc),
		 "{\"schema\": \"siovh-profile/1\", \"name\": \"s\", "
		 "\"parent\": %s, \"types\": [{\"name\": \"t\", \"adis\": 1, "
		 "\"max_instances\": 2, \"device\": {\"flags\": [\"pci\"], "
		 "\"num_regions\": 9, \"num_irqs\": 0}, \"regions\": "
		 "[{\"index\": 0, \"size\": 8, \"flags\": [\"read\"]}], "
		 "\"config\": {\"vendor_id\": 1, \"device_id\": 2, "
		 "\"class_code\": 0, \"caps\": [], \"ext_caps\": [], "
		 "\"bars\": [%s]}}]}", parent, bar);
	ret = siovh_profile_parse(doc, strlen(doc), "s.json", &pr, err, len);
	siovh_profile_free(pr);
	return ret;
}

static void test_soft_parent(void)
{
	const char *sp = "{\"siov\": false, \"adis\": 2}";
	const char *io = "{\"bar\": 0, \"size\": 8, \"io\": true}";
	char err[256] = "";

	result(!soft(sp, io, err, sizeof(err)), "%s",
	       "a soft parent with an I/O BAR of 8 bytes parses");
	result(soft("{\"siov\": false, \"adis\": 2, \"vendor_id\": 1}", io,
		    err, sizeof(err)) == -EINVAL &&
	       strstr(err, "$.parent.vendor_id: unknown key"), "%s",
	       "a soft parent refuses PCI keys");
	result(soft("{\"siov\": false}", io, err, sizeof(err)) == -EINVAL &&
	       strstr(err, "$.parent.adis: missing"), "%s",
	       "a soft parent needs adis");
	result(soft("{\"siov\": 0, \"adis\": 2}", io, err, sizeof(err)) ==
	       -EINVAL && strstr(err, "$.parent.siov: expected true or false"),
	       "%s", "siov is a boolean");
	result(soft(sp, "{\"bar\": 0, \"size\": 8}", err, sizeof(err)) ==
	       -EINVAL && strstr(err, "$.types[0].config.bars[0].size"), "%s",
	       "a memory BAR of 8 bytes is refused");
	result(soft(sp, "{\"bar\": 0, \"size\": 512, \"io\": true}", err,
		    sizeof(err)) == -EINVAL &&
	       strstr(err, "$.types[0].config.bars[0].size"), "%s",
	       "an I/O BAR of 512 bytes is refused");
	result(soft(sp, "{\"bar\": 0, \"size\": 8, \"io\": true, "
		    "\"mem64\": true}", err, sizeof(err)) == -EINVAL &&
	       strstr(err, "neither mem64 nor prefetchable"), "%s",
	       "an I/O BAR cannot be mem64");
}

static void test_files(void)
{
	struct siovh_profile *pr = NULL;
	char err[256] = "";
	int ret;

	ret = siovh_profile_load("/nonexistent/p.json", &pr, err, sizeof(err));
	result(ret == -ENOENT && !pr && strstr(err, "/nonexistent/p.json"),
	       "%s", "a missing file is -ENOENT naming the file");
	ret = siovh_profile_parse("{\"schema\": ", 11, "x.json", &pr, err,
				  sizeof(err));
	result(ret == -EINVAL && !strncmp(err, "x.json:1:", 9),
	       "%s", "invalid JSON is -EINVAL with file:line:column");
	ret = siovh_profile_parse("{\"schema\": \"siovh-profile/1\", "
				  "\"schema\": \"x\"}", 44, "x.json", &pr, err,
				  sizeof(err));
	result(ret == -EINVAL && strstr(err, "duplicate"),
	       "%s", "a duplicate key is rejected");
}

/* A broken profile: path, new value (NULL removes), expected message. */
static const struct bad {
	const char *path, *value, *want;
} bads[] = {
	{ "$.types[0].adis", "\"four\"",
	  "t.json: $.types[0].adis: expected integer 1..16, got \"four\"" },
	{ "$.types[0].adis", "0", "$.types[0].adis: expected integer 1..16" },
	{ "$.types[0].adis", "1.0", "expected integer 1..16, got 1.0" },
	{ "$.schema", "\"siovh-profile/2\"",
	  "$.schema: expected \"siovh-profile/1\"" },
	{ "$.schema", NULL, "$.schema: missing (required)" },
	{ "$.colour", "\"blue\"", "$.colour: unknown key \"colour\"" },
	{ "$.parent.dvsec.extra", "1", "$.parent.dvsec.extra: unknown key" },
	{ "$.parent.vendor_id", "65536",
	  "$.parent.vendor_id: expected integer 0..0xffff" },
	{ "$.parent.vendor_id", "\"0xzz\"", "$.parent.vendor_id: expected" },
	{ "$.parent.vendor_id", "-1", "$.parent.vendor_id: expected" },
	/* strtoull() would take these; "0x" is followed by hex digits only */
	{ "$.parent.vendor_id", "\"0x 8086\"", "$.parent.vendor_id: expected" },
	{ "$.parent.vendor_id", "\"0x+8086\"", "$.parent.vendor_id: expected" },
	{ "$.parent.vendor_id", "\"0x-0\"", "$.parent.vendor_id: expected" },
	{ "$.parent.vendor_id", "\"0x0x8086\"", "$.parent.vendor_id: expected" },
	{ "$.parent.adis", "0", "$.parent.adis: expected integer 1..4096" },
	{ "$.parent.caps", "[\"msix\", \"msix\"]",
	  "$.parent.caps[1]: \"msix\" listed twice" },
	{ "$.parent.caps", "[\"sriov\"]",
	  "$.parent.caps[0]: expected one of pm, msi, pcie, msix" },
	{ "$.parent.ext_caps", "[\"pasid\"]",
	  "$.parent.ext_caps: a SIOV parent must list \"dvsec\"" },
	{ "$.parent.ext_caps", "[\"dvsec\"]", "must list \"pasid\"" },
	{ "$.parent.pasid.width", "21", "$.parent.pasid.width: expected" },
	{ "$.parent.pasid.execute", "1",
	  "$.parent.pasid.execute: expected true or false, got 1" },
	{ "$.iommu", "{\"levels\": 5}", "$.iommu.levels: unknown key" },
	{ "$.iommu", "{\"first_stage_5level\": 1}",
	  "$.iommu.first_stage_5level: expected true or false, got 1" },
	{ "$.iommu", "{\"dirty_tracking\": \"yes\"}",
	  "$.iommu.dirty_tracking: expected true or false, got \"yes\"" },
	{ "$.parent.dvsec.supported_page_sizes", "2",
	  "$.parent.dvsec.supported_page_sizes: bit 0 (4 KiB) must be set" },
	{ "$.parent.dvsec.system_page_size", "3",
	  "$.parent.dvsec.system_page_size: expected exactly one bit" },
	{ "$.parent.dvsec.system_page_size", "4", "exactly one bit" },
	{ "$.parent.dvsec.flags", "256", "$.parent.dvsec.flags: expected" },
	{ "$.parent.dvsec", NULL, "$.parent.dvsec: missing (required)" },
	{ "$.types", "[]", "$.types: expected array of 1..8 elements" },
	{ "$.types[0].name", "\"\"", "$.types[0].name: expected string" },
	{ "$.types[0].name", "7", "$.types[0].name: expected string" },
	{ "$.types[0].max_instances", "9",
	  "$.types[0].max_instances: expected integer 1..8, got 9" },
	{ "$.types[0].device.flags", "[\"pci\", \"wibble\"]",
	  "$.types[0].device.flags[1]: expected one of" },
	{ "$.types[0].device.num_regions", "2",
	  "$.types[0].regions[1].index: expected integer 0..1, got 2" },
	{ "$.types[0].regions[1].index", "0",
	  "$.types[0].regions[1]: region 0 listed twice" },
	{ "$.types[0].regions[1].fast[0].size", "100",
	  "$.types[0].regions[1].fast[0]: offset 0 and size 0x64 must be "
	  "4 KiB aligned" },
	{ "$.types[0].regions[1].fast[0]", "{\"offset\": 4096, \"size\": 8192}",
	  "$.types[0].regions[1].fast[0]: area ends at 0x3000, beyond the "
	  "region's size 0x2000" },
	{ "$.types[0].regions[1].fast[0].offset", "8192",
	  "$.types[0].regions[1].fast[0].offset: expected integer 0..0x1fff" },
	{ "$.types[0].regions[1].fast[1]", "{\"offset\": 0, \"size\": 8192}",
	  "$.types[0].regions[1].fast[1]: overlaps area [0]" },
	{ "$.types[0].regions[1].flags", "[\"read\"]",
	  "$.types[0].regions[1].flags: a region with fast areas must have" },
	{ "$.types[0].regions[0].size", "0",
	  "$.types[0].regions[0].size: expected integer 0x1.." },
	{ "$.types[0].irqs[0].index", "5",
	  "$.types[0].irqs[0].index: expected integer 0..4, got 5" },
	{ "$.types[0].irqs[0].flags", "\"eventfd\"",
	  "$.types[0].irqs[0].flags: expected array of names" },
	{ "$.types[0].config.bars[0].size", "1000",
	  "$.types[0].config.bars[0]: size 0x3e8 is not a power of two" },
	{ "$.types[0].config.bars[1].bar", "1",
	  "$.types[0].config.bars[1]: BAR 1 overlaps BAR 0" },
	{ "$.types[0].config.class_code", "\"0x1000000\"",
	  "$.types[0].config.class_code: expected integer 0..0xffffff" },
	{ "$.types[0].registers.ctrl.region", "1",
	  "$.types[0].registers.ctrl: region 1 is not in" },
	{ "$.types[0].registers.ctrl.offset", "8190",
	  "$.types[0].registers.ctrl: offset 0x1ffe (width 4) is unaligned" },
	{ "$.types[0].registers.ctrl.width", "3",
	  "$.types[0].registers.ctrl.width: expected 1, 2, 4 or 8, got 3" },
	{ "$.types[0].registers.ctrl.reset", "\"0x100000000\"",
	  "$.types[0].registers.ctrl.reset: expected integer 0..0xffffffff" },
	{ "$.types[0].registers.ctrl.bogus", "true",
	  "$.types[0].registers.ctrl.bogus: unknown key" },
	{ "$.types[0].portal.offset", "4096",
	  "$.types[0].portal: ADI 0's portal is not inside a fast area" },
	{ "$.types[0].queues.default", "5",
	  "$.types[0].queues.default: expected integer 1..4, got 5" },
	{ "$.types[0].migration.flags", "[\"p2p\"]",
	  "$.types[0].migration.flags: migration v2 requires \"stop_copy\"" },
	{ "$.types[0].dirty.page_size", "12288",
	  "$.types[0].dirty.page_size: 0x3000 is not a power of two" },
	{ "$.types[0].config.passthrough", "1",
	  "$.types[0].config.passthrough: expected true or false, got 1" },
	{ "$.types[0].mailbox", "\"yes\"",
	  "$.types[0].mailbox: expected true or false, got \"yes\"" },
	{ "$.types[1]", "{\"name\": \"one\", \"adis\": 1, \"max_instances\": 1,"
	  " \"device\": {\"flags\": [], \"num_regions\": 1, \"num_irqs\": 0},"
	  " \"regions\": [{\"index\": 0, \"size\": 4096, \"flags\": []}],"
	  " \"config\": {\"vendor_id\": 1, \"device_id\": 1, \"class_code\": 0,"
	  " \"caps\": [], \"ext_caps\": [], \"bars\": [{\"bar\": 0, "
	  "\"size\": 4096}]}}",
	  "$.types[1].name: type \"one\" listed twice" },
};

static void test_bad(void)
{
	char err[256], desc[160];
	size_t i;
	int ret;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		const struct bad *b = &bads[i];
		bool ok;

		err[0] = '\0';
		ret = mutate(b->path, b->value, err, sizeof(err));
		ok = ret == -EINVAL && strstr(err, b->want) &&
		     !strncmp(err, "t.json: $", 9);
		if (!ok)
			printf("# ret %d, message \"%s\"\n# expected -EINVAL and "
			       "\"%s\"\n", ret, err, b->want);
		snprintf(desc, sizeof(desc), "%s = %s is rejected", b->path,
			 b->value ? b->value : "(removed)");
		result(ok, "%s", desc);
	}
}

int main(void)
{
	size_t nr_bad = sizeof(bads) / sizeof(bads[0]);

	/* 9 fixed (ref-lite.json's IOMMU among them), one per bad profile,
	 * mtty.json 1, edu.json 1, soft parents 7 */
	printf("TAP version 13\n1..%zu\n", 9 + nr_bad + 1 + 1 + 7);
	test_good();
	test_ref_profile();
	test_files();
	test_bad();
	test_mtty_profile();
	test_edu_profile();
	test_soft_parent();
	return failed ? 1 : 0;
}
