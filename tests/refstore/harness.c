#include "harness.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The port of "key=ADDR:PORT" in the READY line; ADDR may be "[::1]". */
static int port_of(const char *line, const char *key)
{
    const char *p = strstr(line, key);
    if (!p)
        return 0;
    const char *end = p + strcspn(p, " \n");
    const char *colon = NULL;
    for (const char *c = p; c < end; c++)
        if (*c == ':')
            colon = c;
    return colon ? atoi(colon + 1) : 0;
}

bool rs_start(struct rs_server *s, const char *const *args)
{
    memset(s, 0, sizeof *s);
    const char *dir = getenv("STORECHECK_BUILD_DIR");
    char bin[4096];
    snprintf(bin, sizeof bin, "%s/tests/refstore/storecheck-refstore", dir ? dir : ".");
    const char *argv[64];
    int n = 0;
    argv[n++] = bin;
    argv[n++] = "--quiet";
    bool listen_given = false;
    for (int i = 0; args && args[i] && n < 60; i++) {
        listen_given |= strcmp(args[i], "--listen") == 0;
        argv[n++] = args[i];
    }
    /* The store's default port (8080) may be taken (the demo uses it): tests take a free one. */
    if (!listen_given) {
        argv[n++] = "--listen";
        argv[n++] = "127.0.0.1:0";
    }
    argv[n] = NULL;
    int fds[2];
    if (pipe(fds) < 0)
        return false;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        /* If a test dies, its store goes with it instead of holding CTest's output open. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    s->pid = pid;
    char line[512];
    size_t len = 0;
    double deadline = now_s() + 15;
    while (len < sizeof line - 1 && now_s() < deadline) {
        struct pollfd p = {fds[0], POLLIN, 0};
        if (poll(&p, 1, 200) <= 0)
            continue;
        ssize_t r = read(fds[0], line + len, 1);
        if (r <= 0)
            break;
        if (line[len++] == '\n')
            break;
    }
    line[len] = '\0';
    close(fds[0]);
    if (strncmp(line, "READY", 5) != 0) {
        fprintf(stderr, "refstore did not start (got '%s')\n", line);
        rs_stop(s);
        return false;
    }
    s->http = port_of(line, "http=");
    s->https = port_of(line, "https=");
    s->admin = port_of(line, "admin=");
    return true;
}

int rs_stop(struct rs_server *s)
{
    if (s->pid <= 0)
        return -1;
    kill(s->pid, SIGTERM);
    int status;
    for (int i = 0; i < 200; i++) {
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            s->pid = 0;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        usleep(50 * 1000);
    }
    kill(s->pid, SIGKILL);
    waitpid(s->pid, &status, 0);
    s->pid = 0;
    return -1;
}

const char *rs_cert(const char *name)
{
    static char path[4096];
    const char *dir = getenv("STORECHECK_BUILD_DIR");
    snprintf(path, sizeof path, "%s/tests/refstore/certs/%s", dir ? dir : ".", name);
    return path;
}

struct sink {
    char *data;
    size_t len;
};

static size_t sink_write(char *p, size_t size, size_t n, void *userdata)
{
    struct sink *s = userdata;
    size_t add = size * n;
    char *grown = realloc(s->data, s->len + add + 1);
    if (!grown)
        return 0;
    s->data = grown;
    memcpy(s->data + s->len, p, add);
    s->len += add;
    s->data[s->len] = '\0';
    return add;
}

/* Keeps only the last response's headers (after a 100 Continue, for instance). */
static size_t header_write(char *p, size_t size, size_t n, void *userdata)
{
    struct sink *s = userdata;
    if (size * n >= 5 && strncmp(p, "HTTP/", 5) == 0)
        s->len = 0;
    return sink_write(p, size, n, userdata);
}

void rs_do(const struct rs_request *req, struct rs_response *resp)
{
    memset(resp, 0, sizeof *resp);
    CURL *c = curl_easy_init();
    struct sink body = {0}, head = {0};
    struct curl_slist *hl = NULL;
    for (int i = 0; req->headers && req->headers[i]; i++)
        hl = curl_slist_append(hl, req->headers[i]);
    if (req->gzip) {
        /* Ask for gzip and keep the body as sent, to check the encoding itself. */
        hl = curl_slist_append(hl, "Accept-Encoding: gzip");
        curl_easy_setopt(c, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    }
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method ? req->method : "GET");
    if (req->method && strcmp(req->method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (req->body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE,
                         (long)(req->body_len ? req->body_len : strlen(req->body)));
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_write);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &head);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, req->timeout_ms ? req->timeout_ms : 5000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, req->tls_verify ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, req->tls_verify ? 2L : 0L);
    if (req->tls_verify)
        curl_easy_setopt(c, CURLOPT_CAINFO, rs_cert("ca.pem"));
    if (req->tls_min || req->tls_max)
        curl_easy_setopt(c, CURLOPT_SSLVERSION, req->tls_min | req->tls_max);
    if (req->ciphers)
        curl_easy_setopt(c, CURLOPT_SSL_CIPHER_LIST, req->ciphers);
    double start = now_s();
    CURLcode rc = curl_easy_perform(c);
    resp->seconds = now_s() - start;
    resp->curl_error = (int)rc;
    resp->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
    resp->body = body.data ? body.data : calloc(1, 1);
    resp->body_len = body.len;
    resp->headers = head.data ? head.data : calloc(1, 1);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
}

void rs_free(struct rs_response *resp)
{
    free(resp->body);
    free(resp->headers);
    memset(resp, 0, sizeof *resp);
}

const char *rs_url(const struct rs_server *s, const char *scheme, const char *path)
{
    static char url[4096];
    if (strcmp(scheme, "admin") == 0)
        snprintf(url, sizeof url, "http://127.0.0.1:%d%s", s->admin, path);
    else if (strcmp(scheme, "https") == 0)
        snprintf(url, sizeof url, "https://localhost:%d%s", s->https, path);
    else
        snprintf(url, sizeof url, "http://127.0.0.1:%d%s", s->http, path);
    return url;
}

void rs_get(const struct rs_server *s, const char *path, struct rs_response *resp)
{
    struct rs_request req = {.url = rs_url(s, s->https ? "https" : "http", path)};
    rs_do(&req, resp);
}

void rs_post(const struct rs_server *s, const char *path, const char *body,
             const char *const *headers, struct rs_response *resp)
{
    struct rs_request req = {.method = "POST",
                             .url = rs_url(s, s->https ? "https" : "http", path),
                             .body = body ? body : "",
                             .headers = headers};
    rs_do(&req, resp);
}

bool rs_header_n(const struct rs_response *r, const char *name, int index, char *out, size_t outlen)
{
    size_t n = strlen(name);
    for (const char *line = r->headers; line && *line;) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        if (len > n && strncasecmp(line, name, n) == 0 && line[n] == ':' && index-- == 0) {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            size_t vlen = (size_t)(line + len - v);
            while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == ' '))
                vlen--;
            snprintf(out, outlen, "%.*s", (int)vlen, v);
            return true;
        }
        line = eol ? eol + 1 : NULL;
    }
    return false;
}

bool rs_header(const struct rs_response *r, const char *name, char *out, size_t outlen)
{
    return rs_header_n(r, name, 0, out, outlen);
}

int rs_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

long rs_read(int fd, char *out, size_t max, long timeout_ms, bool *closed)
{
    size_t len = 0;
    double deadline = now_s() + (double)timeout_ms / 1000.0;
    *closed = false;
    while (len < max - 1) {
        int left = (int)((deadline - now_s()) * 1000);
        if (left <= 0)
            break;
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, left) <= 0)
            break;
        ssize_t r = recv(fd, out + len, max - 1 - len, 0);
        if (r <= 0) {
            *closed = true;
            break;
        }
        len += (size_t)r;
    }
    out[len] = '\0';
    return (long)len;
}

long rs_raw(int port, const char *data, size_t len, char *out, size_t max, long timeout_ms,
            bool *closed)
{
    int fd = rs_connect(port);
    if (fd < 0)
        return -1;
    if (data && len && send(fd, data, len, MSG_NOSIGNAL) < 0 && errno != EPIPE) {
        close(fd);
        return -1;
    }
    long n = rs_read(fd, out, max, timeout_ms, closed);
    close(fd);
    return n;
}

int rs_count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}
