/* nftw */
#define _XOPEN_SOURCE 700
#include "tests/outputs/prom_fixture.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const prom_paths[] = {"/usr/bin/prometheus", "/usr/local/bin/prometheus"};

int prom_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int port = -1;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

struct body {
    char *data;
    size_t len;
};

static size_t collect(char *ptr, size_t size, size_t n, void *user)
{
    struct body *b = user;
    char *grown = realloc(b->data, b->len + size * n + 1);
    if (!grown)
        return 0;
    b->data = grown;
    memcpy(b->data + b->len, ptr, size * n);
    b->len += size * n;
    b->data[b->len] = '\0';
    return size * n;
}

/* GET path on the server; its status (0 when it did not answer) and body (free it). */
static long get(const struct prom_fixture *p, const char *path, char **body)
{
    char url[4096];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", p->port, path);
    struct body b = {0};
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    *body = b.data;
    return status;
}

static void print_log(const struct prom_fixture *p)
{
    char path[128], line[1024];
    snprintf(path, sizeof path, "%s/log", p->dir);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        fputs(line, stderr);
    if (f)
        fclose(f);
}

int prom_start(struct prom_fixture *p, int timeout_s)
{
    memset(p, 0, sizeof *p);
    const char *bin = NULL;
    for (size_t i = 0; i < sizeof prom_paths / sizeof *prom_paths && !bin; i++)
        if (access(prom_paths[i], X_OK) == 0)
            bin = prom_paths[i];
    if (!bin)
        return -1;
    snprintf(p->dir, sizeof p->dir, "/tmp/storecheck-prom-XXXXXX");
    if (!mkdtemp(p->dir))
        return -1;
    char conf[128], data[128], logp[128], listen[64], confarg[160], dataarg[160];
    snprintf(conf, sizeof conf, "%s/prometheus.yml", p->dir);
    snprintf(data, sizeof data, "%s/data", p->dir);
    snprintf(logp, sizeof logp, "%s/log", p->dir);
    FILE *f = fopen(conf, "w");
    if (!f)
        return -1;
    fputs("global:\n  scrape_interval: 1h\n", f); /* it scrapes nothing: it only receives */
    fclose(f);
    p->port = prom_free_port();
    snprintf(listen, sizeof listen, "--web.listen-address=127.0.0.1:%d", p->port);
    snprintf(confarg, sizeof confarg, "--config.file=%s", conf);
    snprintf(dataarg, sizeof dataarg, "--storage.tsdb.path=%s", data);
    snprintf(p->write_url, sizeof p->write_url, "http://127.0.0.1:%d/api/v1/write", p->port);
    p->pid = fork();
    if (p->pid == 0) {
        int fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 1);
        dup2(fd, 2);
        execl(bin, bin, confarg, dataarg, listen, "--web.enable-remote-write-receiver",
              "--log.level=warn", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < timeout_s * 10; i++) {
        char *body = NULL;
        long status = get(p, "/-/ready", &body);
        free(body);
        if (status == 200)
            return 0;
        if (waitpid(p->pid, NULL, WNOHANG) == p->pid) {
            p->pid = 0;
            break;
        }
        struct timespec ts = {0, 100000000};
        nanosleep(&ts, NULL);
    }
    fprintf(stderr, "prometheus did not become ready within %d s:\n", timeout_s);
    print_log(p);
    prom_stop(p);
    return -1;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

void prom_stop(struct prom_fixture *p)
{
    if (p->pid > 0) {
        kill(p->pid, SIGTERM);
        int exited = 0;
        for (int i = 0; i < 100 && !exited; i++) {
            exited = waitpid(p->pid, NULL, WNOHANG) == p->pid;
            struct timespec ts = {0, 100000000};
            if (!exited)
                nanosleep(&ts, NULL);
        }
        if (!exited) {
            kill(p->pid, SIGKILL);
            waitpid(p->pid, NULL, 0);
        }
        p->pid = 0;
    }
    if (p->dir[0])
        nftw(p->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    p->dir[0] = '\0';
}

int prom_query(const struct prom_fixture *p, const char *promql, double *value)
{
    CURL *c = curl_easy_init();
    char *q = curl_easy_escape(c, promql, 0);
    curl_easy_cleanup(c);
    char path[4096];
    snprintf(path, sizeof path, "/api/v1/query?query=%s", q);
    curl_free(q);
    char *body = NULL;
    long status = get(p, path, &body);
    cJSON *doc = body ? cJSON_Parse(body) : NULL;
    const cJSON *result = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "data"), "result");
    int rc = -1;
    if (status == 200 && cJSON_GetArraySize(result) == 1) {
        const cJSON *v =
            cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(result, 0), "value"), 1);
        if (cJSON_IsString(v)) {
            *value = strtod(v->valuestring, NULL);
            rc = 0;
        }
    }
    if (rc)
        fprintf(stderr, "query %s: HTTP %ld %s\n", promql, status, body ? body : "");
    cJSON_Delete(doc);
    free(body);
    return rc;
}
