// SPDX-License-Identifier: MIT
/*
 * bench/cli/cmd_pyrecord.c - `slotslab pyrecord -o FILE [--at WHEN] -- PYTHON
 * SCRIPT [ARGS...]`: run a Python program under our recorder script and
 * write the object-level trace of its user-defined objects (the work:
 * pyrecord_run(), bench/import/pyrecorder.c).
 */
#include <stdio.h>
#include <string.h>

#include "bench/cli/cli.h"
#include "bench/import/import.h"

static void pyrecord_usage(FILE *f)
{
	fprintf(f,
		"usage: slotslab pyrecord -o FILE [--at exit|peak|signal:NAME] -- PYTHON SCRIPT [ARGS...]\n\n"
		"Run SCRIPT unchanged (as __main__, sys.argv = [SCRIPT, ARGS...]) with PYTHON and\n"
		"write an object-level trace of the program's own objects: every user-defined\n"
		"class (name, base, declared __slots__, dict, weakref, variable-size base, class\n"
		"attributes), the live instances with their attributes in their dict's order,\n"
		"and the weak references taken to them.  The header names the interpreter\n"
		"('# python: cpython 3.11.7') and the moment ('# moment: exit').  `slotslab\n"
		"advise FILE` says what __slots__ would save; `slotslab info`/`replay` read it.\n"
		"FILE is text when its name ends in .txt or .trace, else binary.\n\n"
		"User-defined: classes of __main__ and of modules outside the interpreter's\n"
		"stdlib and site-packages.  Instances of C extension types, dicts that are not\n"
		"dicts, names that are not identifiers are counted (stderr and '# pyrecord: odd'\n"
		"header lines), never guessed.  Works with CPython 2.7 and 3.6-3.13 and PyPy.\n\n"
		"  -o FILE        the trace (required)\n"
		"  --at exit      when SCRIPT ends, also by an exception or sys.exit (default)\n"
		"  --at peak      at the most live user-defined instances, sampled: every 10 ms\n"
		"                 of CPU time or more (10x what one count cost, so counting\n"
		"                 takes at most ~10 %%) the live instances are counted; a new\n"
		"                 highest count is snapshotted when it is 10 %% above the last\n"
		"                 snapshot or recording has cost under half the program's CPU\n"
		"                 time.  Error: a peak shorter than the interval (the header\n"
		"                 says it) is missed, and the snapshot may hold up to 10 %%\n"
		"                 fewer instances than the highest count (stderr says so)\n"
		"  --at signal:NAME  at each signal NAME (e.g. USR1) sent to slotslab or to\n"
		"                 PYTHON (the last one wins; one that comes before the\n"
		"                 recorder has started is ignored); at exit if none came\n"
		"  -h, --help     this text\n\n"
		"Cost, measured (CPU time user+sys and peak RSS of the whole run against the\n"
		"program alone, medians of 5 alternated rounds pinned to one of 2 shared\n"
		"cores, the other loaded (load average 1.9-2.3); scripts/slotbench/\n"
		"pyrecord_cost.py): the program runs unchanged; the snapshot reads every\n"
		"object's type once, then the instances in C loops, one pass each where it\n"
		"can (under CPython 3.11-3.13 a dict class's instances from their values,\n"
		"no dict made), and writes each one's shape number, from which slotslab\n"
		"writes the events in C: ~0.2-0.3 us of CPU per instance (~0.5 us more for\n"
		"each one checked for a dict of its own; a few ns with the C helper under\n"
		"CPython 3.11-3.13), plus ~13-16 ms to start and end\n"
		"(slotslab's own part ~3.5 ms: the interpreter is started by posix_spawn,\n"
		"a fork cost ~3 ms more; the recorder's bytecode is cached beside it, even\n"
		"under PYTHONDONTWRITEBYTECODE).  Programs that only build their objects\n"
		"(make bench's and tests/advise's, 4 000 to 262 000 instances): 1.27-1.70x CPU\n"
		"under CPython 3.8, 1.21-1.80x under 3.10, 1.24-1.57x under 3.11,\n"
		"1.37-1.87x under 3.12 and 1.34-2.01x under 3.13; the most for programs of\n"
		"~50 ms (the start) and for instances with dicts of their own (each\n"
		"checked: tests/advise's kwargs 1.87x under 3.12, 1.92-2.01x under 3.13,\n"
		"at the 2x goal; swap, ~50 ms with 10 000 instances whose class changed,\n"
		"1.96x under 3.13); with __slots__ 1.20-1.93x, and 1.58-2.55x under PyPy\n"
		"(its gc.get_objects() alone ~0.4-0.8 us an object); peak RSS 1.0-1.21x under 3.8 and 3.10, 1.0-1.27x\n"
		"under 3.11-3.13 (with __slots__ up to 1.43x), 1.1-1.5x under PyPy.  The\n"
		"machine's load moves these by up to 0.15x between series.  A program that\n"
		"does more than build its objects pays the same absolute cost, a smaller\n"
		"factor.  Measured again after these figures (2026-12-06 08:26-08:30 UTC, CPU 1\n"
		"pinned, load average 3.7-4.2, medians of 11 alternated, before -> after):\n"
		"a trivial script 1.60x -> 1.42x under 3.13, 1.61x -> 1.53x under 3.12;\n"
		"swap 1.99x -> 1.90x (3.13), 1.83x -> 1.77x (3.12); kwargs 1.95x -> 1.97x\n"
		"(3.13) and 1.88x -> 1.91x (3.12), the same within the load's noise;\n"
		"rare_advised (~80 ms, slots) 1.90x -> 1.81x (3.13).  At a load of 2.1\n"
		"(08:38 UTC), under 3.13: trivial 1.55x -> 1.48x, swap 1.92x -> 1.80x,\n"
		"kwargs 1.95x -> 1.90x, rare_advised 1.86x -> 1.77x; under 3.11 swap\n"
		"1.38x -> 1.37x, kwargs 1.56x -> 1.60x.  Again (11:03-11:07 UTC, load\n"
		"1.6-1.8, 15 rounds, after the dict checks' marks were set in one pass and\n"
		"slots some instances lack read by one attrgetter): under 3.13 kwargs\n"
		"1.95x -> 1.82x, swap 1.94x -> 1.89x, rare_advised 1.83x -> 1.65x, an empty\n"
		"script 1.45x -> 1.49x (~0.5 ms more: the recorder's larger bytecode);\n"
		"under 3.12 kwargs 1.90x -> 1.81x, rare_advised 1.84x -> 1.63x.  With the\n"
		"C helper (below; 16:21-16:26 UTC, load 3.6-4.6, 11 rounds, main's recorder\n"
		"-> this one): under 3.13 kwargs 1.77x -> 1.51x, swap 1.73x -> 1.58x, bench\n"
		"myclass 1.55x -> 1.47x, an empty script 1.50x -> 1.47x, every tests/advise\n"
		"and make bench program 1.23-1.77x (9 rounds); under 3.12 kwargs 1.81x ->\n"
		"1.50x, swap 1.68x -> 1.61x; under 3.11 kwargs 1.60x -> 1.42x.\n"
		"--at peak adds ~10 %% for counting plus its snapshots.\n\n"
		"A snapshot has no history: an instance whose __class__ was reassigned is\n"
		"recorded under its final class only, except under CPython 3.13, whose\n"
		"instances show it (their values detached: a 'setclass' event after the\n"
		"names); the order in which attributes were first added across instances is\n"
		"inferred (pyrecord/README.md).\n\n"
		"The recorder is $SLOTSLAB_PYRECORD, else ../pyrecord/ or ../../pyrecord/ from\n"
		"this program (a build tree), else ../share/slotslab/ (an installed PREFIX/bin).\n"
		"Its C helper (libslotslab-pyscan.so, CPython 3.11-3.13: the dict checks and\n"
		"the shapes' byte loops) is $SLOTSLAB_PYSCAN, else the one beside this program\n"
		"or in ../share/slotslab/, passed to the recorder in $SLOTSLAB_PYSCAN (not to\n"
		"the program); without it the recorder's Python path writes the same trace.\n\n"
		"Exit status: 0; when SCRIPT failed (its trace up to the failure is still\n"
		"written) its own: 1 for an uncaught exception, N for sys.exit(N), 128 + the\n"
		"signal that ended it; 1 when the recording failed; 2 for bad usage (no\n"
		"trace written).\n");
}

int cmd_pyrecord(int argc, char **argv)
{
	struct pyrecord_opts o = { .at = "exit" };
	struct recorder_failure f;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			pyrecord_usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			o.out = argv[++i];
		} else if (strcmp(argv[i], "--at") == 0 && i + 1 < argc) {
			o.at = argv[++i];
		} else {
			cli_error("pyrecord", "unknown option or missing value '%s'", argv[i]);
			pyrecord_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!o.out || argc - i < 2) {
		cli_error("pyrecord", "wants -o FILE and, after --, PYTHON SCRIPT [ARGS...]");
		pyrecord_usage(stderr);
		return EXIT_USAGE;
	}
	o.argv = &argv[i];
	rc = pyrecord_run(&o, &f);
	if (rc && f.msg[0])
		cli_error("pyrecord", "%s", f.msg);
	return rc;
}
