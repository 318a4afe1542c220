/* dhcp.c - DHCP (RFC 2131, 2132) and BOOTP packets: the requests a client
 * sends and the replies it reads.  A reply comes from the network: every
 * length in it is checked against the datagram. */
#include "internal.h"

#include <errno.h>
#include <string.h>

#define BOOTP_FIXED 236          /* op .. file */
#define DHCP_OPTS (BOOTP_FIXED + 4) /* after the magic cookie */
#define BOOTP_MIN 300            /* RFC 951's smallest packet */

static const unsigned char cookie[4] = { 99, 130, 83, 99 };

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Append option code with n bytes of data at *pos; -E2BIG if the packet
 * (which keeps a byte for the end option) has no room. */
static int put_opt(unsigned char *buf, size_t size, size_t *pos,
		   unsigned code, const void *data, size_t n)
{
	if (n > 255 || *pos + 2 + n + 1 > size)
		return -E2BIG;
	buf[(*pos)++] = (unsigned char)code;
	buf[(*pos)++] = (unsigned char)n;
	memcpy(buf + *pos, data, n);
	*pos += n;
	return 0;
}

int lkm_dhcp_build(unsigned char *buf, size_t size,
		   const struct lkm_dhcp_req *rq)
{
	/* what /run/net-DEV.conf and the NFS root want to know */
	static const unsigned char want[] = { 1, 3, 6, 12, 15, 17, 26, 28,
					      40, 42, 51, 54, 119 };
	unsigned char t = (unsigned char)rq->type, mss[2] = { 0x05, 0xdc };
	unsigned char cid[1 + sizeof(rq->clientid)];
	size_t pos = DHCP_OPTS, n;
	int r;

	if (size < BOOTP_MIN)
		return -E2BIG;
	memset(buf, 0, size);
	buf[0] = 1;                      /* BOOTREQUEST */
	buf[1] = 1;                      /* Ethernet */
	buf[2] = 6;
	put_be32(buf + 4, rq->xid);
	buf[8] = (unsigned char)(rq->secs >> 8);
	buf[9] = (unsigned char)rq->secs;
	/* no address yet: ask for the reply by broadcast */
	buf[10] = 0x80;
	memcpy(buf + 28, rq->mac, 6);
	memcpy(buf + BOOTP_FIXED, cookie, 4);
	r = put_opt(buf, size, &pos, LKM_DHCP_OPT_TYPE, &t, 1);
	if (!r && rq->type == LKM_DHCP_REQUEST) {
		r = put_opt(buf, size, &pos, 50, &rq->reqip, 4);
		if (!r && rq->server_id)
			r = put_opt(buf, size, &pos, 54, &rq->server_id, 4);
	}
	if (!r)
		r = put_opt(buf, size, &pos, 57, mss, 2);
	if (!r)
		r = put_opt(buf, size, &pos, 55, want, sizeof(want));
	if (!r && rq->hostname[0])
		r = put_opt(buf, size, &pos, 12, rq->hostname,
			    strlen(rq->hostname));
	if (!r && rq->clientid_type >= 0) {
		n = strlen(rq->clientid);
		cid[0] = (unsigned char)rq->clientid_type;
		memcpy(cid + 1, rq->clientid, n);
		r = put_opt(buf, size, &pos, 61, cid, n + 1);
	}
	if (r)
		return r;
	buf[pos++] = 255;
	return (int)(pos < BOOTP_MIN ? BOOTP_MIN : pos);
}

/* A string option: printable bytes up to a NUL, truncated to the field. */
static void get_string(char *dst, size_t size, const unsigned char *p,
		       size_t n)
{
	size_t k, o = 0;

	for (k = 0; k < n && p[k] && o + 1 < size; k++)
		if (p[k] >= 0x20 && p[k] < 0x7f)
			dst[o++] = (char)p[k];
	dst[o] = '\0';
}

static uint32_t get_addr(const unsigned char *p)
{
	uint32_t a;

	memcpy(&a, p, 4);
	return a;
}

/* Option 119 (RFC 3397): DNS names, compressed with pointers back into the
 * option's own data, to "a.example b.example". */
static void get_search(char *out, size_t size, const unsigned char *d,
		       size_t n)
{
	size_t pos = 0, o = 0;

	out[0] = '\0';
	while (pos < n) {
		size_t p = pos, jumps = 0, start = o;
		int jumped = 0;

		for (;;) {
			unsigned len;

			if (p >= n)
				goto bad;
			len = d[p];
			if ((len & 0xc0) == 0xc0) {
				size_t to;

				if (p + 1 >= n || ++jumps > 32)
					goto bad;
				to = (size_t)(len & 0x3f) << 8 | d[p + 1];
				/* only backwards, so a loop cannot form */
				if (to >= p)
					goto bad;
				if (!jumped)
					pos = p + 2;
				jumped = 1;
				p = to;
				continue;
			}
			if (len & 0xc0)
				goto bad;
			if (!len) {
				if (!jumped)
					pos = p + 1;
				break;
			}
			if (p + 1 + len > n || o + len + 2 >= size)
				goto bad;
			if (o > start)
				out[o++] = '.';
			else if (o)
				out[o++] = ' ';
			get_string(out + o, len + 1, d + p + 1, len);
			o += strlen(out + o);
			p += 1 + len;
		}
		out[o] = '\0';
	}
	return;
bad:
	out[0] = '\0';
}

/* One option of a reply into the message. */
static void take_opt(struct lkm_dhcp_msg *m, unsigned code,
		     const unsigned char *p, size_t n, int *overload)
{
	switch (code) {
	case 1: if (n >= 4) m->netmask = get_addr(p); break;
	case 3: if (n >= 4) m->router = get_addr(p); break;
	case 6:
		if (n >= 4) m->dns[0] = get_addr(p);
		if (n >= 8) m->dns[1] = get_addr(p + 4);
		break;
	case 12: get_string(m->hostname, sizeof(m->hostname), p, n); break;
	case 15: get_string(m->domain, sizeof(m->domain), p, n); break;
	case 17: get_string(m->rootpath, sizeof(m->rootpath), p, n); break;
	case 26: if (n >= 2) m->mtu = (unsigned)(p[0] << 8 | p[1]); break;
	case 28: if (n >= 4) m->broadcast = get_addr(p); break;
	case 40: get_string(m->nisdomain, sizeof(m->nisdomain), p, n); break;
	case 42: if (n >= 4) m->ntp = get_addr(p); break;
	case 51: if (n >= 4) m->lease = lkm_be32(p); break;
	case 52: if (n >= 1) *overload = p[0]; break;
	case 53: if (n >= 1) m->type = p[0]; break;
	case 54: if (n >= 4) m->server_id = get_addr(p); break;
	case 67: get_string(m->bootfile, sizeof(m->bootfile), p, n); break;
	}
}

/* Walk the options of d[0..n); the pieces of option 119 (which RFC 3396
 * lets a server split) are gathered into search. */
static int walk_opts(struct lkm_dhcp_msg *m, const unsigned char *d,
		     size_t n, int *overload, unsigned char *search,
		     size_t *nsearch)
{
	size_t pos = 0, len;

	while (pos < n) {
		unsigned code = d[pos++];

		if (code == 0)
			continue;
		if (code == 255)
			return 0;
		if (pos >= n)
			return -EINVAL;
		len = d[pos++];
		if (pos + len > n)
			return -EINVAL;
		if (code == 119) {
			if (*nsearch + len <= LKM_DHCP_SEARCH_MAX) {
				memcpy(search + *nsearch, d + pos, len);
				*nsearch += len;
			}
		} else {
			take_opt(m, code, d + pos, len, overload);
		}
		pos += len;
	}
	return 0;
}

int lkm_dhcp_parse(const void *pkt, size_t len, struct lkm_dhcp_msg *m)
{
	const unsigned char *b = pkt;
	unsigned char search[LKM_DHCP_SEARCH_MAX];
	size_t nsearch = 0;
	int overload = 0, r = 0, unused = 0;

	memset(m, 0, sizeof(*m));
	if (len < BOOTP_FIXED || b[0] != 2 || b[2] > 16)
		return -EINVAL;
	m->xid = lkm_be32(b + 4);
	m->yiaddr = get_addr(b + 16);
	m->siaddr = get_addr(b + 20);
	memcpy(m->chaddr, b + 28, 16);
	m->hlen = b[2];
	/* a BOOTP reply without the cookie has no options at all */
	if (len >= DHCP_OPTS && !memcmp(b + BOOTP_FIXED, cookie, 4))
		r = walk_opts(m, b + DHCP_OPTS, len - DHCP_OPTS, &overload,
			      search, &nsearch);
	/* option 52: the file and sname fields carry options too */
	if (!r && (overload & 1))
		r = walk_opts(m, b + 108, 128, &unused, search, &nsearch);
	if (!r && (overload & 2))
		r = walk_opts(m, b + 44, 64, &unused, search, &nsearch);
	if (r)
		return r;
	if (!(overload & 1) && !m->bootfile[0])
		get_string(m->bootfile, sizeof(m->bootfile), b + 108, 128);
	if (!(overload & 2))
		get_string(m->sname, sizeof(m->sname), b + 44, 64);
	if (nsearch)
		get_search(m->search, sizeof(m->search), search, nsearch);
	return 0;
}
