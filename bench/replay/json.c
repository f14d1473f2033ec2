// SPDX-License-Identifier: MIT
/*
 * bench/replay/json.c - a replay's results as one JSON object (the fields
 * docs/DESIGN.md section 7 pins, then the explanations) or as a short text
 * summary.
 *
 * Unmeasured figures are JSON null, never 0 (docs/DESIGN.md section 8): the
 * hardware counters where the machine has none, RSS where /proc cannot be
 * read, per-kind times of kinds no sample fell on, bytes per object of a
 * trace without objects, the decode share when no decode-only pass ran.
 *
 * Derived fields:
 *   bytes_requested_peak  the space's peak of bytes asked for (instances,
 *                         dicts, shared keys, weak references) plus the
 *                         malloc-level blocks' peak
 *   bytes_footprint_peak  the same in bytes held (slab strides, usable
 *                         sizes); for a trace with both objects and blocks
 *                         the sum of the two peaks, which may not coincide
 *   bytes_per_object      bytes_footprint_peak / objects_peak (per block
 *                         for a malloc-level trace)
 *   rss_peak_bytes        peak RSS less the baseline taken just before the
 *                         replay pass (after the reader, the id maps and
 *                         the threads exist)
 *   events_per_sec        events / seconds of the replay pass alone
 *   decode_share          decode_seconds / seconds
 *   kinds.K.seconds       events of K * mean time of K's samples
 */
#include <stdlib.h>
#include <string.h>

#include "bench/replay/internal.h"

struct out {
	FILE *f;
	int n;		/* fields written in the current object */
};

static void key(struct out *o, const char *k)
{
	fprintf(o->f, "%s\"%s\": ", o->n++ ? ", " : "", k);
}

static void kstr(struct out *o, const char *k, const char *v)
{
	key(o, k);
	if (v)
		json_string(o->f, v);
	else
		fputs("null", o->f);
}

static void ku64(struct out *o, const char *k, uint64_t v)
{
	key(o, k);
	fprintf(o->f, "%llu", (unsigned long long)v);
}

/* A number, or null when @ok is false. */
static void knum(struct out *o, const char *k, bool ok, double v)
{
	key(o, k);
	if (ok)
		fprintf(o->f, "%.9g", v);
	else
		fputs("null", o->f);
}

static void kint_or_null(struct out *o, const char *k, bool ok, uint64_t v)
{
	key(o, k);
	if (ok)
		fprintf(o->f, "%llu", (unsigned long long)v);
	else
		fputs("null", o->f);
}

static void open_obj(struct out *o, const char *k, int *saved)
{
	key(o, k);
	fputc('{', o->f);
	*saved = o->n;
	o->n = 0;
}

static void close_obj(struct out *o, int saved)
{
	fputc('}', o->f);
	o->n = saved;
}

static void kbytes(struct out *o, const char *k, const struct om_bytes *b)
{
	int s;

	open_obj(o, k, &s);
	ku64(o, "requested", b->requested);
	ku64(o, "held", b->held);
	close_obj(o, s);
}

static void write_kinds(struct out *o, const struct replay_result *r)
{
	int s, s2;

	open_obj(o, "kinds", &s);
	for (int k = 1; k < TRACE_NR_KINDS; k++) {
		const struct replay_kind *rk = &r->kinds[k];
		bool timed = rk->sampled > 0;
		double ns = timed ? (double)rk->ns / (double)rk->sampled : 0;

		if (!rk->events)
			continue;
		open_obj(o, trace_kind_name((unsigned int)k), &s2);
		ku64(o, "events", rk->events);
		ku64(o, "sampled", rk->sampled);
		knum(o, "ns_per_event", timed, ns);
		knum(o, "seconds", timed, ns * (double)rk->events / 1e9);
		close_obj(o, s2);
	}
	close_obj(o, s);
}

static void write_counters(struct out *o, const struct replay_result *r)
{
	const struct counters *c = &r->counters;
	int s;

	open_obj(o, "counters", &s);
	kstr(o, "source", counters_source(c));
	for (int i = 0; i < CNT_NR; i++)
		kint_or_null(o, counter_name((enum metric_counter)i), c->ok[i], c->value[i]);
	if (c->why[0])
		kstr(o, "unavailable", c->why);
	close_obj(o, s);
}

static void write_memory(struct out *o, const struct replay_result *r)
{
	const struct om_space_stats *sp = &r->space;
	int s, s2;

	open_obj(o, "space", &s);
	ku64(o, "classes", sp->classes);
	ku64(o, "objects_peak", sp->objects_peak);
	kbytes(o, "instances", &sp->instances);
	kbytes(o, "dicts", &sp->dicts);
	kbytes(o, "shared", &sp->shared);
	kbytes(o, "weakrefs", &sp->weakrefs);
	kbytes(o, "total", &sp->total);
	kbytes(o, "peak", &sp->peak);
	kbytes(o, "meta", &sp->meta);
	close_obj(o, s);

	open_obj(o, "heap_stats", &s);
	kstr(o, "name", r->heap.name);
	kstr(o, "impl", r->heap.impl);
	ku64(o, "blocks", r->heap.blocks);
	kbytes(o, "live", &r->heap.live);
	kbytes(o, "peak", &r->heap.peak);
	ku64(o, "nmalloc", r->heap.nmalloc);
	ku64(o, "nfree", r->heap.nfree);
	close_obj(o, s);

	open_obj(o, "blocks", &s);
	kbytes(o, "live", &r->blocks.live);
	kbytes(o, "peak", &r->blocks.peak);
	ku64(o, "nalloc", r->blocks.nalloc);
	ku64(o, "nfree", r->blocks.nfree);
	close_obj(o, s);

	open_obj(o, "slab", &s);
	ku64(o, "mapped_peak_bytes", r->slab_peak);
	open_obj(o, "end", &s2);
	ku64(o, "chunk_bytes", r->slab_end.chunk_bytes);
	ku64(o, "slab_bytes", r->slab_end.slab_bytes);
	ku64(o, "large_bytes", r->slab_end.large_bytes);
	ku64(o, "meta_bytes", r->slab_end.meta_bytes);
	ku64(o, "mapped_bytes", r->slab_end.mapped_bytes);
	close_obj(o, s2);
	close_obj(o, s);
}

static void write_provenance(struct out *o)
{
	struct build_info bi;

	build_info_get(&bi);
	kstr(o, "revision", bi.revision);
	kstr(o, "version", bi.version);
	kstr(o, "config", bi.config);
	kstr(o, "config_hash", bi.config_hash);
	kstr(o, "compiler", bi.compiler);
	kstr(o, "cflags", bi.cflags);
	kstr(o, "cpu", bi.cpu);
	ku64(o, "cpus", bi.cpus > 0 ? (uint64_t)bi.cpus : 0);
	kstr(o, "kernel", bi.kernel);
}

int replay_result_json(FILE *f, const struct replay_opts *opts, const struct replay_result *r)
{
	struct out o = { .f = f };
	bool full = !r->decode_only;
	double bpo = replay_bytes_per_object(r);
	uint64_t etotal = 0;
	int s;

	for (int k = 0; k < REPLAY_ERR_NR; k++)
		etotal += r->errors[k];
	fputc('{', f);
	kstr(&o, "trace", opts->path);
	kstr(&o, "format", r->format);
	kstr(&o, "mode", full ? "replay" : "decode-only");
	kstr(&o, "layout", full ? replay_layout_name(opts->layout) : NULL);
	kstr(&o, "heap", full ? replay_heap_name(opts->heap) : NULL);
	kstr(&o, "profile", full ? r->profile : NULL);
	kstr(&o, "malloc", full ? r->malloc : NULL);
	ku64(&o, "events", r->events);
	kint_or_null(&o, "threads", full, r->threads);
	kint_or_null(&o, "replay_threads", full, r->replay_threads);
	kint_or_null(&o, "objects_peak", full, r->objects_peak);
	kint_or_null(&o, "objects_end", full, r->objects_end);
	kint_or_null(&o, "blocks_peak", full, r->blocks_peak);
	kint_or_null(&o, "blocks_end", full, r->blocks_end);
	if (full) {
		open_obj(&o, "errors", &s);
		for (int k = 0; k < REPLAY_ERR_NR; k++)
			ku64(&o, replay_errkind_name((enum replay_errkind)k), r->errors[k]);
		close_obj(&o, s);
	} else {
		kstr(&o, "errors", NULL);
	}
	kint_or_null(&o, "errors_total", full, etotal);
	kint_or_null(&o, "bad_ids", full, r->bad_ids);
	kint_or_null(&o, "checksum", full, r->checksum);
	kint_or_null(&o, "bytes_requested_peak", full,
		     r->space.peak.requested + r->blocks.peak.requested);
	kint_or_null(&o, "bytes_footprint_peak", full, r->space.peak.held + r->blocks.peak.held);
	knum(&o, "bytes_per_object", full && bpo >= 0, bpo);
	kint_or_null(&o, "rss_base_bytes", full && r->rss.ok, r->rss.base);
	kint_or_null(&o, "rss_peak_bytes", full && r->rss.ok, r->rss.peak - r->rss.base);
	kint_or_null(&o, "rss_end_bytes", full && r->rss.ok,
		     r->rss.last > r->rss.base ? r->rss.last - r->rss.base : 0);
	kstr(&o, "rss_source", !full || !r->rss.ok ? "none" : r->rss.hwm_reset ? "hwm" : "sampled");
	kint_or_null(&o, "page_faults", full && r->rss.faults_ok, r->rss.faults);
	knum(&o, "seconds", true, r->seconds);
	knum(&o, "cpu_seconds", full, r->cpu_seconds);
	knum(&o, "events_per_sec", r->seconds > 0, (double)r->events / r->seconds);
	knum(&o, "prepass_seconds", full, r->prepass_seconds);
	knum(&o, "decode_seconds", r->decode_seconds >= 0, r->decode_seconds);
	knum(&o, "decode_share", full && r->decode_seconds >= 0 && r->seconds > 0,
	     r->decode_seconds / r->seconds);
	write_kinds(&o, r);
	key(&o, "touch");
	fputs(full && !opts->no_touch ? "true" : "false", f);
	open_obj(&o, "timing", &s);
	ku64(&o, "sample", full ? opts->sample : 0);
	ku64(&o, "clock_cost_ns", r->clock_cost_ns);
	close_obj(&o, s);
	write_counters(&o, r);
	if (full) {
		write_memory(&o, r);
		open_obj(&o, "idmap", &s);
		kstr(&o, "objects", r->idmap_objects);
		kstr(&o, "blocks", r->idmap_blocks);
		ku64(&o, "harness_bytes", r->harness_bytes);
		close_obj(&o, s);
		if (r->bad_ids)
			kstr(&o, "first_bad_id", r->bad_id_msg);
	}
	/* Fault injection armed: how many allocations it counted (tests sweep them). */
	if (IS_ENABLED(CONFIG_FAILSLAB) && getenv("SLOTSLAB_FAILSLAB"))
		ku64(&o, "failslab_allocations", slab_fault_count());
	write_provenance(&o);
	fputs("}\n", f);
	return ferror(f) ? -1 : 0;
}

static void print_mib(FILE *f, const char *label, bool ok, double bytes)
{
	if (ok)
		fprintf(f, "%-22s %.2f MiB\n", label, bytes / (1024.0 * 1024.0));
	else
		fprintf(f, "%-22s unavailable\n", label);
}

int replay_result_text(FILE *f, const struct replay_opts *opts, const struct replay_result *r)
{
	double bpo = replay_bytes_per_object(r);
	uint64_t etotal = 0;

	fprintf(f, "%-22s %s (%s)\n", "trace", opts->path, r->format);
	if (r->decode_only) {
		fprintf(f, "%-22s %llu in %.3f s, %.1f M/s (decode only)\n", "events",
			(unsigned long long)r->events, r->seconds,
			r->seconds > 0 ? (double)r->events / r->seconds / 1e6 : 0.0);
		return ferror(f) ? -1 : 0;
	}
	for (int k = 0; k < REPLAY_ERR_NR; k++)
		etotal += r->errors[k];
	fprintf(f, "%-22s layout %s, heap %s (%s), profile %s\n", "replay",
		replay_layout_name(opts->layout), replay_heap_name(opts->heap), r->malloc,
		r->profile);
	fprintf(f, "%-22s %llu in %.3f s, %.1f M/s, %u thread%s\n", "events",
		(unsigned long long)r->events, r->seconds,
		r->seconds > 0 ? (double)r->events / r->seconds / 1e6 : 0.0,
		r->replay_threads, r->replay_threads == 1 ? "" : "s");
	fprintf(f, "%-22s %llu objects, %llu blocks\n", "peak live",
		(unsigned long long)r->objects_peak, (unsigned long long)r->blocks_peak);
	fprintf(f, "%-22s %llu", "attribute errors", (unsigned long long)etotal);
	for (int k = 0; k < REPLAY_ERR_NR; k++)
		if (r->errors[k])
			fprintf(f, ", %s %llu", replay_errkind_name((enum replay_errkind)k),
				(unsigned long long)r->errors[k]);
	fprintf(f, "\n");
	if (r->bad_ids)
		fprintf(f, "%-22s %llu, first: %s\n", "bad ids", (unsigned long long)r->bad_ids,
			r->bad_id_msg);
	print_mib(f, "bytes requested (peak)", true,
		  (double)(r->space.peak.requested + r->blocks.peak.requested));
	print_mib(f, "bytes held (peak)", true, (double)(r->space.peak.held + r->blocks.peak.held));
	if (bpo >= 0)
		fprintf(f, "%-22s %.1f\n", "bytes per object", bpo);
	print_mib(f, "RSS growth (peak)", r->rss.ok, (double)(r->rss.peak - r->rss.base));
	fprintf(f, "%-22s %s", "counters", counters_source(&r->counters));
	for (int i = 0; i < CNT_NR; i++)
		if (r->counters.ok[i])
			fprintf(f, ", %s %llu", counter_name((enum metric_counter)i),
				(unsigned long long)r->counters.value[i]);
	fprintf(f, "%s%s\n", r->counters.why[0] ? ": " : "", r->counters.why);
	return ferror(f) ? -1 : 0;
}
