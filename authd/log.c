/* authd/log.c: stderr or syslog, one line per event; fatal() only for broken invariants. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static int log_fg = 1, log_dbg;

void
log_init(int foreground, int debug)
{
	log_fg = foreground;
	log_dbg = debug;
	if (!foreground)
		openlog("authd", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
}

static void
vlog(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char line[1024];
	char ts[32];
	time_t t;
	struct tm tm;

	vsnprintf(line, sizeof(line), fmt, ap);
	if (log_fg) {
		t = time(NULL);
		gmtime_r(&t, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(stderr, "%s authd: %s%s%s\n", ts, line, suffix ? ": " : "",
		    suffix ? suffix : "");
		fflush(stderr);
	} else
		syslog(pri, "%s%s%s", line, suffix ? ": " : "", suffix ? suffix : "");
}

#define LOGFN(name, pri, errsuffix, cond) \
void \
name(const char *fmt, ...) \
{ \
	va_list ap; \
	int e = errno; \
	if (!(cond)) \
		return; \
	va_start(ap, fmt); \
	vlog(pri, fmt, ap, errsuffix ? strerror(e) : NULL); \
	va_end(ap); \
}

LOGFN(log_info, LOG_INFO, 0, 1)
LOGFN(log_debug, LOG_DEBUG, 0, log_dbg)
LOGFN(log_warnx, LOG_WARNING, 0, 1)
LOGFN(log_warn, LOG_WARNING, 1, 1)

void
fatal(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, strerror(e));
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
