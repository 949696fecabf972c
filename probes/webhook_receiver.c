#define _GNU_SOURCE /* memmem, strcasestr */
#include "probes/webhook_receiver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "common/mono_wait.h"
#include "common/oom.h"
#include "probes/probe.h"

enum {
    MAX_CLIENTS = 32,
    MAX_REQUEST = 2 * 1024 * 1024,
    CLIENT_TIMEOUT_MS = 5000,
    POLL_MS = 50,
    MAX_EVENTS = 256,
    WAIT_SLICE_MS = 20,
};

struct client {
    int fd;
    uint64_t since;
    char *buf;
    size_t len, cap;
};

struct whr {
    int listen_fd;
    int wake[2];
    unsigned port;
    int fail_first;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct whr_delivery **deliveries;
    size_t count, cap;
    char *event_keys[MAX_EVENTS]; /* only the thread touches these */
    int event_attempts[MAX_EVENTS];
    size_t nevents;
    struct client clients[MAX_CLIENTS];
    size_t nclients;
};

const char *whr_header(const struct whr_delivery *d, const char *name)
{
    for (size_t i = 0; i < d->header_count; i++)
        if (strcasecmp(d->names[i], name) == 0)
            return d->values[i];
    return NULL;
}

/* Decode a chunked body at p (n bytes) into out. 1 complete, 0 incomplete, -1 malformed. */
static int dechunk(const char *p, size_t n, char *out, size_t *outlen)
{
    size_t i = 0, w = 0;
    for (;;) {
        const char *eol = memmem(p + i, n - i, "\r\n", 2);
        if (!eol)
            return 0;
        char *end;
        unsigned long size = strtoul(p + i, &end, 16);
        if (end == p + i || size > MAX_REQUEST)
            return -1;
        i = (size_t)(eol - p) + 2;
        if (size == 0)
            return memmem(p + i, n - i, "\r\n", 2) ? (*outlen = w, 1) : 0;
        if (n - i < size + 2)
            return 0;
        memcpy(out + w, p + i, size);
        w += size;
        i += size + 2;
    }
}

/* Parse c's buffer. 1 with *d filled when a whole request is there, 0 when more is needed,
 * -1 when it is not HTTP. */
static int parse_request(struct client *c, struct whr_delivery *d)
{
    char *head_end = memmem(c->buf, c->len, "\r\n\r\n", 4);
    if (!head_end)
        return c->len > 64 * 1024 ? -1 : 0;
    size_t head_len = (size_t)(head_end - c->buf) + 4;
    long long clen = 0;
    int chunked = 0;
    memset(d, 0, sizeof *d);
    char *line = memchr(c->buf, '\n', head_len);
    while (line && line + 1 < head_end) {
        char *start = line + 1, *eol = memchr(start, '\r', (size_t)(head_end + 2 - start));
        char *colon = eol ? memchr(start, ':', (size_t)(eol - start)) : NULL;
        line = eol ? eol + 1 : NULL;
        if (!colon || d->header_count == WHR_MAX_HEADERS)
            continue;
        char *v = colon + 1;
        while (v < eol && (*v == ' ' || *v == '\t'))
            v++;
        char *name = xmalloc((size_t)(colon - start) + 1), *value = xmalloc((size_t)(eol - v) + 1);
        memcpy(name, start, (size_t)(colon - start));
        name[colon - start] = '\0';
        memcpy(value, v, (size_t)(eol - v));
        value[eol - v] = '\0';
        if (strcasecmp(name, "Content-Length") == 0)
            clen = atoll(value);
        if (strcasecmp(name, "Transfer-Encoding") == 0 && strcasestr(value, "chunked"))
            chunked = 1;
        d->names[d->header_count] = name;
        d->values[d->header_count++] = value;
    }
    d->body = xmalloc(c->len - head_len + 1);
    int rc = 1;
    if (chunked) {
        rc = dechunk(c->buf + head_len, c->len - head_len, d->body, &d->body_len);
    } else if (clen < 0 || clen > MAX_REQUEST) {
        rc = -1;
    } else if (c->len - head_len < (size_t)clen) {
        rc = 0;
    } else {
        memcpy(d->body, c->buf + head_len, (size_t)clen);
        d->body_len = (size_t)clen;
    }
    if (rc == 1) {
        d->body[d->body_len] = '\0';
        return 1;
    }
    for (size_t i = 0; i < d->header_count; i++) {
        free(d->names[i]);
        free(d->values[i]);
    }
    free(d->body);
    memset(d, 0, sizeof *d);
    return rc;
}

/* The status for this attempt of its event: 500, then 503, for the first fail_first attempts;
 * 200 after. */
static int answer_for(struct whr *r, const struct whr_delivery *d)
{
    cJSON *doc = cJSON_Parse(d->body);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(doc, "id");
    const char *key = cJSON_IsString(id) ? id->valuestring : d->body;
    size_t i = 0;
    while (i < r->nevents && strcmp(r->event_keys[i], key) != 0)
        i++;
    if (i == r->nevents && r->nevents < MAX_EVENTS)
        r->event_keys[r->nevents++] = xstrdup(key);
    cJSON_Delete(doc);
    int attempt = i < MAX_EVENTS ? ++r->event_attempts[i] : 1;
    return attempt > r->fail_first ? 200 : attempt == 1 ? 500 : 503;
}

static void client_close(struct whr *r, size_t i)
{
    close(r->clients[i].fd);
    free(r->clients[i].buf);
    r->clients[i] = r->clients[--r->nclients];
}

/* Read from client i; record and answer a complete request. */
static void client_read(struct whr *r, size_t i)
{
    struct client *c = &r->clients[i];
    if (c->cap - c->len < 16384) {
        c->cap = c->cap ? c->cap * 2 : 65536;
        c->buf = xrealloc(c->buf, c->cap);
    }
    ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0 || c->len + (size_t)n > MAX_REQUEST) {
        client_close(r, i);
        return;
    }
    c->len += (size_t)n;
    struct whr_delivery d;
    int rc = parse_request(c, &d);
    if (rc == 0)
        return;
    if (rc < 0) {
        static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                                  "Connection: close\r\n\r\n";
        (void)!send(c->fd, bad, sizeof bad - 1, MSG_NOSIGNAL);
        client_close(r, i);
        return;
    }
    struct whr_delivery *kept = xmalloc(sizeof *kept);
    *kept = d;
    kept->at_ms = probe_now_ms();
    kept->wall = (long long)time(NULL);
    kept->answered = answer_for(r, kept);
    char reply[160];
    int len =
        snprintf(reply, sizeof reply,
                 "HTTP/1.1 %d %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", kept->answered,
                 kept->answered == 200   ? "OK"
                 : kept->answered == 500 ? "Internal Server Error"
                                         : "Service Unavailable");
    (void)!send(c->fd, reply, (size_t)len, MSG_NOSIGNAL);
    client_close(r, i);
    pthread_mutex_lock(&r->mu);
    if (r->count == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->deliveries = xrealloc(r->deliveries, r->cap * sizeof *r->deliveries);
    }
    r->deliveries[r->count++] = kept;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

static void *serve(void *arg)
{
    struct whr *r = arg;
    for (;;) {
        struct pollfd fds[MAX_CLIENTS + 2];
        fds[0] = (struct pollfd){.fd = r->wake[0], .events = POLLIN};
        fds[1] = (struct pollfd){.fd = r->listen_fd, .events = POLLIN};
        for (size_t i = 0; i < r->nclients; i++)
            fds[i + 2] = (struct pollfd){.fd = r->clients[i].fd, .events = POLLIN};
        size_t polled = r->nclients;
        if (poll(fds, polled + 2, POLL_MS) < 0 && errno != EINTR)
            break;
        if (fds[0].revents)
            break;
        /* Backwards: closing a client moves the last one into its slot. */
        for (size_t i = polled; i-- > 0;)
            if (fds[i + 2].revents)
                client_read(r, i);
        uint64_t now = probe_now_ms();
        for (size_t i = r->nclients; i-- > 0;)
            if (now - r->clients[i].since > CLIENT_TIMEOUT_MS)
                client_close(r, i);
        if ((fds[1].revents & POLLIN) && r->nclients < MAX_CLIENTS) {
            int fd = accept4(r->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd >= 0)
                r->clients[r->nclients++] = (struct client){.fd = fd, .since = now};
        }
    }
    while (r->nclients)
        client_close(r, 0);
    return NULL;
}

struct whr *whr_start(const char *host, unsigned port, int fail_first, char *why, size_t whylen)
{
    struct sockaddr_storage ss;
    socklen_t sslen;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        sslen = sizeof *v4;
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        sslen = sizeof *v6;
    } else {
        snprintf(why, whylen, "receiver_host %s is not an IP address", host);
        return NULL;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int on = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (fd < 0 || bind(fd, (struct sockaddr *)&ss, sslen) != 0 || listen(fd, 64) != 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &sslen) != 0) {
        snprintf(why, whylen, "cannot listen on %s: %s", host, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    struct whr *r = xcalloc(1, sizeof *r);
    r->listen_fd = fd;
    r->fail_first = fail_first;
    r->port = ntohs(ss.ss_family == AF_INET ? v4->sin_port : v6->sin6_port);
    pthread_mutex_init(&r->mu, NULL);
    mono_cond_init(&r->cv);
    if (pipe2(r->wake, O_CLOEXEC) != 0 || pthread_create(&r->thread, NULL, serve, r) != 0) {
        snprintf(why, whylen, "cannot start the receiver thread");
        close(fd);
        free(r);
        return NULL;
    }
    return r;
}

unsigned whr_port(const struct whr *r)
{
    return r->port;
}

void whr_stop(struct whr *r)
{
    if (!r)
        return;
    (void)!write(r->wake[1], "x", 1);
    pthread_join(r->thread, NULL);
    close(r->wake[0]);
    close(r->wake[1]);
    close(r->listen_fd);
    for (size_t i = 0; i < r->count; i++) {
        struct whr_delivery *d = r->deliveries[i];
        for (size_t k = 0; k < d->header_count; k++) {
            free(d->names[k]);
            free(d->values[k]);
        }
        free(d->body);
        free(d);
    }
    for (size_t i = 0; i < r->nevents; i++)
        free(r->event_keys[i]);
    free(r->deliveries);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->cv);
    free(r);
}

static size_t count_matching(struct whr *r, const char *match)
{
    size_t n = 0;
    for (size_t i = 0; i < r->count; i++)
        n += !match || strstr(r->deliveries[i]->body, match) != NULL;
    return n;
}

size_t whr_wait(struct whr *r, const char *match, size_t want, uint64_t deadline_ms,
                atomic_int *cancel)
{
    pthread_mutex_lock(&r->mu);
    size_t n;
    while ((n = count_matching(r, match)) < want && probe_now_ms() < deadline_ms &&
           !(cancel && atomic_load(cancel))) {
        struct timespec ts = mono_deadline_in_ms(WAIT_SLICE_MS);
        pthread_cond_timedwait(&r->cv, &r->mu, &ts);
    }
    pthread_mutex_unlock(&r->mu);
    return n;
}

const struct whr_delivery *whr_get(struct whr *r, const char *match, size_t i)
{
    const struct whr_delivery *found = NULL;
    pthread_mutex_lock(&r->mu);
    for (size_t k = 0; k < r->count && !found; k++)
        if ((!match || strstr(r->deliveries[k]->body, match)) && i-- == 0)
            found = r->deliveries[k];
    pthread_mutex_unlock(&r->mu);
    return found;
}
