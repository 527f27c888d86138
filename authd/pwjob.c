/* authd/pwjob.c: the password jobs the worker pool runs (argon2id never runs on the loop). */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "pwjob.h"
#include "wipe.h"

static void
pwjob_work(struct pool_job *job)
{
	struct pwjob *pj = (struct pwjob *)job;
	size_t i;

	switch (pj->op) {
	case PWJOB_VERIFY:
		pj->ok = pj->nhashes > 0 && pwhash_verify(pj->hashes[0], pj->password);
		break;
	case PWJOB_CHANGE:
		/* every history entry is checked, so the time does not say which matched */
		for (i = 0; i < pj->nhashes; i++)
			if (pwhash_verify(pj->hashes[i], pj->password))
				pj->matched = 1;
		if (pj->matched)
			break;
		/* FALLTHROUGH */
	case PWJOB_HASH:
		pj->rc = pwhash_hash(&pj->kdf, pj->password, pj->out);
		break;
	}
}

static void
pwjob_done(struct pool_job *job)
{
	struct pwjob *pj = (struct pwjob *)job;

	pj->cb(pj);
}

struct pwjob *
pwjob_new(enum pwjob_op op, const struct pwhash_params *kdf, const char *password,
    void (*cb)(struct pwjob *), void *arg)
{
	struct pwjob *pj;

	if ((pj = calloc(1, sizeof(*pj))) == NULL)
		return NULL;
	if ((pj->password = strdup(password)) == NULL) {
		free(pj);
		return NULL;
	}
	pj->op = op;
	pj->kdf = *kdf;
	pj->cb = cb;
	pj->arg = arg;
	pj->job.work = pwjob_work;
	pj->job.done = pwjob_done;
	return pj;
}

int
pwjob_add_hash(struct pwjob *pj, const char *hash)
{
	if (pj->nhashes >= PWJOB_HISTORY_MAX)
		return AUTHD_ERR_TOOLONG;
	if ((pj->hashes[pj->nhashes] = strdup(hash)) == NULL)
		return AUTHD_ERR_NOMEM;
	pj->nhashes++;
	return 0;
}

int
pwjob_submit(struct pool *pool, struct pwjob *pj)
{
	return pool_submit(pool, &pj->job) == 0 ? 0 : -1;
}

void
pwjob_free(struct pwjob **pjp)
{
	struct pwjob *pj;
	size_t i;

	if (pjp == NULL || (pj = *pjp) == NULL)
		return;
	wipe_free_str(pj->password);
	for (i = 0; i < pj->nhashes; i++)
		wipe_free_str(pj->hashes[i]);
	wipe(pj->out, sizeof(pj->out));
	free(pj);
	*pjp = NULL;
}
