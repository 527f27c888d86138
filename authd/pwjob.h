/*
 * authd/pwjob.h: password work for the worker pool: verify a password against
 * a hash, hash a new one, or check a new password against the history and
 * hash it. The job owns copies of every secret and wipes them when freed.
 */
#ifndef AUTHD_PWJOB_H
#define AUTHD_PWJOB_H

#include "pool.h"
#include "pwhash.h"

#define PWJOB_HISTORY_MAX	25

enum pwjob_op {
	PWJOB_VERIFY,		/* ok = password matches hashes[0] */
	PWJOB_HASH,		/* out = hash(password) */
	PWJOB_CHANGE,		/* matched = password matches any of hashes[]; if not, out = hash */
};

struct pwjob {
	struct pool_job		 job;		/* first member */
	enum pwjob_op		 op;
	struct pwhash_params	 kdf;
	char			*password;	/* owned, wiped */
	char			*hashes[PWJOB_HISTORY_MAX];	/* owned */
	size_t			 nhashes;
	/* results */
	int			 ok;
	int			 matched;
	int			 rc;
	char			 out[PWHASH_STR_MAX];
	/* continuation on the loop thread; it must call pwjob_free() */
	void			(*cb)(struct pwjob *pj);
	void			*arg;
};

struct pwjob	*pwjob_new(enum pwjob_op op, const struct pwhash_params *kdf, const char *password,
		    void (*cb)(struct pwjob *), void *arg);
int		 pwjob_add_hash(struct pwjob *pj, const char *hash);
/* 0 when queued; -1 when the pool is full (busy) and the job was not taken. */
int		 pwjob_submit(struct pool *pool, struct pwjob *pj);
void		 pwjob_free(struct pwjob **pjp);

#endif
