/* authd/store_int.h: helpers shared by the store*.c files only (SQLite types stay in here). */
#ifndef AUTHD_STORE_INT_H
#define AUTHD_STORE_INT_H

#include <sqlite3.h>

struct store {
	sqlite3	*db;
};

int	store_rc(struct store *st, int rc);
int	store_prepare(struct store *st, const char *sql, sqlite3_stmt **stmt_r);
void	store_col_text(sqlite3_stmt *s, int col, char *out, size_t outlen);
void	store_bind_text(sqlite3_stmt *s, int col, const char *v);
int	store_exec_stmt(struct store *st, sqlite3_stmt *s);

#endif
