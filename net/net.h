/* net.h - what the files of lkminit-net share. */
#ifndef LKMINIT_NET_H
#define LKMINIT_NET_H

#include "../loader/lkm.h"

#define NET_MAXDEV 8

/* The configuration an interface got. */
struct net_result {
	char device[16];
	const char *proto;              /* "dhcp", "bootp", "none" */
	uint32_t addr, netmask, broadcast, gateway, dns[2], server;
	char hostname[65], rootpath[256];
};

/* Configure the network as ip= says, before deadline (lkm_now_us(); 0:
 * none), and write /run/net-DEV.conf.  0 or -errno. */
int net_configure(const struct lkm_ipconf *ic, uint64_t deadline,
		  struct net_result *res);
/* After a failure: the interfaces seen and the DHCP answers received. */
void net_report(const struct lkm_ipconf *ic);

#endif
