/* iface.c - interfaces: find them, bring them up, give them an address and
 * a route, and write /run/net-DEV.conf. */
#include "../init/init.h"
#include "net.h"
#include "iface.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/sysinfo.h>
#include <unistd.h>

static int ctl = -1; /* a socket for the interface ioctls */

static int ifioctl(unsigned long req, const char *dev, struct ifreq *ifr)
{
	if (ctl < 0 && (ctl = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return -errno;
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", dev);
	return ioctl(ctl, req, ifr) ? -errno : 0;
}

static void set_sin(struct sockaddr *sa, uint32_t a)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = a;
	memcpy(sa, &sin, sizeof(sin));
}

int iface_up(const char *dev)
{
	struct ifreq ifr;
	int r;

	memset(&ifr, 0, sizeof(ifr));
	r = ifioctl(SIOCGIFFLAGS, dev, &ifr);
	if (r)
		return r;
	ifr.ifr_flags |= IFF_UP;
	return ifioctl(SIOCSIFFLAGS, dev, &ifr);
}

int iface_flags(const char *dev)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	return ifioctl(SIOCGIFFLAGS, dev, &ifr) ? 0 : ifr.ifr_flags;
}

int iface_mac(const char *dev, unsigned char mac[6])
{
	struct ifreq ifr;
	int r;

	memset(&ifr, 0, sizeof(ifr));
	r = ifioctl(SIOCGIFHWADDR, dev, &ifr);
	if (!r)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return r;
}

static int set_addr(unsigned long req, const char *dev, uint32_t a)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	set_sin(&ifr.ifr_addr, a);
	return ifioctl(req, dev, &ifr);
}

static int add_default_route(const char *dev, uint32_t gw)
{
	struct rtentry rt;
	char name[IFNAMSIZ];

	memset(&rt, 0, sizeof(rt));
	set_sin(&rt.rt_dst, 0);
	set_sin(&rt.rt_genmask, 0);
	set_sin(&rt.rt_gateway, gw);
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	snprintf(name, sizeof(name), "%s", dev);
	rt.rt_dev = name;
	if (ctl < 0 && (ctl = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return -errno;
	return ioctl(ctl, SIOCADDRT, &rt) && errno != EEXIST ? -errno : 0;
}

/* lo too: the real root's services expect it (the kernel's ipconfig and
 * klibc's leave it down, but an NFS client talking to 127.0.0.1 is
 * common enough). */
void iface_loopback(void)
{
	uint32_t a;

	lkm_ipv4_parse("127.0.0.1", 9, &a);
	set_addr(SIOCSIFADDR, "lo", a);
	iface_up("lo");
}

int iface_list(const char *want, char names[][16], int max)
{
	char path[300], *type;
	struct dirent *de;
	size_t len;
	DIR *d = opendir("/sys/class/net");
	int n = 0, ether;

	if (!d)
		return -errno;
	while (n < max && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "lo") ||
		    strlen(de->d_name) >= 16 ||
		    (*want && strcmp(de->d_name, want)))
			continue;
		/* Ethernet only (ARPHRD_ETHER): DHCP here has 6-byte MACs */
		snprintf(path, sizeof(path), "/sys/class/net/%s/type",
			 de->d_name);
		if (lkm_read_file(path, &type, &len))
			continue;
		ether = atoi(type) == 1;
		free(type);
		if (ether)
			snprintf(names[n++], 16, "%.15s", de->d_name);
	}
	closedir(d);
	return n;
}

static void write_conf(const struct net_result *res, unsigned long lease,
		       const char *dnsdomain, const char *nisdomain,
		       const char *filename, const char *search)
{
	struct lkm_netinfo ni;
	struct sysinfo si;
	char buf[4096], path[64], tmp[70];
	int n, fd;

	memset(&ni, 0, sizeof(ni));
	ni.device = res->device;
	ni.proto = res->proto;
	ni.addr = res->addr;
	ni.broadcast = res->broadcast;
	ni.netmask = res->netmask;
	ni.gateway = res->gateway;
	ni.dns[0] = res->dns[0];
	ni.dns[1] = res->dns[1];
	ni.server = res->server;
	ni.hostname = res->hostname;
	ni.dnsdomain = dnsdomain;
	ni.nisdomain = nisdomain;
	ni.rootpath = res->rootpath;
	ni.filename = filename;
	ni.search = search;
	ni.lease = lease;
	if (!sysinfo(&si))
		ni.uptime = (unsigned long)si.uptime;
	n = lkm_netconf_format(&ni, buf, sizeof(buf));
	snprintf(path, sizeof(path), "/run/net-%s.conf", res->device);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	fd = n < 0 ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, (size_t)n) != n || close(fd) ||
	    rename(tmp, path))
		say(LKM_LOG_WARNING, "unable to write %s: %s", path,
		    n < 0 ? strerror(-n) : strerror(errno));
}

int iface_apply(struct net_result *res, unsigned mtu, unsigned long lease,
		const char *dnsdomain, const char *nisdomain,
		const char *filename, const char *search)
{
	const char *dev = res->device;
	char a[16], g[16], m[16];
	struct ifreq ifr;
	int r;

	if (!res->netmask)
		res->netmask = lkm_ipv4_class_netmask(res->addr);
	if (!res->broadcast)
		res->broadcast = (res->addr & res->netmask) | ~res->netmask;
	lkm_ipv4_format(res->addr, a);
	lkm_ipv4_format(res->netmask, m);
	lkm_ipv4_format(res->gateway, g);
	r = set_addr(SIOCSIFADDR, dev, res->addr);
	if (!r)
		r = set_addr(SIOCSIFNETMASK, dev, res->netmask);
	if (!r)
		r = set_addr(SIOCSIFBRDADDR, dev, res->broadcast);
	if (r) {
		say(LKM_LOG_ERR, "unable to give %s the address %s/%s: %s",
		    dev, a, m, strerror(-r));
		return r;
	}
	if (mtu >= 68) {
		memset(&ifr, 0, sizeof(ifr));
		ifr.ifr_mtu = (int)mtu;
		if ((r = ifioctl(SIOCSIFMTU, dev, &ifr)))
			say(LKM_LOG_WARNING, "unable to set the MTU of %s to "
			    "%u: %s", dev, mtu, strerror(-r));
	}
	if (res->gateway && (r = add_default_route(dev, res->gateway)))
		say(LKM_LOG_WARNING, "unable to add a default route via %s on "
		    "%s: %s", g, dev, strerror(-r));
	if (res->hostname[0] &&
	    sethostname(res->hostname, strlen(res->hostname)))
		say(LKM_LOG_WARNING, "unable to set the host name %s: %s",
		    res->hostname, strerror(errno));
	say(LKM_LOG_INFO, "%s: %s netmask %s gateway %s (%s)", dev, a, m,
	    res->gateway ? g : "none", res->proto);
	write_conf(res, lease, dnsdomain, nisdomain, filename, search);
	return 0;
}
