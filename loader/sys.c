/* sys.c - the syscall seam.  Unit tests link their own version of this
 * file, so everything that touches the kernel's module loader is here. */
#include "internal.h"

#include <errno.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#ifdef __KLIBC__
/* klibc declares these in <sys/module.h> on some versions only. */
int finit_module(int fd, const char *param_values, int flags);
int init_module(void *image, unsigned long len, const char *param_values);

int lkm_sys_finit_module(int fd, const char *opts, int flags)
{
	return finit_module(fd, opts, flags) ? -errno : 0;
}

int lkm_sys_init_module(void *image, unsigned long len, const char *opts)
{
	return init_module(image, len, opts) ? -errno : 0;
}
#else
int lkm_sys_finit_module(int fd, const char *opts, int flags)
{
	return syscall(SYS_finit_module, fd, opts, flags) ? -errno : 0;
}

int lkm_sys_init_module(void *image, unsigned long len, const char *opts)
{
	return syscall(SYS_init_module, image, len, opts) ? -errno : 0;
}
#endif

/* klibc has no clock_gettime.  Nothing sets the clock while /init runs,
 * so the time of day serves for durations. */
uint64_t lkm_now_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}
