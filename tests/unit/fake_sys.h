/* fake_sys.h - the syscall seam replaced for unit tests, and fixtures. */
#ifndef FAKE_SYS_H
#define FAKE_SYS_H

#include <stddef.h>

struct fake_call {
	char module[64]; /* file name without .ko */
	char opts[256];
};

extern struct fake_call fake_calls[128];
extern size_t fake_ncalls;

/* Make loading the module named module (file name) fail with err. */
void fake_fail(const char *module, int err);
void fake_reset(void);
/* Position of module in the recorded calls, or -1. */
int fake_pos(const char *module);

/* A temporary directory holding files: pairs of name, content, ending
 * with NULL.  Returns the directory path (static storage). */
const char *fixture_dir(const char *const *files);
void fixture_cleanup(void);

#endif
