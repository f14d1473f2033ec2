// SPDX-License-Identifier: MIT
/*
 * bench/import/file.c - `slotslab import`: one log file into one trace.
 *
 * The formats are entries of a table (mtrace.c, heaptrack.c, rep.c), each
 * a line parser that calls the importer (common.c), which turns addresses
 * into ids.  The log is read twice (source.c opens it each time, through
 * its decompressor when compressed):
 *   1. without a writer: what the trace's header reports is counted (the
 *      format's notes, what did not match);
 *   2. with the writer, whose header is now complete: the events.
 * The trace writer makes the output appear only complete: on any failure
 * of either pass there is no output file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/import/import.h"
#include "internal/compiler.h"

const struct import_format *const import_formats[] = {
	&import_mtrace, &import_heaptrack, &import_rep, NULL,
};

const struct import_format *import_find_format(const char *name)
{
	for (size_t i = 0; import_formats[i]; i++)
		if (strcmp(name, import_formats[i]->name) == 0)
			return import_formats[i];
	return NULL;
}

/* One pass over @path into @im.  Return: 0 or -1 with @err filled. */
static int pass(const struct import_format *fmt, const char *path, struct importer *im,
		FILE *notes, struct trace_error *err)
{
	struct import_src src;
	struct trace_error cerr;
	int rc;

	if (import_src_open(&src, path, err) != 0)
		return -1;
	err->code = TRACE_OK;
	rc = fmt->run(&src, im, notes, err);
	/* A decompressor that failed explains a syntax error better than the error does. */
	if (import_src_close(&src, &cerr) != 0 && (rc == 0 || err->code == TRACE_ESYNTAX)) {
		*err = cerr;
		rc = -1;
	}
	if (rc != 0 && err->code == TRACE_OK) {
		if (im->w && trace_writer_error(im->w)->code != TRACE_OK)
			*err = *trace_writer_error(im->w);
		else
			import_fail(err, TRACE_ENOMEM, ENOMEM, path, "importing");
	}
	return rc;
}

int import_file(const struct import_format *fmt, const char *in, const char *out,
		struct import_stats *st, struct trace_error *err)
{
	struct trace_writer *w;
	struct importer im;
	char *header = NULL;
	size_t hlen;
	FILE *h;

	h = open_memstream(&header, &hlen);
	if (!h)
		goto oom;
	fprintf(h, "slotslab import --format %s %s\n", fmt->name, in);
	importer_init(&im, NULL);
	if (pass(fmt, in, &im, h, err) != 0) {
		fclose(h);
		free(header);
		importer_fini(&im);
		return -1;
	}
	importer_summary(&im, h);
	fprintf(h, "block ids are dense from 1 in order of allocation\n");
	importer_fini(&im);
	if (fclose(h) != 0 || !header) {
		free(header);
		goto oom;
	}

	w = trace_writer_open(out, TRACE_FMT_AUTO, header, err);
	free(header);
	if (!w)
		return -1;
	importer_init(&im, w);
	h = fopen("/dev/null", "w");
	if (!h || pass(fmt, in, &im, h, err) != 0) {
		if (!h)
			import_fail(err, TRACE_EIO, errno, "/dev/null", "cannot open");
		if (h)
			fclose(h);
		importer_fini(&im);
		trace_writer_abort(w);
		return -1;
	}
	fclose(h);
	*st = im.st;
	importer_fini(&im);
	return trace_writer_close(w, err);
oom:
	*err = (struct trace_error){ .code = TRACE_ENOMEM, .offset = -1, .msg = "out of memory" };
	return -1;
}
