/*
 * authd/ticket.h: change tickets. When a PAM client authenticates with
 * defer_change=1 and the password must be changed, authd answers OK with a
 * ticket; pam_sm_chauthtok then redeems it (CHPASS ticket=...) so the current
 * password is not asked again in the same PAM handle (INTERFACE.md). A ticket
 * is random, stored hashed, single use, bound to the user, the peer uid and
 * the origin (conn_origin(): over TLS, the host its certificate names), and
 * lives TICKET_LIFETIME seconds on the monotonic clock.
 */
#ifndef AUTHD_TICKET_H
#define AUTHD_TICKET_H

#include <sys/types.h>

#include <stdint.h>

#define TICKET_MAX		1024
#define TICKET_LIFETIME		300	/* seconds */
#define TICKET_HEX_LEN		64
#define TICKET_ORIGIN_MAX	300	/* as CONN_ORIGIN_MAX */

struct ticket {
	unsigned char	hash[32];
	int64_t		user_id;
	uid_t		uid;
	char		origin[TICKET_ORIGIN_MAX];
	double		expires;	/* monotonic seconds */
	int		used;
};

struct ticket_table {
	struct ticket	t[TICKET_MAX];
};

/* Issue a ticket; hex_r gets TICKET_HEX_LEN + 1 bytes. 0, or -1 when full/no randomness. */
int	ticket_issue(struct ticket_table *tt, int64_t user_id, uid_t uid, const char *origin,
	    char *hex_r);
/*
 * Redeem (single use): 0 and the user id, or -1 if unknown, expired, used, or
 * from another uid or origin.
 */
int	ticket_redeem(struct ticket_table *tt, const char *hex, uid_t uid, const char *origin,
	    int64_t *user_id_r);

#endif
