/* init.h - what the files of /init share. */
#ifndef LKMINIT_INIT_H
#define LKMINIT_INIT_H

#include "../loader/lkm.h"

#include <sys/reboot.h>
#define RB_AUTOBOOT_CMD RB_AUTOBOOT

#ifndef LKMINIT_VERSION
#define LKMINIT_VERSION "0"
#endif

struct nodisk;

struct boot {
	struct lkm_cmdline cl;
	struct lkm_index *ix; /* NULL when the image has no modules */
	struct lkm_loader *ld; /* loads in the background; NULL without ix */
	char **argv;          /* as the kernel gave them to /init */
	char kver[65];
	uint64_t t0;          /* when /init started */
	uint64_t t0_real;     /* the same, in wall-clock microseconds */
	int debug, quiet;
	int panic, has_panic;
	unsigned nmodules;
	char *root_dev, *root_type;
	int root_ro;
	const struct nodisk *nodisk; /* a root that is not a block device */
};

extern struct boot boot;

/* log.c: "lkminit: ..." to /dev/kmsg and, by priority, the console. */
void say(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vsay(int prio, const char *fmt, va_list ap);

/* fail.c */
void boot_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void do_reboot(int how);
/* Sleep s seconds, whatever signals come. */
void sleep_s(unsigned s);

/* early.c: mount /proc /sys /dev /run; 0, 1 and 2 on the console. */
void setup_early(void);
void open_console(void);

/* A timeline record: stage NAME begins now. */
void stage(const char *name);
/* Lift /dev/kmsg's rate limit for /init's messages (1), put it back (0). */
void devkmsg_unlimit(int on);

/* Queue a plan on boot.ld (rd.loader.jobs at once), reported as what. */
void run_plan(struct lkm_plan *plan, const char *what);
/* Wait for module i to end; for every queued module when i < 0. */
void modules_wait(int i);

/* store.c: the image's store of files only some boots need (a squashfs
 * the kernel reads on demand), mounted when a plan needs one of its
 * modules, or when store_mount() is called; 0 when it is there. */
int store_mount(void);
void store_need(const struct lkm_plan *plan);
void store_umount(void);

void log_open(void);

/* cmdline.c */
/* Parse /etc/lkminit.conf's CMDLINE and /proc/cmdline into boot.cl. */
int read_cmdline(void);
/* A value of the image's /etc/lkminit.conf (malloc'd), NULL if absent. */
char *image_conf(const char *key);

/* modules.c: the module rounds before the root is looked for. */
void load_modules(void);

/* mountroot.c: wait for root= (boot_fail() when it never comes), mount it
 * on /root. */
void wait_root(struct lkm_blockdev *found);
void mount_root(const struct lkm_blockdev *bd);
/* rootflags= into data (the filesystem's part) and MS_* flags, with
 * ro/rw applied; boot_fail() when it does not fit. */
unsigned long root_flags(char *data, size_t size);

/* A root that is not a block device, waited for and mounted by
 * mountroot.c's loop: a host directory (hostdir.c: 9p, virtiofs) or NFS
 * (netroot.c). */
struct nodisk {
	int (*ready)(void);  /* 1 once its device or interface is there */
	void (*missing)(const char *spec, long timeout)
		__attribute__((noreturn));
	void (*mount)(void); /* on /root, or boot_fail() */
};

/* The kind root= and rootfstype= ask for, or NULL for a block device. */
const struct nodisk *hostdir_root(const char *spec);
const struct nodisk *netroot_root(const char *spec);

/* overlay.c: rd.overlay's tmpfs over the mounted root. */
void overlay_root(void);

/* modprobe.c: /init as the kernel's modprobe while it runs. */
int modprobe_main(int argc, char **argv);
void modprobe_helper_install(void);
void modprobe_helper_restore(void);

/* run.c: hooks, rd.break, the shell, fsck. */
int run_wait(char *const argv[], int tty);
int have_shell(void);
void run_shell(const char *why);
/* Boot hooks of a stage, then rd.break's shell if it names the stage. */
void stage_point(const char *name);
/* fsck the root before a rw mount, when the image has the checker. */
void check_root(const char *dev, const char *type);

/* devices.c */
void devices_start(void);
void devices_stop(void);
void devices_coldplug(const char *const *extra, size_t nextra);
unsigned devices_settle(int ms);
void devices_load_fs(const char *type);
void devices_report_unmatched(void);

/* stack.c: the stacking step.  Hand bd to the stack helper when it is a
 * LUKS, LVM or md member not handed over yet (the helper is started with
 * the first); on a new dm device that resume= names, resume_try() first. */
void stack_see(const struct lkm_blockdev *bd);
/* Microseconds spent waiting for a passphrase so far: not boot time. */
uint64_t stack_paused(void);
/* The helper's part of the failure report, then stop it. */
void stack_report(void);
/* Stop the helper (term: now, whatever it waits for). */
void stack_stop(int term);

/* diag.c: explain a root that never came, then boot_fail(). */
void root_missing(const char *spec, long timeout) __attribute__((noreturn));

/* resume.c: resume from the hibernation image resume= names.
 * resume_try: the device devname ("dm-0" or "/dev/dm-0") appeared and is
 * the one resume= names (the stack step calls it for dm devices): if it
 * holds an image, resume, and never return; 0 when there is none (or
 * noresume, or it was tried already), -errno when resuming failed.
 * resume_check: wait up to rd.resume.timeout for the device, then try it;
 * called before the root is mounted. */
int resume_try(const char *devname);
void resume_check(void);

/* keymap.c: the image's console keymap, when it has one. */
void keymap_load(void);

/* switchroot.c */
void switch_root_and_exec(const char *newroot) __attribute__((noreturn));

#endif
