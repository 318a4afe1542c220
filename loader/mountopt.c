/* mountopt.c - rootflags= split into MS_* flags and filesystem data. */
#include "internal.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>

#ifndef MS_RELATIME
#define MS_RELATIME (1 << 21)
#endif
#ifndef MS_LAZYTIME
#define MS_LAZYTIME (1 << 25)
#endif
#ifndef MS_STRICTATIME
#define MS_STRICTATIME (1 << 24)
#endif

static const struct {
	const char *name;
	unsigned long set, clear;
} flag_words[] = {
	{ "ro", MS_RDONLY, 0 },
	{ "rw", 0, MS_RDONLY },
	{ "nosuid", MS_NOSUID, 0 },
	{ "suid", 0, MS_NOSUID },
	{ "nodev", MS_NODEV, 0 },
	{ "dev", 0, MS_NODEV },
	{ "noexec", MS_NOEXEC, 0 },
	{ "exec", 0, MS_NOEXEC },
	{ "sync", MS_SYNCHRONOUS, 0 },
	{ "async", 0, MS_SYNCHRONOUS },
	{ "dirsync", MS_DIRSYNC, 0 },
	{ "noatime", MS_NOATIME, 0 },
	{ "atime", 0, MS_NOATIME },
	{ "nodiratime", MS_NODIRATIME, 0 },
	{ "diratime", 0, MS_NODIRATIME },
	{ "relatime", MS_RELATIME, 0 },
	{ "norelatime", 0, MS_RELATIME },
	{ "strictatime", MS_STRICTATIME, 0 },
	{ "lazytime", MS_LAZYTIME, 0 },
	{ "nolazytime", 0, MS_LAZYTIME },
	{ "defaults", 0, 0 },
};

static int apply_word(const char *w, size_t n, unsigned long *flags)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(flag_words); k++) {
		if (strlen(flag_words[k].name) != n ||
		    strncmp(flag_words[k].name, w, n))
			continue;
		*flags = (*flags & ~flag_words[k].clear) | flag_words[k].set;
		return 1;
	}
	return 0;
}

int lkm_mount_options(const char *opts, unsigned long *flags, char *data,
		      size_t size)
{
	size_t used = 0, n;
	const char *w, *end;

	if (!size)
		return -EINVAL;
	data[0] = '\0';
	for (w = opts; w && *w; w = *end ? end + 1 : end) {
		end = strchr(w, ',');
		if (!end)
			end = w + strlen(w);
		n = (size_t)(end - w);
		if (!n || apply_word(w, n, flags))
			continue;
		if (used + n + (used ? 1 : 0) + 1 > size)
			return -E2BIG;
		if (used)
			data[used++] = ',';
		memcpy(data + used, w, n);
		used += n;
		data[used] = '\0';
	}
	return 0;
}
