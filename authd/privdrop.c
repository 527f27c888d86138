/* authd/privdrop.c: run as an unprivileged account once the sockets are open (privdrop.h). */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "privdrop.h"

/*
 * The state directory and its regular files become uid:gid. Not recursive
 * (the directory is flat), never through a symbolic link nor a hard link: a
 * link planted there must not hand authd's account some other file. Sockets stay root's:
 * pam_authd.so accepts only a socket root owns (and authd, owning the
 * directory, can still remove them on the way out).
 */
static int
own_state_dir(const char *dir, uid_t uid, gid_t gid, char *err, size_t errlen)
{
	struct dirent *de;
	struct stat sb, dirsb;
	DIR *d;
	int fd, pfd, r = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (fstat(fd, &dirsb) != 0 || fchown(fd, uid, gid) != 0 || fchmod(fd, 0700) != 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		close(fd);
		return -1;
	}
	if ((d = fdopendir(fd)) == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		/*
		 * Checked and changed through one descriptor: the name could be
		 * renamed to another file between a check by name and a chown by name.
		 */
		if ((pfd = openat(fd, de->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) == -1)
			continue;
		if (fstat(pfd, &sb) != 0) {
			close(pfd);
			continue;
		}
		/*
		 * A hard link could name any file of this file system (with
		 * fs.protected_hardlinks off): what authd made has one link.
		 */
		if (!S_ISREG(sb.st_mode) || sb.st_nlink != 1 || sb.st_dev != dirsb.st_dev) {
			if (S_ISREG(sb.st_mode) && sb.st_uid != uid)
				log_warnx("%s/%s: %lu links or another file system: not handed "
				    "to %ld", dir, de->d_name, (unsigned long)sb.st_nlink,
				    (long)uid);
			close(pfd);
			continue;
		}
		if ((sb.st_uid != uid || sb.st_gid != gid) &&
		    fchownat(pfd, "", uid, gid, AT_EMPTY_PATH) != 0) {
			snprintf(err, errlen, "%s/%s: %s", dir, de->d_name, strerror(errno));
			close(pfd);
			r = -1;
			break;
		}
		close(pfd);
	}
	closedir(d);
	return r;
}

int
privdrop_check(const struct config *cfg, char *err, size_t errlen)
{
	struct passwd *pw;

	if (cfg->user == NULL || geteuid() == 0)
		return 0;
	if ((pw = getpwnam(cfg->user)) != NULL && geteuid() == pw->pw_uid &&
	    getuid() == pw->pw_uid)
		return 0;
	snprintf(err, errlen, "user = %s: authd must be started as root to become %s",
	    cfg->user, cfg->user);
	return -1;
}

int
privdrop(const struct config *cfg, char *err, size_t errlen)
{
	struct passwd *pw;
	uid_t uid;
	gid_t gid;

	/* secrets in memory: no core file, no ptrace by another process of this uid */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (cfg->user == NULL) {
		if (geteuid() == 0)
			log_info("running as root: set user = NAME in %s to drop privileges",
			    cfg->path != NULL ? cfg->path : "the configuration");
		return 0;
	}
	errno = 0;
	if ((pw = getpwnam(cfg->user)) == NULL) {
		snprintf(err, errlen, "user = %s: no such user", cfg->user);
		return -1;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (geteuid() != 0) {
		if (geteuid() == uid && getuid() == uid)
			return 0;	/* started as that account already */
		snprintf(err, errlen, "user = %s: authd must be started as root to become %s",
		    cfg->user, cfg->user);
		return -1;
	}
	if (uid == 0) {
		log_info("user = %s is root: privileges not dropped", cfg->user);
		return 0;
	}
	if (own_state_dir(cfg->state_dir, uid, gid, err, errlen) != 0)
		return -1;
	if (initgroups(cfg->user, gid) != 0 || setresgid(gid, gid, gid) != 0 ||
	    setresuid(uid, uid, uid) != 0) {
		snprintf(err, errlen, "cannot become %s: %s", cfg->user, strerror(errno));
		return -1;
	}
	/* no way back */
	if (setuid(0) == 0 || seteuid(0) == 0 || getuid() != uid || geteuid() != uid) {
		snprintf(err, errlen, "privileges still there after becoming %s", cfg->user);
		return -1;
	}
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);	/* setuid resets it: again */
	log_info("running as %s (uid %ld, gid %ld)", cfg->user, (long)uid, (long)gid);
	return 0;
}
