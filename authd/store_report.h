/*
 * authd/store_report.h: the read-only queries behind the compliance reports
 * (admin_report.c: report_logs, R20/R33). Like store.h, no SQLite type
 * crosses this interface.
 *
 * The aggregates are grouped down to actor and target, so the caller can keep
 * to what the reader may see (scope.h) before summing the groups up.
 */
#ifndef AUTHD_STORE_REPORT_H
#define AUTHD_STORE_REPORT_H

#include <stdint.h>

#include "store.h"

/* What the audit table holds as a whole (retention, R20). */
struct store_report_span {
	int64_t	records;		/* rows in the table */
	int64_t	first_seq, last_seq;	/* 0 when empty */
	int64_t	first_time;		/* time of record first_seq */
	int64_t	oldest_time;		/* smallest time of any record */
	int64_t	service_since;		/* when the root unit was made (--init), 0 if none */
	int64_t	cut_seq;		/* records up to here were pruned (0: none) */
	int64_t	cut_time;		/* when that prune ran (0: never) */
};

/* One group of audit records with the same keys, and how many. */
struct store_report_group {
	char	actor[STORE_NAME_MAX + 1];
	char	target[STORE_NAME_MAX + 1];
	char	action[32];
	char	result[8];
	char	source_addr[64];
	int64_t	count;
	int64_t	last_time;		/* the newest record of the group */
};

typedef int	store_report_group_cb(const struct store_report_group *, void *);

int	store_report_span(struct store *st, struct store_report_span *sp);
/*
 * Records with from <= time < until grouped by action, result, actor and
 * target, ordered by action then result (source_addr left empty). A callback
 * that returns non-zero stops the walk; that value is returned.
 */
int	store_report_action_counts(struct store *st, int64_t from, int64_t until,
	    store_report_group_cb *cb, void *arg);
/*
 * Failed logins (action login, result fail) with from <= time < until grouped
 * by source address, actor and target, ordered by source address then actor.
 */
int	store_report_failed_logins(struct store *st, int64_t from, int64_t until,
	    store_report_group_cb *cb, void *arg);

#endif
