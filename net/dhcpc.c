/* dhcpc.c - ip=: a static address, or a DHCP client on every interface at
 * once (the first to get an ACK wins, as the kernel's ipconfig does).
 *
 * The client uses UDP sockets bound to each interface, not packet
 * sockets: it asks for broadcast replies (RFC 2131's BROADCAST flag), and
 * the kernel delivers a broadcast to port 68 of an interface with no
 * address yet. */
#include "../init/init.h"
#include "net.h"
#include "iface.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { SENDING_DISCOVER, SENDING_REQUEST };

struct client {
	char dev[16];
	unsigned char mac[6];
	int fd, state;
	uint32_t xid;
	uint64_t next, start;
	unsigned interval_ms;
	struct lkm_dhcp_msg offer;
};

/* the answers received, for the failure report */
static struct answer {
	char dev[16];
	int type;
	uint32_t from, yiaddr;
} answers[8];
static unsigned nanswers;

static const char *type_name(int t)
{
	static const char *const n[] = { "BOOTP reply", "DISCOVER", "OFFER",
					 "REQUEST", "DECLINE", "ACK", "NAK" };

	return t >= 0 && t <= LKM_DHCP_NAK ? n[t] : "unknown";
}

static int open_client(struct client *c)
{
	struct sockaddr_in sin;
	int one = 1, fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(68);
	if (setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c->dev,
		       (socklen_t)strlen(c->dev) + 1) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		int err = -errno;

		close(fd);
		return err;
	}
	c->fd = fd;
	return 0;
}

static uint32_t new_xid(const unsigned char *mac)
{
	uint32_t x = (uint32_t)lkm_now_us();
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, &x, sizeof(x)) != sizeof(x))
			x ^= (uint32_t)lkm_now_us();
		close(fd);
	}
	return x ^ (uint32_t)(mac[2] << 24 | mac[3] << 16 | mac[4] << 8 | mac[5]);
}

static void send_msg(struct client *c, const struct lkm_ipconf *ic)
{
	struct lkm_dhcp_req rq;
	struct sockaddr_in to;
	unsigned char buf[576];
	int n;

	memset(&rq, 0, sizeof(rq));
	rq.type = c->state == SENDING_REQUEST ? LKM_DHCP_REQUEST :
		  LKM_DHCP_DISCOVER;
	rq.xid = c->xid;
	rq.secs = (uint16_t)((lkm_now_us() - c->start) / 1000000u);
	memcpy(rq.mac, c->mac, 6);
	rq.reqip = c->offer.yiaddr;
	rq.server_id = c->offer.server_id;
	snprintf(rq.hostname, sizeof(rq.hostname), "%s", ic->hostname);
	rq.clientid_type = ic->clientid_type;
	snprintf(rq.clientid, sizeof(rq.clientid), "%s", ic->clientid);
	n = lkm_dhcp_build(buf, sizeof(buf), &rq);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(67);
	to.sin_addr.s_addr = INADDR_BROADCAST;
	if (n > 0 && sendto(c->fd, buf, (size_t)n, 0, (struct sockaddr *)&to,
			    sizeof(to)) < 0 && errno != ENETDOWN)
		say(LKM_LOG_WARNING, "unable to send a DHCP %s on %s: %s",
		    type_name(rq.type), c->dev, strerror(errno));
	say(LKM_LOG_DEBUG, "%s: DHCP %s sent", c->dev, type_name(rq.type));
	c->next = lkm_now_us() + c->interval_ms * 1000u;
	if (c->interval_ms < 8000)
		c->interval_ms *= 2;
}

static void note_answer(const struct client *c, const struct lkm_dhcp_msg *m)
{
	struct answer *a = &answers[nanswers < 8 ? nanswers : 7];

	if (nanswers < 8)
		nanswers++;
	snprintf(a->dev, sizeof(a->dev), "%.15s", c->dev);
	a->type = m->type;
	a->from = m->server_id ? m->server_id : m->siaddr;
	a->yiaddr = m->yiaddr;
}

/* A datagram for c: 1 when it is the ACK (or BOOTP reply) that ends the
 * exchange, 0 to go on. */
static int receive(struct client *c, const struct lkm_ipconf *ic,
		   struct lkm_dhcp_msg *m)
{
	unsigned char buf[1500];
	ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n <= 0 || lkm_dhcp_parse(buf, (size_t)n, m) || m->xid != c->xid ||
	    m->hlen != 6 || memcmp(m->chaddr, c->mac, 6) ||
	    (!m->yiaddr && m->type != LKM_DHCP_NAK))
		return 0;
	note_answer(c, m);
	say(LKM_LOG_DEBUG, "%s: DHCP %s received", c->dev, type_name(m->type));
	if (c->state == SENDING_DISCOVER &&
	    (m->type == LKM_DHCP_OFFER || m->type == 0)) {
		if (m->type == 0)
			return 1; /* BOOTP: the reply is the configuration */
		c->offer = *m;
		c->state = SENDING_REQUEST;
		c->interval_ms = 1000;
		send_msg(c, ic);
	} else if (c->state == SENDING_REQUEST && m->type == LKM_DHCP_ACK) {
		return 1;
	} else if (c->state == SENDING_REQUEST && m->type == LKM_DHCP_NAK) {
		c->state = SENDING_DISCOVER;
		memset(&c->offer, 0, sizeof(c->offer));
		c->next = 0;
	}
	return 0;
}

static int apply_lease(const struct client *c, const struct lkm_dhcp_msg *m,
		       const struct lkm_ipconf *ic, struct net_result *res)
{
	snprintf(res->device, sizeof(res->device), "%.15s", c->dev);
	res->proto = m->type ? "dhcp" : "bootp";
	res->addr = m->yiaddr;
	res->netmask = m->netmask;
	res->broadcast = m->broadcast;
	res->gateway = m->router;
	res->dns[0] = ic->dns[0] ? ic->dns[0] : m->dns[0];
	res->dns[1] = ic->dns[1] ? ic->dns[1] : m->dns[1];
	res->server = m->siaddr ? m->siaddr : m->server_id;
	snprintf(res->hostname, sizeof(res->hostname), "%s",
		 ic->hostname[0] ? ic->hostname : m->hostname);
	snprintf(res->rootpath, sizeof(res->rootpath), "%s", m->rootpath);
	return iface_apply(res, m->mtu, m->lease, m->domain,
			   ic->nisdomain[0] ? ic->nisdomain : m->nisdomain,
			   m->bootfile, m->search);
}

static int run_dhcp(struct client *cs, int n, const struct lkm_ipconf *ic,
		    uint64_t deadline, struct net_result *res)
{
	struct pollfd p[NET_MAXDEV];
	struct lkm_dhcp_msg m;
	uint64_t now, wake;
	int i, r;

	for (;;) {
		now = lkm_now_us();
		if (deadline && now >= deadline)
			return -ETIMEDOUT;
		wake = deadline ? deadline : now + 60000000u;
		for (i = 0; i < n; i++) {
			if (cs[i].next <= now)
				send_msg(&cs[i], ic);
			if (cs[i].next < wake)
				wake = cs[i].next;
			p[i].fd = cs[i].fd;
			p[i].events = POLLIN;
			p[i].revents = 0;
		}
		now = lkm_now_us();
		r = poll(p, (nfds_t)n, wake > now ? (int)((wake - now) / 1000) + 1 : 0);
		if (r < 0 && errno != EINTR)
			return -errno;
		for (i = 0; r > 0 && i < n; i++)
			if ((p[i].revents & POLLIN) && receive(&cs[i], ic, &m))
				return apply_lease(&cs[i], &m, ic, res);
	}
}

/* Wait for the interface ip= names (or any), up to the deadline; the
 * driver is loaded, the interface may still be coming. */
static int find_devices(const struct lkm_ipconf *ic, char names[][16],
			uint64_t deadline)
{
	int n;

	for (;;) {
		n = iface_list(ic->device, names, NET_MAXDEV);
		if (n > 0 || (deadline && lkm_now_us() >= deadline))
			break;
		usleep(50000);
	}
	if (n <= 0)
		say(LKM_LOG_ERR, "no network interface %s%sto configure",
		    ic->device, *ic->device ? " " : "");
	return n > 0 ? n : -ENODEV;
}

static int configure_static(const struct lkm_ipconf *ic, const char *dev,
			    struct net_result *res)
{
	snprintf(res->device, sizeof(res->device), "%.15s", dev);
	res->proto = "none";
	res->addr = ic->client;
	res->netmask = ic->netmask;
	res->gateway = ic->gateway;
	res->dns[0] = ic->dns[0];
	res->dns[1] = ic->dns[1];
	res->server = ic->server;
	snprintf(res->hostname, sizeof(res->hostname), "%s", ic->hostname);
	return iface_apply(res, 0, 0, "", ic->nisdomain, "", "");
}

int net_configure(const struct lkm_ipconf *ic, uint64_t deadline,
		  struct net_result *res)
{
	char names[NET_MAXDEV][16];
	struct client cs[NET_MAXDEV];
	int n, i, k = 0, r;

	iface_loopback();
	if (!ic->dhcp && !ic->client) {
		say(LKM_LOG_INFO, "ip=off: the network is left as it is");
		res->proto = "none";
		return 0;
	}
	n = find_devices(ic, names, deadline);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		if ((r = iface_up(names[i])))
			say(LKM_LOG_WARNING, "unable to bring up %s: %s",
			    names[i], strerror(-r));
	if (!ic->dhcp)
		return configure_static(ic, names[0], res);
	for (i = 0; i < n; i++) {
		memset(&cs[k], 0, sizeof(cs[k]));
		snprintf(cs[k].dev, sizeof(cs[k].dev), "%.15s", names[i]);
		if (iface_mac(names[i], cs[k].mac) || open_client(&cs[k]))
			continue;
		cs[k].xid = new_xid(cs[k].mac);
		cs[k].start = lkm_now_us();
		cs[k].interval_ms = 1000;
		k++;
	}
	if (!k) {
		say(LKM_LOG_ERR, "unable to open a DHCP socket on any interface");
		return -ENODEV;
	}
	r = run_dhcp(cs, k, ic, deadline, res);
	for (i = 0; i < k; i++)
		close(cs[i].fd);
	if (r == -ETIMEDOUT)
		say(LKM_LOG_ERR, "no DHCP lease before the time ran out "
		    "(rd.timeout=N to wait longer)");
	return r;
}

void net_report(const struct lkm_ipconf *ic)
{
	char names[NET_MAXDEV][16], ip[16], ip2[16];
	unsigned char mac[6];
	unsigned k;
	int n, i, f;

	n = iface_list("", names, NET_MAXDEV);
	if (*ic->device)
		say(LKM_LOG_ERR, "ip= asks for the interface %s", ic->device);
	say(LKM_LOG_ERR, "network interfaces seen:%s", n > 0 ? "" :
	    " none (is the network driver in the image? mkinitrd --net)");
	for (i = 0; i < n; i++) {
		memset(mac, 0, sizeof(mac));
		iface_mac(names[i], mac);
		f = iface_flags(names[i]);
		say(LKM_LOG_ERR, "  %s %02x:%02x:%02x:%02x:%02x:%02x %s, %s",
		    names[i], mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
		    f & IFF_UP ? "up" : "down",
		    f & IFF_RUNNING ? "link" : "no link");
	}
	if (!ic->dhcp)
		return;
	say(LKM_LOG_ERR, "DHCP answers received:%s", nanswers ? "" : " none");
	for (k = 0; k < nanswers; k++) {
		lkm_ipv4_format(answers[k].from, ip);
		lkm_ipv4_format(answers[k].yiaddr, ip2);
		say(LKM_LOG_ERR, "  %s: %s from %s offering %s", answers[k].dev,
		    type_name(answers[k].type), ip, ip2);
	}
}
