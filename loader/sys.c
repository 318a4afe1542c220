/* sys.c - the syscall seam.  Unit tests link their own version of this
 * file, so everything that touches the kernel's module loader is here. */
#include "internal.h"

#include <errno.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
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

/* The timeline uses CLOCK_MONOTONIC: time since boot, like the kernel
 * log's stamps (which come from another clock, local_clock, and can be
 * tens of ms apart from it under QEMU TCG; compare within one clock).
 * klibc has no clock_gettime, so on the two architectures we boot it is
 * one raw syscall; elsewhere the time of day (nothing sets the clock
 * while /init runs) measures durations. */
#if defined(__KLIBC__) && (defined(__x86_64__) || defined(__aarch64__))
static long raw_clock_gettime(long clk, struct timespec *ts)
{
#if defined(__x86_64__)
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"((long)__NR_clock_gettime), "D"(clk), "S"(ts)
			 : "rcx", "r11", "memory");
	return ret;
#else
	register long x8 __asm__("x8") = __NR_clock_gettime;
	register long x0 __asm__("x0") = clk;
	register long x1 __asm__("x1") = (long)ts;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1) : "memory");
	return x0;
#endif
}
#endif

uint64_t lkm_now_us(void)
{
	struct timespec ts;
	struct timeval tv;

#if defined(__KLIBC__) && (defined(__x86_64__) || defined(__aarch64__))
	if (raw_clock_gettime(CLOCK_MONOTONIC, &ts) == 0)
		return (uint64_t)ts.tv_sec * 1000000u +
		       (uint64_t)ts.tv_nsec / 1000u;
#elif !defined(__KLIBC__)
	if (clock_gettime(CLOCK_MONOTONIC, &ts) == 0)
		return (uint64_t)ts.tv_sec * 1000000u +
		       (uint64_t)ts.tv_nsec / 1000u;
#endif
	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}
