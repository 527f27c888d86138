/*
 * bench/bench_login.c: logins/s through authd against raw argon2id verifications/s
 * at the same parameters, in one run (bench/run.sh drives it).
 *
 *   bench_login raw MEMORY_KIB ITERATIONS THREADS SECONDS
 *   bench_login authd SOCKET USER_PREFIX NUSERS PASSWORD THREADS SECONDS
 *   bench_login cancel SOCKET THREADS SECONDS      (greeting + AUTH + CANCEL: no hash)
 *
 * Prints one line "rate=<ops per second> ops=<n>".
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

static const char *mode, *sock_path, *prefix, *password;
static unsigned int memory_kib, iterations, nusers;
static double seconds;
static char hash[crypto_pwhash_STRBYTES];
static volatile int stop;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Read one line (blocking); returns length or -1. */
static int
read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;
	char c;

	while (n + 1 < len) {
		if (read(fd, &c, 1) != 1)
			return -1;
		if (c == '\n')
			break;
		buf[n++] = c;
	}
	buf[n] = '\0';
	return (int)n;
}

static int
send_str(int fd, const char *s)
{
	size_t len = strlen(s);

	return write(fd, s, len) == (ssize_t)len ? 0 : -1;
}

static int
connect_authd(void)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock_path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One login conversation on fd: AUTH, password, expect OK. */
static int
login_once(int fd, unsigned int user)
{
	char line[8192], req[512];

	snprintf(req, sizeof(req), "AUTH\tuser=%s%u\tservice=bench\n", prefix, user);
	if (send_str(fd, req) != 0 || read_line(fd, line, sizeof(line)) < 0 ||
	    strncmp(line, "CONT", 4) != 0)
		return -1;
	snprintf(req, sizeof(req), "ANSWER\tvalue=%s\n", password);
	if (send_str(fd, req) != 0)
		return -1;
	for (;;) {
		if (read_line(fd, line, sizeof(line)) < 0)
			return -1;
		if (strncmp(line, "OK", 2) == 0)
			return 0;
		if (strncmp(line, "FAIL", 4) == 0) {
			fprintf(stderr, "bench: %s\n", line);
			return -1;
		}
	}
}

static void *
worker(void *arg)
{
	unsigned long *count = arg, i = *count;	/* the starting user */
	char line[8192];
	int fd = -1;

	*count = 0;
	if (strcmp(mode, "raw") == 0) {
		while (!stop) {
			if (crypto_pwhash_str_verify(hash, "bench-Passw0rd!", 15) != 0)
				abort();
			(*count)++;
		}
		return NULL;
	}
	if ((fd = connect_authd()) == -1 || read_line(fd, line, sizeof(line)) < 0) {
		perror("bench: connect");
		return NULL;
	}
	while (!stop) {
		if (strcmp(mode, "cancel") == 0) {
			if (send_str(fd, "AUTH\tuser=nobody\tservice=bench\nCANCEL\n") != 0 ||
			    read_line(fd, line, sizeof(line)) < 0 ||
			    read_line(fd, line, sizeof(line)) < 0)
				break;
		} else if (login_once(fd, (unsigned int)((i++) % nusers)) != 0)
			break;
		(*count)++;
	}
	close(fd);
	return NULL;
}

int
main(int argc, char **argv)
{
	unsigned int threads, t;
	unsigned long *counts, total = 0;
	pthread_t *tids;
	double t0, el;

	if (argc < 2)
		goto usage;
	mode = argv[1];
	if (strcmp(mode, "raw") == 0 && argc == 6) {
		memory_kib = (unsigned int)strtoul(argv[2], NULL, 10);
		iterations = (unsigned int)strtoul(argv[3], NULL, 10);
		threads = (unsigned int)strtoul(argv[4], NULL, 10);
		seconds = strtod(argv[5], NULL);
		if (sodium_init() < 0 || crypto_pwhash_str_alg(hash, "bench-Passw0rd!", 15,
		    iterations, (size_t)memory_kib * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0)
			return 1;
	} else if (strcmp(mode, "authd") == 0 && argc == 8) {
		sock_path = argv[2];
		prefix = argv[3];
		nusers = (unsigned int)strtoul(argv[4], NULL, 10);
		password = argv[5];
		threads = (unsigned int)strtoul(argv[6], NULL, 10);
		seconds = strtod(argv[7], NULL);
		if (nusers == 0)
			goto usage;
	} else if (strcmp(mode, "cancel") == 0 && argc == 5) {
		sock_path = argv[2];
		threads = (unsigned int)strtoul(argv[3], NULL, 10);
		seconds = strtod(argv[4], NULL);
	} else
		goto usage;
	if (threads == 0 || threads > 256 || seconds <= 0)
		goto usage;
	counts = calloc(threads, sizeof(*counts));
	tids = calloc(threads, sizeof(*tids));
	if (counts == NULL || tids == NULL)
		return 1;
	t0 = now_s();
	for (t = 0; t < threads; t++) {
		counts[t] = t * 7919;	/* starting user for this thread */
		pthread_create(&tids[t], NULL, worker, &counts[t]);
	}
	usleep((useconds_t)(seconds * 1e6));
	stop = 1;
	for (t = 0; t < threads; t++) {
		pthread_join(tids[t], NULL);
		total += counts[t];
	}
	el = now_s() - t0;
	printf("rate=%.1f ops=%lu seconds=%.2f\n", total / el, total, el);
	return total > 0 ? 0 : 1;
 usage:
	fprintf(stderr, "usage: see the comment at the top of bench/bench_login.c\n");
	return 2;
}
