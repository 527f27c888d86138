/*
 * authd/pool.h: a small pool of worker threads for password hashing, with a
 * bounded queue (DESIGN.md): a full queue answers "busy" at once instead of
 * growing, and the event loop never waits for a hash.
 *
 * A job's work() runs on a worker thread and must touch nothing but the job;
 * its done() runs afterwards on the event-loop thread (via event_active).
 */
#ifndef AUTHD_POOL_H
#define AUTHD_POOL_H

#include <stddef.h>

struct event_base;
struct pool;

struct pool_job {
	void	(*work)(struct pool_job *job);	/* worker thread */
	void	(*done)(struct pool_job *job);	/* event-loop thread; owns the job afterwards */
	void	*arg;
	/* private */
	struct pool_job	*next;
	struct event	*ev;
	struct pool	*pool;
};

/* threads: 0 = number of CPUs. */
int	pool_new(struct event_base *base, unsigned int threads, unsigned int queue_max,
	    struct pool **pool_r);
/* Stop after running the queued jobs; their done() callbacks still run if the loop does. */
void	pool_free(struct pool **poolp);
/* 0, or AUTHD_ERR_BUSY-like: -1 when the queue is full. */
int	pool_submit(struct pool *pool, struct pool_job *job);
/* Jobs queued or running (for draining at shutdown). */
unsigned int pool_pending(struct pool *pool);

#endif
