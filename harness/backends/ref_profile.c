/* SPDX-License-Identifier: MIT */
/*
 * ref:profile=PATH — the reference parent built from a device profile.
 *
 * The ref backend's SIOV parent (harness/ref/siovdev) has a configuration:
 * ADIs, IMS entries, which of PASID / ATS / PRI it has, the PASID width and
 * the DVSEC's supported page sizes; and the profile's "iommu" says whether
 * the IOMMU under it walks 5-level first-stage tables. By default it is siovdev_config_default
 * (specs/profiles/ref.json); with profile=PATH it is what PATH's "parent"
 * says, so the clauses run against a second parent (fewer ADIs, no ATS or
 * PRI, ...) and judge it by that same profile, as they judge any vendor's.
 *
 * Here, at parse time (so a bad profile is exit 2 before anything runs),
 * the profile is read and every parent field the reference cannot build as
 * stated is refused, naming the field. What the reference can build goes
 * into the spec's arg after the path ("PATH\0CONFIG", CONFIG as
 * ref_config_format writes it) for ref_open, which reads it without JSON:
 * the ref backend is also linked into the example plug-in, which has no
 * profile reader.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <siovh/profile.h>

#include "harness/backends/ref.h"
#include "harness/ref/siovdev/siovdev.h"

#define REF_CAPS	(SIOVH_PROFILE_CAP_PCIE | SIOVH_PROFILE_CAP_MSIX)

/* One refusal: the profile's file, the field, and why. */
__attribute__((format(printf, 5, 6)))
static int refuse(const struct siovh_profile *p, const char *field,
		  char *err, size_t errlen, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s: $.parent.%s: the reference parent %s",
		 p->file, field, why);
	return -EINVAL;
}

/* What siovdev builds the same for every configuration (siovdev.h). */
static int check_fixed(const struct siovh_profile *p, char *err,
		       size_t errlen)
{
	const struct siovh_profile_parent *pp = &p->parent;

	if (!pp->siov)
		return refuse(p, "siov", err, errlen,
			      "is a SIOV endpoint (siovdev), not a software parent");
	if (pp->vendor_id != SIOVDEV_VENDOR_ID ||
	    pp->device_id != SIOVDEV_DEVICE_ID)
		return refuse(p, "vendor_id", err, errlen,
			      "is %04x:%04x, not %04x:%04x", SIOVDEV_VENDOR_ID,
			      SIOVDEV_DEVICE_ID, pp->vendor_id, pp->device_id);
	if (pp->caps != REF_CAPS)
		return refuse(p, "caps", err, errlen,
			      "has exactly [\"pcie\", \"msix\"]");
	if (!(pp->ext_caps & SIOVH_PROFILE_EXT_DVSEC))
		return refuse(p, "ext_caps", err, errlen,
			      "always has the SIOV DVSEC");
	if (pp->dvsec.function_dependency_link != 0 ||
	    pp->dvsec.flags != SIOVDEV_DVSEC_FLAG_HOMOGENEOUS ||
	    pp->dvsec.system_page_size != 1)
		return refuse(p, "dvsec", err, errlen,
			      "has function_dependency_link 0, flags 0x01 and "
			      "system_page_size 0x1 after reset");
	return 0;
}

/*
 * What the reference VDCM over it needs (vdcm_hw_enable): PASID, since
 * every ADI's DMA is PASID-tagged, and an IMS entry per ADI.
 */
static int check_vdcm(const struct siovh_profile *p, char *err, size_t errlen)
{
	const struct siovh_profile_parent *pp = &p->parent;

	if (!(pp->ext_caps & SIOVH_PROFILE_EXT_PASID))
		return refuse(p, "ext_caps", err, errlen,
			      "needs \"pasid\": the reference VDCM refuses a "
			      "parent without it");
	if (pp->ims_entries < pp->adis)
		return refuse(p, "ims_entries", err, errlen,
			      "needs an IMS entry per ADI (%u) for the "
			      "reference VDCM, got %u", pp->adis,
			      pp->ims_entries);
	if (!(pp->dvsec.capabilities & SIOVDEV_DVSEC_CAP_IMS) ||
	    (pp->dvsec.capabilities & ~SIOVDEV_DVSEC_CAP_IMS))
		return refuse(p, "dvsec.capabilities", err, errlen,
			      "with IMS reports exactly 0x1");
	return 0;
}

static int profile_config(const struct siovh_profile *p,
			  struct siovh_ref_config *rcfg, char *err,
			  size_t errlen)
{
	struct siovdev_config *cfg = &rcfg->parent;
	const struct siovh_profile_parent *pp = &p->parent;
	int ret;

	ret = check_fixed(p, err, errlen);
	if (!ret)
		ret = check_vdcm(p, err, errlen);
	if (ret)
		return ret;
	if (pp->adis > SIOVDEV_MAX_ADIS)
		return refuse(p, "adis", err, errlen, "has at most %u ADIs",
			      SIOVDEV_MAX_ADIS);
	if (pp->ims_entries > SIOVDEV_MAX_IMS)
		return refuse(p, "ims_entries", err, errlen,
			      "has at most %u IMS entries", SIOVDEV_MAX_IMS);
	siovdev_config_default(cfg);
	cfg->nr_adis = pp->adis;
	cfg->ims_entries = pp->ims_entries;
	cfg->caps = SIOVDEV_HAS_PASID | SIOVDEV_HAS_IMS;
	if (pp->ext_caps & SIOVH_PROFILE_EXT_ATS)
		cfg->caps |= SIOVDEV_HAS_ATS;
	if (pp->ext_caps & SIOVH_PROFILE_EXT_PRI)
		cfg->caps |= SIOVDEV_HAS_PRI;
	cfg->pasid_width = pp->pasid_width;
	cfg->page_sizes = pp->dvsec.supported_page_sizes;
	if (!pp->pasid_exec || !pp->pasid_priv)
		return refuse(p, "pasid", err, errlen,
			      "supports execute and privileged modes");
	/* The IOMMU: a first stage of 4 levels only (48-bit guest tables)
	 * or also of 5 (57-bit), VT-d's FL5LP. */
	rcfg->fs_addr_width = p->iommu.first_stage_5level ? 57 : 48;
	/* Second-stage dirty tracking for iommufd's HWPTs, or none. */
	rcfg->dirty = p->iommu.dirty_tracking;
	return 0;
}

int siovh_ref_profile_check(char arg[REF_ARG_MAX], char *err, size_t errlen)
{
	struct siovh_profile *p = NULL;
	struct siovh_ref_config cfg;
	size_t plen = strlen(arg);
	int ret, n;

	ret = siovh_profile_load(arg, &p, err, errlen);
	if (ret)
		return ret;
	ret = profile_config(p, &cfg, err, errlen);
	siovh_profile_free(p);
	if (ret)
		return ret;
	n = siovh_ref_config_format(&cfg, arg + plen + 1, REF_ARG_MAX - plen - 1);
	if (n < 0) {
		snprintf(err, errlen, "profile path '%s' is too long", arg);
		return -EINVAL;
	}
	return 0;
}
