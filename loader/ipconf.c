/* ipconf.c - ip=, nfsroot= and the /run/net-DEV.conf text, by the rules of
 * the kernel's Documentation/admin-guide/nfs/nfsroot.rst and
 * fs/nfs/nfsroot.c, and klibc ipconfig's file format. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int lkm_ipv4_parse(const char *s, size_t n, uint32_t *out)
{
	unsigned char b[4];
	unsigned v = 0, digits = 0, k = 0;
	size_t i;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] >= '0' && s[i] <= '9') {
			/* no leading zeros: 010 is octal to inet_aton */
			if ((digits && !v) || ++digits > 3)
				return -EINVAL;
			v = v * 10 + (unsigned)(s[i] - '0');
			continue;
		}
		if (!digits || v > 255 || k == 4 || (i < n && s[i] != '.'))
			return -EINVAL;
		b[k++] = (unsigned char)v;
		v = digits = 0;
	}
	if (k != 4)
		return -EINVAL;
	memcpy(out, b, 4);
	return 0;
}

void lkm_ipv4_format(uint32_t a, char out[16])
{
	const unsigned char *b = (const unsigned char *)&a;

	snprintf(out, 16, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

uint32_t lkm_ipv4_class_netmask(uint32_t a)
{
	unsigned top = ((const unsigned char *)&a)[0];
	unsigned char m[4] = { 255, 0, 0, 0 };

	if (top >= 128)
		m[1] = 255;
	if (top >= 192)
		m[2] = 255;
	if (top >= 224)
		m[0] = m[1] = m[2] = 0;
	memcpy(&a, m, 4);
	return a;
}

/* The <autoconf> word: 1 for DHCP (also asked by "bootp", "on", "any",
 * "both": a DHCP server answers them all, a BOOTP one answers our
 * request as BOOTP), 0 for none, -EOPNOTSUPP for RARP. */
static int autoconf_word(const char *w, size_t n)
{
	static const char *const on[] = { "on", "any", "dhcp", "bootp", "both" };
	static const char *const off[] = { "off", "none", "static" };
	size_t k;

	for (k = 0; k < ARRAY_SIZE(on); k++)
		if (strlen(on[k]) == n && !strncmp(on[k], w, n))
			return 1;
	for (k = 0; k < ARRAY_SIZE(off); k++)
		if (strlen(off[k]) == n && !strncmp(off[k], w, n))
			return 0;
	if (n == 4 && !strncmp(w, "rarp", 4))
		return -EOPNOTSUPP;
	return -EINVAL;
}

/* "dhcp[,TYPE,VALUE]": the kernel's form for a DHCP client identifier
 * (option 61: the type byte, then the value's bytes). */
static int parse_autoconf(const char *w, size_t n, struct lkm_ipconf *ic)
{
	const char *c1 = memchr(w, ',', n), *c2, *p;
	unsigned type = 0;
	size_t vlen;
	int r;

	r = autoconf_word(w, c1 ? (size_t)(c1 - w) : n);
	if (r < 0 || !c1)
		return r;
	if (c1 - w != 4 || strncmp(w, "dhcp", 4))
		return -EINVAL;
	c2 = memchr(c1 + 1, ',', n - (size_t)(c1 + 1 - w));
	if (!c2 || c2 == c1 + 1)
		return -EINVAL;
	for (p = c1 + 1; p < c2; p++)
		if (*p < '0' || *p > '9' ||
		    (type = type * 10 + (unsigned)(*p - '0')) > 255)
			return -EINVAL;
	vlen = n - (size_t)(c2 + 1 - w);
	if (!vlen || vlen >= sizeof(ic->clientid))
		return -EINVAL;
	memcpy(ic->clientid, c2 + 1, vlen);
	ic->clientid[vlen] = '\0';
	ic->clientid_type = (int)type;
	return 1;
}

static int set_string(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size)
		return -E2BIG;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

static int parse_field(struct lkm_ipconf *ic, unsigned k, const char *w,
		       size_t n, int *autoconf)
{
	uint32_t *addr[] = { &ic->client, &ic->server, &ic->gateway,
			     &ic->netmask };
	const char *dot;

	if (!n)
		return 0;
	switch (k) {
	case 0: case 1: case 2: case 3:
		return lkm_ipv4_parse(w, n, addr[k]);
	case 4:
		/* the part after the first '.' is the NIS domain */
		dot = memchr(w, '.', n);
		if (dot && set_string(ic->nisdomain, sizeof(ic->nisdomain),
				      dot + 1, n - (size_t)(dot + 1 - w)))
			return -E2BIG;
		return set_string(ic->hostname, sizeof(ic->hostname), w,
				  dot ? (size_t)(dot - w) : n);
	case 5:
		if (n == 3 && !strncmp(w, "all", 3))
			return 0;
		return set_string(ic->device, sizeof(ic->device), w, n);
	case 6:
		*autoconf = parse_autoconf(w, n, ic);
		return *autoconf < 0 ? *autoconf : 0;
	case 7: case 8:
		return lkm_ipv4_parse(w, n, &ic->dns[k - 7]);
	case 9:
		return lkm_ipv4_parse(w, n, &ic->ntp);
	default:
		return -EINVAL;
	}
}

int lkm_ipconf_parse(const char *s, struct lkm_ipconf *ic)
{
	const char *w, *end;
	int autoconf = -1, r;
	unsigned k = 0;

	memset(ic, 0, sizeof(*ic));
	ic->clientid_type = -1;
	if (!s || !*s) {
		ic->dhcp = 1;
		return 0;
	}
	if (!strchr(s, ':')) {
		r = parse_autoconf(s, strlen(s), ic);
		if (r < 0)
			return r;
		ic->dhcp = r;
		return 0;
	}
	for (w = s; ; w = end + 1, k++) {
		end = strchr(w, ':');
		if (!end)
			end = w + strlen(w);
		r = parse_field(ic, k, w, (size_t)(end - w), &autoconf);
		if (r)
			return r;
		if (!*end)
			break;
	}
	/* no address and no word: ask; an address without a word: static */
	ic->dhcp = autoconf >= 0 ? autoconf : !ic->client;
	if (!ic->dhcp && !ic->client)
		return -EDESTADDRREQ;
	return 0;
}

/* ---- nfsroot= --------------------------------------------------------- */

/* A leading "A.B.C.D:" (or the whole string an address): the server, as
 * root_nfs_parse_addr reads it.  Returns what follows. */
static const char *nfs_server_prefix(const char *s, uint32_t *server)
{
	const char *p = s;
	uint32_t a;

	while ((*p >= '0' && *p <= '9') || *p == '.')
		p++;
	if ((*p != ':' && *p) || p == s ||
	    lkm_ipv4_parse(s, (size_t)(p - s), &a))
		return s;
	*server = a;
	return *p ? p + 1 : p;
}

static int append_opts(char *opts, size_t size, const char *add, size_t n)
{
	size_t used = strlen(opts);

	if (!n)
		return 0;
	if (used + n + 2 > size)
		return -E2BIG;
	if (used && opts[used - 1] != ',')
		opts[used++] = ',';
	memcpy(opts + used, add, n);
	opts[used + n] = '\0';
	return 0;
}

/* One "[SERVER:]PATH[,OPTIONS]": the path replaces the one before unless
 * empty or "default"; the options add to those before. */
static int nfs_source(struct lkm_nfsroot *nr, const char *s)
{
	const char *comma;
	size_t n;

	s = nfs_server_prefix(s, &nr->server);
	comma = strchr(s, ',');
	n = comma ? (size_t)(comma - s) : strlen(s);
	if (n && !(n == 7 && !strncmp(s, "default", 7)) &&
	    set_string(nr->path, sizeof(nr->path), s, n))
		return -E2BIG;
	return comma ? append_opts(nr->opts, sizeof(nr->opts), comma + 1,
				   strlen(comma + 1)) : 0;
}

int lkm_nfsroot_parse(const char *rootpath, const char *nfsroot,
		      struct lkm_nfsroot *nr)
{
	char named[sizeof(nr->path)];
	int r;

	memset(nr, 0, sizeof(*nr));
	strcpy(nr->path, "/tftpboot/%s");
	if (rootpath && *rootpath && (r = nfs_source(nr, rootpath)))
		return r;
	if (!nfsroot || !*nfsroot)
		return 0;
	/* nfsroot=NAME is /tftpboot/NAME */
	if (*nfsroot != '/' && *nfsroot != ',' &&
	    !(*nfsroot >= '0' && *nfsroot <= '9')) {
		if (snprintf(named, sizeof(named), "/tftpboot/%s", nfsroot) >=
		    (int)sizeof(named))
			return -E2BIG;
		nfsroot = named;
	}
	return nfs_source(nr, nfsroot);
}

/* 1 if the comma list has the word w, or w=...; "v4" also matches v4.1. */
static int has_opt(const char *opts, const char *w, int prefix)
{
	size_t n = strlen(w);
	const char *p;

	for (p = opts; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, w, n) &&
		    (prefix || p[n] == ',' || p[n] == '=' || !p[n]))
			return 1;
	return 0;
}

static int nfs_v4(const char *opts)
{
	return has_opt(opts, "vers=4", 1) || has_opt(opts, "nfsvers=4", 1) ||
	       has_opt(opts, "v4", 1);
}

int lkm_nfsroot_mount_args(const struct lkm_nfsroot *nr, uint32_t server,
			   const char *nodename, char *src, size_t srcsize,
			   char *data, size_t datasize)
{
	const char *o = nr->opts, *p;
	char ip[16], mand[32];
	size_t used;
	int r;

	lkm_ipv4_format(server, ip);
	used = (size_t)snprintf(src, srcsize, "%s:", ip);
	for (p = nr->path; *p && used < srcsize; p++) {
		if (p[0] == '%' && p[1] == 's') {
			used += (size_t)snprintf(src + used, srcsize - used,
						 "%s", nodename);
			p++;
		} else if (used + 1 < srcsize) {
			src[used++] = *p;
			src[used] = '\0';
		} else {
			used = srcsize;
		}
	}
	if (used >= srcsize)
		return -E2BIG;
	if (!datasize)
		return -E2BIG;
	data[0] = '\0';
	/* the kernel's NFS would default to what it was built with; the
	 * nfsroot default is v3, over TCP (the NFS client's default) */
	if (!has_opt(o, "vers", 0) && !has_opt(o, "nfsvers", 0) &&
	    !has_opt(o, "v2", 0) && !has_opt(o, "v3", 0) && !nfs_v4(o))
		append_opts(data, datasize, "vers=3", 6);
	if ((r = append_opts(data, datasize, o, strlen(o))))
		return r;
	/* nothing in the initramfs runs statd: no NLM locks, as the
	 * kernel's nfsroot does, unless "lock" asks for them */
	if (!nfs_v4(data) && !has_opt(o, "lock", 0) && !has_opt(o, "nolock", 0))
		append_opts(data, datasize, "nolock", 6);
	snprintf(mand, sizeof(mand), "addr=%s", ip);
	return append_opts(data, datasize, mand, strlen(mand));
}

/* ---- /run/net-DEV.conf ------------------------------------------------ */

/* KEY='value', with ' and ! closed, escaped and reopened (git's style,
 * which klibc ipconfig uses), control characters dropped. */
static int put_var(char *buf, size_t size, size_t *used, const char *key,
		   const char *v)
{
	size_t u = *used;
	int n = snprintf(buf + u, u < size ? size - u : 0, "%s='", key);

	u += (size_t)n;
	for (; v && *v; v++) {
		const char *piece = *v == '\'' ? "'\\''" : *v == '!' ? "'\\!'" : NULL;
		size_t pn = piece ? 4 : 1;

		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			continue;
		if (u + pn < size)
			memcpy(buf + u, piece ? piece : v, pn);
		u += pn;
	}
	if (u + 2 < size)
		memcpy(buf + u, "'\n", 2);
	u += 2;
	if (u < size)
		buf[u] = '\0';
	*used = u;
	return u < size ? 0 : -E2BIG;
}

static int put_addr(char *buf, size_t size, size_t *used, const char *key,
		    uint32_t a)
{
	char ip[16];

	lkm_ipv4_format(a, ip);
	return put_var(buf, size, used, key, ip);
}

int lkm_netconf_format(const struct lkm_netinfo *ni, char *buf, size_t size)
{
	char num[24];
	size_t used = 0;
	int r = 0;

	if (!size)
		return -E2BIG;
	buf[0] = '\0';
	r |= put_var(buf, size, &used, "DEVICE", ni->device);
	r |= put_var(buf, size, &used, "PROTO", ni->proto);
	r |= put_addr(buf, size, &used, "IPV4ADDR", ni->addr);
	r |= put_addr(buf, size, &used, "IPV4BROADCAST", ni->broadcast);
	r |= put_addr(buf, size, &used, "IPV4NETMASK", ni->netmask);
	r |= put_addr(buf, size, &used, "IPV4GATEWAY", ni->gateway);
	r |= put_addr(buf, size, &used, "IPV4DNS0", ni->dns[0]);
	r |= put_addr(buf, size, &used, "IPV4DNS1", ni->dns[1]);
	r |= put_var(buf, size, &used, "HOSTNAME", ni->hostname);
	r |= put_var(buf, size, &used, "DNSDOMAIN", ni->dnsdomain);
	r |= put_var(buf, size, &used, "NISDOMAIN", ni->nisdomain);
	r |= put_addr(buf, size, &used, "ROOTSERVER", ni->server);
	r |= put_var(buf, size, &used, "ROOTPATH", ni->rootpath);
	r |= put_var(buf, size, &used, "filename", ni->filename);
	snprintf(num, sizeof(num), "%lu", ni->uptime);
	r |= put_var(buf, size, &used, "UPTIME", num);
	snprintf(num, sizeof(num), "%lu", ni->lease);
	r |= put_var(buf, size, &used, "DHCPLEASETIME", num);
	r |= put_var(buf, size, &used, "DOMAINSEARCH", ni->search);
	if (r)
		buf[0] = '\0'; /* never a file cut short */
	return r ? -E2BIG : (int)used;
}
