// SPDX-License-Identifier: MIT
/*
 * bench/import/rep.c - CMU malloc-lab traces (.rep), as the CS:APP lab's
 * mdriver reads them: four header numbers (suggested heap size, number of
 * ids, number of operations, weight), then one operation per line:
 *
 *   a ID SIZE    ptr[ID] = malloc(SIZE)
 *   r ID SIZE    ptr[ID] = realloc(ptr[ID], SIZE)
 *   f ID         free(ptr[ID])
 *
 * An ID names a slot of the driver's pointer array, not a block: after
 * "f 3" the next "a 3" is a new block.  Each allocation therefore gets a
 * fresh address here (a counter), and ID maps to the block it holds now;
 * the trace's ids are the importer's, dense from 1.
 */
#include <stdlib.h>
#include <string.h>

#include "bench/import/import.h"
#include "internal/compiler.h"

struct slots {
	uint64_t *addr;		/* per ID: the block it holds, 0 for none */
	size_t cap;
};

static uint64_t *slot(struct slots *sl, uint64_t id)
{
	if (id >= sl->cap) {
		size_t cap = MAX(sl->cap * 2, (size_t)1024);
		uint64_t *a;

		while (cap <= id)
			cap *= 2;
		if (id > (1u << 28) || !(a = realloc(sl->addr, cap * sizeof(*a))))
			return NULL;
		memset(a + sl->cap, 0, (cap - sl->cap) * sizeof(*a));
		sl->addr = a;
		sl->cap = cap;
	}
	return &sl->addr[id];
}

static const char *const header_what[4] = {
	"the suggested heap size", "the number of ids", "the number of operations", "the weight",
};

static int rep_run(struct import_src *src, struct importer *im, FILE *notes,
		   struct trace_error *err)
{
	struct slots sl = { NULL, 0 };
	uint64_t hdr[4], ops = 0, ids = 0, next_addr = 0;
	struct import_tok t[4];
	unsigned int nhdr = 0;
	int rc = -1;
	char *line;

	while (import_getline(src, &line) >= 0) {
		size_t n = import_split(line, t, 3);
		uint64_t id, size = 0, *p;
		char op;

		if (n == 0 || t[0].s[0] == '#')
			continue;		/* blank lines, and comments some labs add */
		if (nhdr < 4) {
			for (size_t i = 0; i < n && i < 3; i++) {
				if (nhdr == 4 || !import_dec(t[i].s, t[i].len, &hdr[nhdr])) {
					import_syntax(src, err, "expected %s (a number), found '%.*s'",
						      nhdr < 4 ? header_what[nhdr] : "an operation",
						      (int)t[i].len, t[i].s);
					goto out;
				}
				nhdr++;
			}
			continue;
		}
		op = t[0].s[0];
		if (t[0].len != 1 || (op != 'a' && op != 'r' && op != 'f')) {
			import_syntax(src, err, "expected an operation (a, r or f), found '%.*s'",
				      (int)t[0].len, t[0].s);
			goto out;
		}
		if (n != (op == 'f' ? 2u : 3u) || !import_dec(t[1].s, t[1].len, &id) ||
		    (op != 'f' && !import_dec(t[2].s, t[2].len, &size))) {
			import_syntax(src, err, "expected '%c ID%s' with decimal numbers", op,
				      op == 'f' ? "" : " SIZE");
			goto out;
		}
		p = slot(&sl, id);
		if (!p) {
			import_syntax(src, err, "id %llu is too large", (unsigned long long)id);
			goto out;
		}
		ops++;
		ids = MAX(ids, id + 1);
		switch (op) {
		case 'a':
			/* A slot still holding a block leaks it, as in the driver. */
			*p = ++next_addr;
			if (importer_alloc(im, 0, TRACE_MALLOC, *p, size, 0) != 0)
				goto out;
			break;
		case 'r': {
			uint64_t old = *p;

			*p = size ? ++next_addr : 0;
			if (importer_realloc(im, 0, *p, old, size) != 0)
				goto out;
			break;
		}
		case 'f':
			/* An empty slot: free(NULL) to the driver, a mismatch to us. */
			if (importer_free(im, 0, *p ? *p : UINT64_MAX) != 0)
				goto out;
			*p = 0;
			break;
		}
	}
	if (nhdr < 4) {
		import_syntax(src, err, "expected %s, found the end of the file", header_what[nhdr]);
		goto out;
	}
	fprintf(notes, "rep header: suggested heap %llu bytes, %llu ids, %llu operations, weight %llu\n",
		(unsigned long long)hdr[0], (unsigned long long)hdr[1], (unsigned long long)hdr[2],
		(unsigned long long)hdr[3]);
	if (hdr[1] != ids || hdr[2] != ops)
		fprintf(notes, "the header does not match the body: %llu ids, %llu operations found\n",
			(unsigned long long)ids, (unsigned long long)ops);
	rc = 0;
out:
	free(sl.addr);
	return rc;
}

const struct import_format import_rep = {
	.name = "rep",
	.summary = "CMU malloc-lab traces (CS:APP mdriver's .rep files)",
	.help =
	"  Text.  Four numbers first (suggested heap size, number of ids, number of\n"
	"  operations, weight; the driver ignores the first and the last), then one\n"
	"  operation per line: 'a ID SIZE' (malloc), 'r ID SIZE' (realloc), 'f ID'\n"
	"  (free), decimal.  Quirks:\n"
	"  - an ID is a slot of the driver's pointer array, reused after its free:\n"
	"    each 'a' makes a new block (and a new trace id), and 'a' on a slot\n"
	"    that still holds a block leaks that block, as the driver does;\n"
	"  - 'r' on an empty slot is realloc(NULL); 'r ID 0' frees; 'f' on an\n"
	"    empty slot is counted as unmatched and dropped;\n"
	"  - no threads, no alignment; lines starting with '#' (some course\n"
	"    variants) are skipped; header counts that disagree with the body are\n"
	"    noted in the trace's header, not fatal.\n",
	.run = rep_run,
};
