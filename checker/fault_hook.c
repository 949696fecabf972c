#include "checker/fault_hook.h"

#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/allowlist.h"

extern char **environ;

const struct fault *fault_hook_find(const struct config *cfg, const char *name)
{
    for (size_t i = 0; name && i < cfg->target.fault_count; i++)
        if (strcmp(cfg->target.faults[i].name, name) == 0)
            return &cfg->target.faults[i];
    return NULL;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    return size * n;
}

static int run_http(const struct config *cfg, const struct fault_action *a, char *err,
                    size_t errlen)
{
    if (!allowlist_url_ok(&cfg->target.allowed_hosts, a->url, err, errlen))
        return -1;
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(err, errlen, "cannot create an HTTP handle");
        return -1;
    }
    curl_easy_setopt(c, CURLOPT_URL, a->url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, a->method ? a->method : "POST");
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)cfg->target.timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    if (cfg->target.ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, cfg->target.ca_file);
    if (cfg->target.insecure) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "%s %s: %s", a->method ? a->method : "POST", a->url,
                 curl_easy_strerror(rc));
        return -1;
    }
    if (status >= 400) {
        snprintf(err, errlen, "%s %s answered %ld", a->method ? a->method : "POST", a->url, status);
        return -1;
    }
    return 0;
}

static int run_command(const struct config *cfg, const struct fault_action *a, char *err,
                       size_t errlen)
{
    char *argv[] = {"/bin/sh", "-c", (char *)a->command, NULL};
    pid_t pid;
    int e = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
    if (e) {
        snprintf(err, errlen, "cannot run the fault command: %s", strerror(e));
        return -1;
    }
    /* Bounded like an HTTP action: killed after the target timeout. */
    struct timespec tick = {0, 20 * 1000 * 1000};
    for (uint64_t waited = 0;; waited += 20) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) {
            if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
                return 0;
            snprintf(err, errlen, "the fault command failed (%s %d)",
                     WIFEXITED(st) ? "exit status" : "signal",
                     WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
            return -1;
        }
        if (r < 0 && errno != EINTR) {
            snprintf(err, errlen, "waiting for the fault command: %s", strerror(errno));
            return -1;
        }
        if (waited >= cfg->target.timeout_ms) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            snprintf(err, errlen, "the fault command did not finish within the target timeout");
            return -1;
        }
        nanosleep(&tick, NULL);
    }
}

int fault_hook_run(const struct config *cfg, const struct fault_action *a, char *err, size_t errlen)
{
    switch (a->kind) {
    case FAULT_HTTP:
        return run_http(cfg, a, err, errlen);
    case FAULT_COMMAND:
        return run_command(cfg, a, err, errlen);
    default:
        snprintf(err, errlen, "the fault has no action");
        return -1;
    }
}
