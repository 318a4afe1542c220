/* stack.h - the stack helper's parts: the logic (core.c), the programs
 * and the console it uses (run.c, replaced in unit tests), main.c. */
#ifndef LKMINIT_STACK_H
#define LKMINIT_STACK_H

#include "../init/init.h"

#include <signal.h>
#include <stddef.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define STACK_CRYPTSETUP "/sbin/cryptsetup"
#define STACK_LVM "/sbin/lvm"
#define STACK_MDADM "/sbin/mdadm"
#define STACK_CRYPTTAB "/etc/crypttab"
#define STACK_TRIES 3       /* passphrase tries per device */
#define STACK_MD_WAIT 5     /* s after an array's last member, then --run */
#define STACK_KEYDEV_WAIT 10 /* s for a key file's device (keyfile-timeout=) */
#define STACK_KEYDIR "/run/lkminit-key" /* where that device is mounted */

/* core.c */
/* Read the boot parameters (boot.cl) and the image's crypttab; sysroot
 * and devroot are "/sys" and "/dev" but for tests. */
void stack_init(const char *sysroot, const char *devroot,
		const char *crypttab);
/* A block device /init found with a stack signature. */
void stack_add(const struct lkm_blockdev *bd);
/* Milliseconds until stack_tick has something to do, -1 for never. */
int stack_timer_ms(void);
/* Start the md arrays still incomplete after rd.md.wait. */
void stack_tick(void);
/* What was seen and what is missing, for the failure report. */
void stack_report(void);
/* Forget every passphrase (wiped). */
void stack_wipe(void);

/* run.c: the seams */
/* Run argv (argv[0] a path) with in[0..inlen) on its standard input
 * through a pipe (none when in is NULL); its exit status, or -errno. */
int stack_run(char *const argv[], const void *in, size_t inlen);
/* Run argv (no stdin) and keep what it writes on stdout in out (size
 * bytes, NUL-terminated); its exit status, or -errno. */
int stack_output(char *const argv[], char *out, size_t size);
/* Ask on the console with echo off; the answer's length without its
 * newline, or -errno (-ENODATA at the end of input). */
int stack_ask(const char *prompt, char *buf, size_t size);
/* Wait up to ms for a uevent (0: do not wait; the first call starts
 * listening); how many came, 0 for none, or -errno. */
int stack_event_wait(int ms);
/* Mount dev read-only (nosuid, nodev, noexec) on dir, made 0700 for it;
 * 0 or -errno. */
int stack_mount(const char *dev, const char *dir, const char *type);
/* Unmount dir and remove it. */
void stack_umount(const char *dir);
/* Unmount a key device still mounted (signal-safe). */
void stack_release(void);
/* 1 while the helper brings up a layer, but for the waits for the user
 * and for a key device: SIGTERM then only sets stack_stopping, and the
 * helper stops once that layer is done (asking nothing more), so a
 * cryptsetup that has made the root is not orphaned, a key device is not
 * left mounted for the real root, and what was done is said. */
extern volatile sig_atomic_t stack_busy, stack_stopping;
/* Echo back on, if stack_ask turned it off (signal-safe). */
void stack_console_restore(void);
/* Overwrite n bytes where the compiler cannot drop it. */
void stack_bzero(void *p, size_t n);

#endif
