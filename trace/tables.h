/* SPDX-License-Identifier: MIT */
/*
 * trace/tables.h - interned names and declared classes (trace/tables.c).
 *
 * Every reader and writer keeps a symbol table of attribute names and a
 * class table; a generator that writes a trace builds its classes with the
 * same tables, so the rules of a class line (5: no slot name twice along a
 * base chain; 9: no slots over a variable-size base) are checked in one
 * place whatever writes or reads the trace.
 */
#ifndef SLOTSLAB_TRACE_TABLES_H
#define SLOTSLAB_TRACE_TABLES_H

#include "trace/trace.h"

uint32_t name_hash(const char *s, size_t len);
/* [A-Za-z_][A-Za-z0-9_]*, 1 to TRACE_MAX_NAME bytes */
bool name_valid(const char *s, size_t len);

/**
 * struct symtab - interned names with dense ids
 *
 * Invariants: by_id[i]->id == i for i < n; every symbol is in the hash at
 * the slot its hash probes to first free (linear probing); n <= max;
 * mask + 1 >= 2 * n (load at most 1/2).  Symbols never move: they live in
 * arena chunks freed only by symtab_destroy().
 */
struct symtab {
	struct trace_symbol **by_id;
	uint32_t n, cap;
	uint32_t *hash;		/* id + 1, or 0 for an empty slot */
	uint32_t mask;
	uint32_t max;
	char *arena;		/* current chunk; its first word links the previous */
	size_t arena_used, arena_size;
	size_t bytes;		/* memory held, for trace_memory() */
};

int symtab_init(struct symtab *st, uint32_t max);
void symtab_destroy(struct symtab *st);
const struct trace_symbol *symtab_find(const struct symtab *st, const char *name,
				       size_t len, uint32_t hash);
/* The symbol for @name, added if new; NULL with errno ENOMEM or ENOSPC (max). */
const struct trace_symbol *symtab_intern(struct symtab *st, const char *name, size_t len);

/**
 * struct classtab - declared classes, by id and by name
 *
 * Invariants: by_id[i]->id == i == by_id[i]->sym->id for i < names.n;
 * by_id[i]->base, when set, is by_id[j] with j < i.
 */
struct classtab {
	struct symtab names;
	struct trace_class **by_id;
	uint32_t cap;
	uint32_t *stamp;	/* per attribute symbol id: last declaration that marked it */
	uint32_t nstamp;
	uint32_t epoch;
	size_t bytes;
};

/**
 * struct class_decl - a class line, before it is checked
 * @slots: own slot names, interned in the attribute table of the same reader
 *         or writer
 */
struct class_decl {
	const char *name;
	size_t len;
	uint8_t flags;
	const struct trace_class *base;
	const struct trace_symbol **slots;
	uint32_t nslots;
};

int classtab_init(struct classtab *ct);
void classtab_destroy(struct classtab *ct);
static inline uint32_t classtab_count(const struct classtab *ct)
{
	return ct->names.n;
}
const struct trace_class *classtab_find(const struct classtab *ct, const char *name,
					size_t len, uint32_t hash);
/*
 * Declare @d.  Return: the class, or NULL with *code set (TRACE_ECLASS,
 * TRACE_ELIMIT, TRACE_ENOMEM) and @msg filled with what is wrong.
 */
const struct trace_class *classtab_declare(struct classtab *ct, const struct class_decl *d,
					   enum trace_errcode *code, char *msg, size_t msglen);

#endif /* SLOTSLAB_TRACE_TABLES_H */
