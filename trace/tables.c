// SPDX-License-Identifier: MIT
/*
 * trace/tables.c - the name tables of a trace: attribute names
 * (symbols) and class declarations.
 *
 * 1. A symbol table interns names: one struct trace_symbol per distinct
 *    name, with a dense id in order of first appearance.  Lookup is an
 *    open-addressing hash (FNV-1a, linear probing, load at most 1/2) whose
 *    slots hold id + 1.  Symbols are carved from 16 KiB arena chunks and
 *    never move, so events can point at them for the table's lifetime.
 *    The table is bounded by its max (TRACE_MAX_SYMBOLS for attributes,
 *    TRACE_MAX_CLASSES for class names), not by the length of a trace.
 *
 * 2. A class table is a symbol table of class names plus one struct
 *    trace_class per name, with the same id.  classtab_declare() is the one
 *    place where docs/DESIGN.md section 5's declaration rules are checked, for the
 *    text parser, the binary table loader and both writers:
 *      - the base must be declared already (callers resolve it by name);
 *      - rule 5: an own slot may not repeat a slot of any ancestor, nor
 *        appear twice in the same list;
 *      - rule 9: a base with variable-size instances (declared varsize, or
 *        inheriting it) accepts only empty slots, and no '__weakref__'
 *        slot (weakref with slots=) unless it has one already (CPython's
 *        "__weakref__ slot disallowed" for subtypes of int or tuple);
 *      - only a root class, or a subclass of a variable-size one, may be
 *        variable-size (a fixed-size class cannot become variable-size).
 *    And a limit: the canonical class line fits a text line with a thread
 *    prefix (TRACE_MAX_CLASS_LINE), so every trace converts to text.
 *    The check stamps the ancestors' slot symbols with one epoch and the own
 *    slots with the next, in an array indexed by symbol id, so a declaration
 *    costs O(own slots + ancestors' slots).
 *
 * 3. Resolved flags (trace_class.eff) follow docs/DESIGN.md 5: a class without
 *    slots= has a dict and takes weak references; a class with slots= has
 *    what its dict/weakref options ask for; a subclass inherits its base's
 *    dict, weakref and varsize.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/internal.h"

#define ARENA_CHUNK 16384

uint32_t name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

static bool is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

bool name_valid(const char *s, size_t len)
{
	if (len == 0 || len > TRACE_MAX_NAME || !is_name_start(s[0]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!is_name_char(s[i]))
			return false;
	return true;
}

int symtab_init(struct symtab *st, uint32_t max)
{
	memset(st, 0, sizeof(*st));
	st->max = max;
	st->mask = 63;
	st->hash = calloc(st->mask + 1, sizeof(*st->hash));
	if (!st->hash)
		return -1;
	st->bytes = (st->mask + 1) * sizeof(*st->hash);
	return 0;
}

void symtab_destroy(struct symtab *st)
{
	char *chunk = st->arena;

	while (chunk) {
		char *prev;

		memcpy(&prev, chunk, sizeof(prev));
		free(chunk);
		chunk = prev;
	}
	free(st->by_id);
	free(st->hash);
	memset(st, 0, sizeof(*st));
}

const struct trace_symbol *symtab_find(const struct symtab *st, const char *name,
				       size_t len, uint32_t hash)
{
	for (uint32_t i = hash & st->mask;; i = (i + 1) & st->mask) {
		uint32_t v = st->hash[i];
		const struct trace_symbol *s;

		if (!v)
			return NULL;
		s = st->by_id[v - 1];
		if (s->hash == hash && s->len == len && memcmp(s->name, name, len) == 0)
			return s;
	}
}

static void insert_hash(uint32_t *tab, uint32_t mask, const struct trace_symbol *s)
{
	uint32_t i = s->hash & mask;

	while (tab[i])
		i = (i + 1) & mask;
	tab[i] = s->id + 1;
}

static int grow_hash(struct symtab *st)
{
	uint32_t mask = st->mask * 2 + 1;
	uint32_t *tab = calloc((size_t)mask + 1, sizeof(*tab));

	if (!tab)
		return -1;
	for (uint32_t i = 0; i < st->n; i++)
		insert_hash(tab, mask, st->by_id[i]);
	st->bytes += (size_t)(mask - st->mask) * sizeof(*tab);
	free(st->hash);
	st->hash = tab;
	st->mask = mask;
	return 0;
}

static void *alloc_arena(struct symtab *st, size_t size)
{
	void *p;

	size = ALIGN_UP(size, sizeof(void *));
	if (!st->arena || st->arena_used + size > st->arena_size) {
		size_t csize = MAX((size_t)ARENA_CHUNK, size + sizeof(void *));
		char *chunk = malloc(csize);

		if (!chunk)
			return NULL;
		memcpy(chunk, &st->arena, sizeof(st->arena));
		st->arena = chunk;
		st->arena_used = sizeof(void *);
		st->arena_size = csize;
		st->bytes += csize;
	}
	p = st->arena + st->arena_used;
	st->arena_used += size;
	return p;
}

const struct trace_symbol *symtab_intern(struct symtab *st, const char *name, size_t len)
{
	uint32_t hash = name_hash(name, len);
	const struct trace_symbol *found = symtab_find(st, name, len, hash);
	struct trace_symbol *s;

	if (found)
		return found;
	if (st->n >= st->max) {
		errno = ENOSPC;
		return NULL;
	}
	if (2 * (st->n + 1) > st->mask + 1 && grow_hash(st) != 0)
		goto nomem;
	if (st->n == st->cap) {
		uint32_t cap = st->cap ? st->cap * 2 : 32;
		struct trace_symbol **by_id = realloc(st->by_id, cap * sizeof(*by_id));

		if (!by_id)
			goto nomem;
		st->bytes += (size_t)(cap - st->cap) * sizeof(*by_id);
		st->by_id = by_id;
		st->cap = cap;
	}
	s = alloc_arena(st, sizeof(*s) + len + 1);
	if (!s)
		goto nomem;
	s->id = st->n;
	s->hash = hash;
	s->len = (uint32_t)len;
	memcpy(s->name, name, len);
	s->name[len] = '\0';
	st->by_id[st->n++] = s;
	insert_hash(st->hash, st->mask, s);
	return s;
nomem:
	errno = ENOMEM;
	return NULL;
}

int classtab_init(struct classtab *ct)
{
	memset(ct, 0, sizeof(*ct));
	return symtab_init(&ct->names, TRACE_MAX_CLASSES);
}

void classtab_destroy(struct classtab *ct)
{
	for (uint32_t i = 0; i < ct->names.n; i++)
		free(ct->by_id[i]);
	free(ct->by_id);
	free(ct->stamp);
	symtab_destroy(&ct->names);
	memset(ct, 0, sizeof(*ct));
}

const struct trace_class *classtab_find(const struct classtab *ct, const char *name,
					size_t len, uint32_t hash)
{
	const struct trace_symbol *s = symtab_find(&ct->names, name, len, hash);

	return s ? ct->by_id[s->id] : NULL;
}

/* Stamp symbol @id with @mark; return its previous stamp (0: none). */
static int stamp_symbol(struct classtab *ct, uint32_t id, uint32_t mark, uint32_t *prev)
{
	if (id >= ct->nstamp) {
		uint32_t n = MAX(id + 1, ct->nstamp * 2);
		uint32_t *stamp = realloc(ct->stamp, (size_t)n * sizeof(*stamp));

		if (!stamp)
			return -1;
		memset(stamp + ct->nstamp, 0, (size_t)(n - ct->nstamp) * sizeof(*stamp));
		ct->bytes += (size_t)(n - ct->nstamp) * sizeof(*stamp);
		ct->stamp = stamp;
		ct->nstamp = n;
	}
	*prev = ct->stamp[id];
	ct->stamp[id] = mark;
	return 0;
}

/* The nearest ancestor of @base (itself included) that declares @slot. */
static const struct trace_class *find_owner(const struct trace_class *base,
					    const struct trace_symbol *slot)
{
	for (const struct trace_class *a = base; a; a = a->base)
		for (uint32_t i = 0; i < a->nslots; i++)
			if (a->slots[i] == slot)
				return a;
	return NULL;
}

/* Rules 5 and 9 for @d.  Return: 0, or TRACE_ECLASS / TRACE_ENOMEM with @msg. */
static enum trace_errcode check_slots(struct classtab *ct, const struct class_decl *d,
				      char *msg, size_t msglen)
{
	uint32_t base_mark, own_mark, prev;

	if (d->base && (d->base->eff & TRACE_CF_VARSIZE) && d->nslots > 0) {
		snprintf(msg, msglen, "class '%.*s': base class '%s' has variable-size "
			 "instances and accepts only empty slots (rule 9), not slot '%s'",
			 (int)d->len, d->name, d->base->name, d->slots[0]->name);
		return TRACE_ECLASS;
	}
	if (d->base && (d->base->eff & TRACE_CF_VARSIZE) && (d->flags & TRACE_CF_SLOTS) &&
	    (d->flags & TRACE_CF_WEAKREF) && !(d->base->eff & TRACE_CF_WEAKREF)) {
		snprintf(msg, msglen, "class '%.*s': base class '%s' has variable-size "
			 "instances and takes no weakref slot (rule 9)",
			 (int)d->len, d->name, d->base->name);
		return TRACE_ECLASS;
	}
	if (d->base && (d->flags & TRACE_CF_VARSIZE) && !(d->base->eff & TRACE_CF_VARSIZE)) {
		snprintf(msg, msglen, "class '%.*s': varsize over fixed-size base class '%s' "
			 "(a fixed-size class cannot become variable-size)",
			 (int)d->len, d->name, d->base->name);
		return TRACE_ECLASS;
	}
	if (ct->epoch >= UINT32_MAX - 2) {
		memset(ct->stamp, 0, (size_t)ct->nstamp * sizeof(*ct->stamp));
		ct->epoch = 0;
	}
	base_mark = ++ct->epoch;
	own_mark = ++ct->epoch;
	for (const struct trace_class *a = d->base; a; a = a->base)
		for (uint32_t i = 0; i < a->nslots; i++)
			if (stamp_symbol(ct, a->slots[i]->id, base_mark, &prev) != 0)
				return TRACE_ENOMEM;
	for (uint32_t i = 0; i < d->nslots; i++) {
		const struct trace_symbol *slot = d->slots[i];

		if (stamp_symbol(ct, slot->id, own_mark, &prev) != 0)
			return TRACE_ENOMEM;
		if (prev == base_mark) {
			snprintf(msg, msglen, "class '%.*s': slot '%s' is already a slot of "
				 "base class '%s' (rule 5: a subclass declares only new names)",
				 (int)d->len, d->name, slot->name, find_owner(d->base, slot)->name);
			return TRACE_ECLASS;
		}
		if (prev == own_mark) {
			snprintf(msg, msglen, "class '%.*s': slot '%s' is listed twice",
				 (int)d->len, d->name, slot->name);
			return TRACE_ECLASS;
		}
	}
	return TRACE_OK;
}

/* Bytes of @d's canonical class line (trace_class_print()). */
static size_t class_line_length(const struct class_decl *d)
{
	size_t n = 6 + d->len;

	if (d->flags & TRACE_CF_SLOTS)
		n += 7 + (d->nslots ? d->nslots - 1 : 0);
	for (uint32_t i = 0; i < d->nslots; i++)
		n += d->slots[i]->len;
	n += d->flags & TRACE_CF_DICT ? 5 : 0;
	n += d->flags & TRACE_CF_WEAKREF ? 8 : 0;
	n += d->flags & TRACE_CF_VARSIZE ? 8 : 0;
	return n + (d->base ? 6 + d->base->sym->len : 0);
}

static uint8_t resolve_flags(const struct class_decl *d)
{
	uint8_t eff = d->flags & TRACE_CF_VARSIZE;

	if (d->flags & TRACE_CF_SLOTS)
		eff |= d->flags & (TRACE_CF_DICT | TRACE_CF_WEAKREF);
	else
		eff |= TRACE_CF_DICT | TRACE_CF_WEAKREF;
	if (d->base)
		eff |= d->base->eff & (TRACE_CF_DICT | TRACE_CF_WEAKREF | TRACE_CF_VARSIZE);
	return eff;
}

const struct trace_class *classtab_declare(struct classtab *ct, const struct class_decl *d,
					   enum trace_errcode *code, char *msg, size_t msglen)
{
	uint32_t hash = name_hash(d->name, d->len);
	const struct trace_symbol *sym;
	struct trace_class *c;
	size_t size;

	*code = TRACE_ECLASS;
	if (!name_valid(d->name, d->len)) {
		snprintf(msg, msglen, "invalid class name");
		return NULL;
	}
	if (classtab_find(ct, d->name, d->len, hash)) {
		snprintf(msg, msglen, "class '%.*s' is already declared", (int)d->len, d->name);
		return NULL;
	}
	if (d->flags & ~(TRACE_CF_SLOTS | TRACE_CF_DICT | TRACE_CF_WEAKREF | TRACE_CF_VARSIZE)) {
		snprintf(msg, msglen, "class '%.*s': unknown flags 0x%x", (int)d->len, d->name,
			 d->flags);
		return NULL;
	}
	if (d->nslots && !(d->flags & TRACE_CF_SLOTS)) {
		snprintf(msg, msglen, "class '%.*s': slots without the slots flag",
			 (int)d->len, d->name);
		return NULL;
	}
	if (d->nslots > TRACE_MAX_SLOTS || classtab_count(ct) >= TRACE_MAX_CLASSES) {
		*code = TRACE_ELIMIT;
		snprintf(msg, msglen, "class '%.*s': more than %u %s", (int)d->len, d->name,
			 d->nslots > TRACE_MAX_SLOTS ? TRACE_MAX_SLOTS : TRACE_MAX_CLASSES,
			 d->nslots > TRACE_MAX_SLOTS ? "slots" : "classes in one trace");
		return NULL;
	}
	if (class_line_length(d) > TRACE_MAX_CLASS_LINE) {
		*code = TRACE_ELIMIT;
		snprintf(msg, msglen, "class '%.*s': its declaration is longer than %d bytes",
			 (int)d->len, d->name, TRACE_MAX_CLASS_LINE);
		return NULL;
	}
	*code = check_slots(ct, d, msg, msglen);
	if (*code != TRACE_OK)
		goto fail;
	*code = TRACE_ENOMEM;
	if (ct->cap == classtab_count(ct)) {
		uint32_t cap = ct->cap ? ct->cap * 2 : 16;
		struct trace_class **by_id = realloc(ct->by_id, cap * sizeof(*by_id));

		if (!by_id)
			goto fail;
		ct->bytes += (size_t)(cap - ct->cap) * sizeof(*by_id);
		ct->by_id = by_id;
		ct->cap = cap;
	}
	size = sizeof(*c) + (size_t)d->nslots * sizeof(c->slots[0]);
	c = malloc(size);
	if (!c)
		goto fail;
	sym = symtab_intern(&ct->names, d->name, d->len);
	if (!sym) {
		free(c);
		goto fail;
	}
	ct->bytes += size;
	c->name = sym->name;
	c->sym = sym;
	c->id = sym->id;
	c->flags = d->flags;
	c->eff = resolve_flags(d);
	c->nslots = d->nslots;
	c->nslots_total = d->nslots + (d->base ? d->base->nslots_total : 0);
	c->base = d->base;
	c->slots = (const struct trace_symbol *const *)(c + 1);
	memcpy(c + 1, d->slots, (size_t)d->nslots * sizeof(c->slots[0]));
	ct->by_id[c->id] = c;
	*code = TRACE_OK;
	return c;
fail:
	if (*code == TRACE_ENOMEM)
		snprintf(msg, msglen, "out of memory");
	return NULL;
}
