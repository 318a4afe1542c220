/* lkm.h - the whole public API of the lkminit loader library.
 *
 * Every function returns 0 (or a count) on success and a negative errno on
 * failure.  Nothing here exits or prints: messages go to the callback set
 * with lkm_set_log().
 */
#ifndef LKM_H
#define LKM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---- logging ---------------------------------------------------------- */

/* Priorities are syslog's, so they can be written to /dev/kmsg as they are. */
enum {
	LKM_LOG_ERR = 3,
	LKM_LOG_WARNING = 4,
	LKM_LOG_NOTICE = 5,
	LKM_LOG_INFO = 6,
	LKM_LOG_DEBUG = 7,
};

typedef void (*lkm_log_fn)(void *data, int prio, const char *fmt, va_list ap);

/* Send the library's messages to fn; NULL discards them. */
void lkm_set_log(lkm_log_fn fn, void *data);

/* Microseconds on CLOCK_MONOTONIC: since boot, near the kernel log's
 * stamps but not the same clock (time of day where klibc cannot reach
 * it). */
uint64_t lkm_now_us(void);

/* Read a whole file into a malloc'd buffer with a NUL after its *len
 * bytes. */
int lkm_read_file(const char *path, char **buf, size_t *len);

/* The value of KEY=VALUE or KEY="VALUE" in a shell-style config text such
 * as /etc/lkminit.conf, copied to out.  -ENOENT if absent, -E2BIG if it
 * does not fit. */
int lkm_conf_value(const char *text, const char *key, char *out,
		   size_t size);

/* ---- names ------------------------------------------------------------ */

/* Module and parameter names: '-' and '_' are the same character. */
int lkm_name_eq(const char *a, const char *b);
int lkm_name_eqn(const char *a, const char *b, size_t n);
/* Rewrite '-' to '_' in place, the spelling the kernel reports. */
void lkm_name_normalize(char *name);

/* ---- kernel command line ---------------------------------------------- */

struct lkm_param {
	const char *key;
	const char *val; /* NULL when the word has no '=' */
};

struct lkm_cmdline {
	char *buf;               /* owned copy the params point into */
	struct lkm_param *params;
	size_t n;                /* words before a lone "--" */
	size_t n_all;            /* all words, those after "--" included */
};

/* Split s (len bytes, need not be NUL-terminated) into words by the
 * kernel's own rules (next_arg in kernel/params.c): double quotes group,
 * a quote around a whole word or a value is removed. */
int lkm_cmdline_parse(struct lkm_cmdline *cl, const char *s, size_t len);
void lkm_cmdline_free(struct lkm_cmdline *cl);
/* The value of the last "key=..." word, or NULL. */
const char *lkm_cmdline_value(const struct lkm_cmdline *cl, const char *key);
/* 1 if key appears, with or without a value. */
int lkm_cmdline_has(const struct lkm_cmdline *cl, const char *key);
/* Position of the last word named key, or -1: which of "ro" and "rw"
 * came last decides. */
long lkm_cmdline_last_index(const struct lkm_cmdline *cl, const char *key);
/* Options for module mod from its "mod.param=value" words only, in the
 * form finit_module takes ("p=v q=\"a b\""); *out is malloc'd, "" if none.
 * lkm_module_options gives the full set. */
int lkm_cmdline_module_options(const struct lkm_cmdline *cl, const char *mod,
			       char **out);

/* ---- module indexes --------------------------------------------------- */

struct lkm_index;

enum lkm_mod_state {
	LKM_MOD_NEW = 0,
	LKM_MOD_LOADED,   /* inserted now, or already live (EEXIST) */
	LKM_MOD_BUILTIN,
	LKM_MOD_FAILED,
	LKM_MOD_SKIPPED,  /* a hard dependency failed */
	LKM_MOD_RUNNING,  /* being loaded by a worker */
};

/* Read modules.dep, modules.softdep, modules.alias and modules.builtin
 * from dir (e.g. /lib/modules/$KVER).  modules.dep is required. */
int lkm_index_load(struct lkm_index **ix, const char *dir);
void lkm_index_free(struct lkm_index *ix);
size_t lkm_index_count(const struct lkm_index *ix);
const char *lkm_index_name(const struct lkm_index *ix, size_t i);
/* Index of the module called name, or -ENOENT. */
int lkm_index_find(const struct lkm_index *ix, const char *name);
/* Mark the modules that /proc/modules (its text) lists as live. */
void lkm_index_note_live(struct lkm_index *ix, char *proc_modules);
/* How many modules a name or modalias would load (0: none in the image). */
int lkm_index_matches(const struct lkm_index *ix, const char *name);
/* The first of them, or -ENOENT. */
int lkm_index_first_match(const struct lkm_index *ix, const char *name);
/* 1 if a command-line blacklist names the module. */
int lkm_index_cmd_blacklisted(const struct lkm_index *ix, const char *name);
/* The modules that provide a filesystem (an "fs-TYPE" alias), up to max
 * of them into names; returns how many there are in all. */
size_t lkm_index_filesystems(const struct lkm_index *ix, const char **names,
			     size_t max);
enum lkm_mod_state lkm_index_state(const struct lkm_index *ix, size_t i);

struct lkm_modinfo {
	const char *name;
	const char *path;         /* relative to the index directory */
	enum lkm_mod_state state;
	int err;                  /* -errno when state is LKM_MOD_FAILED */
	uint64_t start_us, end_us; /* of its load, lkm_now_us() clock */
};

int lkm_index_info(const struct lkm_index *ix, size_t i,
		   struct lkm_modinfo *info);

/* Read modprobe.d configuration below root ("" or NULL for /): *.conf in
 * /etc/modprobe.d, /run/modprobe.d, /usr/local/lib/modprobe.d,
 * /usr/lib/modprobe.d, /lib/modprobe.d, in file-name order, a name in an
 * earlier directory hiding the same name in a later one.  Call after
 * lkm_index_load. */
int lkm_index_load_config(struct lkm_index *ix, const char *root);
/* Take module options and blacklists (modprobe.blacklist=,
 * module_blacklist=, rd.driver.blacklist=) from cl, which must outlive ix. */
int lkm_index_set_cmdline(struct lkm_index *ix, const struct lkm_cmdline *cl);
/* The option string module i is loaded with (malloc'd): modprobe.d
 * options, then MOD.PARAM=VALUE, then MOD=VALUE when the module declares
 * a parameter named MOD; the last value of a parameter wins. */
int lkm_module_options(struct lkm_index *ix, size_t i, char **out);
/* The names of rd.driver.pre= and rd.modules= (comma lists), in order. */
int lkm_cmdline_forced(const struct lkm_cmdline *cl, char ***names,
		       size_t *n);
void lkm_strv_free(char **v, size_t n);

/* ---- .modinfo -------------------------------------------------------- */

/* Called for each "key=value" of .modinfo; klen is the key's length and
 * value is NUL-terminated.  Return 0 to go on, 1 to stop, -errno to fail. */
typedef int (*lkm_modinfo_fn)(void *ctx, const char *key, size_t klen,
			      const char *value);

/* Walk the .modinfo section of a module's ELF image (32 or 64 bit, either
 * byte order).  -ENOEXEC when the image is not a sound ELF file, -ENOENT
 * when it has no .modinfo. */
int lkm_modinfo_parse(const void *image, size_t len, lkm_modinfo_fn fn,
		      void *ctx);
/* 1 if the module declares parameter param ('-' and '_' alike), 0 if not,
 * -errno when the image is unreadable. */
int lkm_modinfo_has_param(const void *image, size_t len, const char *param);

/* ---- planning --------------------------------------------------------- */

struct lkm_plan {
	size_t *order; /* module indexes, each after what it needs */
	size_t n;
};

/* Order the named modules (names or aliases) and everything they need:
 * modules.dep dependencies and softdep pre: entries before a module,
 * post: entries after it.  Unknown names, missing dependencies and cycles
 * are reported and left out; the rest is still planned. */
int lkm_plan_modules(struct lkm_index *ix, const char *const *names,
		     size_t n, struct lkm_plan *plan);
/* Plan every module of the index, in modules.dep order. */
int lkm_plan_all(struct lkm_index *ix, struct lkm_plan *plan);
void lkm_plan_free(struct lkm_plan *plan);

/* ---- loading ---------------------------------------------------------- */

struct lkm_load_stats {
	unsigned loaded, failed, skipped, builtin;
	uint64_t usec; /* wall time of the whole plan */
};

/* Load the module at index i with options opts ("" for none).
 * 0 when it is live afterwards (EEXIST counts), else -errno. */
int lkm_module_load(struct lkm_index *ix, size_t i, const char *opts);

/* Load a plan, up to jobs modules at a time (1: one by one in plan
 * order), each as soon as its dependencies are live and its pre:
 * softdeps have been tried, with lkm_module_options.  A module whose
 * hard dependency failed is skipped; a failure never stops the rest.
 * Messages come after the whole plan, in plan order.  Each load is logged at LKM_LOG_DEBUG as a
 * timeline record (see README, "Boot timeline"):
 *   timeline module=NAME start=S.UUUUUU end=S.UUUUUU result=ok|ERRNAME opts="..." */
int lkm_load_plan(struct lkm_index *ix, const struct lkm_plan *plan,
		  unsigned jobs, struct lkm_load_stats *st);
/* Loading in the background: plans are queued as they come, and each
 * module starts as soon as what it needs is live, whatever plan it came
 * in.  A plan is reported (as lkm_load_plan does, then "WHAT: loaded N in
 * T ms (F failed, S skipped)" when what is not NULL) once all of its
 * modules have ended. */
struct lkm_loader;
int lkm_loader_new(struct lkm_loader **l, struct lkm_index *ix, unsigned jobs);
/* Queue the modules of plan (copied: the caller frees plan). */
int lkm_loader_add(struct lkm_loader *l, const struct lkm_plan *plan,
		   const char *what);
/* Collect ended loads (with block, wait for one if any runs), start what
 * has become ready; returns how many plans are not done yet (0 too, with
 * block, when nothing runs and nothing more can start). */
size_t lkm_loader_run(struct lkm_loader *l, int block);
/* Readable when a load has ended: poll it with other fds. */
int lkm_loader_fd(const struct lkm_loader *l);
/* Totals of the plans reported so far. */
const struct lkm_load_stats *lkm_loader_stats(const struct lkm_loader *l);
/* Wait for the workers of the loads counted done when their module went
 * live: they are in the kernel until its asynchronous jobs end, and a
 * hibernation image is resumed only once no task is. */
void lkm_loader_settle(struct lkm_loader *l);
/* Wait for every running load to end, then free. */
void lkm_loader_free(struct lkm_loader *l);
/* The default for jobs: LKM_JOBS_PER_CPU loads per online CPU, at most
 * LKM_JOBS_MAX.  More loads than CPUs, because a load spends much of its
 * time asleep in the kernel (a probe waiting on its device): under QEMU
 * with 2 CPUs, 4 at once finished the module phase 13% sooner than 2,
 * and 8 was no better than 4 (README, rd.loader.jobs). */
#define LKM_JOBS_PER_CPU 2
#define LKM_JOBS_MAX 32
unsigned lkm_default_jobs(void);
/* The CPUs in a sysfs CPU list such as "0-3,5" (at least 1). */
unsigned lkm_cpu_count(const char *list);

/* What a load errno means for a module, in words. */
const char *lkm_load_strerror(int err);

/* ---- devices --------------------------------------------------------- */

typedef void (*lkm_alias_fn)(void *ctx, const char *modalias);

/* Call fn with the modalias of each device under sysroot/bus/WHAT/devices
 * that has no driver bound yet. */
int lkm_coldplug(const char *sysroot, lkm_alias_fn fn, void *ctx);

/* The modalias of the virtio disk device (block, or a SCSI host) a
 * virtio PCI function (pci_alias) will present once virtio_pci drives it
 * ("virtio:d00000008v00001AF4"), into out: its driver can then load with
 * virtio_pci instead of after it.  -EINVAL for any other device. */
int lkm_virtio_modalias(const char *pci_alias, char *out, size_t size);

struct lkm_uevent {
	const char *action, *devpath, *subsystem, *modalias, *devname, *devtype;
};

/* Parse a kernel uevent ("ACTION@DEVPATH\0KEY=VALUE\0..."); the fields
 * point into buf (NULL when absent).  -EINVAL when it is not one. */
int lkm_uevent_parse(const char *buf, size_t len, struct lkm_uevent *ev);
/* A non-blocking NETLINK_KOBJECT_UEVENT socket on the kernel's group. */
int lkm_uevent_open(void);
/* Receive one event from the kernel into buf; -EAGAIN when there is none,
 * -ENOBUFS when some were lost (rescan). */
int lkm_uevent_recv(int fd, char *buf, size_t size, struct lkm_uevent *ev);

/* ---- filesystems and root= ------------------------------------------- */

/* What blkid would say of a filesystem: TYPE, UUID and LABEL, spelt the
 * way blkid spells them (vfat's UUID is "ABCD-EF01", iso9660's is its
 * modification time, else its creation time, "2024-01-02-03-04-05-00";
 * squashfs has none). */
struct lkm_fsinfo {
	/* ext2 ext3 ext4 xfs btrfs vfat f2fs squashfs iso9660, and what a
	 * stack starts with: linux_raid_member LVM2_member crypto_LUKS swap
	 * swsuspend (a hibernation image in swap) */
	char type[24];
	char uuid[40];   /* md: the array's; LVM: the PV's, with its dashes */
	char label[256]; /* UTF-8; md: the array's name */
	char version[16]; /* blkid's VERSION of the stack types: "1.2", "2" */
	char subsystem[48]; /* LUKS2 */
};

/* Recognise the filesystem (or stack member, or swap) on an open block
 * device (or image file) from its superblock, as blkid would: an md member
 * is named as one even where its RAID1 data shows a filesystem.  0 when
 * recognised; -ENOENT when nothing known is there; -EIO (or another
 * -errno) when it cannot be read. */
int lkm_probe_fs(int fd, struct lkm_fsinfo *fi);
/* Swap or a hibernation image ("swsuspend") whose first page is at byte
 * off (resume_offset pages into the device, for a swap file).  0 when
 * one of them is there, -ENOENT when neither is. */
int lkm_probe_swap(int fd, uint64_t off, struct lkm_fsinfo *fi);

/* ---- partition tables ------------------------------------------------ */

struct lkm_partinfo {
	unsigned number;    /* 1-based, as the kernel names sdaN / nvme0n1pN */
	char uuid[40];      /* GPT: the partition's unique GUID, lower case;
			     * MBR: "ssssssss-nn" (disk signature, number) */
	char label[160];    /* GPT partition name as UTF-8; "" on MBR */
	uint64_t start;     /* first sector, in units of the sector size */
	uint64_t sectors;
};

struct lkm_parttable {
	char type[8];          /* "gpt" or "dos" */
	char disk_uuid[40];    /* GPT disk GUID, or the MBR signature "ssssssss" */
	size_t n;
	struct lkm_partinfo part[128];
};

/* Read the GPT (preferred, protective MBR checked) or MBR table (with
 * logical partitions of an extended one numbered from 5) of a whole disk.
 * sector_size 0 asks the device (BLKSSZGET), falling back to 512.
 * 0 on success, -ENOENT when the disk has no partition table. */
int lkm_read_partitions(int fd, unsigned sector_size, struct lkm_parttable *pt);

enum lkm_root_kind {
	LKM_ROOT_NONE = 0,
	LKM_ROOT_DEVNAME,   /* /dev/sda1 */
	LKM_ROOT_DEVNUM,    /* 8:1, or the kernel's hex 801 */
	LKM_ROOT_UUID,      /* UUID=, /dev/disk/by-uuid/ */
	LKM_ROOT_LABEL,     /* LABEL=, /dev/disk/by-label/ */
	LKM_ROOT_PARTUUID,  /* PARTUUID= (GPT, or MBR ssssssss-nn), by-partuuid */
	LKM_ROOT_PARTLABEL, /* PARTLABEL=, /dev/disk/by-partlabel/ */
};

struct lkm_rootspec {
	enum lkm_root_kind kind;
	char value[256];
	unsigned major, minor; /* LKM_ROOT_DEVNUM */
	int partnroff;         /* PARTUUID=.../PARTNROFF=N */
};

/* Parse root= in any of its forms; -EINVAL when it is none of them. */
int lkm_rootspec_parse(const char *s, struct lkm_rootspec *rs);

struct lkm_blockdev {
	char name[64];          /* as in /sys/class/block: sda1 */
	char parent[64];        /* the disk of a partition, else "" */
	unsigned major, minor;
	unsigned partition;     /* its number, 0 for a whole disk */
	struct lkm_fsinfo fs;   /* type "" when not recognised */
	char partuuid[40];
	char partlabel[160];
	char dmname[128];       /* dm-N: its device-mapper name; mdN: its
				 * name under devroot/md/; else "" */
};

/* 1 if bd is the device rs names (UUID and PARTUUID in any case).  A
 * /dev/ name matches a dm or md device by its other names too:
 * /dev/mapper/NAME, /dev/VG/LV (dm name VG-LV, '-' doubled inside each),
 * /dev/md/NAME, and /dev/mdN for /dev/md/N. */
int lkm_rootspec_match(const struct lkm_rootspec *rs,
		       const struct lkm_blockdev *bd);
/* What is known of the block device called name. */
int lkm_blockdev_read(const char *sysroot, const char *devroot,
		      const char *name, struct lkm_blockdev *bd);
/* Every block device of sysroot/class/block, probed; *out is malloc'd. */
int lkm_blockdevs(const char *sysroot, const char *devroot,
		  struct lkm_blockdev **out, size_t *n);
/* The position in v of the device rs names, or -ENOENT. */
int lkm_find_root(const struct lkm_blockdev *v, size_t n,
		  const struct lkm_rootspec *rs);
/* Create devroot/disk/by-{uuid,label,partuuid,partlabel}/ links to bd,
 * names escaped as udev does (\xHH). */
void lkm_blockdev_link(const char *devroot, const struct lkm_blockdev *bd);

/* resume from hibernation: resume= (any form root= takes), resume_offset=
 * (a swap file's first page, in pages), noresume, rd.resume.timeout=N. */
enum { LKM_RESUME_NONE, LKM_RESUME_OFF, LKM_RESUME_ON };
#define LKM_RESUME_TIMEOUT 3 /* s: a resume device waited for, briefly */

struct lkm_resume {
	int state;              /* NONE: no resume=; OFF: noresume */
	struct lkm_rootspec dev;
	uint64_t offset;
	long timeout;           /* s, 0: look once */
};

/* Read them from cl.  -EINVAL when resume= or resume_offset= is none of
 * their forms (state stays NONE: nothing is resumed from a device that
 * cannot be named). */
int lkm_resume_parse(const struct lkm_cmdline *cl, struct lkm_resume *r);

/* Split mount options ("ro,noatime,data=ordered") into MS_* bits, set
 * or cleared in *flags, and the rest, comma-joined, for the filesystem. */
int lkm_mount_options(const char *opts, unsigned long *flags, char *data,
		      size_t size);

/* ---- console keymap -------------------------------------------------- */

#define LKM_KEYMAP_KEYS 128 /* entries of each keymap `loadkeys -b` writes */
/* One entry: keymap (modifier combination) table, key index, value. */
typedef int (*lkm_keymap_fn)(void *ctx, unsigned table, unsigned index,
			     unsigned value);
/* Call fn for every entry of a binary keymap (`loadkeys -b`), stopping at
 * the first non-zero return, which is returned.  The number of keymaps,
 * or -EINVAL when buf is not a whole binary keymap (checked before any
 * call). */
int lkm_keymap_parse(const void *buf, size_t len, lkm_keymap_fn fn,
		     void *ctx);

/* ---- roots over the network: ip=, nfsroot=, DHCP ---------------------- */

/* IPv4 addresses are kept in network byte order, as in struct in_addr. */

/* Exactly four dotted decimal bytes, the n bytes at s ("10.0.2.15"). */
int lkm_ipv4_parse(const char *s, size_t n, uint32_t *out);
void lkm_ipv4_format(uint32_t a, char out[16]);
/* The netmask of a's address class (A, B, C), as the kernel guesses it. */
uint32_t lkm_ipv4_class_netmask(uint32_t a);

/* ip=CLIENT:SERVER:GW:NETMASK:HOSTNAME:DEVICE:AUTOCONF:DNS0:DNS1:NTP0, or
 * AUTOCONF alone (nfsroot.rst).  Empty fields are 0 or "". */
struct lkm_ipconf {
	uint32_t client, server, gateway, netmask, dns[2], ntp;
	char hostname[65];   /* before the first '.' of HOSTNAME */
	char nisdomain[65];  /* after it */
	char device[16];     /* "" (or "all"): every interface */
	int dhcp;            /* 1: ask DHCP; 0: CLIENT is static */
	int clientid_type;   /* ip=dhcp,TYPE,VALUE; -1 when not given */
	char clientid[64];
};

/* Parse ip= (NULL or "": DHCP on every interface).  -EINVAL for a bad
 * address or word, -EOPNOTSUPP for rarp, -EDESTADDRREQ for a static
 * configuration without an address, -E2BIG for a field too long. */
int lkm_ipconf_parse(const char *s, struct lkm_ipconf *ic);

/* The NFS root: nfsroot=[SERVER:]PATH[,OPTIONS] over DHCP's root path
 * (option 17, same form), as fs/nfs/nfsroot.c combines them. */
struct lkm_nfsroot {
	uint32_t server;     /* 0: not named; the boot server is used */
	char path[256];      /* "%s" stands for the client's name */
	char opts[256];
};

int lkm_nfsroot_parse(const char *rootpath, const char *nfsroot,
		      struct lkm_nfsroot *nr);
/* mount(2)'s source "SERVER:PATH" (every %s of the path replaced by
 * nodename) and data: vers=3 unless a version is given, the options,
 * nolock for v2/v3 unless lock or nolock is given, addr=SERVER. */
int lkm_nfsroot_mount_args(const struct lkm_nfsroot *nr, uint32_t server,
			   const char *nodename, char *src, size_t srcsize,
			   char *data, size_t datasize);

/* What /run/net-DEV.conf says (klibc ipconfig's names, which
 * initramfs-tools' scripts and users read); NULL strings are empty. */
struct lkm_netinfo {
	const char *device, *proto;
	uint32_t addr, broadcast, netmask, gateway, dns[2], server;
	const char *hostname, *dnsdomain, *nisdomain, *rootpath, *filename,
		   *search;
	unsigned long uptime, lease;
};

/* The file's text into buf: its length, or -E2BIG. */
int lkm_netconf_format(const struct lkm_netinfo *ni, char *buf, size_t size);

enum {
	LKM_DHCP_DISCOVER = 1,
	LKM_DHCP_OFFER,
	LKM_DHCP_REQUEST,
	LKM_DHCP_DECLINE,
	LKM_DHCP_ACK,
	LKM_DHCP_NAK,
};
#define LKM_DHCP_OPT_TYPE 53
#define LKM_DHCP_SEARCH_MAX 1024

struct lkm_dhcp_req {
	int type;                 /* LKM_DHCP_DISCOVER or _REQUEST */
	uint32_t xid;
	uint16_t secs;
	unsigned char mac[6];
	uint32_t reqip, server_id; /* REQUEST: the offer taken */
	char hostname[65];        /* "" for none */
	int clientid_type;        /* -1: no client identifier */
	char clientid[64];
};

/* A request into buf (at least 300 bytes): its length, or -E2BIG. */
int lkm_dhcp_build(unsigned char *buf, size_t size,
		   const struct lkm_dhcp_req *rq);

struct lkm_dhcp_msg {
	int type;                 /* LKM_DHCP_*, 0 for a BOOTP reply */
	uint32_t xid;
	unsigned hlen;
	unsigned char chaddr[16];
	uint32_t yiaddr, siaddr, server_id, netmask, broadcast, router,
		 dns[2], ntp;
	uint32_t lease;           /* seconds, 0 when not said */
	unsigned mtu;
	char hostname[65], domain[256], nisdomain[256], rootpath[256],
	     bootfile[129], sname[65], search[512];
};

/* Read a reply (BOOTREPLY), options in the file and sname fields too when
 * option 52 says so.  -EINVAL when it is not a sound reply. */
int lkm_dhcp_parse(const void *pkt, size_t len, struct lkm_dhcp_msg *m);

/* ---- stacked roots: crypttab, rd.luks.*, rd.lvm.*, rd.md.* ---------- */

/* crypttab(5) options that need doing at boot */
enum {
	LKM_CT_DISCARD = 1 << 0,
	LKM_CT_LUKS = 1 << 1,
	LKM_CT_INITRAMFS = 1 << 2,  /* initramfs, x-initrd.attach */
	LKM_CT_NOAUTO = 1 << 3,
	LKM_CT_NOFAIL = 1 << 4,
	LKM_CT_READONLY = 1 << 5,
	LKM_CT_SWAP = 1 << 6,
	LKM_CT_TMP = 1 << 7,
	LKM_CT_PLAIN = 1 << 8,
	LKM_CT_NO_READ_WQ = 1 << 9,
	LKM_CT_NO_WRITE_WQ = 1 << 10,
	LKM_CT_SAME_CPU = 1 << 11,
	LKM_CT_SUBMIT_CPUS = 1 << 12,
};

struct lkm_crypttab {
	char name[128];
	char device[256];   /* as written: /dev/..., UUID=..., PARTUUID=... */
	char key[256];      /* key file; "" for none or "-": ask */
	char keydev[256];   /* PATH:KEYDEV: the device holding the key file */
	unsigned flags;     /* LKM_CT_* */
	int tries;          /* 0: not given (crypttab's 0, forever, is -1) */
	long keyfile_timeout_ms; /* for the key device; 0: not given */
	long keyfile_offset, keyfile_size;
	char unknown[256];  /* options not understood, comma-joined */
};

/* One crypttab line: NAME DEVICE [KEYFILE [OPTIONS]].  -ENODATA for a
 * blank or comment line, -EINVAL without a device, -E2BIG for a field too
 * long; options not understood go to ct->unknown. */
int lkm_crypttab_line(const char *line, struct lkm_crypttab *ct);
/* Add a comma list of crypttab options to ct; returns how many were not
 * understood (appended to ct->unknown). */
int lkm_crypt_options(struct lkm_crypttab *ct, const char *opts);
/* PATH[:KEYDEV]; "none", "-" and "" give two empty strings. */
int lkm_crypt_key(const char *s, char *key, size_t ksize, char *keydev,
		  size_t dsize);

#define LKM_STACK_WORD 128

struct lkm_luks_want {
	char dev[256];   /* a UUID (rd.luks.*) or any root= form (cryptdevice=) */
	char name[128];  /* the mapping to open it as */
	int discard;     /* cryptdevice=...:allow-discards */
};

struct lkm_luks_key {
	char uuid[64];    /* "" for every device */
	char path[256];
	char keydev[256]; /* "" when the key is in the image */
};

struct lkm_stackconf {
	int luks, lvm, md;   /* 0 after rd.luks=0, rd.lvm=0, rd.md=0 */
	int automatic;       /* rd.auto: every stack found */
	struct lkm_luks_want want[16]; /* rd.luks.uuid/name, cryptdevice= */
	size_t nwant;
	struct lkm_luks_key keys[8];   /* rd.luks.key=, cryptkey= */
	size_t nkeys;
	char luks_all_opts[256];       /* rd.luks.options=OPTS */
	struct { char uuid[64], opts[256]; } luks_opts[8]; /* =UUID=OPTS */
	size_t nluks_opts;
	int allow_discards;            /* rd.luks.allow-discards */
	char discard_uuids[8][LKM_STACK_WORD]; /* rd.luks.allow-discards=U */
	size_t ndiscard;
	int tries;                     /* rd.luks.tries=, -1: not given */
	char vgs[16][LKM_STACK_WORD];  /* rd.lvm.vg= */
	size_t nvgs;
	char lvs[16][LKM_STACK_WORD];  /* rd.lvm.lv=VG/LV */
	size_t nlvs;
	char md_uuids[16][LKM_STACK_WORD]; /* rd.md.uuid= */
	size_t nmd;
	int md_wait;                   /* rd.md.wait= seconds, -1: not given */
};

/* The stack's boot parameters of cl.  Bad words are reported and skipped;
 * returns how many there were. */
int lkm_stackconf_parse(const struct lkm_cmdline *cl, struct lkm_stackconf *sc);

/* A dm name "VG-LV" into VG and LV, each "--" back to '-'; -EINVAL when it
 * is not an LV's name (no lone '-', or a layer such as "vg-lv-real"). */
int lkm_lvm_split(const char *dm, char *vg, size_t vgsize, char *lv,
		  size_t lvsize);
/* The dm name of VG/LV. */
int lkm_lvm_dmname(const char *vg, const char *lv, char *out, size_t size);
/* The VG and LV of root=/dev/mapper/VG-LV or /dev/VG/LV; -ENOENT for any
 * other form. */
int lkm_lvm_of_spec(const char *spec, char *vg, size_t vgsize, char *lv,
		    size_t lvsize);
/* 1 if two UUIDs are the same bytes, whatever '-' or ':' groups them and
 * their case ("luks-" before either is skipped). */
int lkm_uuid_eq(const char *a, const char *b);

#endif
