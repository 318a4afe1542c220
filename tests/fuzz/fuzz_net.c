/* fuzz_net.c - DHCP replies as they come off the network, and the same
 * bytes as ip= and nfsroot= (before and after the first NUL), through to
 * the mount arguments and /run/net-DEV.conf they make. */
#include <stdlib.h>
#include <string.h>

#include "lkm.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct lkm_dhcp_msg m;
	struct lkm_ipconf ic;
	struct lkm_nfsroot nr;
	struct lkm_netinfo ni;
	char *s = malloc(size + 1), *second, src[300], opts[600], conf[4096];
	unsigned char *pkt = malloc(size ? size : 1);

	if (!s || !pkt)
		goto out;
	/* the datagram exactly as long as it is */
	memcpy(pkt, data, size);
	if (lkm_dhcp_parse(pkt, size, &m))
		memset(&m, 0, sizeof(m));
	memcpy(s, data, size);
	s[size] = '\0';
	second = s + strlen(s) + (strlen(s) < size);
	lkm_ipconf_parse(s, &ic);
	if (!lkm_nfsroot_parse(m.rootpath, second, &nr))
		lkm_nfsroot_mount_args(&nr, m.siaddr, m.hostname, src,
				       sizeof(src), opts, sizeof(opts));
	memset(&ni, 0, sizeof(ni));
	ni.device = "eth0";
	ni.proto = "dhcp";
	ni.hostname = m.hostname;
	ni.dnsdomain = m.domain;
	ni.nisdomain = m.nisdomain;
	ni.rootpath = m.rootpath;
	ni.filename = m.bootfile;
	ni.search = m.search;
	lkm_netconf_format(&ni, conf, sizeof(conf));
out:
	free(s);
	free(pkt);
	return 0;
}
