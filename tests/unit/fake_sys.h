/* fake_sys.h - the syscall seam replaced for unit tests, and fixtures. */
#ifndef FAKE_SYS_H
#define FAKE_SYS_H

#include <stddef.h>
#include <stdint.h>

struct fake_call {
	char module[64];   /* file name without .ko..., or modinfo name= */
	char opts[256];
	int flags;         /* finit_module flags; -1 for init_module */
	size_t image_len;  /* init_module only */
	uint64_t seq_start, seq_end; /* order of events across workers */
};

/* In shared memory, so calls made by forked workers are seen too. */
struct fake_state {
	struct fake_call calls[128];
	size_t ncalls;
	uint64_t seq;
	struct {
		char module[64];
		int err;
	} fails[16];
	size_t nfails;
	unsigned delay_us; /* each load takes this long */
	/* a load of module hold ends only once released is set (10 s at
	 * most): an order a test needs, whatever the machine's load */
	char hold[64];
	int released;
};

extern struct fake_state *fake;

/* The loader's messages since fake_log_start, one "<PRIO>text" line each
 * (truncated when full). */
extern char fake_log[16384];
/* Empty fake_log and send the loader's messages there. */
void fake_log_start(void);

/* Make loading the module named module (file name) fail with err. */
void fake_fail(const char *module, int err);
void fake_reset(void);
/* Position of module in the recorded calls, or -1. */
int fake_pos(const char *module);
/* The recorded call of module (must exist). */
const struct fake_call *fake_call_of(const char *module);

/* A temporary directory holding files: pairs of name, content, ending
 * with NULL.  Returns the directory path (static storage). */
const char *fixture_dir(const char *const *files);
/* Write a file of len bytes into the current fixture directory. */
void fixture_write(const char *name, const void *data, size_t len);
void fixture_cleanup(void);

/* A minimal relocatable ELF whose .modinfo holds the given NUL-separated
 * strings (modinfo_len bytes); malloc'd, length in *len. */
unsigned char *fake_elf(int is64, int big, const char *modinfo,
			size_t modinfo_len, size_t *len);

#endif
