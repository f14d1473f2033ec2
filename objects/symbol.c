// SPDX-License-Identifier: MIT
/*
 * objects/symbol.c - interned attribute names.
 *
 * Every attribute name becomes a symbol once: the string is hashed here
 * (FNV-1a over the bytes, then MurmurHash3's fmix64 finaliser so that the
 * low bits a power-of-two table uses depend on every byte), and the symbol
 * keeps the hash.  Dicts and slot maps then compare symbols by identity
 * (or by their 32-bit id) and never hash a string again, as CPython's
 * interned identifiers carry their hash.
 *
 * Table: open addressing with linear probing over symbol pointers, at most
 * half full, doubled when it would pass that; one mutex serialises
 * interning, which happens when classes are declared and traces parsed,
 * not on attribute access.
 *
 * Ids: 1, 2, 3, ... in creation order.  sym_by_id() reads a two-level
 * array (ID_CHUNK pointers per chunk) without the lock: a chunk never
 * moves, and an entry is published with a release store before the id is
 * handed out, so a reader that holds an id sees its symbol.
 *
 * Symbols are never freed: they are few, small and shared by every space
 * (still reachable at exit, as CPython's interned strings).
 */
#include <pthread.h>
#include <stdlib.h>

#include "objects/internal.h"

#define ID_CHUNK_SHIFT 12
#define ID_CHUNK       (1u << ID_CHUNK_SHIFT)
#define ID_CHUNKS      4096u                       /* up to 16M symbols */
#define NAME_MAX_LEN   (1u << 20)

static pthread_mutex_t sym_lock = PTHREAD_MUTEX_INITIALIZER;
static const struct om_sym **sym_table;   /* size sym_mask + 1, or NULL */
static size_t sym_mask;
static size_t sym_count;
static const struct om_sym **id_chunks[ID_CHUNKS];

uint64_t om_hash_bytes(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

const struct om_sym *sym_by_id(uint32_t id)
{
	const struct om_sym **chunk = smp_load_acquire(&id_chunks[id >> ID_CHUNK_SHIFT]);

	return smp_load_acquire(&chunk[id & (ID_CHUNK - 1)]);
}

/* Double the table; sym_lock held. */
static int grow_table(void)
{
	size_t nsize = sym_table ? 2 * (sym_mask + 1) : 256;
	const struct om_sym **t = calloc(nsize, sizeof(*t));

	if (!t)
		return -1;
	for (size_t i = 0; sym_table && i <= sym_mask; i++) {
		const struct om_sym *s = sym_table[i];
		size_t j;

		if (!s)
			continue;
		for (j = s->hash & (nsize - 1); t[j]; j = (j + 1) & (nsize - 1))
			;
		t[j] = s;
	}
	free(sym_table);
	sym_table = t;
	sym_mask = nsize - 1;
	return 0;
}

/* Give @s the next id and publish it; sym_lock held. */
static int publish_id(struct om_sym *s)
{
	uint32_t id = (uint32_t)sym_count + 1;
	const struct om_sym **chunk;

	if (id >> ID_CHUNK_SHIFT >= ID_CHUNKS)
		return -1;
	chunk = id_chunks[id >> ID_CHUNK_SHIFT];
	if (!chunk) {
		chunk = calloc(ID_CHUNK, sizeof(*chunk));
		if (!chunk)
			return -1;
		smp_store_release(&id_chunks[id >> ID_CHUNK_SHIFT], chunk);
	}
	s->id = id;
	smp_store_release(&chunk[id & (ID_CHUNK - 1)], (const struct om_sym *)s);
	return 0;
}

const struct om_sym *om_intern_n(const char *name, size_t len)
{
	uint64_t hash;
	struct om_sym *s = NULL;
	size_t i;

	if (!name || len == 0 || len >= NAME_MAX_LEN || memchr(name, '\0', len)) {
		om_fail(OM_EINVAL, "symbol name must be 1..%u bytes without NUL", NAME_MAX_LEN - 1);
		return NULL;
	}
	hash = om_hash_bytes(name, len);
	pthread_mutex_lock(&sym_lock);
	if (2 * (sym_count + 1) > (sym_table ? sym_mask + 1 : 0) && grow_table() != 0)
		goto nomem;
	for (i = hash & sym_mask; sym_table[i]; i = (i + 1) & sym_mask) {
		const struct om_sym *t = sym_table[i];

		if (t->hash == hash && t->len == len && memcmp(t->name, name, len) == 0) {
			pthread_mutex_unlock(&sym_lock);
			return t;
		}
	}
	s = malloc(sizeof(*s) + len + 1);
	if (!s)
		goto nomem;
	s->hash = hash;
	s->len = (uint32_t)len;
	memcpy(s->name, name, len);
	s->name[len] = '\0';
	if (publish_id(s) != 0)
		goto nomem;
	sym_table[i] = s;
	sym_count++;
	pthread_mutex_unlock(&sym_lock);
	return s;

nomem:
	pthread_mutex_unlock(&sym_lock);
	free(s);
	om_fail(OM_ENOMEM, "out of memory interning '%.*s'", (int)MIN(len, (size_t)64), name);
	return NULL;
}

const struct om_sym *om_intern(const char *name)
{
	return om_intern_n(name, name ? strlen(name) : 0);
}

const char *om_sym_name(const struct om_sym *sym)
{
	return sym->name;
}

uint64_t om_sym_hash(const struct om_sym *sym)
{
	return sym->hash;
}
