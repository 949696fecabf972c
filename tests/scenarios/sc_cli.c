#define _XOPEN_SOURCE 700 /* nftw */
#include "tests/scenarios/sc_cli.h"

#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loadgen/clock.h"

extern char **environ;

static char dir[64];

const char *sc_tmpdir(void)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/sc-scenarios-XXXXXX");
        if (!mkdtemp(dir))
            abort();
    }
    return dir;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

void sc_tmpdir_remove(void)
{
    if (dir[0])
        nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
    dir[0] = '\0';
}

const char *sc_write(const char *name, const char *text)
{
    static char paths[8][256];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 256, "%s/%s", sc_tmpdir(), name);
    FILE *f = fopen(p, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
    return p;
}

char *sc_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0, n;
    char *buf = malloc(cap);
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}

cJSON *sc_json(const char *path)
{
    char *text = sc_read(path);
    cJSON *j = text ? cJSON_Parse(text) : NULL;
    free(text);
    return j;
}

pid_t sc_spawn(const char *const *args, const char *out, const char *err)
{
    const char *bin = getenv("STORECHECK_BIN");
    const char *argv[64] = {bin};
    int n = 1;
    while (n < 63 && args[n - 1]) {
        argv[n] = args[n - 1];
        n++;
    }
    argv[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    int spawned = posix_spawn(&pid, bin, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    return spawned == 0 ? pid : -1;
}

int sc_reap(pid_t pid, int timeout_s)
{
    uint64_t t0 = clock_us();
    int status = 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (clock_us() - t0 > (uint64_t)timeout_s * 1000000) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct sc_ran sc_run(int timeout_s, const char *const *args)
{
    struct sc_ran r = {0};
    char outp[128], errp[128];
    snprintf(outp, sizeof outp, "%s/stdout", sc_tmpdir());
    snprintf(errp, sizeof errp, "%s/stderr", sc_tmpdir());
    uint64_t t0 = clock_us();
    pid_t pid = sc_spawn(args, outp, errp);
    if (pid < 0) {
        r.code = 127;
        return r;
    }
    r.code = sc_reap(pid, timeout_s);
    r.wall_ms = (clock_us() - t0) / 1000;
    r.out = sc_read(outp);
    r.err = sc_read(errp);
    if (r.code != 0 && r.code != 1)
        fprintf(stderr, "storecheck exited %d:\n%s\n%s\n", r.code, r.out ? r.out : "",
                r.err ? r.err : "");
    return r;
}

int sc_schema_check(const char *path)
{
    return sc_schema_check_against(path, "load-result.schema.json");
}

int sc_schema_check_against(const char *path, const char *schema)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import json, sys\n"
             "try:\n    from jsonschema import validate\nexcept ImportError:\n    sys.exit(77)\n"
             "schema = json.load(open(sys.argv[2]))\n"
             "validate(instance=json.load(open(sys.argv[1])), schema=schema)' '%s' "
             "'%s/reports/%s' >&2",
             path, getenv("STORECHECK_SOURCE_DIR"), schema);
    int rc = system(cmd);
    if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) == 77 || WEXITSTATUS(rc) == 127)
        return -1;
    return WEXITSTATUS(rc) == 0;
}

void sc_ran_free(struct sc_ran *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

static const cJSON *named(const cJSON *arr, const char *scenario, const char *name)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(it, "scenario");
        if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0 &&
            (!scenario || (cJSON_IsString(s) && strcmp(s->valuestring, scenario) == 0)))
            return it;
    }
    return NULL;
}

const cJSON *sc_scenario(const cJSON *root, const char *name)
{
    return named(cJSON_GetObjectItemCaseSensitive(root, "scenarios"), NULL, name);
}

const cJSON *sc_step(const cJSON *root, const char *scenario, const char *name)
{
    return named(cJSON_GetObjectItemCaseSensitive(root, "steps"), scenario, name);
}

double sc_num(const cJSON *obj, const char *key)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(x) ? x->valuedouble : -1;
}

double sc_failed(const cJSON *obj, const char *reason)
{
    return sc_num(cJSON_GetObjectItemCaseSensitive(obj, "failed"), reason);
}
