/* admin/session.c: find, read, write and remove authadm's session token file. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session.h"
#include "wipe.h"

#define SESSION_MAX_FILE	4096

int
session_token_valid(const char *token)
{
	size_t n = strspn(token, "0123456789abcdefABCDEF");

	return n > 0 && n <= SESSION_MAX_TOKEN && token[n] == '\0';
}

void
session_free(struct session **sp)
{
	struct session *s;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	free(s->socket);
	wipe_free_str(s->token);
	free(s->user);
	free(s);
	*sp = NULL;
}

int
session_path(char **path_r, char *err, size_t errlen)
{
	const char *env, *base, *sub;
	struct passwd *pw;

	*path_r = NULL;
	if ((env = getenv("AUTHADM_SESSION")) != NULL && env[0] != '\0') {
		if ((*path_r = strdup(env)) == NULL)
			goto nomem;
		return 0;
	}
	/* the XDG spec says a relative XDG_RUNTIME_DIR is to be ignored */
	if ((env = getenv("XDG_RUNTIME_DIR")) != NULL && env[0] == '/') {
		base = env;
		sub = "authadm/session";
	} else {
		if ((base = getenv("HOME")) == NULL || base[0] == '\0') {
			if ((pw = getpwuid(geteuid())) == NULL ||
			    pw->pw_dir == NULL || pw->pw_dir[0] == '\0') {
				snprintf(err, errlen, "cannot find the session "
				    "file: set AUTHADM_SESSION or HOME");
				return -1;
			}
			base = pw->pw_dir;
		}
		sub = ".cache/authadm/session";
	}
	if (asprintf(path_r, "%s/%s", base, sub) == -1) {
		*path_r = NULL;
		goto nomem;
	}
	return 0;
 nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

/* Parse "key=value" lines into s; 0 or -1. */
static int
session_parse(char *text, struct session *s)
{
	char *line, *next, *eq, **slot;

	for (line = text; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) == NULL)
			return -1;		/* every line ends in LF */
		*next++ = '\0';
		if ((eq = strchr(line, '=')) == NULL)
			return -1;
		*eq = '\0';
		if (strcmp(line, "socket") == 0)
			slot = &s->socket;
		else if (strcmp(line, "token") == 0)
			slot = &s->token;
		else if (strcmp(line, "user") == 0)
			slot = &s->user;
		else
			continue;		/* written by a newer authadm */
		if (*slot != NULL)
			return -1;
		if ((*slot = strdup(eq + 1)) == NULL)
			return -1;
	}
	if (s->socket == NULL || s->token == NULL ||
	    !session_token_valid(s->token))
		return -1;
	if (s->user == NULL && (s->user = strdup("")) == NULL)
		return -1;
	return 0;
}

int
session_load(const char *socket, struct session **s_r, char *err,
    size_t errlen)
{
	char text[SESSION_MAX_FILE + 1];
	struct session *s = NULL;
	struct stat st;
	char *path = NULL;
	size_t len = 0;
	ssize_t n;
	int fd = -1, r = -1;

	*s_r = NULL;
	if (session_path(&path, err, errlen) != 0)
		return -1;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT || errno == ENOTDIR) {
			r = 0;
			goto out;
		}
		snprintf(err, errlen, "session file %s: %s", path,
		    errno == ELOOP ? "is a symbolic link" : strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "session file %s: %s", path,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0) {
		snprintf(err, errlen, "session file %s: unsafe: must be a "
		    "regular file of yours with mode 0600", path);
		goto out;
	}
	for (;;) {
		n = read(fd, text + len, sizeof(text) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "session file %s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == sizeof(text) - 1) {
			snprintf(err, errlen, "session file %s: too large",
			    path);
			goto out;
		}
	}
	text[len] = '\0';
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (strlen(text) != len || session_parse(text, s) != 0) {
		snprintf(err, errlen, "session file %s: malformed; run "
		    "'authadm login -u NAME'", path);
		goto out;
	}
	r = 0;
	if (strcmp(s->socket, socket) == 0) {
		*s_r = s;
		s = NULL;
	}
 out:
	wipe(text, sizeof(text));
	session_free(&s);
	if (fd != -1)
		close(fd);
	free(path);
	return r;
}

/*
 * Create the missing directories of dir (mode 0700), then check that dir is
 * safe: a directory owned by us or root, writable by others only if sticky.
 */
static int
session_mkdirs(char *dir, char *err, size_t errlen)
{
	struct stat st;
	char *p;

	for (p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (p[-1] != '/') {
			char c = *p;

			*p = '\0';
			if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
				snprintf(err, errlen, "cannot create %s: %s",
				    dir, strerror(errno));
				*p = c;
				return -1;
			}
			*p = c;
		}
		if (*p == '\0')
			break;
	}
	if (stat(dir, &st) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) ||
	    (st.st_uid != geteuid() && st.st_uid != 0) ||
	    ((st.st_mode & 022) != 0 && (st.st_mode & S_ISVTX) == 0)) {
		snprintf(err, errlen, "%s: unsafe directory for the session "
		    "file (owner or permissions)", dir);
		return -1;
	}
	return 0;
}

int
session_save(const struct session *s, char *err, size_t errlen)
{
	char *path = NULL, *dir = NULL, *tmp = NULL, *text = NULL, *slash;
	size_t off = 0, len = 0;
	ssize_t n;
	int fd = -1, r = -1, tlen;

	if (strchr(s->socket, '\n') != NULL || strchr(s->user, '\n') != NULL ||
	    !session_token_valid(s->token)) {
		snprintf(err, errlen, "refusing to store a malformed session");
		return -1;
	}
	if (session_path(&path, err, errlen) != 0)
		return -1;
	if ((dir = strdup(path)) == NULL)
		goto nomem;
	if ((slash = strrchr(dir, '/')) == NULL) {
		free(dir);
		if ((dir = strdup(".")) == NULL)
			goto nomem;
	} else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (strcmp(dir, "/") != 0 && strcmp(dir, ".") != 0 &&
	    session_mkdirs(dir, err, errlen) != 0)
		goto out;
	if (asprintf(&tmp, "%s.XXXXXX", path) == -1) {
		tmp = NULL;
		goto nomem;
	}
	if ((tlen = asprintf(&text, "socket=%s\ntoken=%s\nuser=%s\n",
	    s->socket, s->token, s->user)) == -1) {
		text = NULL;
		goto nomem;
	}
	len = (size_t)tlen;
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "cannot create %s: %s", tmp,
		    strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (fchmod(fd, 0600) == -1)
		goto ioerr;
	while (off < len) {
		if ((n = write(fd, text + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			goto ioerr;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1)
		goto ioerr;
	if (close(fd) == -1) {
		fd = -1;
		goto ioerr;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto ioerr;
	free(tmp);
	tmp = NULL;
	r = 0;
	goto out;
 ioerr:
	snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	goto out;
 nomem:
	snprintf(err, errlen, "out of memory");
 out:
	if (fd != -1)
		close(fd);
	if (tmp != NULL) {
		(void)unlink(tmp);
		free(tmp);
	}
	if (text != NULL) {
		wipe(text, len);
		free(text);
	}
	free(dir);
	free(path);
	return r;
}

int
session_remove(char *err, size_t errlen)
{
	char *path = NULL;
	int r = 0;

	if (session_path(&path, err, errlen) != 0)
		return -1;
	if (unlink(path) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove %s: %s", path,
		    strerror(errno));
		r = -1;
	}
	free(path);
	return r;
}
