#include "reports/atomic_write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/oom.h"

/* Create the folders above path that do not exist yet (mkdir -p of its directory). */
static int make_parent_dirs(const char *path, char *err, size_t errlen)
{
    char *dir = xstrdup(path);
    int rc = 0;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
            rc = -1;
            break;
        }
        *p = '/';
    }
    free(dir);
    return rc;
}

/* Write text and a newline to an open stream and flush it; 0 or -1 (errno set). */
static int write_all(FILE *f, const char *text, size_t len)
{
    return fwrite(text, 1, len, f) != len || fputc('\n', f) == EOF || fflush(f) != 0 ? -1 : 0;
}

/* A target that exists and is not a regular file (/dev/null, a FIFO, a terminal) is written
 * in place: renaming over it would replace the device itself, for every program on the
 * machine when run as root. */
static int write_in_place(const char *path, const char *text, size_t len, char *err,
                          size_t errlen)
{
    FILE *f = fopen(path, "w");
    int bad = !f || write_all(f, text, len) != 0;
    if (f && fclose(f) != 0)
        bad = 1;
    if (bad)
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    return bad ? -1 : 0;
}

int atomic_write(const char *path, const char *text, char *err, size_t errlen)
{
    size_t len = strlen(text);
    if (strcmp(path, "-") == 0) {
        if (write_all(stdout, text, len) != 0) {
            snprintf(err, errlen, "cannot write to stdout: %s", strerror(errno));
            return -1;
        }
        return 0;
    }
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
        return write_in_place(path, text, len, err, errlen);
    if (make_parent_dirs(path, err, errlen))
        return -1;
    size_t n = strlen(path) + 32;
    char *tmp = xmalloc(n);
    snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
    int rc = -1;
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        goto out;
    }
    int bad = write_all(f, text, len) != 0 || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    free(tmp);
    return rc;
}
