// SPDX-License-Identifier: MIT
/*
 * bench/advise/advise.c - the slots advisor (see advise.h).
 *
 * States: LOAD (read the trace into objs[], classes[]) -> PLAN (per class:
 * names set on its direct instances, blockers) -> BUILD (one object-model
 * space per candidate: every class as declared, as slots, or as slots plus
 * '__dict__'; the live objects rebuilt in trace order) -> CHOOSE (per class
 * the cheapest candidate, a final build, class changes re-checked) -> done.
 *
 * Invariants: a class's advised own slots never repeat an ancestor's slots
 * in the same build (rule 5); a blocked class and all its descendants are
 * built as declared; bytes come only from om_class_get_info().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <slotslab/object.h>
#include "bench/advise/advise.h"
#include "trace/trace.h"

#define MAX_IDS (1u << 26)

/* Candidates; V_FINAL holds the bytes of the chosen mix. */
enum variant { V_DECLARED, V_SLOTS, V_SLOTS_DICT, V_FINAL, NR_VARIANTS };

struct obj {
	int32_t cls;		/* -1: not live */
	int32_t cls0;		/* its class at its "new" (before any setclass) */
	uint32_t gen;		/* incarnation of this id, for the event log */
	uint32_t nattr, cap;
	uint32_t nweak;
	bool dict_read;		/* a "get OBJ __dict__": the program read its __dict__ */
	uint32_t table;		/* "set OBJ __dict__ N": its dict's own table, N slots */
	uint32_t *attrs;	/* symbol ids, in the order set */
};

struct name_count {
	uint32_t sym;
	size_t n;
};

struct cls {
	const struct trace_class *tc;
	int parent;
	bool external, ext_dict, ext_native;
	bool blocked;			/* built as declared */
	bool weak;			/* direct instances are weakly referenced */
	size_t n;			/* live direct instances */
	size_t dict_reads;		/* of which the program read the __dict__ */
	size_t dict_tables;		/* of which the __dict__ has a table of its own */
	size_t *hist;			/* instances by number of attributes */
	size_t hist_len;
	struct name_count *names;	/* in order of first appearance */
	size_t nnames;
	uint32_t *cattrs;		/* class attributes */
	size_t ncattrs;
	enum variant choice;
	double bytes[NR_VARIANTS];	/* per instance; < 0 unknown */
	char *blk;			/* blockers, one per line */
	size_t blk_len;
	struct om_class *built;
};

/* One new or set, in trace order: the build replays them in that order
 * (key sharing depends on it).  attr LOG_NEW is the "new". */
#define LOG_NEW UINT32_MAX
struct log_ent {
	uint32_t id;
	uint32_t gen;
	uint32_t attr;
};

struct adv {
	struct trace *t;
	struct log_ent *log;
	size_t nlog, caplog;
	uint32_t gens;
	struct cls *c;
	size_t nc;
	struct obj *objs;
	size_t nobjs;
	uint32_t (*setclass)[2];
	size_t nsetclass;
	const char *profile;
};

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fprintf(stderr, "slotslab advise: out of memory\n");
		exit(1);
	}
	return q;
}

static void blocker(struct cls *c, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (c->blk && strstr(c->blk, line))
		return;
	n = strlen(line);
	c->blk = xrealloc(c->blk, c->blk_len + n + 2);
	memcpy(c->blk + c->blk_len, line, n);
	c->blk_len += n;
	c->blk[c->blk_len++] = '\n';
	c->blk[c->blk_len] = 0;
}

static const char *sym(struct adv *a, uint32_t id)
{
	return trace_symbol(a->t, id)->name;
}

/* ---- LOAD ---------------------------------------------------------------- */

static struct obj *obj_at(struct adv *a, uint64_t id, bool grow)
{
	if (id >= MAX_IDS)
		return NULL;
	if (id >= a->nobjs) {
		size_t n = a->nobjs ? a->nobjs : 1024;

		if (!grow)
			return NULL;
		while (n <= id)
			n *= 2;
		a->objs = xrealloc(a->objs, n * sizeof(*a->objs));
		for (size_t i = a->nobjs; i < n; i++)
			a->objs[i] = (struct obj){ .cls = -1 };
		a->nobjs = n;
	}
	return &a->objs[id];
}

static void log_add(struct adv *a, uint64_t id, uint32_t gen, uint32_t attr)
{
	if (a->nlog == a->caplog) {
		a->caplog = a->caplog ? 2 * a->caplog : 4096;
		a->log = xrealloc(a->log, a->caplog * sizeof(*a->log));
	}
	a->log[a->nlog++] = (struct log_ent){ (uint32_t)id, gen, attr };
}

static void ensure_classes(struct adv *a)
{
	size_t n = trace_nclasses(a->t);

	if (n <= a->nc)
		return;
	a->c = xrealloc(a->c, n * sizeof(*a->c));
	for (size_t i = a->nc; i < n; i++) {
		const struct trace_class *tc = trace_class(a->t, (uint32_t)i);

		a->c[i] = (struct cls){ .tc = tc, .parent = tc->base ? (int)tc->base->id : -1 };
	}
	a->nc = n;
}

static int load(struct adv *a, char *err, size_t errlen)
{
	struct trace_event ev[256];
	ssize_t n;

	while ((n = trace_next_batch(a->t, ev, 256)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			const struct trace_event *e = &ev[i];
			struct obj *o;

			switch (e->kind) {
			case TRACE_CLASS:
				ensure_classes(a);
				break;
			case TRACE_CLASSATTR: {
				struct cls *c = &a->c[e->cls->id];

				c->cattrs = xrealloc(c->cattrs, (c->ncattrs + 1) * sizeof(uint32_t));
				c->cattrs[c->ncattrs++] = e->attr->id;
				break;
			}
			case TRACE_NEW:
				o = obj_at(a, e->id, true);
				if (!o) {
					snprintf(err, errlen, "object id %llu too large (at most %u)",
						 (unsigned long long)e->id, MAX_IDS - 1);
					return 2;
				}
				free(o->attrs);
				*o = (struct obj){ .cls = (int32_t)e->cls->id, .cls0 = (int32_t)e->cls->id,
						   .gen = ++a->gens };
				log_add(a, e->id, o->gen, LOG_NEW);
				break;
			case TRACE_SET:
				o = obj_at(a, e->id, false);
				if (!o || o->cls < 0)
					break;
				if (!strcmp(e->attr->name, "__dict__")) {	/* obj.__dict__ = d */
					if (e->value < 8 || e->value > (int64_t)OM_OWN_DICT_MAX ||
					    (e->value & (e->value - 1))) {
						snprintf(err, errlen, "object %llu: set __dict__ %lld: "
							 "a dict table's slots are a power of two "
							 "from 8 to %lu", (unsigned long long)e->id,
							 (long long)e->value, (unsigned long)OM_OWN_DICT_MAX);
						return 2;
					}
					o->table = (uint32_t)e->value;
					break;
				}
				for (uint32_t k = 0; k < o->nattr; k++)
					if (o->attrs[k] == e->attr->id)
						goto next;
				if (o->nattr == o->cap) {
					o->cap = o->cap ? 2 * o->cap : 4;
					o->attrs = xrealloc(o->attrs, o->cap * sizeof(uint32_t));
				}
				o->attrs[o->nattr++] = e->attr->id;
				log_add(a, e->id, o->gen, e->attr->id);
				break;
			case TRACE_DEL:
				o = obj_at(a, e->id, false);
				if (!o || o->cls < 0)
					break;
				for (uint32_t k = 0; k < o->nattr; k++)
					if (o->attrs[k] == e->attr->id) {
						memmove(&o->attrs[k], &o->attrs[k + 1],
							(o->nattr - k - 1) * sizeof(uint32_t));
						o->nattr--;
						break;
					}
				break;
			case TRACE_FREE:
				o = obj_at(a, e->id, false);
				if (o && o->cls >= 0) {
					free(o->attrs);
					*o = (struct obj){ .cls = -1 };
				}
				break;
			case TRACE_WEAKREF:
				o = obj_at(a, e->id, false);
				if (o && o->cls >= 0)
					o->nweak++;
				break;
			case TRACE_GET:
				o = obj_at(a, e->id, false);
				if (o && o->cls >= 0 && !strcmp(e->attr->name, "__dict__"))
					o->dict_read = true;
				break;
			case TRACE_SETCLASS:
				o = obj_at(a, e->id, false);
				if (!o || o->cls < 0)
					break;
				a->setclass = xrealloc(a->setclass, (a->nsetclass + 1) * sizeof(*a->setclass));
				a->setclass[a->nsetclass][0] = (uint32_t)o->cls;
				a->setclass[a->nsetclass][1] = e->cls->id;
				a->nsetclass++;
				o->cls = (int32_t)e->cls->id;
				break;
			default:
				break;
			}
next:;
		}
	}
	if (n < 0) {
		snprintf(err, errlen, "%s", trace_error(a->t)->msg);
		return trace_error_status(trace_error(a->t));
	}
	ensure_classes(a);
	return 0;
}

/* The header's "pyrecord: external NAME ... [dict] [varsize] [native]" lines mark
 * library bases (native: see OM_CLASS_NATIVE). */
static void read_header(struct adv *a, struct advise_result *r)
{
	const char *h = trace_header(a->t, NULL), *p, *e;

	for (p = h; *p; p = *e ? e + 1 : e) {
		char name[256];
		int len, off = 0;

		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		len = (int)(e - p);
		if (len > 8 && strncmp(p, "python: ", 8) == 0)
			snprintf(r->interpreter, sizeof(r->interpreter), "%.*s", len - 8, p + 8);
		else if (len > 8 && strncmp(p, "moment: ", 8) == 0)
			snprintf(r->moment, sizeof(r->moment), "%.*s", len - 8, p + 8);
		else if (sscanf(p, "pyrecord: external %255s %*s%n", name, &off) == 1 && off) {
			/* the flags follow NAME MOD.QUAL (a class named dict, builtins.dict) */
			const char *f = p + off;

			for (size_t i = 0; i < a->nc; i++)
				if (strcmp(a->c[i].tc->name, name) == 0) {
					const char *d = strstr(f, " dict");
					const char *nt = strstr(f, " native");

					a->c[i].external = true;
					a->c[i].ext_dict = d && d < e;
					a->c[i].ext_native = nt && nt < e;
				}
		} else if (strncmp(p, "pyrecord: odd ", 14) == 0) {
			char kind[64];
			size_t cnt;

			if (sscanf(p + 14, "%63s %zu", kind, &cnt) == 2)
				r->odd += cnt;
		}
	}
}

/* ---- PLAN ---------------------------------------------------------------- */

static void count_name(struct cls *c, uint32_t s)
{
	for (size_t i = 0; i < c->nnames; i++)
		if (c->names[i].sym == s) {
			c->names[i].n++;
			return;
		}
	c->names = xrealloc(c->names, (c->nnames + 1) * sizeof(*c->names));
	c->names[c->nnames++] = (struct name_count){ s, 1 };
}

/*
 * The kind of descriptor (cached_property) that class attribute @name of
 * @cls is, from the header's "pyrecord: descriptor CLASS NAME KIND" line,
 * in @kind; false if it is none.
 */
static bool descriptor_kind(struct adv *a, const char *cls, const char *name, char *kind,
			    size_t len)
{
	const char *h = trace_header(a->t, NULL), *p;
	char c[256], n[256], k[64];

	for (p = h; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (sscanf(p, "pyrecord: descriptor %255s %255s %63s", c, n, k) == 3 &&
		    strcmp(c, cls) == 0 && strcmp(n, name) == 0) {
			snprintf(kind, len, "%s", k);
			return true;
		}
	return false;
}

static bool has_cattr(struct adv *a, int ci, uint32_t s, int *where)
{
	for (; ci >= 0; ci = a->c[ci].parent)
		for (size_t k = 0; k < a->c[ci].ncattrs; k++)
			if (a->c[ci].cattrs[k] == s) {
				*where = ci;
				return true;
			}
	return false;
}

static void plan(struct adv *a)
{
	for (size_t i = 0; i < a->nobjs; i++) {
		struct obj *o = &a->objs[i];
		struct cls *c;

		if (o->cls < 0)
			continue;
		c = &a->c[o->cls];
		c->n++;
		c->dict_reads += o->dict_read;
		c->dict_tables += o->table != 0;
		if (o->nweak)
			c->weak = true;
		if (o->nattr >= c->hist_len) {
			size_t n = o->nattr + 1;

			c->hist = xrealloc(c->hist, n * sizeof(size_t));
			memset(c->hist + c->hist_len, 0, (n - c->hist_len) * sizeof(size_t));
			c->hist_len = n;
		}
		c->hist[o->nattr]++;
		for (uint32_t k = 0; k < o->nattr; k++)
			count_name(c, o->attrs[k]);
	}
	/* Classes come in declaration order: bases first. */
	for (size_t i = 0; i < a->nc; i++) {
		struct cls *c = &a->c[i];
		int p = c->parent;

		if (c->external) {
			c->blocked = true;
			continue;
		}
		for (int q = p; q >= 0; q = a->c[q].parent) {
			struct cls *b = &a->c[q];

			if (b->external && b->ext_dict && b->ext_native) {
				/* BaseException's dict: a field, made by the first set
				 * no slot takes; slots of the subclass leave it unmade */
			} else if (b->external && b->ext_dict) {
				blocker(c, "base %s has no __slots__: its dict stays (a base from a "
					"library cannot get slots here)", b->tc->name);
				c->blocked = true;
			} else if (b->tc->eff & TRACE_CF_VARSIZE && !(b->tc->eff & TRACE_CF_DICT) &&
				   c->nnames) {
				char list[512] = "";

				for (size_t k = 0; k < c->nnames && strlen(list) < 400; k++)
					snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
						 k ? ", " : "", sym(a, c->names[k].sym));
				blocker(c, "variable-size base %s: only __slots__ = () is allowed; "
					"attributes %s keep the dict", b->tc->name, list);
				c->blocked = true;
			} else if (!b->external && !(b->tc->flags & TRACE_CF_SLOTS)) {
				blocker(c, "base %s has no __slots__: it keeps a dict unless it gets "
					"__slots__ too (advised for it%s)", b->tc->name,
					b->n ? " below" : ": __slots__ = () or its own names");
			}
			/* an external base is "blocked" (it cannot be changed), which
			 * blocks its subclasses only if it keeps a dict that every
			 * instance has (above): a library base with slots (list, str,
			 * Fraction) or a C dict field (BaseException) leaves the
			 * subclass free to declare its own */
			if (a->c[q].blocked && !(b->external && (!b->ext_dict || b->ext_native)))
				c->blocked = true;
		}
		for (size_t k = 0; k < c->nnames; k++) {
			int where;
			char kind[64];

			if (has_cattr(a, (int)i, c->names[k].sym, &where) &&
			    descriptor_kind(a, a->c[where].tc->name, sym(a, c->names[k].sym), kind,
					    sizeof(kind)))
				blocker(c, "'%s' is a %s of %s, which keeps its value in the "
					"instance's __dict__: a slot of that name conflicts with it; "
					"make it a property over a slot of another name (e.g. '_%s', "
					"as predicted), or keep '__dict__' in __slots__",
					sym(a, c->names[k].sym), kind, a->c[where].tc->name,
					sym(a, c->names[k].sym));
			else if (has_cattr(a, (int)i, c->names[k].sym, &where))
				blocker(c, "class attribute '%s' of %s is named like slot '%s': remove "
					"it from the class body (set the default in __init__)",
					sym(a, c->names[k].sym), a->c[where].tc->name,
					sym(a, c->names[k].sym));
		}
		if (c->nnames && c->n) {
			char list[512] = "";
			size_t rare = 0;

			for (size_t k = 0; k < c->nnames; k++)
				if (c->names[k].n < c->n) {
					rare++;
					if (strlen(list) < 400)
						snprintf(list + strlen(list), sizeof(list) - strlen(list),
							 "%s'%s' on %zu", rare > 1 ? ", " : "",
							 sym(a, c->names[k].sym), c->names[k].n);
				}
			if (rare)
				blocker(c, "attributes vary: %s of %zu instances", list, c->n);
		}
		if (c->dict_reads)
			blocker(c, "the program read the __dict__ of %zu of %zu instances (vars(), "
				"pickle, copy, json): with __slots__ alone, its own code that reads "
				"__dict__ must change (pickle and copy handle slots themselves)",
				c->dict_reads, c->n);
		if (c->dict_tables)
			blocker(c, "the __dict__ of %zu of %zu instances has a hash table of its own "
				"(obj.__dict__ = d, or obj.__dict__.update(d) under CPython "
				"3.10-3.12): with __slots__ that code must set each attribute "
				"(setattr)", c->dict_tables, c->n);
	}
}

/* ---- BUILD --------------------------------------------------------------- */

static bool is_slot_of(const struct om_class *k, const struct om_sym *s)
{
	for (size_t i = 0; k; i++) {
		const struct om_sym *n = om_class_slot_name(k, i);

		if (!n)
			return false;
		if (n == s)
			return true;
	}
	return false;
}

/* The own slot names of class @i under variant @v (in @out, NULL-free). */
static size_t own_slots(struct adv *a, size_t i, enum variant v, const struct om_class *base,
			const char **out)
{
	struct cls *c = &a->c[i];
	size_t n = 0;

	if (v == V_DECLARED) {
		/* A name an advised base now holds is not declared twice (rule 5). */
		for (uint32_t k = 0; k < c->tc->nslots; k++)
			if (!base || !is_slot_of(base, om_intern(c->tc->slots[k]->name)))
				out[n++] = c->tc->slots[k]->name;
		return n;
	}
	for (size_t k = 0; k < c->nnames; k++) {
		const char *s = sym(a, c->names[k].sym);

		if (v == V_SLOTS_DICT && c->names[k].n < c->n)
			continue;
		if (base && is_slot_of(base, om_intern(s)))
			continue;
		out[n++] = s;
	}
	return n;
}

static void destroy(struct adv *a, struct om_space *sp, struct om_object **objs,
		    struct om_weakref ***refs)
{
	for (size_t i = 0; i < a->nobjs; i++) {
		if (refs[i]) {
			for (uint32_t k = 0; k < a->objs[i].nweak; k++)
				om_weakref_free(refs[i][k]);
			free(refs[i]);
		}
		om_free(objs[i]);
	}
	for (size_t i = a->nc; i-- > 0;) {
		om_class_destroy(a->c[i].built);
		a->c[i].built = NULL;
	}
	om_space_destroy(sp);
}

/*
 * Rebuild the live objects with class i laid out as @v[i]; store the bytes
 * per instance of each class in ->bytes[@slot].  Return 0, or -1 with @err.
 */
static int build(struct adv *a, const enum variant *v, int slot, char *err, size_t errlen)
{
	struct om_space_config cfg = { .profile = a->profile, .flags = OM_SPACE_NO_MERGE };
	struct om_object **objs = calloc(a->nobjs ? a->nobjs : 1, sizeof(*objs));
	struct om_weakref ***refs = calloc(a->nobjs ? a->nobjs : 1, sizeof(*refs));
	const char **names = NULL;
	struct om_space *sp;
	int rc;

	if (!objs || !refs) {
		snprintf(err, errlen, "out of memory");
		free(objs);
		free(refs);
		return -1;
	}
	rc = om_space_create(&cfg, &sp);
	if (rc) {
		snprintf(err, errlen, "profile %s: %s", a->profile, om_strerror(rc));
		free(objs);
		free(refs);
		return -1;
	}
	for (size_t i = 0; i < a->nc; i++) {
		struct cls *c = &a->c[i];
		struct om_class *base = c->parent >= 0 ? a->c[c->parent].built : NULL;
		struct om_class_info bi = { 0 };
		struct om_class_def def = { .name = c->tc->name, .base = base };
		enum variant vi = c->blocked ? V_DECLARED : v[i];

		names = xrealloc(names, (c->tc->nslots + c->nnames + 1) * sizeof(*names));
		if (base)
			om_class_get_info(base, &bi);
		def.slots = names;
		def.nslots = own_slots(a, i, vi, base, names);
		if (vi == V_DECLARED) {
			def.flags = (c->tc->flags & TRACE_CF_SLOTS ? OM_CLASS_SLOTS : 0) |
				    (c->tc->flags & TRACE_CF_DICT ? OM_CLASS_DICT : 0) |
				    (c->tc->flags & TRACE_CF_WEAKREF ? OM_CLASS_WEAKREF : 0) |
				    (c->tc->flags & TRACE_CF_VARSIZE ? OM_CLASS_VARSIZE : 0) |
				    (c->ext_native && !base ? OM_CLASS_NATIVE : 0);
		} else {
			def.flags = OM_CLASS_SLOTS | (vi == V_SLOTS_DICT ? OM_CLASS_DICT : 0);
			if (c->weak && !(base && (bi.flags & OM_INFO_WEAKREF)) &&
			    !(base && (bi.flags & OM_INFO_VARSIZE)))
				def.flags |= OM_CLASS_WEAKREF;
		}
		rc = om_class_create(sp, &def, &c->built);
		if (rc) {
			snprintf(err, errlen, "class %s: %s (%s)", c->tc->name, om_strerror(rc),
				 om_errmsg());
			goto fail;
		}
	}
	/* The live objects' news and sets, in trace order; then weak references. */
	for (size_t l = 0; l < a->nlog; l++) {
		const struct log_ent *e = &a->log[l];
		struct obj *o = &a->objs[e->id];
		bool has = e->attr == LOG_NEW;

		if (o->cls < 0 || o->gen != e->gen)
			continue;
		for (uint32_t k = 0; !has && k < o->nattr; k++)
			has = o->attrs[k] == e->attr;
		if (!has)
			continue;	/* deleted later */
		if (e->attr == LOG_NEW) {
			const struct cls *c = &a->c[o->cls];

			rc = om_new(c->built, &objs[e->id]);
			/* its own table first, as CPython makes it in __init__; with
			 * the advice the program sets each attribute instead */
			if (!rc && o->table && (c->blocked || v[o->cls] == V_DECLARED)) {
				rc = om_own_dict(objs[e->id], o->table);
				if (rc == OM_ENODICT)
					rc = 0;
			}
		} else {
			rc = om_set(objs[e->id], om_intern(sym(a, e->attr)), om_int(1));
			if (rc == OM_ENODICT)
				rc = 0;	/* as declared, the program could not have set it */
		}
		if (rc) {
			snprintf(err, errlen, "object %u: %s", e->id, om_strerror(rc));
			goto fail;
		}
	}
	/* __dict__ reads: CPython 3.11+ wraps the values in a dict (om_read_dict) */
	for (size_t i = 0; i < a->nobjs; i++) {
		if (a->objs[i].cls < 0 || !a->objs[i].dict_read)
			continue;
		rc = om_read_dict(objs[i]);
		if (rc == OM_ENODICT)
			rc = 0;	/* slots alone: the read would raise, no dict */
		if (rc) {
			snprintf(err, errlen, "object %zu: %s", i, om_strerror(rc));
			goto fail;
		}
	}
	/* __class__ changes between classes laid out as the program declared
	 * them (where it made them): the instance, built as its final class,
	 * changes to its first and back, so that the model does to it what the
	 * interpreter did (CPython 3.13 detaches its values: om_set_class).
	 * With slots advised for either, it has no dict to change. */
	for (size_t i = 0; i < a->nobjs; i++) {
		struct obj *o = &a->objs[i];
		int32_t c0 = o->cls0;

		if (o->cls < 0 || c0 == o->cls || c0 < 0 ||
		    !(a->c[c0].blocked || v[c0] == V_DECLARED) ||
		    !(a->c[o->cls].blocked || v[o->cls] == V_DECLARED))
			continue;
		rc = om_set_class(objs[i], a->c[c0].built);
		if (!rc)
			rc = om_set_class(objs[i], a->c[o->cls].built);
		if (rc == OM_ELAYOUT)
			rc = 0;
		if (rc) {
			snprintf(err, errlen, "object %zu: %s", i, om_strerror(rc));
			goto fail;
		}
	}
	for (size_t i = 0; i < a->nobjs; i++) {
		struct obj *o = &a->objs[i];

		if (o->cls < 0 || !o->nweak)
			continue;
		refs[i] = calloc(o->nweak, sizeof(**refs));
		rc = refs[i] ? 0 : OM_ENOMEM;
		for (uint32_t k = 0; !rc && k < o->nweak; k++) {
			rc = om_weakref_new(objs[i], &refs[i][k]);
			if (rc == OM_ENOWEAKREF)
				rc = 0;
		}
		if (rc) {
			snprintf(err, errlen, "object %zu: %s", i, om_strerror(rc));
			goto fail;
		}
	}
	for (size_t i = 0; i < a->nc; i++) {
		struct om_class_info ci;

		om_class_get_info(a->c[i].built, &ci);
		a->c[i].bytes[slot] = ci.objects ? (double)(ci.instances.requested +
			ci.dicts.requested + ci.shared.requested) / (double)ci.objects : 0;
	}
	free(names);
	destroy(a, sp, objs, refs);
	free(objs);
	free(refs);
	return 0;
fail:
	free(names);
	destroy(a, sp, objs, refs);
	free(objs);
	free(refs);
	return -1;
}

/* Would x and y keep identical layouts with their advice?  (rule 8) */
static bool same_advice(const struct cls *x, const struct cls *y)
{
	if (x->parent != y->parent || x->choice != y->choice || x->weak != y->weak ||
	    x->nnames != y->nnames)
		return false;
	for (size_t i = 0; i < x->nnames; i++) {
		bool found = false;

		for (size_t k = 0; k < y->nnames; k++)
			found |= x->names[i].sym == y->names[k].sym;
		if (!found)
			return false;
	}
	return true;
}

/* ---- CHOOSE and the result ---------------------------------------------- */

static int choose(struct adv *a, char *err, size_t errlen)
{
	enum variant *v = calloc(a->nc + 1, sizeof(*v));
	int rc = -1;

	if (!v) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}

	for (size_t i = 0; i < a->nc; i++)
		v[i] = V_DECLARED;
	if (build(a, v, V_DECLARED, err, errlen))
		goto out;
	for (size_t i = 0; i < a->nc; i++)
		v[i] = V_SLOTS;
	if (build(a, v, V_SLOTS, err, errlen))
		goto out;
	for (size_t i = 0; i < a->nc; i++)
		v[i] = V_SLOTS_DICT;
	if (build(a, v, V_SLOTS_DICT, err, errlen))
		goto out;
	for (size_t i = 0; i < a->nc; i++) {
		struct cls *c = &a->c[i];
		bool varies = false;

		for (size_t k = 0; k < c->nnames; k++)
			varies |= c->names[k].n < c->n;
		c->choice = V_SLOTS;
		if (varies && c->bytes[V_SLOTS_DICT] < c->bytes[V_SLOTS])
			c->choice = V_SLOTS_DICT;
		if (c->blocked || (c->n && c->bytes[c->choice] >= c->bytes[V_DECLARED]))
			c->choice = V_DECLARED;
		v[i] = c->choice;
	}
	/* Class changes: both ends must keep identical layouts (rule 8). */
	for (size_t k = 0; k < a->nsetclass; k++) {
		struct cls *x = &a->c[a->setclass[k][0]], *y = &a->c[a->setclass[k][1]];

		if (x == y || (x->choice == V_DECLARED && y->choice == V_DECLARED) ||
		    same_advice(x, y))
			continue;
		blocker(x, "__class__ is assigned between %s and %s: their layouts would "
			"differ with __slots__ (give both the same __slots__, or leave both)",
			x->tc->name, y->tc->name);
		blocker(y, "__class__ is assigned between %s and %s: their layouts would "
			"differ with __slots__ (give both the same __slots__, or leave both)",
			x->tc->name, y->tc->name);
		x->blocked = y->blocked = true;
		v[x->tc->id] = v[y->tc->id] = x->choice = y->choice = V_DECLARED;
		k = (size_t)-1;		/* a change may affect an earlier pair */
	}
	if (build(a, v, V_FINAL, err, errlen))
		goto out;
	rc = 0;
out:
	free(v);
	return rc;
}

static int by_saving(const void *x, const void *y)
{
	const struct advise_class *a = x, *b = y;

	if (a->saving != b->saving)
		return a->saving < b->saving ? 1 : -1;
	return strcmp(a->name, b->name);
}

static void result(struct adv *a, const struct advise_opts *o, struct advise_result *r)
{
	r->classes = xrealloc(NULL, (a->nc ? a->nc : 1) * sizeof(*r->classes));
	for (size_t i = 0; i < a->nc; i++) {
		struct cls *c = &a->c[i];
		struct advise_class *ac = &r->classes[r->nclasses];
		size_t typical = 0;

		if (c->external || c->n == 0 || c->n < o->min_instances)
			continue;
		for (size_t k = 0; k < c->hist_len; k++)
			if (c->hist[k] > c->hist[typical])
				typical = k;
		*ac = (struct advise_class){
			.name = strdup(c->tc->name),
			.instances = c->n,
			.attrs_typical = typical,
			.attrs_max = c->hist_len ? c->hist_len - 1 : 0,
			.bytes_now = c->bytes[V_DECLARED],
			.bytes_advised = c->bytes[V_FINAL],
			.changed = c->choice != V_DECLARED,
			.blockers = c->blk ? strdup(c->blk) : strdup(""),
		};
		if (ac->changed) {
			const char **names = xrealloc(NULL, (c->nnames + 1) * sizeof(*names));
			bool inherited_weak = false;

			/* Names an advised ancestor already holds are not repeated. */
			for (size_t k = 0; k < c->nnames; k++) {
				const char *s = sym(a, c->names[k].sym);
				bool dup = false;

				if (c->choice == V_SLOTS_DICT && c->names[k].n < c->n)
					continue;
				for (int q = c->parent; q >= 0 && !dup; q = a->c[q].parent) {
					struct cls *b = &a->c[q];

					if (b->choice == V_DECLARED) {
						for (uint32_t m = 0; m < b->tc->nslots; m++)
							dup |= strcmp(b->tc->slots[m]->name, s) == 0;
					} else {
						for (size_t m = 0; m < b->nnames; m++)
							dup |= b->names[m].sym == c->names[k].sym &&
							       !(b->choice == V_SLOTS_DICT &&
								 b->names[m].n < b->n);
					}
				}
				if (!dup)
					names[ac->nslots++] = s;
			}
			for (int q = c->parent; q >= 0; q = a->c[q].parent)
				inherited_weak |= a->c[q].choice == V_DECLARED ?
					!!(a->c[q].tc->eff & TRACE_CF_WEAKREF) : a->c[q].weak;
			ac->slots = names;
			ac->dict = c->choice == V_SLOTS_DICT;
			ac->weakref = c->weak && !inherited_weak;
		}
		ac->saving = (ac->bytes_now - ac->bytes_advised) * (double)c->n;
		r->total_saving += ac->saving;
		r->total_now += ac->bytes_now * (double)c->n;
		r->nclasses++;
	}
	qsort(r->classes, r->nclasses, sizeof(*r->classes), by_saving);
}

int advise_run(const char *path, const struct advise_opts *o, struct advise_result *r,
	       char *err, size_t errlen)
{
	struct adv a = { 0 };
	struct trace_error terr;
	int rc;

	memset(r, 0, sizeof(*r));
	a.t = trace_open(path, NULL, &terr);
	if (!a.t) {
		snprintf(err, errlen, "%s", terr.msg);
		return trace_error_status(&terr);
	}
	rc = load(&a, err, errlen);
	if (rc)
		goto out;
	read_header(&a, r);
	if (!o->profile || strcmp(o->profile, "auto") == 0) {
		char impl[64] = "", ver[64] = "";

		if (sscanf(r->interpreter, "%63s %63s", impl, ver) != 2) {
			snprintf(err, errlen, "%s: no '# python: IMPL VERSION' header line; name a "
				 "profile with --profile", path);
			rc = 2;
			goto out;
		}
		a.profile = om_profile_for_python(impl, ver);
		if (!a.profile) {
			snprintf(err, errlen, "no object-model profile models %s %s yet; name one "
				 "with --profile (slotslab replay --help lists them)", impl, ver);
			rc = 2;
			goto out;
		}
	} else {
		if (!om_profile_summary(o->profile)) {
			snprintf(err, errlen, "--profile %s: no such profile", o->profile);
			rc = 2;
			goto out;
		}
		a.profile = o->profile;
	}
	r->profile = a.profile;
	plan(&a);
	if (choose(&a, err, errlen)) {
		rc = 1;
		goto out;
	}
	result(&a, o, r);
out:
	for (size_t i = 0; i < a.nobjs; i++)
		free(a.objs[i].attrs);
	free(a.objs);
	free(a.log);
	for (size_t i = 0; i < a.nc; i++) {
		free(a.c[i].hist);
		free(a.c[i].names);
		free(a.c[i].cattrs);
		free(a.c[i].blk);
	}
	free(a.c);
	free(a.setclass);
	/* The slot names point into the trace's symbols: copy them before closing. */
	for (size_t i = 0; i < r->nclasses; i++)
		for (size_t k = 0; k < r->classes[i].nslots; k++)
			r->classes[i].slots[k] = strdup(r->classes[i].slots[k]);
	trace_close(a.t);
	return rc;
}

void advise_free(struct advise_result *r)
{
	for (size_t i = 0; i < r->nclasses; i++) {
		for (size_t k = 0; k < r->classes[i].nslots; k++)
			free((char *)r->classes[i].slots[k]);
		free(r->classes[i].slots);
		free((char *)r->classes[i].name);
		free(r->classes[i].blockers);
	}
	free(r->classes);
	memset(r, 0, sizeof(*r));
}

/* "__slots__ = ('a', 'b', '__dict__')" into @buf. */
static const char *advice_line(const struct advise_class *c, char *buf, size_t len)
{
	size_t n = 0, items = c->nslots + c->dict + c->weakref;

	if (!c->changed)
		return "keep as is";
	n += (size_t)snprintf(buf + n, len - n, "__slots__ = (");
	for (size_t k = 0; k < c->nslots && n < len; k++)
		n += (size_t)snprintf(buf + n, len - n, "%s'%s'", k ? ", " : "", c->slots[k]);
	if (c->dict && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%s'__dict__'", c->nslots ? ", " : "");
	if (c->weakref && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%s'__weakref__'",
				      c->nslots || c->dict ? ", " : "");
	if (n < len)
		snprintf(buf + n, len - n, "%s)", items == 1 ? "," : "");
	return buf;
}

void advise_print_table(FILE *f, const struct advise_result *r)
{
	char line[65536];

	fprintf(f, "interpreter %s, profile %s%s%s\n\n", r->interpreter[0] ? r->interpreter : "?",
		r->profile, r->moment[0] ? ", snapshot at " : "", r->moment);
	fprintf(f, "%-24s %9s %9s %10s %10s %12s %6s\n", "class", "instances", "attrs",
		"bytes/inst", "advised", "saving", "%");
	for (size_t i = 0; i < r->nclasses; i++) {
		const struct advise_class *c = &r->classes[i];
		char attrs[32];

		snprintf(attrs, sizeof(attrs), "%zu/%zu", c->attrs_typical, c->attrs_max);
		fprintf(f, "%-24s %9zu %9s %10.1f %10.1f %12.0f %5.1f%%\n", c->name, c->instances,
			attrs, c->bytes_now, c->bytes_advised, c->saving,
			c->bytes_now > 0 ? 100.0 * (c->bytes_now - c->bytes_advised) / c->bytes_now : 0.0);
		fprintf(f, "    %s\n", advice_line(c, line, sizeof(line)));
		for (const char *p = c->blockers; *p;) {
			const char *e = strchr(p, '\n');

			fprintf(f, "    - %.*s\n", (int)(e ? e - p : (long)strlen(p)), p);
			p = e ? e + 1 : p + strlen(p);
		}
	}
	fprintf(f, "\ntotal saving: %.0f bytes of %.0f (%.1f%%) in %zu classes", r->total_saving,
		r->total_now, r->total_now > 0 ? 100.0 * r->total_saving / r->total_now : 0.0,
		r->nclasses);
	fprintf(f, "%s\n", "  (attrs: typical/max; bytes: the instance, its dict and shared keys)");
	if (r->odd)
		fprintf(f, "not seen: %zu objects the recorder could not record (see the trace's "
			"'# pyrecord: odd' lines)\n", r->odd);
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

void advise_print_json(FILE *f, const struct advise_result *r)
{
	char line[65536];

	fprintf(f, "{\"interpreter\": ");
	json_str(f, r->interpreter);
	fprintf(f, ", \"profile\": ");
	json_str(f, r->profile);
	fprintf(f, ", \"moment\": ");
	json_str(f, r->moment);
	fprintf(f, ", \"total_saving_bytes\": %.0f, \"total_bytes\": %.0f, \"unrecorded_objects\": %zu,"
		" \"classes\": [", r->total_saving, r->total_now, r->odd);
	for (size_t i = 0; i < r->nclasses; i++) {
		const struct advise_class *c = &r->classes[i];
		bool first = true;

		fprintf(f, "%s\n  {\"name\": ", i ? "," : "");
		json_str(f, c->name);
		fprintf(f, ", \"instances\": %zu, \"attributes_typical\": %zu, \"attributes_max\": %zu,"
			" \"bytes_per_instance\": %.2f, \"bytes_per_instance_advised\": %.2f,"
			" \"saving_bytes\": %.0f, \"advice\": ", c->instances, c->attrs_typical,
			c->attrs_max, c->bytes_now, c->bytes_advised, c->saving);
		json_str(f, advice_line(c, line, sizeof(line)));
		fprintf(f, ", \"slots\": [");
		for (size_t k = 0; c->changed && k < c->nslots; k++) {
			fprintf(f, "%s", k ? ", " : "");
			json_str(f, c->slots[k]);
		}
		if (c->changed && c->dict)
			fprintf(f, "%s\"__dict__\"", c->nslots ? ", " : "");
		if (c->changed && c->weakref)
			fprintf(f, "%s\"__weakref__\"", c->nslots || c->dict ? ", " : "");
		fprintf(f, "], \"blockers\": [");
		for (const char *p = c->blockers; *p;) {
			const char *e = strchr(p, '\n');
			char one[1024];

			snprintf(one, sizeof(one), "%.*s", (int)(e ? e - p : (long)strlen(p)), p);
			fprintf(f, "%s", first ? "" : ", ");
			json_str(f, one);
			first = false;
			p = e ? e + 1 : p + strlen(p);
		}
		fprintf(f, "]}");
	}
	fprintf(f, "\n]}\n");
}
