/*
 * authd/admin_audit.c: signed audit exports and retention pruning (R20, R33).
 *
 * An export is every record with its chain MAC, the MAC before the first one,
 * and an Ed25519 signature over a digest of all of it, so an auditor checks
 * the file offline with the public key alone (authadm audit verify --file).
 * Records older than audit_retention_days are pruned only once exported; the
 * cut keeps the last pruned MAC so the chain stays verifiable across it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "hex.h"
#include "admin.h"
#include "auditcanon.h"
#include "log.h"
#include "server.h"
#include "store.h"
#include "wipe.h"

struct export_ctx {
	struct admin_req	*rq;
	crypto_hash_sha256_state sha;
	int64_t			 first, last, count;
	unsigned char		 head_mac[32];
	int			 err;
};


static int
export_row(const struct store_audit_row *a, void *arg)
{
	struct export_ctx *x = arg;
	unsigned char *canon;
	size_t clen;
	char seq[24], t[24], port[24], mac[65];

	if (store_audit_canon(a, &canon, &clen) != 0) {
		x->err = 1;
		return 1;
	}
	/* the digest covers each record's canonical bytes and its chain MAC */
	crypto_hash_sha256_update(&x->sha, canon, clen);
	crypto_hash_sha256_update(&x->sha, a->mac, 32);
	free(canon);
	if (x->count++ == 0)
		x->first = a->seq;
	x->last = a->seq;
	memcpy(x->head_mac, a->mac, 32);
	snprintf(seq, sizeof(seq), "%" PRId64, a->seq);
	snprintf(t, sizeof(t), "%" PRId64, a->time);
	if (a->source_port >= 0)
		snprintf(port, sizeof(port), "%" PRId64, a->source_port);
	else
		port[0] = '\0';
	hex_encode(a->mac, 32, mac);
	return conn_send(x->rq->c, "ROW", "seq", seq, "time", t, "actor", a->actor, "action",
	    a->action, "target", a->target, "result", a->result, "reason", a->reason,
	    "source_addr", a->source_addr, "source_port", port, "host", a->host, "service",
	    a->service, "tty", a->tty, "ruser", a->ruser, "client", a->client, "details",
	    a->details, "mac", mac, NULL) == 0 ? 0 : 1;
}

void
admin_audit_export(struct admin_req *rq)
{
	struct store *st = rq->srv->st;
	struct store_audit_filter f;
	struct export_ctx x;
	unsigned char digest[32], prev[32], sig[crypto_sign_BYTES];
	char msg[512], dhex[65], phex[65], hhex[65], pkhex[65], sighex[2 * crypto_sign_BYTES + 1],
	    first[24], last[24], count[24], cut[24], when[24];
	int64_t cutseq;
	int r;

	memset(&x, 0, sizeof(x));
	memset(&f, 0, sizeof(f));
	x.rq = rq;
	crypto_hash_sha256_init(&x.sha);
	/* one read transaction: the records and the cut are one consistent picture */
	if ((r = store_begin(st)) != 0 || (r = store_audit_cut(st, &cutseq, prev)) != 0 ||
	    (r = store_audit_list(st, &f, export_row, &x)) != 0 || x.err) {
		store_rollback(st);
		admin_store_fail(rq, r ? r : STORE_ERR_DB, "");
		return;
	}
	crypto_hash_sha256_final(&x.sha, digest);
	hex_encode(digest, 32, dhex);
	hex_encode(prev, 32, phex);
	hex_encode(x.head_mac, 32, hhex);
	hex_encode(rq->srv->sign_pk, 32, pkhex);
	snprintf(first, sizeof(first), "%" PRId64, x.count ? x.first : cutseq + 1);
	snprintf(last, sizeof(last), "%" PRId64, x.count ? x.last : cutseq);
	snprintf(count, sizeof(count), "%" PRId64, x.count);
	snprintf(cut, sizeof(cut), "%" PRId64, cutseq);
	snprintf(when, sizeof(when), "%" PRId64, rq->now);
	/* what is signed: every number and digest of the header, in a fixed layout */
	snprintf(msg, sizeof(msg), "authd-audit-export-v1\nfirst_seq %s\nprev_mac %s\n"
	    "last_seq %s\nhead_mac %s\ncount %s\ndigest %s\nexported_at %s\n", first, phex, last,
	    hhex, count, dhex, when);
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg),
	    rq->srv->sign_sk);
	hex_encode(sig, sizeof(sig), sighex);
	if ((r = store_audit_export_add(st, rq->now, rq->actor.name, x.count ? x.first : 0,
	    x.count ? x.last : 0, dhex)) != 0 ||
	    (r = admin_audit(rq, "audit_export", "", 1, "", msg + strlen("authd-audit-export-v1\n")))
	    != 0 || (r = store_commit(st)) != 0) {
		store_rollback(st);
		admin_store_fail(rq, r, "");
		return;
	}
	log_info("audit export by %s: records %s..%s, head mac %s", rq->actor.name, first, last,
	    hhex);
	conn_send(rq->c, "OK", "format", "authd-audit-export-v1", "first_seq", first, "prev_mac",
	    phex, "last_seq", last, "head_mac", hhex, "count", count, "digest", dhex,
	    "exported_at", when, "pubkey", pkhex, "signature", sighex, NULL);
}

/* audit prune: drop what is older than the retention and already exported (R20). */
void
admin_audit_prune(struct admin_req *rq)
{
	struct store *st = rq->srv->st;
	int64_t before, n, cut;
	char ns[24], cuts[24], details[192];
	int r;

	before = rq->now - (int64_t)rq->srv->cfg->audit_retention_days * 86400;
	if ((r = store_begin(st)) != 0 ||
	    (r = store_audit_prune(st, before, rq->now, rq->actor.name, &n, &cut)) != 0) {
		store_rollback(st);
		admin_store_fail(rq, r, "");
		return;
	}
	{
		unsigned char cmac[32];
		char cmhex[65];
		int64_t cs;

		/* the chain records the cut and its MAC: verify trusts no other cut */
		if (n > 0 && (r = store_audit_cut(st, &cs, cmac)) == 0)
			hex_encode(cmac, 32, cmhex);
		else
			cmhex[0] = '\0';
		snprintf(details, sizeof(details), "pruned=%" PRId64 " cut=%" PRId64 " cut_mac=%s"
		    " retention_days=%u", n, cut, cmhex, rq->srv->cfg->audit_retention_days);
	}
	if ((r = admin_audit(rq, "audit_prune", "", 1, "", details)) != 0 ||
	    (r = store_commit(st)) != 0) {
		store_rollback(st);
		admin_store_fail(rq, r, "");
		return;
	}
	snprintf(ns, sizeof(ns), "%" PRId64, n);
	snprintf(cuts, sizeof(cuts), "%" PRId64, cut);
	conn_send(rq->c, "OK", "pruned", ns, "cut", cuts, NULL);
}
