/* SPDX-License-Identifier: MIT */
/*
 * The reference SIOV endpoint: configuration, life cycle, Function Level
 * Reset and names. The device's parts live in their own files
 * (siovdev_internal.h).
 */
#include <errno.h>
#include <stdlib.h>

#include "siovdev_internal.h"

void siovdev_config_default(struct siovdev_config *cfg)
{
	*cfg = (struct siovdev_config){
		.nr_adis = 8,
		.ims_entries = 32,
		.max_queue = 16,
		.caps = SIOVDEV_HAS_PASID | SIOVDEV_HAS_ATS |
			SIOVDEV_HAS_PRI | SIOVDEV_HAS_IMS,
		.pasid_width = 20,
		.page_sizes = (1u << 0) | (1u << 4) | (1u << 9),
	};
}

static bool config_valid(const struct siovdev_config *cfg)
{
	if (cfg->nr_adis < 1 || cfg->nr_adis > SIOVDEV_MAX_ADIS)
		return false;
	if (cfg->max_queue < 1 || cfg->max_queue > SIOVDEV_MAX_QUEUE)
		return false;
	if (cfg->caps & ~(SIOVDEV_HAS_PASID | SIOVDEV_HAS_ATS |
			  SIOVDEV_HAS_PRI | SIOVDEV_HAS_IMS))
		return false;
	if ((cfg->caps & SIOVDEV_HAS_PASID) &&
	    (cfg->pasid_width < 1 || cfg->pasid_width > 20))
		return false;
	if ((cfg->caps & SIOVDEV_HAS_IMS) &&
	    (cfg->ims_entries < cfg->nr_adis ||
	     cfg->ims_entries > SIOVDEV_MAX_IMS))
		return false;
	return (cfg->page_sizes & 1) && !(cfg->page_sizes & ~0xfffffu);
}

struct siovdev *siovdev_create(const struct siovdev_config *cfg,
			       const struct siovdev_host_ops *ops, void *host,
			       int fault)
{
	struct siovdev *d;

	if (!cfg || !config_valid(cfg) || !ops || !ops->dma || !ops->msi ||
	    fault < 0 || fault >= SIOVDEV_FAULT_COUNT) {
		errno = EINVAL;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		goto err;
	d->cfg = *cfg;
	d->fault = (enum siovdev_fault)fault;
	d->ops = *ops;
	d->host = host;
	d->nr_ims = (cfg->caps & SIOVDEV_HAS_IMS) ? cfg->ims_entries : 0;
	/* Vector 0: errors; without IMS, one more per ADI. */
	d->nr_msix = 1 + (d->nr_ims ? 0 : cfg->nr_adis);
	cfg_init(d);
	if (irq_init(d))
		goto err_free;
	if (adi_init(d))
		goto err_irq;
	return d;

err_irq:
	irq_fini(d);
err_free:
	free(d);
err:
	errno = ENOMEM;
	return NULL;
}

void siovdev_destroy(struct siovdev *d)
{
	if (!d)
		return;
	adi_fini(d);
	irq_fini(d);
	free(d);
}

const struct siovdev_config *siovdev_get_config(const struct siovdev *d)
{
	return &d->cfg;
}

void siovdev_flr(struct siovdev *d)
{
	uint32_t n;

	for (n = 0; n < d->cfg.nr_adis; n++)
		adi_reset(d, n);
	irq_reset(d);
	if (!siovdev_fault(d, SIOVDEV_FAULT_FLR_KEEPS_CONFIG))
		cfg_init(d);
}

const char *siovdev_error_name(uint32_t code)
{
	static const char *const names[] = {
		[SIOVDEV_ERR_NONE] = "none",
		[SIOVDEV_ERR_DISABLED] = "disabled",
		[SIOVDEV_ERR_QUEUE_FULL] = "queue-full",
		[SIOVDEV_ERR_BUS_MASTER] = "bus-master",
		[SIOVDEV_ERR_PASID_DISABLED] = "pasid-disabled",
		[SIOVDEV_ERR_NO_PASID] = "no-pasid",
		[SIOVDEV_ERR_INVALID] = "invalid",
		[SIOVDEV_ERR_DESC_FAULT] = "desc-fault",
		[SIOVDEV_ERR_DESC_INVALID] = "desc-invalid",
		[SIOVDEV_ERR_COMPLETION_FAULT] = "completion-fault",
	};

	if (code >= sizeof(names) / sizeof(names[0]) || !names[code])
		return "?";
	return names[code];
}

const char *siovdev_event_name(uint32_t kind)
{
	static const char *const names[] = {
		[SIOVDEV_EV_PASID_SET] = "pasid-set",
		[SIOVDEV_EV_PASID_CLEAR] = "pasid-clear",
		[SIOVDEV_EV_ENABLE] = "enable",
		[SIOVDEV_EV_DISABLE] = "disable",
		[SIOVDEV_EV_DRAIN] = "drain",
		[SIOVDEV_EV_RESET] = "reset",
		[SIOVDEV_EV_DMA] = "dma",
		[SIOVDEV_EV_IRQ] = "irq",
	};

	if (kind >= sizeof(names) / sizeof(names[0]) || !names[kind])
		return "?";
	return names[kind];
}
