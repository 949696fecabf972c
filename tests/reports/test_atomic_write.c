/* Report files: written whole, into folders created on the way, and a clear error otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reports/atomic_write.h"
#include "tests/support/check.h"

static char dir[] = "/tmp/storecheck-write-XXXXXX";

static void test_creates_missing_folders(void)
{
    char path[256], err[256] = "";
    snprintf(path, sizeof path, "%s/out/nested/report.json", dir);
    CHECK(atomic_write(path, "{\"ok\":true}", err, sizeof err) == 0);
    FILE *f = fopen(path, "r");
    char buf[64] = "";
    CHECK(f && fgets(buf, sizeof buf, f));
    if (f)
        fclose(f);
    CHECK_STR_EQ(buf, "{\"ok\":true}\n");
    /* A second write replaces the file. */
    CHECK(atomic_write(path, "{}", err, sizeof err) == 0);
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size == 3);
    unlink(path);
    snprintf(path, sizeof path, "%s/out/nested", dir);
    rmdir(path);
    snprintf(path, sizeof path, "%s/out", dir);
    rmdir(path);
}

static void test_folder_blocked_by_a_file(void)
{
    char file[256], path[256], err[256] = "";
    snprintf(file, sizeof file, "%s/plain", dir);
    FILE *f = fopen(file, "w");
    CHECK(f != NULL);
    if (f)
        fclose(f);
    snprintf(path, sizeof path, "%s/plain/report.json", dir);
    CHECK(atomic_write(path, "{}", err, sizeof err) == -1);
    CHECK_CONTAINS(err, "plain");
    unlink(file);
}

/* A FIFO stands for /dev/null and other special files: it is written through, never
 * renamed over (as root that would replace the device for the whole machine). */
static void test_special_file_written_in_place(void)
{
    char fifo[256], err[256] = "";
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    CHECK(mkfifo(fifo, 0600) == 0);
    pid_t reader = fork();
    if (reader == 0) {
        alarm(5); /* a writer that renamed over the FIFO never opens it: end, failed */
        FILE *f = fopen(fifo, "r");
        char buf[64] = "";
        int ok = f && fgets(buf, sizeof buf, f) && strcmp(buf, "{\"ok\":1}\n") == 0;
        _exit(ok ? 0 : 1);
    }
    CHECK(atomic_write(fifo, "{\"ok\":1}", err, sizeof err) == 0);
    int status = -1;
    CHECK(waitpid(reader, &status, 0) == reader && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    struct stat st;
    CHECK(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
    unlink(fifo);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_creates_missing_folders);
    RUN(test_folder_blocked_by_a_file);
    RUN(test_special_file_written_in_place);
    rmdir(dir);
    return check_summary();
}
