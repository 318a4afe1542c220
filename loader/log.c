/* log.c - the library's only way out: a callback the caller sets. */
#include "internal.h"

static lkm_log_fn log_fn;
static void *log_data;

void lkm_set_log(lkm_log_fn fn, void *data)
{
	log_fn = fn;
	log_data = data;
}

void lkm_log(int prio, const char *fmt, ...)
{
	va_list ap;

	if (!log_fn)
		return;
	va_start(ap, fmt);
	log_fn(log_data, prio, fmt, ap);
	va_end(ap);
}
