/*
 * admin/session.h: the administrator's session token file.
 *
 * Where: $AUTHADM_SESSION if set, else
 * ${XDG_RUNTIME_DIR:-$HOME/.cache}/authadm/session.
 * What: "socket=PATH\ntoken=HEX\nuser=NAME\n", mode 0600, written atomically
 * (temporary file + rename) into a directory created 0700. A token that
 * belongs to another admin socket counts as no session.
 */
#ifndef ADMIN_SESSION_H
#define ADMIN_SESSION_H

#include <stddef.h>

#define SESSION_MAX_TOKEN	512	/* hex digits */

struct session {
	char	*socket;	/* the admin socket the token was issued by */
	char	*token;		/* secret: wiped by session_free() */
	char	*user;		/* the administrator's name, may be "" */
};

/* The session file's path (caller frees). Returns 0 or -1 with err set. */
int	session_path(char **path_r, char *err, size_t errlen);
/*
 * Load the session for socket. Returns 0 with *s_r set, or 0 with *s_r NULL
 * when there is none (no file, or a token for another socket), or -1 with
 * err set (unreadable, unsafe permissions, malformed).
 * The caller frees *s_r with session_free().
 */
int	session_load(const char *socket, struct session **s_r, char *err,
	    size_t errlen);
/* Write s to the session file, replacing any. Returns 0 or -1 with err set. */
int	session_save(const struct session *s, char *err, size_t errlen);
/* Remove the session file; 0 also when there is none, else -1 with err. */
int	session_remove(char *err, size_t errlen);
/* Wipe the token and free; NULLs *sp; NULL is a no-op. */
void	session_free(struct session **sp);
/* 1 if token is 1..SESSION_MAX_TOKEN hex digits. */
int	session_token_valid(const char *token);

#endif
