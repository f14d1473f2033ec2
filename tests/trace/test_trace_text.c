// SPDX-License-Identifier: MIT
/*
 * tests/trace/test_trace_text.c - the text trace format v1 (docs/DESIGN.md 6):
 * parsing every event kind, the header, chunk boundaries, every class of
 * malformed line (with its file, line, column and what was expected),
 * class rules 5 and 9 at parse time, resolved class flags, and the
 * writer's canonical form.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "trace/trace.h"
#include "tests/lib/trace_check.h"
#include "tests/lib/tmpfiles.h"

static const struct trace_opts tiny_chunks = { .chunk = 7 };

/* Parse @text from memory; the dump, or NULL with *err filled. */
static char *parse(const char *text, const struct trace_opts *o, struct trace_error *err)
{
	return check_dump_opened(trace_open_mem("t.txt", text, strlen(text), o, err), err);
}

static const char all_kinds[] =
	"# a header line\n"
	"#second line   \n"
	"\n"
	"class A slots=x,y weakref\n"
	"class B base=A slots=z dict\n"
	"class D\n"
	"classattr D greeting -7\n"
	"new 1 A\n"
	"# a comment in the middle is dropped\n"
	"   \t\n"
	"set 1 x 9223372036854775807\n"
	"set 1 y -9223372036854775808\n"
	"get 1 x\n"
	"del 1 y\n"
	"weakref 1\n"
	"setclass 1 B\n"
	"free 1\n"
	"@3 new 18446744073709551615 D\n"
	"@4294967295 malloc 5 100\n"
	"calloc 6 10 8\n"
	"realloc 7 5 200\n"
	"memalign 8 4096 64\n"
	"mfree 0\n"
	"@0 free 2\n"
	"free 3";

static const char all_kinds_canon[] =
	"class A slots=x,y weakref\n"
	"class B slots=z dict base=A\n"
	"class D\n"
	"classattr D greeting -7\n"
	"new 1 A\n"
	"set 1 x 9223372036854775807\n"
	"set 1 y -9223372036854775808\n"
	"get 1 x\n"
	"del 1 y\n"
	"weakref 1\n"
	"setclass 1 B\n"
	"free 1\n"
	"@3 new 18446744073709551615 D\n"
	"@4294967295 malloc 5 100\n"
	"calloc 6 10 8\n"
	"realloc 7 5 200\n"
	"memalign 8 4096 64\n"
	"mfree 0\n"
	"free 2\n"
	"free 3\n";

static void test_every_kind(void **state)
{
	struct trace_error err;
	struct trace_event ev;
	struct trace *t;
	char *dump;

	dump = parse(all_kinds, NULL, &err);
	assert_non_null(dump);
	assert_string_equal(dump, all_kinds_canon);
	free(dump);

	/* The fields themselves, for one event of each operand shape. */
	t = trace_open_mem("t.txt", all_kinds, strlen(all_kinds), NULL, &err);
	assert_non_null(t);
	for (int i = 0; i < 16; i++)
		assert_int_equal(trace_next(t, &ev), 1);
	assert_int_equal(ev.kind, TRACE_REALLOC);
	assert_int_equal(ev.tid, 0);
	assert_int_equal(ev.id, 7);
	assert_int_equal(ev.old_id, 5);
	assert_int_equal(ev.size, 200);
	assert_int_equal(trace_next(t, &ev), 1);
	assert_int_equal(ev.kind, TRACE_MEMALIGN);
	assert_int_equal(ev.align, 4096);
	assert_int_equal(ev.size, 64);
	trace_close(t);
}

static void test_header(void **state)
{
	struct trace_error err;
	struct trace *t = trace_open_mem("t.txt", all_kinds, strlen(all_kinds), NULL, &err);
	size_t len;

	assert_non_null(t);
	assert_string_equal(trace_header(t, &len), "a header line\nsecond line\n");
	assert_int_equal(len, strlen("a header line\nsecond line\n"));
	trace_close(t);

	t = trace_open_mem("t.txt", "new", 0, NULL, &err);
	assert_non_null(t);
	assert_string_equal(trace_header(t, &len), "");
	assert_int_equal(len, 0);
	trace_close(t);
}

/* Every chunk size cuts lines somewhere else: the events never change. */
static void test_chunk_boundaries(void **state)
{
	struct trace_error err;
	char *whole = parse(all_kinds, NULL, &err);

	assert_non_null(whole);
	for (size_t chunk = 1; chunk <= 80; chunk++) {
		struct trace_opts o = { .chunk = chunk };
		char *dump = parse(all_kinds, &o, &err);

		assert_non_null(dump);
		assert_string_equal(dump, whole);
		free(dump);
	}
	free(whole);
}

static void test_ids_and_tables(void **state)
{
	static const char text[] = "class P slots=b,a\nnew 1 P\nset 1 c 1\nset 1 a 2\n"
				   "class Q base=P\nclassattr Q d 0\n";
	struct trace_error err;
	struct trace_event ev;
	struct trace *t = trace_open_mem("t.txt", text, sizeof(text) - 1, &tiny_chunks, &err);

	assert_non_null(t);
	assert_int_equal(trace_nclasses(t), 0);
	assert_int_equal(trace_next(t, &ev), 1);
	assert_int_equal(ev.kind, TRACE_CLASS);
	assert_int_equal(trace_nclasses(t), 1);
	assert_ptr_equal(trace_class(t, 0), ev.cls);
	assert_string_equal(ev.cls->name, "P");
	assert_int_equal(ev.cls->nslots, 2);
	assert_string_equal(ev.cls->slots[0]->name, "b");
	assert_string_equal(ev.cls->slots[1]->name, "a");
	while (trace_next(t, &ev) > 0)
		;
	/* Symbols in order of first appearance, slots included. */
	assert_int_equal(trace_nsymbols(t), 4);
	assert_string_equal(trace_symbol(t, 0)->name, "b");
	assert_string_equal(trace_symbol(t, 1)->name, "a");
	assert_string_equal(trace_symbol(t, 2)->name, "c");
	assert_string_equal(trace_symbol(t, 3)->name, "d");
	assert_null(trace_symbol(t, 4));
	assert_int_equal(trace_nclasses(t), 2);
	assert_ptr_equal(trace_class(t, 1)->base, trace_class(t, 0));
	assert_null(trace_class(t, 2));
	trace_close(t);
}

/* DESIGN 5: resolved flags and slot counts. */
static void test_resolved_flags(void **state)
{
	static const char text[] =
		"class Plain\n"				/* 0: dict + weakref */
		"class Slotted slots=a,b\n"		/* 1: neither */
		"class Hybrid slots=a dict\n"		/* 2: dict only */
		"class Sub base=Plain slots=x\n"	/* 3: inherits dict, weakref */
		"class Sub2 base=Slotted slots=c weakref\n" /* 4: weakref, 3 slots */
		"class Tup slots= varsize\n"		/* 5: varsize, empty slots */
		"class Tup2 base=Tup slots=\n"		/* 6: inherits varsize */
		"class Tup3 base=Tup2\n";		/* 7: dict, varsize */
	static const struct { uint8_t flags, eff; uint32_t nslots, total; } want[] = {
		{ 0, TRACE_CF_DICT | TRACE_CF_WEAKREF, 0, 0 },
		{ TRACE_CF_SLOTS, 0, 2, 2 },
		{ TRACE_CF_SLOTS | TRACE_CF_DICT, TRACE_CF_DICT, 1, 1 },
		{ TRACE_CF_SLOTS, TRACE_CF_DICT | TRACE_CF_WEAKREF, 1, 1 },
		{ TRACE_CF_SLOTS | TRACE_CF_WEAKREF, TRACE_CF_WEAKREF, 1, 3 },
		{ TRACE_CF_SLOTS | TRACE_CF_VARSIZE, TRACE_CF_VARSIZE, 0, 0 },
		{ TRACE_CF_SLOTS, TRACE_CF_VARSIZE, 0, 0 },
		{ 0, TRACE_CF_DICT | TRACE_CF_WEAKREF | TRACE_CF_VARSIZE, 0, 0 },
	};
	struct trace_error err;
	struct trace_event ev;
	struct trace *t = trace_open_mem("t.txt", text, sizeof(text) - 1, NULL, &err);

	assert_non_null(t);
	while (trace_next(t, &ev) > 0)
		;
	assert_int_equal(trace_error(t)->code, TRACE_OK);
	assert_int_equal(trace_nclasses(t), ARRAY_SIZE(want));
	for (uint32_t i = 0; i < ARRAY_SIZE(want); i++) {
		const struct trace_class *c = trace_class(t, i);

		assert_int_equal(c->flags, want[i].flags);
		assert_int_equal(c->eff, want[i].eff);
		assert_int_equal(c->nslots, want[i].nslots);
		assert_int_equal(c->nslots_total, want[i].total);
	}
	trace_close(t);
}

/*
 * Every class of malformed input: the code, line, column, and a piece of
 * the message that says what was expected.
 */
static const struct bad {
	const char *text;
	enum trace_errcode code;
	unsigned long line, col;
	const char *msg;
} bad_lines[] = {
	{ "frob 1\n", TRACE_ESYNTAX, 1, 1, "t.txt:1:1: expected an event (class, classattr" },
	{ "# c\n\nnew 1\n", TRACE_ESYNTAX, 3, 6, "t.txt:3:6: new: expected a class name, found end of line" },
	{ "new x A\n", TRACE_ESYNTAX, 1, 5, "new: expected an object id (unsigned integer), found 'x'" },
	{ "free -1\n", TRACE_ESYNTAX, 1, 6, "free: expected an object id (unsigned integer), found '-1'" },
	{ "free 18446744073709551616\n", TRACE_ESYNTAX, 1, 6, "found '18446744073709551616' (out of range)" },
	{ "class A\nnew 1 A\nset 1 a 9223372036854775808\n", TRACE_ESYNTAX, 3, 9,
	  "t.txt:3:9: set: expected an integer value, found '9223372036854775808' (out of range)" },
	{ "set 1 a -9223372036854775809\n", TRACE_ESYNTAX, 1, 9, "(out of range)" },
	{ "set 1 a 1x\n", TRACE_ESYNTAX, 1, 9, "set: expected an integer value, found '1x'" },
	{ "set 1 a -\n", TRACE_ESYNTAX, 1, 9, "set: expected an integer value, found '-'" },
	{ "set 1 9a 1\n", TRACE_ESYNTAX, 1, 7, "set: expected an attribute name, found '9a'" },
	{ "get 1\n", TRACE_ESYNTAX, 1, 6, "get: expected an attribute name, found end of line" },
	{ "free 1 2\n", TRACE_ESYNTAX, 1, 8, "free: expected end of line, found '2'" },
	{ "free 1 # no trailing comments\n", TRACE_ESYNTAX, 1, 8, "expected end of line, found '#'" },
	{ "new 1 Foo\n", TRACE_ECLASS, 1, 7, "new: class 'Foo' is not declared" },
	{ "class A\nsetclass 1 B\n", TRACE_ECLASS, 2, 12, "setclass: class 'B' is not declared" },
	{ "classattr X a 1\n", TRACE_ECLASS, 1, 11, "classattr: class 'X' is not declared" },
	{ "malloc 1\n", TRACE_ESYNTAX, 1, 9, "malloc: expected a size in bytes" },
	{ "calloc 1 x 8\n", TRACE_ESYNTAX, 1, 10, "calloc: expected an element count" },
	{ "realloc 1 q 8\n", TRACE_ESYNTAX, 1, 11, "realloc: expected the old block id" },
	{ "memalign 1 24 8\n", TRACE_ESYNTAX, 1, 12, "memalign: expected an alignment (a power of two), found '24'" },
	{ "memalign 1 0 8\n", TRACE_ESYNTAX, 1, 12, "expected an alignment (a power of two), found '0'" },
	{ "mfree\n", TRACE_ESYNTAX, 1, 6, "mfree: expected a block id" },
	{ "@ free 1\n", TRACE_ESYNTAX, 1, 1, "expected a thread id (unsigned 32-bit integer) after '@', found '@'" },
	{ "@x free 1\n", TRACE_ESYNTAX, 1, 1, "found '@x'" },
	{ "@4294967296 free 1\n", TRACE_ESYNTAX, 1, 1, "expected a thread id" },
	{ "@1free 1\n", TRACE_ESYNTAX, 1, 1, "found '@1free'" },
	{ "@7\n", TRACE_ESYNTAX, 1, 3, "expected an event (class" },
	{ "class\n", TRACE_ESYNTAX, 1, 6, "class: expected a class name, found end of line" },
	{ "class 1A\n", TRACE_ESYNTAX, 1, 7, "class: expected a class name, found '1A'" },
	{ "class A frob\n", TRACE_ESYNTAX, 1, 9, "class: expected a class option (slots=NAMES, dict, weakref, base=NAME, varsize), found 'frob'" },
	{ "class A dict dict\n", TRACE_ESYNTAX, 1, 14, "class: option 'dict' given twice" },
	{ "class A slots=a slots=b\n", TRACE_ESYNTAX, 1, 17, "class: option 'slots=' given twice" },
	{ "class A slots=a,,b\n", TRACE_ESYNTAX, 1, 17, "class: expected a slot name, found ','" },
	{ "class A slots=a,\n", TRACE_ESYNTAX, 1, 17, "class: expected a slot name" },
	{ "class A slots=a,b-c\n", TRACE_ESYNTAX, 1, 17, "class: expected a slot name, found 'b-c'" },
	{ "class A base=\n", TRACE_ESYNTAX, 1, 14, "class: expected a base class name" },
	{ "class B base=Nope\n", TRACE_ECLASS, 1, 14, "class: class 'Nope' is not declared" },
	{ "class A\nclass B base=A base=A\n", TRACE_ESYNTAX, 2, 16, "option 'base=' given twice" },
	{ "class A\nclass A slots=x\n", TRACE_ECLASS, 2, 7, "t.txt:2:7: class: class 'A' is already declared" },
	{ "class A slots=x,y,x\n", TRACE_ECLASS, 1, 7, "class 'A': slot 'x' is listed twice" },
	/* Rule 5: a subclass declares only new names, up the whole chain. */
	{ "class A slots=x\nclass B base=A slots=y,x\n", TRACE_ECLASS, 2, 7,
	  "t.txt:2:7: class: class 'B': slot 'x' is already a slot of base class 'A' (rule 5" },
	{ "class A slots=x\nclass B base=A slots=y\nclass C base=B slots=z,x\n", TRACE_ECLASS, 3, 7,
	  "class 'C': slot 'x' is already a slot of base class 'A'" },
	/* Rule 9: a varsize base (declared or inherited) takes only empty slots. */
	{ "class T varsize\nclass U base=T slots=a\n", TRACE_ECLASS, 2, 7,
	  "class 'U': base class 'T' has variable-size instances and accepts only empty slots (rule 9)" },
	{ "class T slots= varsize\nclass U base=T slots=\nclass V base=U slots=b\n", TRACE_ECLASS, 3, 7,
	  "base class 'U' has variable-size instances" },
	{ "class T slots= varsize\nclass U base=T slots= weakref\n", TRACE_ECLASS, 2, 7,
	  "class 'U': base class 'T' has variable-size instances and takes no weakref slot" },
	/* Only a root, or a subclass of a varsize class, may be varsize. */
	{ "class P\nclass Q slots=a base=P varsize\n", TRACE_ECLASS, 2, 7,
	  "class 'Q': varsize over fixed-size base class 'P'" },
};

static void test_malformed(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_lines); i++) {
		const struct bad *b = &bad_lines[i];

		for (int tiny = 0; tiny < 2; tiny++) {
			struct trace_error err = { 0 };
			char *dump = parse(b->text, tiny ? &tiny_chunks : NULL, &err);

			if (dump || err.code != b->code || err.line != b->line ||
			    err.col != b->col || !strstr(err.msg, b->msg))
				fail_msg("case %zu '%s': got code %d line %lu col %lu '%s'", i,
					 b->text, err.code, err.line, err.col, err.msg);
			assert_int_equal(trace_error_status(&err), 2);
			assert_int_equal(err.offset, -1);
		}
	}
}

/* What rules 5 and 9 allow is accepted. */
static void test_rules_allow(void **state)
{
	static const char text[] =
		"class A slots=x\nclass B base=A slots=y\nclass C base=B slots=\n"
		"class D base=A\nclass T varsize\nclass U base=T slots=\nclass V base=T\n"
		"class W base=V\n";
	struct trace_error err;
	char *dump = parse(text, NULL, &err);

	assert_non_null(dump);
	free(dump);
}

static void test_long_lines(void **state)
{
	size_t n = TRACE_MAX_LINE + 10;
	char *text = malloc(n + 1);
	struct trace_error err;
	char *dump;

	/* A comment of exactly the limit is fine; one byte more is not. */
	memset(text, ' ', n);
	text[0] = '#';
	text[TRACE_MAX_LINE] = '\n';
	memcpy(text + TRACE_MAX_LINE + 1, "free 1\n", 8);
	dump = parse(text, NULL, &err);
	assert_non_null(dump);
	assert_string_equal(dump, "free 1\n");
	free(dump);
	/* A class line that fits a line but leaves no room for a thread prefix. */
	{
		size_t len = (size_t)sprintf(text, "class A slots=s%018d", 0);

		for (int k = 1; len <= TRACE_MAX_CLASS_LINE; k++)
			len += (size_t)sprintf(text + len, ",s%018d", k);
		assert_true(len > TRACE_MAX_CLASS_LINE && len <= TRACE_MAX_LINE);
	}
	dump = parse(text, NULL, &err);
	assert_null(dump);
	assert_int_equal(err.code, TRACE_ELIMIT);
	assert_non_null(strstr(err.msg, "t.txt:1:7: class: class 'A': its declaration is "
			       "longer than 65520 bytes"));
	/* A header line is cut so that "# " and it still fit a line. */
	memset(text, 'h', n);
	text[0] = '#';
	text[TRACE_MAX_LINE] = '\0';
	{
		struct trace *t = trace_open_mem("t.txt", text, TRACE_MAX_LINE, NULL, &err);
		size_t len;

		assert_non_null(t);
		trace_header(t, &len);
		assert_int_equal(len, TRACE_MAX_LINE - 2 + 1);
		trace_close(t);
	}
	for (int tiny = 0; tiny < 2; tiny++) {
		memset(text, 'x', n);
		text[n] = '\0';
		dump = parse(text, tiny ? &tiny_chunks : NULL, &err);
		assert_null(dump);
		assert_int_equal(err.code, TRACE_ELIMIT);
		assert_int_equal(err.line, 1);
		assert_non_null(strstr(err.msg, "t.txt:1: line longer than 65536 bytes"));
	}
	free(text);
}

/* CRLF, tabs, runs of blanks, leading zeros and "-0" read as the canonical form. */
static void test_canonicalised(void **state)
{
	static const char text[] =
		"\tclass  K\tvarsize  base=\r\n";
	static const char text2[] =
		"class A varsize dict weakref slots=p,q\r\n"
		"new  007\tA  \r\n"
		"set 7 p -0\r\n"
		"@00 free 7";
	struct trace_error err;
	char *dump = parse(text, NULL, &err);

	assert_null(dump);
	assert_non_null(strstr(err.msg, "t.txt:1:25: class: expected a base class name, "
				"found end of line"));
	dump = parse(text2, NULL, &err);
	assert_non_null(dump);
	assert_string_equal(dump, "class A slots=p,q dict weakref varsize\nnew 7 A\n"
			    "set 7 p 0\nfree 7\n");
	free(dump);
}

static int make_tmpdir(void **state)
{
	return test_tmpdir_create("test_trace_text");
}

static int remove_tmpdir(void **state)
{
	return test_tmpdir_remove();
}

/* Reading a trace and writing it as text gives the canonical text, byte for byte. */
static void test_writer_canonical(void **state)
{
	char path[512], *out;
	struct trace_error err;
	struct trace_event ev;
	struct trace_writer *w;
	struct trace *t;

	snprintf(path, sizeof(path), "%s/out.trace", test_tmpdir);
	assert_int_equal(trace_format_for_path(path), TRACE_FMT_TEXT);
	t = trace_open_mem("t.txt", all_kinds, strlen(all_kinds), &tiny_chunks, &err);
	assert_non_null(t);
	w = trace_writer_open(path, TRACE_FMT_AUTO, trace_header(t, NULL), &err);
	assert_non_null(w);
	while (trace_next(t, &ev) > 0)
		assert_int_equal(trace_write(w, &ev), 0);
	assert_int_equal(trace_writer_events(w), 20);
	assert_int_equal(trace_writer_close(w, &err), 0);
	trace_close(t);
	out = test_slurp(path, NULL);
	assert_true(strncmp(out, "# a header line\n# second line\n", 30) == 0);
	assert_string_equal(out + 30, all_kinds_canon);

	/* The canonical text reads back to itself. */
	t = trace_open(path, NULL, &err);
	assert_non_null(t);
	assert_int_equal(trace_format(t), TRACE_FMT_TEXT);
	snprintf(path, sizeof(path), "%s/again.txt", test_tmpdir);
	w = trace_writer_open(path, TRACE_FMT_AUTO, trace_header(t, NULL), &err);
	assert_non_null(w);
	while (trace_next(t, &ev) > 0)
		assert_int_equal(trace_write(w, &ev), 0);
	assert_int_equal(trace_writer_close(w, &err), 0);
	trace_close(t);
	free(out);
	out = test_slurp(path, NULL);
	assert_string_equal(out + 30, all_kinds_canon);
	free(out);
}

static void test_event_format(void **state)
{
	struct trace_event ev = { .kind = TRACE_SET, .tid = 3, .id = 7, .value = -42 };
	struct trace_error err;
	struct trace *t = trace_open_mem("t.txt", "class P slots=level\n", 20, NULL, &err);
	char buf[64];

	assert_non_null(t);
	assert_int_equal(trace_next(t, &ev), 1);
	assert_int_equal(trace_event_format(&ev, buf, sizeof(buf)), 19);
	assert_string_equal(buf, "class P slots=level");
	assert_int_equal(trace_event_format(&ev, buf, 8), 7);
	assert_string_equal(buf, "class P");
	ev = (struct trace_event){ .kind = TRACE_SET, .tid = 3, .id = 7, .value = -42,
				   .attr = ev.cls->slots[0] };
	trace_event_format(&ev, buf, sizeof(buf));
	assert_string_equal(buf, "@3 set 7 level -42");
	ev.kind = 99;
	trace_event_format(&ev, buf, sizeof(buf));
	assert_string_equal(buf, "? kind 99");
	assert_string_equal(trace_kind_name(TRACE_MEMALIGN), "memalign");
	assert_string_equal(trace_kind_name(0), "?");
	trace_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_chunk_boundaries),
		cmocka_unit_test(test_ids_and_tables),
		cmocka_unit_test(test_resolved_flags),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_rules_allow),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_canonicalised),
		cmocka_unit_test(test_writer_canonical),
		cmocka_unit_test(test_event_format),
	};

	return cmocka_run_group_tests_name("trace_text", tests, make_tmpdir, remove_tmpdir);
}
