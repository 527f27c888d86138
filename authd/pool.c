/* authd/pool.c: worker threads + bounded FIFO; completion delivered to libevent by event_active. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "err.h"
#include "pool.h"

struct pool {
	struct event_base	*base;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct pool_job		*head, *tail;
	unsigned int		 queued, running, queue_max, nthreads;
	int			 stopping;
	pthread_t		*threads;
};

static void
job_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pool_job *job = arg;
	struct pool *pool = job->pool;

	event_free(job->ev);
	job->ev = NULL;
	pthread_mutex_lock(&pool->mu);
	pool->running--;
	pthread_mutex_unlock(&pool->mu);
	job->done(job);
}

static void *
worker(void *arg)
{
	struct pool *pool = arg;
	struct pool_job *job;

	for (;;) {
		pthread_mutex_lock(&pool->mu);
		while (pool->head == NULL && !pool->stopping)
			pthread_cond_wait(&pool->cv, &pool->mu);
		if (pool->head == NULL) {
			pthread_mutex_unlock(&pool->mu);
			return NULL;
		}
		job = pool->head;
		pool->head = job->next;
		if (pool->head == NULL)
			pool->tail = NULL;
		pool->queued--;
		pool->running++;
		pthread_mutex_unlock(&pool->mu);
		job->work(job);
		event_active(job->ev, EV_READ, 0);
	}
}

int
pool_new(struct event_base *base, unsigned int threads, unsigned int queue_max,
    struct pool **pool_r)
{
	struct pool *pool;
	unsigned int i;
	long ncpu;

	*pool_r = NULL;
	if (threads == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		threads = ncpu > 0 ? (unsigned int)ncpu : 2;
	}
	if ((pool = calloc(1, sizeof(*pool))) == NULL)
		return AUTHD_ERR_NOMEM;
	pool->base = base;
	pool->queue_max = queue_max;
	pthread_mutex_init(&pool->mu, NULL);
	pthread_cond_init(&pool->cv, NULL);
	if ((pool->threads = calloc(threads, sizeof(pthread_t))) == NULL) {
		free(pool);
		return AUTHD_ERR_NOMEM;
	}
	for (i = 0; i < threads; i++) {
		if (pthread_create(&pool->threads[i], NULL, worker, pool) != 0)
			break;
		pool->nthreads++;
	}
	if (pool->nthreads == 0) {
		pool_free(&pool);
		return AUTHD_ERR_NOMEM;
	}
	*pool_r = pool;
	return 0;
}

void
pool_free(struct pool **poolp)
{
	struct pool *pool;
	unsigned int i;

	if (poolp == NULL || (pool = *poolp) == NULL)
		return;
	pthread_mutex_lock(&pool->mu);
	pool->stopping = 1;
	pthread_cond_broadcast(&pool->cv);
	pthread_mutex_unlock(&pool->mu);
	for (i = 0; i < pool->nthreads; i++)
		pthread_join(pool->threads[i], NULL);
	free(pool->threads);
	pthread_mutex_destroy(&pool->mu);
	pthread_cond_destroy(&pool->cv);
	free(pool);
	*poolp = NULL;
}

int
pool_submit(struct pool *pool, struct pool_job *job)
{
	pthread_mutex_lock(&pool->mu);
	if (pool->stopping || pool->queued >= pool->queue_max) {
		pthread_mutex_unlock(&pool->mu);
		return -1;
	}
	pthread_mutex_unlock(&pool->mu);
	job->pool = pool;
	job->next = NULL;
	if ((job->ev = event_new(pool->base, -1, 0, job_done_cb, job)) == NULL)
		return AUTHD_ERR_NOMEM;
	pthread_mutex_lock(&pool->mu);
	if (pool->tail != NULL)
		pool->tail->next = job;
	else
		pool->head = job;
	pool->tail = job;
	pool->queued++;
	pthread_cond_signal(&pool->cv);
	pthread_mutex_unlock(&pool->mu);
	return 0;
}

unsigned int
pool_pending(struct pool *pool)
{
	unsigned int n;

	pthread_mutex_lock(&pool->mu);
	n = pool->queued + pool->running;
	pthread_mutex_unlock(&pool->mu);
	return n;
}
