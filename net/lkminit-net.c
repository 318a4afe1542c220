/* lkminit-net - the network of an NFS root: ip= (DHCP, or static),
 * /run/net-DEV.conf, and the NFS mount of nfsroot=.
 *
 * A static helper that mkinitrd adds only to images that need it (--net),
 * so that /init stays small.  /init runs it as
 *     lkminit-net --mount /root
 * once a network interface has appeared; it reads the same command line
 * (/etc/lkminit.conf's CMDLINE, then /proc/cmdline), logs as "lkminit:",
 * and exits 0 when the root is mounted (or, without --mount, when the
 * network is configured).  On failure it says what it saw: interfaces,
 * the DHCP answers, the server and options asked for. */
#include "../init/init.h"
#include "net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

struct boot boot; /* what init/log.c and init/cmdline.c read and fill */

/* rd.timeout=N, rootwait, as for a disk root: seconds, -1 forever */
static long net_timeout(void)
{
	const char *v = lkm_cmdline_value(&boot.cl, "rd.timeout");

	if (v)
		return atol(v) > 0 ? atol(v) : -1;
	return lkm_cmdline_has(&boot.cl, "rootwait") ? -1 : 90;
}

static int mount_nfs(const char *dir, const struct net_result *res,
		     const struct lkm_ipconf *ic, uint64_t deadline)
{
	const char *nfsroot = lkm_cmdline_value(&boot.cl, "nfsroot");
	char src[600], data[600], ip[16];
	struct lkm_nfsroot nr;
	unsigned long flags = MS_RDONLY;
	uint32_t server;
	int r, err = 0;

	r = lkm_nfsroot_parse(res->rootpath, nfsroot, &nr);
	if (r) {
		say(LKM_LOG_ERR, "unable to use nfsroot=%s: %s", nfsroot,
		    strerror(-r));
		return r;
	}
	server = nr.server ? nr.server : ic->server ? ic->server :
		 res->server;
	if (!server) {
		say(LKM_LOG_ERR, "no NFS server: none in nfsroot=, ip= or the "
		    "DHCP answer (nfsroot=SERVER:/PATH names one)");
		return -EDESTADDRREQ;
	}
	lkm_ipv4_format(res->addr, ip);
	r = lkm_nfsroot_mount_args(&nr, server, res->hostname[0] ?
				   res->hostname : ip, src, sizeof(src), data,
				   sizeof(data));
	if (r) {
		say(LKM_LOG_ERR, "unable to use nfsroot=%s: too long", nfsroot);
		return r;
	}
	if (lkm_cmdline_last_index(&boot.cl, "rw") >
	    lkm_cmdline_last_index(&boot.cl, "ro"))
		flags = 0;
	mkdir(dir, 0755);
	/* the server may still be starting, or a route settling: try again
	 * while the time lasts, for errors that can pass */
	for (;;) {
		if (!mount(src, dir, "nfs", flags, data)) {
			say(LKM_LOG_INFO, "mounted %s on %s (nfs, %s,%s)", src,
			    dir, flags ? "ro" : "rw", data);
			return 0;
		}
		err = errno;
		if ((err != ETIMEDOUT && err != ECONNREFUSED &&
		     err != EHOSTUNREACH && err != ENETUNREACH && err != EIO) ||
		    (deadline && lkm_now_us() >= deadline))
			break;
		say(LKM_LOG_NOTICE, "unable to mount %s on %s: %s; trying again",
		    src, dir, strerror(err));
		sleep(1);
	}
	say(LKM_LOG_ERR, "unable to mount %s on %s (nfs, options %s,%s): %s",
	    src, dir, flags ? "ro" : "rw", data, strerror(err));
	return -err;
}

int main(int argc, char **argv)
{
	const char *ipv, *dir = NULL;
	struct lkm_ipconf ic;
	struct net_result res;
	uint64_t deadline = 0;
	long timeout;
	int r;

	if (argc == 3 && !strcmp(argv[1], "--mount")) {
		dir = argv[2];
	} else if (argc != 1) {
		fprintf(stderr, "usage: lkminit-net [--mount DIR]\n");
		return 2;
	}
	boot.t0 = lkm_now_us();
	log_open();
	if (read_cmdline())
		return 1;
	ipv = lkm_cmdline_value(&boot.cl, "ip");
	if (!ipv)
		ipv = lkm_cmdline_value(&boot.cl, "nfsaddrs");
	r = lkm_ipconf_parse(ipv, &ic);
	if (r) {
		say(LKM_LOG_ERR, "unable to understand ip=%s: %s", ipv,
		    r == -EOPNOTSUPP ? "RARP is not supported (use dhcp)" :
		    r == -EDESTADDRREQ ? "a static configuration needs the "
		    "client's address first (ip=CLIENT:SERVER:GW:NETMASK:"
		    "HOSTNAME:DEVICE:off)" : strerror(-r));
		return 1;
	}
	timeout = net_timeout();
	if (timeout > 0)
		deadline = boot.t0 + (uint64_t)timeout * 1000000u;
	memset(&res, 0, sizeof(res));
	r = net_configure(&ic, deadline, &res);
	if (r) {
		net_report(&ic);
		return 1;
	}
	if (dir && mount_nfs(dir, &res, &ic, deadline)) {
		net_report(&ic);
		return 1;
	}
	return 0;
}
