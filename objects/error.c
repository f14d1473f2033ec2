// SPDX-License-Identifier: MIT
/*
 * objects/error.c - error codes and the per-thread message of the last
 * failure.
 *
 * Attribute errors are the hot kind: a replayed trace of a slot class that
 * rejects a dynamic attribute (seed 000's Student) fails millions of times.
 * So a failure only records the code, the symbol (immortal) and a copy of
 * the class name; the sentence is formatted when om_errmsg() asks for it.
 * Rarer failures (class creation) format at once.
 *
 * State per thread: code == 0 (nothing failed) -> code != 0, with either
 * a pending attribute record (formatted == false) or a finished message.
 */
#include <stdarg.h>
#include <stdio.h>

#include "objects/internal.h"

#define ERR_NAME_MAX 64

static __thread struct {
	int code;
	bool formatted;
	const struct om_sym *name;
	char cls[ERR_NAME_MAX];
	char msg[256];
} err_state;

const char *om_strerror(int err)
{
	switch (err) {
	case OM_OK:         return "success";
	case OM_ENOATTR:    return "attribute error: no such attribute";
	case OM_ENODICT:    return "attribute error: no slot of that name and no __dict__";
	case OM_ENOWEAKREF: return "type error: cannot create weak reference";
	case OM_ELAYOUT:    return "type error: object layout differs";
	case OM_EREDECL:    return "slot declared twice or already declared by a base";
	case OM_EVARSIZE:   return "type error: nonempty __slots__ on a variable-size base";
	case OM_ECONFLICT:  return "class attribute conflicts with a slot";
	case OM_EBUSY:      return "still in use";
	case OM_ENOMEM:     return "out of memory";
	case OM_EINVAL:     return "invalid argument";
	case OM_ENOENT:     return "no such profile, heap or class";
	case OM_ERANGE:     return "index out of range";
	default:            return "unknown error";
	}
}

int om_fail_attr(int err, const struct om_class *cls, const struct om_sym *name)
{
	size_t n = MIN(cls->name_len, (size_t)ERR_NAME_MAX - 1);

	err_state.code = err;
	err_state.formatted = false;
	err_state.name = name;
	memcpy(err_state.cls, cls->name, n);
	err_state.cls[n] = '\0';
	return err;
}

int om_fail(int err, const char *fmt, ...)
{
	va_list ap;

	err_state.code = err;
	err_state.formatted = true;
	va_start(ap, fmt);
	vsnprintf(err_state.msg, sizeof(err_state.msg), fmt, ap);
	va_end(ap);
	return err;
}

const char *om_errmsg(void)
{
	const char *what;

	if (!err_state.code)
		return "";
	if (err_state.formatted)
		return err_state.msg;
	switch (err_state.code) {
	case OM_ENODICT:
		what = " and no __dict__ for setting new attributes";
		break;
	case OM_ENOWEAKREF:
		snprintf(err_state.msg, sizeof(err_state.msg),
			 "cannot create weak reference to '%s' object", err_state.cls);
		err_state.formatted = true;
		return err_state.msg;
	default:
		what = "";
		break;
	}
	snprintf(err_state.msg, sizeof(err_state.msg), "'%s' object has no attribute '%s'%s",
		 err_state.cls, err_state.name ? err_state.name->name : "?", what);
	err_state.formatted = true;
	return err_state.msg;
}
