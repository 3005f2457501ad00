// SPDX-License-Identifier: MIT
/*
 * The migration requests, the saved stream and the visible-state
 * comparison of the mig_stream target (mig_stream.h). Everything here is
 * oracle code (FZ_ORACLE): the reference's edges are reached through the
 * calls it makes, the comparisons themselves should not steer the fuzzer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mig_stream.h"

#define FEAT_MAX	64

FZ_ORACLE static int feature(struct ms_vdev *d, uint32_t flags, void *data,
			     size_t len)
{
	uint8_t buf[sizeof(struct vfio_device_feature) + FEAT_MAX];
	struct vfio_device_feature *f = (struct vfio_device_feature *)buf;
	int ret;

	memset(buf, 0, sizeof(buf));
	f->argsz = (uint32_t)(sizeof(*f) + len);
	f->flags = flags;
	memcpy(f->data, data, len);
	ret = d->t->vfio_device->ioctl(d->t, d->v, VFIO_DEVICE_FEATURE, f);
	memcpy(data, f->data, len);
	if (ret > 0 || ret < -4095)
		fz_fail("VDEV %c: VFIO_DEVICE_FEATURE returned %d, not 0 or "
			"-errno", d->name, ret);
	return ret;
}

FZ_ORACLE int ms_mig_set(struct ms_vdev *d, uint32_t state, int *fd)
{
	struct vfio_device_feature_mig_state s = {
		.device_state = state, .data_fd = -1,
	};
	int ret = feature(d, VFIO_DEVICE_FEATURE_SET |
			  VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &s, sizeof(s));

	fz_note_u64((uint64_t)(int64_t)ret);
	/* linux/vfio.h: only STOP_COPY and RESUMING start a data session
	 * (whether a request for the state it is in hands out a new fd is
	 * the caller's to judge). */
	if (!ret && s.data_fd >= 0 && state != VFIO_DEVICE_STATE_STOP_COPY &&
	    state != VFIO_DEVICE_STATE_RESUMING)
		fz_fail("VDEV %c: SET_STATE %s handed out data fd %d",
			d->name, siovh_mig_state_name(state), s.data_fd);
	if (fd)
		*fd = ret ? -1 : s.data_fd;
	else if (!ret && s.data_fd >= 0)
		close(s.data_fd);
	return ret;
}

FZ_ORACLE uint32_t ms_mig_get(struct ms_vdev *d)
{
	struct vfio_device_feature_mig_state s = { .data_fd = -1 };
	int ret = feature(d, VFIO_DEVICE_FEATURE_GET |
			  VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &s, sizeof(s));

	if (ret)
		fz_fail("VDEV %c: GET MIG_DEVICE_STATE failed: %d", d->name,
			ret);
	fz_note_u64(s.device_state);
	return s.device_state;
}

FZ_ORACLE uint64_t ms_mig_data_size(struct ms_vdev *d)
{
	struct vfio_device_feature_mig_data_size s = { 0 };
	int ret = feature(d, VFIO_DEVICE_FEATURE_GET |
			  VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, &s, sizeof(s));

	if (ret)
		fz_fail("VDEV %c: GET MIG_DATA_SIZE failed: %d", d->name, ret);
	return s.stop_copy_length;
}

FZ_ORACLE uint64_t ms_mig_flags(struct ms_vdev *d)
{
	struct vfio_device_feature_migration m = { 0 };
	int ret = feature(d, VFIO_DEVICE_FEATURE_GET |
			  VFIO_DEVICE_FEATURE_MIGRATION, &m, sizeof(m));

	if (ret)
		fz_fail("VDEV %c: GET MIGRATION failed: %d", d->name, ret);
	return m.flags;
}

FZ_ORACLE void ms_read_stream(struct ms_vdev *d, int fd, struct ms_stream *s)
{
	ssize_t r;

	if (fd < 0)
		fz_fail("VDEV %c: STOP_COPY was reached without a data fd",
			d->name);
	s->len = 0;
	while ((r = read(fd, s->p + s->len, MS_STREAM_MAX - s->len)) > 0)
		s->len += (size_t)r;
	close(fd);
	if (r < 0 || s->len == MS_STREAM_MAX)
		fz_fail("VDEV %c: the STOP_COPY data fd did not read to its "
			"end (%zd after %zu bytes)", d->name, r, s->len);
}

FZ_ORACLE void ms_save(struct ms_vdev *d, struct ms_stream *s)
{
	uint64_t est;
	int fd, ret;

	ret = ms_mig_set(d, VFIO_DEVICE_STATE_STOP, NULL);
	if (ret)
		fz_fail("VDEV %c: %s -> STOP failed: %d", d->name,
			siovh_mig_state_name(ms_mig_get(d)), ret);
	est = ms_mig_data_size(d);
	ret = ms_mig_set(d, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	if (ret)
		fz_fail("VDEV %c: STOP -> STOP_COPY failed: %d", d->name, ret);
	ms_read_stream(d, fd, s);
	if (est < s->len)
		fz_fail("VDEV %c: MIG_DATA_SIZE said %llu bytes in STOP, and "
			"STOP_COPY then gave %zu", d->name,
			(unsigned long long)est, s->len);
	ret = ms_mig_set(d, VFIO_DEVICE_STATE_STOP, NULL);
	if (ret)
		fz_fail("VDEV %c: STOP_COPY -> STOP failed: %d", d->name, ret);
	fz_note_u64(s->len);
	fz_note(s->p, s->len);
}

FZ_ORACLE void ms_resume_write(struct ms_vdev *d, const struct ms_stream *s,
			       const uint16_t *cuts, size_t n)
{
	size_t off = 0, i, len;
	ssize_t w;
	int fd, ret;

	ret = ms_mig_set(d, VFIO_DEVICE_STATE_RESUMING, &fd);
	if (ret)
		fz_fail("VDEV %c: %s -> RESUMING failed: %d", d->name,
			siovh_mig_state_name(ms_mig_get(d)), ret);
	if (fd < 0)
		fz_fail("VDEV %c: -> RESUMING handed out no data fd", d->name);
	for (i = 0; i <= n && off < s->len; i++) {
		len = i < n && cuts[i] ? cuts[i] : s->len - off;
		if (len > s->len - off)
			len = s->len - off;
		w = write(fd, s->p + off, len);
		if (w != (ssize_t)len)
			fz_fail("VDEV %c: write of %zu bytes to the RESUMING "
				"data fd returned %zd", d->name, len, w);
		off += len;
	}
	close(fd);
}

FZ_ORACLE ssize_t ms_region_rw(struct ms_vdev *d, uint32_t index,
			       uint64_t off, void *buf, size_t len, bool write)
{
	uint64_t at = VDEV_REGION_OFFSET(index) + off;
	ssize_t r = write ? d->t->vfio_device->pwrite(d->t, d->v, buf, len, at)
			  : d->t->vfio_device->pread(d->t, d->v, buf, len, at);

	if (r > (ssize_t)len || r < -4095)
		fz_fail("VDEV %c: %s of %zu bytes at region %u + %#llx "
			"returned %zd", d->name, write ? "pwrite" : "pread",
			len, index, (unsigned long long)off, r);
	return r;
}

FZ_ORACLE static void rd(struct ms_vdev *d, uint32_t index, uint32_t off,
			 uint32_t *val, int32_t *ret)
{
	ssize_t r;

	*val = 0;
	r = ms_region_rw(d, index, off, val, 4, false);
	*ret = (int32_t)r;
	if (r != 4)
		*val = 0;
}

FZ_ORACLE void ms_vis_take(struct ms_vdev *d, struct ms_vis *v)
{
	static const uint32_t cfg_from[] = { 0x00, 0x40, 0x100 };
	static const uint32_t cfg_len[] = { 0x40, 0x80, 0x40 };
	const struct siovh_test_ops *tops = d->t->test;
	struct siovh_vdev_probe vp;
	struct siovh_adi_probe ap;
	uint32_t i, j, n = 0, off;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < 3; i++)
		for (off = cfg_from[i]; off < cfg_from[i] + cfg_len[i];
		     off += 4)
			rd(d, VFIO_PCI_CONFIG_REGION_INDEX, off, &v->cfg[n],
			   &v->cfg_ret[n]), n++;
	n = 0;
	for (off = 0; off < 0x60; off += 4)
		rd(d, VFIO_PCI_BAR0_REGION_INDEX, off, &v->bar0[n],
		   &v->bar0_ret[n]), n++;
	for (i = 0; i < d->maxq; i++)
		for (j = 0; j < VDEV_REG_Q_STRIDE; j += 4)
			rd(d, VFIO_PCI_BAR0_REGION_INDEX, VDEV_REG_Q(i) + j,
			   &v->bar0[n], &v->bar0_ret[n]), n++;
	for (off = 0; off < (d->maxq + 1) * 16; off += 4)
		rd(d, VFIO_PCI_BAR0_REGION_INDEX, VDEV_MSIX_TABLE + off,
		   &v->bar0[n], &v->bar0_ret[n]), n++;
	v->nr_bar0 = n;
	rd(d, VFIO_PCI_BAR0_REGION_INDEX, VDEV_MSIX_PBA, &v->pba, &v->pba_ret);
	if (tops->vdev_probe(d->t, d->v, &vp))
		fz_fail("VDEV %c: vdev_probe failed", d->name);
	v->cur_queues = vp.cur_queues;
	v->max_queues = vp.max_queues;
	v->nr_adis = vp.nr_adis;
	for (i = 0; i < vp.nr_adis && i < SIOVH_VDEV_MAX_ADIS; i++) {
		if (tops->adi_probe(d->t, vp.adis[i], &ap))
			fz_fail("VDEV %c: adi_probe of ADI %u failed", d->name,
				vp.adis[i]);
		v->adi[i].enabled = ap.enabled;
		v->adi[i].pasid_valid = ap.pasid_valid;
		v->adi[i].queued = ap.queued;
		v->adi[i].ims_masked = ap.ims_masked;
		v->adi[i].page_wait = ap.page_wait;
	}
	fz_note(v, sizeof(*v));
}

/* The name of BAR0 word i of a snapshot (ms_vis_take's order). */
FZ_ORACLE static uint32_t bar0_off(const struct ms_vis *v, uint32_t i)
{
	/* nr_bar0 = 0x60 / 4 + 8 maxQ + 4 (maxQ + 1) */
	uint32_t q = (v->nr_bar0 - 0x60 / 4 - 4) / 12;

	if (i < 0x60 / 4)
		return i * 4;
	i -= 0x60 / 4;
	if (i < q * 8)
		return VDEV_REG_Q(i / 8) + i % 8 * 4;
	return VDEV_MSIX_TABLE + (i - q * 8) * 4;
}

FZ_ORACLE void ms_vis_expect_same(const struct ms_vis *want,
				  const struct ms_vis *got, const char *what)
{
	static const uint32_t cfg_at[] = { 0x00, 0x40, 0x100 };
	uint32_t i;

	for (i = 0; i < MS_CFG_WORDS; i++)
		if (want->cfg[i] != got->cfg[i] ||
		    want->cfg_ret[i] != got->cfg_ret[i])
			fz_fail("%s: config dword %#x: %#x (read %d), expected "
				"%#x (read %d)", what,
				cfg_at[i < 16 ? 0 : i < 48 ? 1 : 2] +
				(i < 16 ? i : i < 48 ? i - 16 : i - 48) * 4,
				got->cfg[i], got->cfg_ret[i], want->cfg[i],
				want->cfg_ret[i]);
	if (want->nr_bar0 != got->nr_bar0)
		fz_fail("%s: %u BAR0 words, expected %u", what, got->nr_bar0,
			want->nr_bar0);
	for (i = 0; i < want->nr_bar0; i++)
		if (want->bar0[i] != got->bar0[i] ||
		    want->bar0_ret[i] != got->bar0_ret[i])
			fz_fail("%s: BAR0 register %#x: %#x (read %d), "
				"expected %#x (read %d)", what,
				bar0_off(want, i),
				got->bar0[i], got->bar0_ret[i], want->bar0[i],
				want->bar0_ret[i]);
	if (want->pba != got->pba || want->pba_ret != got->pba_ret)
		fz_fail("%s: the PBA reads %#x (read %d), expected %#x "
			"(read %d)", what, got->pba, got->pba_ret, want->pba,
			want->pba_ret);
	if (want->cur_queues != got->cur_queues ||
	    want->nr_adis != got->nr_adis)
		fz_fail("%s: holds %u ADIs (curQ %u), expected %u (curQ %u)",
			what, got->nr_adis, got->cur_queues, want->nr_adis,
			want->cur_queues);
	for (i = 0; i < want->nr_adis && i < SIOVH_VDEV_MAX_ADIS; i++) {
		if (want->adi[i].queued != got->adi[i].queued)
			fz_fail("%s: its ADI #%u holds %u descriptors, "
				"expected %u", what, i, got->adi[i].queued,
				want->adi[i].queued);
		if (want->adi[i].enabled != got->adi[i].enabled ||
		    want->adi[i].pasid_valid != got->adi[i].pasid_valid ||
		    want->adi[i].page_wait != got->adi[i].page_wait)
			fz_fail("%s: its ADI #%u enabled %u, PASID valid %u, "
				"page wait %u; expected %u, %u, %u", what, i,
				got->adi[i].enabled, got->adi[i].pasid_valid,
				got->adi[i].page_wait, want->adi[i].enabled,
				want->adi[i].pasid_valid,
				want->adi[i].page_wait);
		if (want->adi[i].ims_masked != got->adi[i].ims_masked)
			fz_fail("%s: its ADI #%u has IMS mask %#x, expected "
				"%#x", what, i, got->adi[i].ims_masked,
				want->adi[i].ims_masked);
	}
}

FZ_ORACLE void ms_stream_expect_same(const struct ms_stream *want,
				     const struct ms_stream *got,
				     const char *what)
{
	size_t i;

	if (want->len != got->len)
		fz_fail("%s: a stream of %zu bytes, expected %zu", what,
			got->len, want->len);
	for (i = 0; i < want->len; i++)
		if (want->p[i] != got->p[i])
			fz_fail("%s: byte %zu of the stream is %#x, expected "
				"%#x", what, i, got->p[i], want->p[i]);
}
