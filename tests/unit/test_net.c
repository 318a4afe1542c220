/* test_net.c - ip=, nfsroot=, /run/net-DEV.conf and DHCP packets. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lkm.h"
#include "dhcp_slirp.h"

static uint32_t ip(const char *s)
{
	uint32_t a;

	assert_int_equal(lkm_ipv4_parse(s, strlen(s), &a), 0);
	return a;
}

static char *ipstr(uint32_t a)
{
	static char buf[4][16];
	static int k;

	k = (k + 1) % 4;
	lkm_ipv4_format(a, buf[k]);
	return buf[k];
}

/* ip= from an exactly sized heap copy, so ASan sees a read past it. */
static int ipconf(const char *s, struct lkm_ipconf *ic)
{
	char *exact = strdup(s);
	int r = lkm_ipconf_parse(exact, ic);

	free(exact);
	return r;
}

static void test_ipv4(void **state)
{
	static const char *const bad[] = { "", "1.2.3", "1.2.3.4.", "256.1.1.1",
					   "01.2.3.4", "1.2.3.4 ", "a.b.c.d",
					   "1..2.3", "1.2.3.4.5", "1234.1.1.1" };
	uint32_t a;
	size_t k;

	(void)state;
	assert_string_equal(ipstr(ip("10.0.2.15")), "10.0.2.15");
	assert_string_equal(ipstr(ip("0.0.0.0")), "0.0.0.0");
	assert_string_equal(ipstr(ip("255.255.255.255")), "255.255.255.255");
	/* only the n bytes given are read */
	assert_int_equal(lkm_ipv4_parse("10.0.2.15:/x", 8, &a), 0);
	assert_string_equal(ipstr(a), "10.0.2.1");
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		assert_int_equal(lkm_ipv4_parse(bad[k], strlen(bad[k]), &a),
				 -EINVAL);
	assert_string_equal(ipstr(lkm_ipv4_class_netmask(ip("10.1.2.3"))),
			    "255.0.0.0");
	assert_string_equal(ipstr(lkm_ipv4_class_netmask(ip("172.16.0.1"))),
			    "255.255.0.0");
	assert_string_equal(ipstr(lkm_ipv4_class_netmask(ip("192.168.1.9"))),
			    "255.255.255.0");
}

static void test_ip_words(void **state)
{
	struct lkm_ipconf ic;

	(void)state;
	assert_int_equal(lkm_ipconf_parse(NULL, &ic), 0);
	assert_int_equal(ic.dhcp, 1);
	assert_string_equal(ic.device, "");
	assert_int_equal(ipconf("dhcp", &ic), 0);
	assert_int_equal(ic.dhcp, 1);
	assert_int_equal(ic.clientid_type, -1);
	assert_int_equal(ipconf("on", &ic), 0);
	assert_int_equal(ic.dhcp, 1);
	assert_int_equal(ipconf("bootp", &ic), 0);
	assert_int_equal(ic.dhcp, 1);
	assert_int_equal(ipconf("off", &ic), 0);
	assert_int_equal(ic.dhcp, 0);
	assert_int_equal(ipconf("none", &ic), 0);
	assert_int_equal(ic.dhcp, 0);
	assert_int_equal(ipconf("rarp", &ic), -EOPNOTSUPP);
	assert_int_equal(ipconf("dhcpx", &ic), -EINVAL);
	/* the kernel's client identifier: type 1, the value's bytes */
	assert_int_equal(ipconf("dhcp,1,lkmclient", &ic), 0);
	assert_int_equal(ic.clientid_type, 1);
	assert_string_equal(ic.clientid, "lkmclient");
	assert_int_equal(ipconf("dhcp,256,x", &ic), -EINVAL);
	assert_int_equal(ipconf("dhcp,1", &ic), -EINVAL);
	assert_int_equal(ipconf("off,1,x", &ic), -EINVAL);
}

static void test_ip_fields(void **state)
{
	struct lkm_ipconf ic;

	(void)state;
	assert_int_equal(ipconf("10.0.2.20:10.0.2.100:10.0.2.2:255.255.255.0:"
				"guest.lab.example:eth1:off:10.0.2.3:10.0.2.4:"
				"10.0.2.5", &ic), 0);
	assert_int_equal(ic.dhcp, 0);
	assert_string_equal(ipstr(ic.client), "10.0.2.20");
	assert_string_equal(ipstr(ic.server), "10.0.2.100");
	assert_string_equal(ipstr(ic.gateway), "10.0.2.2");
	assert_string_equal(ipstr(ic.netmask), "255.255.255.0");
	/* before the first dot the host, after it the NIS domain */
	assert_string_equal(ic.hostname, "guest");
	assert_string_equal(ic.nisdomain, "lab.example");
	assert_string_equal(ic.device, "eth1");
	assert_string_equal(ipstr(ic.dns[0]), "10.0.2.3");
	assert_string_equal(ipstr(ic.dns[1]), "10.0.2.4");
	assert_string_equal(ipstr(ic.ntp), "10.0.2.5");
	/* a client address without a word: static; with dhcp: DHCP */
	assert_int_equal(ipconf("10.0.2.20::10.0.2.2:255.255.255.0", &ic), 0);
	assert_int_equal(ic.dhcp, 0);
	assert_int_equal(ipconf("10.0.2.20:::::eth0:dhcp", &ic), 0);
	assert_int_equal(ic.dhcp, 1);
	/* no address: autoconfiguration, with the host name asked for */
	assert_int_equal(ipconf("::::lkmguest::", &ic), 0);
	assert_int_equal(ic.dhcp, 1);
	assert_string_equal(ic.hostname, "lkmguest");
	assert_int_equal(ipconf(":::::all:dhcp", &ic), 0);
	assert_string_equal(ic.device, "");
	/* static needs an address */
	assert_int_equal(ipconf(":::::eth0:off", &ic), -EDESTADDRREQ);
	assert_int_equal(ipconf("10.0.2.300::::::off", &ic), -EINVAL);
	assert_int_equal(ipconf("10.0.2.20:::::eth0:rarp", &ic), -EOPNOTSUPP);
	/* fields past the tenth: ignored when empty, as the kernel does */
	assert_int_equal(ipconf("1.2.3.4::::::::::", &ic), 0);
	assert_int_equal(ipconf("1.2.3.4::::::::::x", &ic), -EINVAL);
	assert_int_equal(ipconf(":::::averyveryverylongname:dhcp", &ic), -E2BIG);
}

static void test_nfsroot(void **state)
{
	struct lkm_nfsroot nr;

	(void)state;
	assert_int_equal(lkm_nfsroot_parse(NULL, NULL, &nr), 0);
	assert_int_equal(nr.server, 0);
	assert_string_equal(nr.path, "/tftpboot/%s");
	assert_string_equal(nr.opts, "");
	assert_int_equal(lkm_nfsroot_parse(NULL, "10.0.2.100:/export,vers=3,"
					   "port=2049", &nr), 0);
	assert_string_equal(ipstr(nr.server), "10.0.2.100");
	assert_string_equal(nr.path, "/export");
	assert_string_equal(nr.opts, "vers=3,port=2049");
	/* a name that is no path lives under /tftpboot */
	assert_int_equal(lkm_nfsroot_parse(NULL, "client7", &nr), 0);
	assert_string_equal(nr.path, "/tftpboot/client7");
	/* an address alone: the default path on that server */
	assert_int_equal(lkm_nfsroot_parse(NULL, "10.0.2.100", &nr), 0);
	assert_string_equal(ipstr(nr.server), "10.0.2.100");
	assert_string_equal(nr.path, "/tftpboot/%s");
	/* DHCP's root path first, then nfsroot= over it: its path (unless
	 * empty or "default") and server win, the options add up */
	assert_int_equal(lkm_nfsroot_parse("10.1.1.1:/srv/root,tcp",
					   ",vers=4.1", &nr), 0);
	assert_string_equal(ipstr(nr.server), "10.1.1.1");
	assert_string_equal(nr.path, "/srv/root");
	assert_string_equal(nr.opts, "tcp,vers=4.1");
	assert_int_equal(lkm_nfsroot_parse("10.1.1.1:/srv/root",
					   "10.2.2.2:default,soft", &nr), 0);
	assert_string_equal(ipstr(nr.server), "10.2.2.2");
	assert_string_equal(nr.path, "/srv/root");
	assert_string_equal(nr.opts, "soft");
	/* not an address: part of the path */
	assert_int_equal(lkm_nfsroot_parse(NULL, "1.2.3:/x", &nr), 0);
	assert_int_equal(nr.server, 0);
	assert_string_equal(nr.path, "1.2.3:/x");
}

static void test_nfs_mount_args(void **state)
{
	struct lkm_nfsroot nr;
	char src[64], data[128], small[12];

	(void)state;
	lkm_nfsroot_parse(NULL, "/export/%s/root,port=2049", &nr);
	assert_int_equal(lkm_nfsroot_mount_args(&nr, ip("10.0.2.100"), "lkmguest",
						src, sizeof(src), data,
						sizeof(data)), 0);
	assert_string_equal(src, "10.0.2.100:/export/lkmguest/root");
	assert_string_equal(data, "vers=3,port=2049,nolock,addr=10.0.2.100");
	/* v4 has no NLM: no nolock; a version given is kept */
	lkm_nfsroot_parse(NULL, "/export,vers=4.1", &nr);
	lkm_nfsroot_mount_args(&nr, ip("10.0.2.100"), "x", src, sizeof(src),
			       data, sizeof(data));
	assert_string_equal(data, "vers=4.1,addr=10.0.2.100");
	lkm_nfsroot_parse(NULL, "/export,v4", &nr);
	lkm_nfsroot_mount_args(&nr, ip("10.0.2.100"), "x", src, sizeof(src),
			       data, sizeof(data));
	assert_string_equal(data, "v4,addr=10.0.2.100");
	/* lock asked for: kept; v3 given: no second version */
	lkm_nfsroot_parse(NULL, "/export,nfsvers=3,lock", &nr);
	lkm_nfsroot_mount_args(&nr, ip("10.0.2.100"), "x", src, sizeof(src),
			       data, sizeof(data));
	assert_string_equal(data, "nfsvers=3,lock,addr=10.0.2.100");
	/* an addr= of the options cannot win over the server */
	lkm_nfsroot_parse(NULL, "/e,addr=1.1.1.1", &nr);
	lkm_nfsroot_mount_args(&nr, ip("10.0.2.100"), "x", src, sizeof(src),
			       data, sizeof(data));
	assert_string_equal(data, "vers=3,addr=1.1.1.1,nolock,addr=10.0.2.100");
	/* too small: an error, never a cut string */
	lkm_nfsroot_parse(NULL, "/export/%s", &nr);
	assert_int_equal(lkm_nfsroot_mount_args(&nr, ip("10.0.2.100"), "lkmguest",
						small, sizeof(small), data,
						sizeof(data)), -E2BIG);
	assert_int_equal(lkm_nfsroot_mount_args(&nr, ip("10.0.2.100"), "g", src,
						sizeof(src), small,
						sizeof(small)), -E2BIG);
}

static void test_netconf(void **state)
{
	struct lkm_netinfo ni = { "eth0", "dhcp", 0, 0, 0, 0, { 0, 0 }, 0,
				  "lkmguest", "lkm.test", "", "/export",
				  "pxelinux.0", "lkm.test lab.lkm.test", 7,
				  86400 };
	char buf[1024];
	int n;

	(void)state;
	ni.addr = ip("10.0.2.15");
	ni.broadcast = ip("10.0.2.255");
	ni.netmask = ip("255.255.255.0");
	ni.gateway = ip("10.0.2.2");
	ni.dns[0] = ip("10.0.2.3");
	ni.server = ip("10.0.2.2");
	n = lkm_netconf_format(&ni, buf, sizeof(buf));
	/* klibc ipconfig's names, order and quoting */
	assert_string_equal(buf,
		"DEVICE='eth0'\n"
		"PROTO='dhcp'\n"
		"IPV4ADDR='10.0.2.15'\n"
		"IPV4BROADCAST='10.0.2.255'\n"
		"IPV4NETMASK='255.255.255.0'\n"
		"IPV4GATEWAY='10.0.2.2'\n"
		"IPV4DNS0='10.0.2.3'\n"
		"IPV4DNS1='0.0.0.0'\n"
		"HOSTNAME='lkmguest'\n"
		"DNSDOMAIN='lkm.test'\n"
		"NISDOMAIN=''\n"
		"ROOTSERVER='10.0.2.2'\n"
		"ROOTPATH='/export'\n"
		"filename='pxelinux.0'\n"
		"UPTIME='7'\n"
		"DHCPLEASETIME='86400'\n"
		"DOMAINSEARCH='lkm.test lab.lkm.test'\n");
	assert_int_equal(n, (int)strlen(buf));
	/* a quote or ! cannot end the value early; a newline is dropped */
	ni.hostname = "it's!\nx";
	lkm_netconf_format(&ni, buf, sizeof(buf));
	assert_non_null(strstr(buf, "HOSTNAME='it'\\''s'\\!'x'\n"));
	assert_int_equal(lkm_netconf_format(&ni, buf, 100), -E2BIG);
	assert_string_equal(buf, "");
}

/* Parse from an exactly sized heap copy. */
static int parse(const unsigned char *pkt, size_t len, struct lkm_dhcp_msg *m)
{
	unsigned char *exact = malloc(len ? len : 1);
	int r;

	memcpy(exact, pkt, len);
	r = lkm_dhcp_parse(exact, len, m);
	free(exact);
	return r;
}

static void test_dhcp_slirp(void **state)
{
	static const unsigned char mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct lkm_dhcp_msg m;

	(void)state;
	assert_int_equal(parse(slirp_offer, sizeof(slirp_offer), &m), 0);
	assert_int_equal(m.type, LKM_DHCP_OFFER);
	assert_int_equal(m.xid, 0x5670db50);
	assert_int_equal(m.hlen, 6);
	assert_memory_equal(m.chaddr, mac, 6);
	assert_string_equal(ipstr(m.yiaddr), "10.0.2.15");
	assert_string_equal(ipstr(m.siaddr), "10.0.2.2");
	assert_string_equal(ipstr(m.server_id), "10.0.2.2");
	assert_string_equal(ipstr(m.netmask), "255.255.255.0");
	assert_int_equal(m.lease, 86400);
	assert_string_equal(m.hostname, "lkmguest");
	assert_string_equal(m.domain, "lkm.test");
	/* RFC 3397, "lab" pointing back at "lkm.test" */
	assert_string_equal(m.search, "lkm.test lab.lkm.test");
	assert_string_equal(m.bootfile, "pxelinux.0");
	/* restrict=on: slirp names no router and no DNS server */
	assert_int_equal(m.router, 0);
	assert_int_equal(m.dns[0], 0);
	assert_int_equal(parse(slirp_ack, sizeof(slirp_ack), &m), 0);
	assert_int_equal(m.type, LKM_DHCP_ACK);
	assert_string_equal(ipstr(m.yiaddr), "10.0.2.15");
	/* our own requests are no replies */
	assert_int_equal(parse(slirp_discover, sizeof(slirp_discover), &m), -EINVAL);
}

static void test_dhcp_truncated(void **state)
{
	struct lkm_dhcp_msg m;
	size_t n;
	int r;

	(void)state;
	/* every prefix: an error or a sound message, never a read past it */
	for (n = 0; n <= sizeof(slirp_ack); n++) {
		r = parse(slirp_ack, n, &m);
		assert_true(r == 0 || r == -EINVAL);
		if (n < 236)
			assert_int_equal(r, -EINVAL);
	}
}

/* A reply with these options after the cookie (and file/sname data). */
static size_t reply(unsigned char *p, const unsigned char *opts, size_t n)
{
	memcpy(p, slirp_ack, 240);
	memcpy(p + 240, opts, n);
	return 240 + n;
}

static void test_dhcp_options(void **state)
{
	unsigned char p[600];
	struct lkm_dhcp_msg m;
	static const unsigned char router_dns[] = {
		53, 1, 5, 3, 4, 10, 0, 2, 2, 6, 8, 10, 0, 2, 3, 10, 0, 2, 4,
		26, 2, 0x05, 0xdc, 28, 4, 10, 0, 2, 255, 17, 8, '/', 'e', 'x',
		'p', 'o', 'r', 't', 0, 255 };
	static const unsigned char runs_over[] = { 53, 1, 5, 12, 9, 'a', 'b' };
	static const unsigned char overload[] = { 53, 1, 5, 52, 1, 3, 255 };
	static const unsigned char split_search[] = {
		53, 1, 5, 119, 5, 3, 'l', 'k', 'm', 0, 119, 6, 3, 'l', 'a',
		'b', 0xc0, 0, 255 };
	static const unsigned char loop[] = { 53, 1, 5, 119, 4, 1, 'a', 0xc0,
					      5, 255 };
	size_t n;

	(void)state;
	n = reply(p, router_dns, sizeof(router_dns));
	assert_int_equal(parse(p, n, &m), 0);
	assert_string_equal(ipstr(m.router), "10.0.2.2");
	assert_string_equal(ipstr(m.dns[0]), "10.0.2.3");
	assert_string_equal(ipstr(m.dns[1]), "10.0.2.4");
	assert_int_equal(m.mtu, 1500);
	assert_string_equal(ipstr(m.broadcast), "10.0.2.255");
	/* a NUL ends a string option */
	assert_string_equal(m.rootpath, "/export");
	n = reply(p, runs_over, sizeof(runs_over));
	assert_int_equal(parse(p, n, &m), -EINVAL);
	/* option 52: options in the file and sname fields too */
	memset(p, 0, sizeof(p));
	n = reply(p, overload, sizeof(overload));
	memset(p + 44, 0, 192);
	memcpy(p + 108, (const unsigned char[]){ 12, 3, 'o', 'v', 'l', 255 }, 6);
	memcpy(p + 44, (const unsigned char[]){ 67, 4, 'b', 'o', 'o', 't', 255 }, 7);
	assert_int_equal(parse(p, n, &m), 0);
	assert_string_equal(m.hostname, "ovl");
	assert_string_equal(m.bootfile, "boot");
	assert_string_equal(m.sname, "");
	/* RFC 3396: the pieces of an option are one */
	n = reply(p, split_search, sizeof(split_search));
	assert_int_equal(parse(p, n, &m), 0);
	assert_string_equal(m.search, "lkm lab.lkm");
	/* a pointer forwards (a loop) spoils the list, not the message */
	n = reply(p, loop, sizeof(loop));
	assert_int_equal(parse(p, n, &m), 0);
	assert_string_equal(m.search, "");
	assert_int_equal(m.type, LKM_DHCP_ACK);
}

static void test_dhcp_build(void **state)
{
	struct lkm_dhcp_req rq = { LKM_DHCP_DISCOVER, 0x5670db50, 0,
				   { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, 0, 0,
				   "", -1, "" };
	unsigned char buf[576];
	int n;

	(void)state;
	n = lkm_dhcp_build(buf, sizeof(buf), &rq);
	/* what slirp answered in the capture, byte for byte */
	assert_int_equal(n, (int)sizeof(slirp_discover));
	assert_memory_equal(buf, slirp_discover, sizeof(slirp_discover));
	rq.type = LKM_DHCP_REQUEST;
	rq.reqip = ip("10.0.2.15");
	rq.server_id = ip("10.0.2.2");
	n = lkm_dhcp_build(buf, sizeof(buf), &rq);
	assert_int_equal(n, (int)sizeof(slirp_request));
	assert_memory_equal(buf, slirp_request, sizeof(slirp_request));
	/* host name and client identifier */
	strcpy(rq.hostname, "lkmguest");
	rq.clientid_type = 1;
	strcpy(rq.clientid, "id");
	n = lkm_dhcp_build(buf, sizeof(buf), &rq);
	assert_true(n >= 300);
	assert_non_null(memmem(buf, (size_t)n, "\x0c\x08lkmguest", 10));
	assert_non_null(memmem(buf, (size_t)n, "\x3d\x03\x01id", 5));
	assert_int_equal(lkm_dhcp_build(buf, 299, &rq), -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ip_words),
		cmocka_unit_test(test_ip_fields),
		cmocka_unit_test(test_nfsroot),
		cmocka_unit_test(test_nfs_mount_args),
		cmocka_unit_test(test_netconf),
		cmocka_unit_test(test_dhcp_slirp),
		cmocka_unit_test(test_dhcp_truncated),
		cmocka_unit_test(test_dhcp_options),
		cmocka_unit_test(test_dhcp_build),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
