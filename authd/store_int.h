/* authd/store_int.h: helpers shared by the store*.c files only (SQLite types stay in here). */
#ifndef AUTHD_STORE_INT_H
#define AUTHD_STORE_INT_H

#include <sqlite3.h>

struct store {
	sqlite3		*db;
	unsigned char	 audit_key[32];		/* HMAC key of the audit chain */
	int		 audit_key_set;
	int		 audit_dirty;		/* this transaction appended audit records */
	char		*anchor_path;		/* high-water file of the chain, or NULL */
	int64_t		 head_seq;		/* the chain's head after the last commit */
	int		 anchor_frozen;		/* the anchor disagrees with the chain: keep it */
	unsigned char	 head_mac[32];
};

/* Write the chain's head (seq and MAC) to the anchor file, if any. */
void	store_anchor_write(struct store *st);
void	store_audit_mac(const unsigned char key[32], const unsigned char prev[32],
	    const struct store_audit_row *a, unsigned char mac[32]);

int	store_rc(struct store *st, int rc);
int	store_prepare(struct store *st, const char *sql, sqlite3_stmt **stmt_r);
void	store_col_text(sqlite3_stmt *s, int col, char *out, size_t outlen);
void	store_bind_text(sqlite3_stmt *s, int col, const char *v);
int	store_exec_stmt(struct store *st, sqlite3_stmt *s);

#endif
