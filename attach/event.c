// SPDX-License-Identifier: MIT
/*
 * BPF sends only what a probe fetched (bpf/goattach.h, struct ga_event):
 * the words of each part, then the bytes of its strings, then the
 * PCs of --stack. Here they go back into fixed ga_vals,
 * where the decoders find word i at words[i].
 */
#include <errno.h>
#include <string.h>

#include "event.h"

/* The data bytes a header announces, or -1 when a count or length is beyond its limit. */
static long data_size(const struct ga_event *h)
{
	long n = 0;
	int part, i;

	for (part = GA_EV_ARGS; part <= GA_EV_RESULTS; part++) {
		if (h->nwords[part] > GA_MAX_WORDS || h->nstrs[part] > GA_MAX_STRS)
			return -1;
		n += h->nwords[part] * 8;
		for (i = 0; i < GA_MAX_STRS; i++) {
			if (h->str_len[part][i] > GA_STR_LEN || (i >= h->nstrs[part] && h->str_len[part][i]))
				return -1;
			n += h->str_len[part][i];
		}
	}
	if (h->nstack > GA_MAX_STACK)
		return -1;
	return n + h->nstack * 8;
}

int event__unpack(struct event *e, const void *rec, size_t size)
{
	const unsigned char *data = (const unsigned char *)rec + sizeof(struct ga_event);
	struct ga_vals *vals[2] = { &e->args, &e->results };
	struct ga_event h;
	size_t off = 0;
	int part, i;

	if (size < sizeof(h))
		return -EINVAL;
	memcpy(&h, rec, sizeof(h));
	if (h.size != size - sizeof(h) || data_size(&h) != h.size)
		return -EINVAL;
	*e = (struct event){
		.ts_entry = h.ts_entry, .ts_exit = h.ts_exit, .goid = h.goid, .g = h.g,
		.frame = h.frame, .pid = h.pid, .tid_entry = h.tid_entry, .tid_exit = h.tid_exit,
		.func_id = h.func_id, .exit_probe = h.exit_probe, .flags = h.flags,
	};
	for (part = GA_EV_ARGS; part <= GA_EV_RESULTS; part++) {
		memcpy(vals[part]->words, data + off, h.nwords[part] * 8);
		off += h.nwords[part] * 8;
	}
	for (part = GA_EV_ARGS; part <= GA_EV_RESULTS; part++) {
		for (i = 0; i < h.nstrs[part]; i++) {
			memcpy(vals[part]->strs[i], data + off, h.str_len[part][i]);
			vals[part]->str_len[i] = h.str_len[part][i];
			off += h.str_len[part][i];
		}
	}
	e->nstack = h.nstack;
	memcpy(e->stack, data + off, h.nstack * 8);
	return 0;
}
