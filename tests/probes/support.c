#define _GNU_SOURCE /* strcasestr */
#include "tests/probes/support.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config/config_load.h"

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

pid_t sup_spawn(char *const argv[], const char *ready_file)
{
    if (ready_file)
        unlink(ready_file);
    pid_t parent = getpid();
    fflush(NULL); /* or the child's exit would write our buffered output again */
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        execvp(argv[0], argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (!ready_file)
        return pid;
    for (int i = 0; i < 200; i++) {
        struct stat st;
        if (stat(ready_file, &st) == 0 && st.st_size > 0)
            return pid;
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            fprintf(stderr, "%s exited before it was ready\n", argv[0]);
            return -1;
        }
        sleep_ms(50);
    }
    fprintf(stderr, "%s: not ready after 10 s\n", argv[0]);
    sup_stop(pid);
    return -1;
}

void sup_stop(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(pid, SIGTERM);
    for (int i = 0; i < 100; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return;
        sleep_ms(50);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

int sup_listen_loopback(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 512) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

pid_t sup_fork_server(int fd, void (*serve)(int conn, const void *arg), const void *arg)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid != 0) {
        close(fd);
        return pid;
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGCHLD, SIG_IGN); /* no zombies from finished connections */
    for (;;) {
        int c = accept(fd, NULL, NULL);
        if (c < 0)
            continue;
        if (fork() == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            close(fd);
            serve(c, arg);
            close(c);
            _exit(0);
        }
        close(c);
    }
}

static void send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

enum { REQUEST_MAX = 16384, ANSWER_MAX = 256 * 1024 };

void sup_serve_requests(int fd, sup_answer_fn answer, const void *arg)
{
    struct timeval tv = {2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char *buf = malloc(REQUEST_MAX), *out = malloc(ANSWER_MAX);
    size_t got = 0;
    if (!buf || !out)
        goto done;
    buf[0] = '\0';
    for (;;) {
        char *end = NULL;
        while (!(end = strstr(buf, "\r\n\r\n")) || got == 0) {
            if (got + 1 >= REQUEST_MAX)
                goto done;
            ssize_t r = recv(fd, buf + got, REQUEST_MAX - 1 - got, 0);
            if (r <= 0)
                goto done;
            got += (size_t)r;
            buf[got] = '\0';
        }
        size_t head = (size_t)(end + 4 - buf), body = 0;
        const char *cl = strcasestr(buf, "\r\nContent-Length:");
        if (cl && cl < end)
            body = strtoul(cl + 17, NULL, 10);
        while (got < head + body && got + 1 < REQUEST_MAX) {
            ssize_t r = recv(fd, buf + got, REQUEST_MAX - 1 - got, 0);
            if (r <= 0)
                goto done;
            got += (size_t)r;
            buf[got] = '\0';
        }
        struct sup_request req = {.head = buf, .body = buf + head, .body_len = body};
        sscanf(buf, "%15s %1023s", req.method, req.target);
        /* The body follows the head in buf: the head is cut at its blank line for answer. */
        char saved = buf[head - 2];
        buf[head - 2] = '\0';
        size_t n = answer(&req, out, ANSWER_MAX, arg);
        buf[head - 2] = saved;
        send_all(fd, out, n);
        size_t used = head + body < got ? head + body : got;
        memmove(buf, buf + used, got - used);
        got -= used;
        buf[got] = '\0';
    }
done:
    free(buf);
    free(out);
}

int sup_request_header(const struct sup_request *req, const char *name, char *out, size_t len)
{
    size_t n = strlen(name);
    for (const char *p = strstr(req->head, "\r\n"); p; p = strstr(p + 2, "\r\n")) {
        if (strncasecmp(p + 2, name, n) == 0 && p[2 + n] == ':') {
            const char *v = p + 3 + n;
            while (*v == ' ')
                v++;
            snprintf(out, len, "%.*s", (int)strcspn(v, "\r\n"), v);
            return 0;
        }
    }
    return -1;
}

int sup_wait_port(int port)
{
    for (int i = 0; i < 200; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
        close(fd);
        if (ok)
            return 0;
        sleep_ms(50);
    }
    return -1;
}

int sup_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

const char *sup_cert(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/tests/probes/certs/%s", getenv("STORECHECK_BUILD_DIR"), name);
    return path;
}

static char scratch_dir[4096];

static void scratch_remove(void)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", scratch_dir);
}

const char *sup_scratch(void)
{
    if (!scratch_dir[0]) {
        snprintf(scratch_dir, sizeof scratch_dir, "%s/tests/probes/scratch-%ld",
                 getenv("STORECHECK_BUILD_DIR"), (long)getpid());
        mkdir(scratch_dir, 0700);
        atexit(scratch_remove);
    }
    return scratch_dir;
}

/* The loopback address servers listen on and configs name: 127.0.0.1, or ::1. */
static int use_ipv6;

void sup_use_ipv6(int on)
{
    use_ipv6 = on;
}

/* The port after "name=ADDR:" in a READY line; 0 when absent. */
static int ready_port(const char *line, const char *name)
{
    char key[16];
    snprintf(key, sizeof key, " %s=", name);
    const char *p = strstr(line, key);
    if (!p)
        return 0;
    p += strlen(key);
    const char *colon = p + strcspn(p, " \n");
    while (colon > p && *colon != ':')
        colon--;
    return *colon == ':' ? atoi(colon + 1) : 0;
}

int sup_refstore_start(struct refstore *rs, const char *cert, const char *broken,
                       const char *const *extra)
{
    memset(rs, 0, sizeof *rs);
    char bin[4096], ready[4200], certp[4096], keyp[4096], name[256];
    snprintf(bin, sizeof bin, "%s/tests/refstore/storecheck-refstore",
             getenv("STORECHECK_BUILD_DIR"));
    snprintf(ready, sizeof ready, "%s/refstore.ready", sup_scratch());
    snprintf(name, sizeof name, "%s.pem", cert ? cert : "server");
    snprintf(certp, sizeof certp, "%s", sup_cert(name));
    snprintf(name, sizeof name, "%s.key", cert ? cert : "server");
    snprintf(keyp, sizeof keyp, "%s", sup_cert(name));
    char *any = use_ipv6 ? "[::1]:0" : "127.0.0.1:0";
    char *argv[32] = {bin, "--listen", any, "--admin", any, "--quiet", "--ready-file", ready};
    int n = 8;
    int tls = !cert || strcmp(cert, "none") != 0;
    if (tls) {
        char *tls_args[] = {"--tls-listen", any, "--cert", certp, "--key", keyp};
        for (size_t i = 0; i < 6; i++)
            argv[n++] = tls_args[i];
    }
    if (broken) {
        argv[n++] = "--broken";
        argv[n++] = (char *)broken;
    }
    for (size_t i = 0; extra && extra[i] && n < 30; i++)
        argv[n++] = (char *)extra[i];
    argv[n] = NULL;
    rs->pid = sup_spawn(argv, ready);
    if (rs->pid < 0)
        return -1;
    FILE *f = fopen(ready, "r");
    char line[512] = "";
    if (f) {
        if (!fgets(line, sizeof line, f))
            line[0] = '\0';
        fclose(f);
    }
    rs->http = ready_port(line, "http");
    rs->https = ready_port(line, "https");
    rs->admin = ready_port(line, "admin");
    if (!rs->http || (tls && !rs->https)) {
        fprintf(stderr, "refstore ready line not understood: %s\n", line);
        sup_refstore_stop(rs);
        return -1;
    }
    return 0;
}

void sup_refstore_stop(struct refstore *rs)
{
    sup_stop(rs->pid);
    rs->pid = 0;
}

int sup_config(struct config *cfg, int https_port, int http_port, const char *timeout,
               const char *probe_timeout)
{
    char yaml[8192];
    const char *host = use_ipv6 ? "[::1]" : "127.0.0.1";
    char base[64], http_url[96] = "";
    if (https_port)
        snprintf(base, sizeof base, "https://%s:%d", host, https_port);
    else
        snprintf(base, sizeof base, "http://%s:%d", host, http_port);
    if (https_port && http_port)
        snprintf(http_url, sizeof http_url, "  http_url: http://%s:%d/\n", host, http_port);
    snprintf(yaml, sizeof yaml,
             "target:\n"
             "  base_url: %s\n"
             "%s"
             "  allowed_hosts: [\"%s\"]\n"
             "  tls: { ca_file: %s }\n"
             "  timeout: %s\n"
             "  endpoints:\n"
             "    home: /\n"
             "    product_page: \"/products/{{id}}\"\n"
             "    checkout_page: /checkout\n"
             "    account: /account\n"
             "    catalog: /api/v1/products\n"
             "    product: \"/api/v1/products/{{id}}\"\n"
             "    search: \"/api/v1/search?q={{q}}\"\n"
             "    cart: /api/v1/carts\n"
             "    cart_items: \"/api/v1/carts/{{cart_id}}/items\"\n"
             "    login: /api/v1/login\n"
             "    static_asset: /static/app.css\n"
             "audit:\n"
             "  probe_timeout: %s\n"
             "  deadline: 30s\n",
             base, http_url, use_ipv6 ? "::1" : "127.0.0.1", sup_cert("ca.pem"),
             timeout ? timeout : "5s", probe_timeout ? probe_timeout : "10s");
    return sup_config_yaml(cfg, yaml);
}

int sup_config_yaml(struct config *cfg, const char *yaml)
{
    struct diag_list diags;
    diag_list_init(&diags);
    int rc = config_load_buffer(cfg, yaml, strlen(yaml), "probe-test.yaml", NULL, &diags);
    if (rc != 0) {
        diag_list_print(&diags, stderr);
        fprintf(stderr, "in:\n%s\n", yaml);
    }
    diag_list_free(&diags);
    return rc;
}

void sup_run(const struct config *cfg, const char *only, struct engine_report *rep)
{
    const char *items[64];
    char buf[1024];
    struct strv list = {items, 0};
    if (only) {
        snprintf(buf, sizeof buf, "%s", only);
        for (char *t = strtok(buf, ","); t && list.count < 64; t = strtok(NULL, ","))
            items[list.count++] = t;
    }
    struct engine_options opt = {.only = &list};
    char err[256];
    if (engine_run(cfg, &opt, rep, err, sizeof err) != 0) {
        fprintf(stderr, "engine_run: %s\n", err);
        memset(rep, 0, sizeof *rep);
    }
}

const struct probe_result *sup_result(const struct engine_report *rep, const char *id)
{
    for (size_t i = 0; i < rep->count; i++)
        if (strcmp(rep->items[i].probe->id, id) == 0)
            return &rep->items[i].result;
    return NULL;
}

int sup_evidence_has(const struct probe_result *r, const char *text)
{
    for (size_t i = 0; r && i < r->evidence_count; i++)
        if ((r->evidence[i].request && strstr(r->evidence[i].request, text)) ||
            strstr(r->evidence[i].detail, text))
            return 1;
    return 0;
}

int sup_has_text(const struct probe_result *r, const char *text)
{
    return r && ((r->reason && strstr(r->reason, text)) || sup_evidence_has(r, text));
}

void sup_print(const char *id, const struct probe_result *r)
{
    if (!r) {
        fprintf(stderr, "  %s: did not run\n", id);
        return;
    }
    fprintf(stderr, "  %s: %s: %s\n", id, probe_status_name(r->status), r->reason);
    for (size_t i = 0; i < r->evidence_count; i++)
        fprintf(stderr, "      %s -> %d | %s\n",
                r->evidence[i].request ? r->evidence[i].request : "", r->evidence[i].status,
                r->evidence[i].detail);
}

int sup_expect(const struct engine_report *rep, const char *id, enum probe_status st,
               const char *text)
{
    const struct probe_result *r = sup_result(rep, id);
    int ok = r && r->status == st && (!text || sup_has_text(r, text));
    if (!ok) {
        fprintf(stderr, "expected %s %s%s%s; got:\n", id, probe_status_name(st),
                text ? " with " : "", text ? text : "");
        sup_print(id, r);
    }
    return ok;
}
