/* iface.h - interface operations of lkminit-net (iface.c). */
#ifndef LKMINIT_IFACE_H
#define LKMINIT_IFACE_H

#include "net.h"

/* Up to max Ethernet interfaces (only want, unless ""), into names. */
int iface_list(const char *want, char names[][16], int max);
int iface_up(const char *dev);
/* IFF_* flags, 0 when unknown. */
int iface_flags(const char *dev);
int iface_mac(const char *dev, unsigned char mac[6]);
void iface_loopback(void);
/* Give res->device res's address, netmask (the class's when 0),
 * broadcast, MTU, default route and host name; write its
 * /run/net-DEV.conf with the rest. */
int iface_apply(struct net_result *res, unsigned mtu, unsigned long lease,
		const char *dnsdomain, const char *nisdomain,
		const char *filename, const char *search);

#endif
