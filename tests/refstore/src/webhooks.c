#include "webhooks.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "broken.h"
#include "common/oom.h"
#include "ids.h"
#include "problem.h"
#include "server.h"
#include "store.h"
#include "whsig.h"

#define SUBS_MAX          64
#define ATTEMPT_TIMEOUT_S 5.0
#define EVENT_VERSION     "2024-01-01"
/* What bad-webhook-signature signs with instead of the real secret. */
#define WRONG_SECRET "whsec_d3Jvbmctc2VjcmV0LW5vdC10aGUtcmVhbC1vbmUh"

struct subscription {
    char id[16];
    char url[512];
    char path[512];
    char host_header[300];
    struct sockaddr_storage addr;
    socklen_t addr_len;
    bool removed; /* by DELETE: no new deliveries, no more retries */
};

struct delivery {
    ev_io io;
    ev_timer timer; /* the retry schedule, then the attempt's timeout */
    const struct subscription *sub;
    char event_id[40];
    char *body;
    size_t body_len;
    unsigned attempts;
    int fd;
    bool connected;
    struct buf out;
    size_t out_pos;
    char status_line[16];
    size_t status_len;
    struct delivery *prev, *next;
};

static struct subscription subs[SUBS_MAX];
static unsigned num_subs;
static struct delivery *deliveries;
static unsigned num_deliveries;
static unsigned long long event_seq;

static void attempt_start(struct delivery *d);

static void delivery_free(struct delivery *d)
{
    ev_timer_stop(store.loop, &d->timer);
    if (d->fd >= 0) {
        ev_io_stop(store.loop, &d->io);
        close(d->fd);
    }
    buf_free(&d->out);
    free(d->body);
    if (d->prev)
        d->prev->next = d->next;
    else
        deliveries = d->next;
    if (d->next)
        d->next->prev = d->prev;
    num_deliveries--;
    free(d);
}

static void attempt_close(struct delivery *d)
{
    if (d->fd >= 0) {
        ev_io_stop(store.loop, &d->io);
        close(d->fd);
        d->fd = -1;
    }
    ev_timer_stop(store.loop, &d->timer);
}

static void retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct delivery *d = (struct delivery *)((char *)w - offsetof(struct delivery, timer));
    if (d->sub->removed)
        delivery_free(d);
    else
        attempt_start(d);
}

static void attempt_done(struct delivery *d, bool ok)
{
    attempt_close(d);
    if (ok) {
        metrics_count_webhook(WEBHOOK_DELIVERED);
        delivery_free(d);
        return;
    }
    metrics_count_webhook(WEBHOOK_FAILED_ATTEMPT);
    if (broken(BROKEN_NO_WEBHOOK_RETRIES) || d->attempts > store_cfg.webhook_schedule_len) {
        metrics_count_webhook(WEBHOOK_GIVEN_UP);
        delivery_free(d);
        return;
    }
    double wait = (double)store_cfg.webhook_schedule_ms[d->attempts - 1] / 1000.0;
    ev_timer_init(&d->timer, retry_cb, wait, 0);
    ev_timer_start(store.loop, &d->timer);
}

static void timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    attempt_done((struct delivery *)((char *)w - offsetof(struct delivery, timer)), false);
}

static void io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct delivery *d = (struct delivery *)w;
    if (!d->connected) {
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(d->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
            attempt_done(d, false);
            return;
        }
        d->connected = true;
    }
    while (d->out_pos < d->out.len) {
        ssize_t n = send(d->fd, d->out.data + d->out_pos, d->out.len - d->out_pos, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                return;
            attempt_done(d, false);
            return;
        }
        d->out_pos += (size_t)n;
        if (d->out_pos == d->out.len) {
            ev_io_stop(loop, &d->io);
            ev_io_set(&d->io, d->fd, EV_READ);
            ev_io_start(loop, &d->io);
            return;
        }
    }
    /* Only the status line matters: "HTTP/1.1 200". */
    ssize_t n =
        recv(d->fd, d->status_line + d->status_len, sizeof d->status_line - 1 - d->status_len, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        attempt_done(d, false);
        return;
    }
    d->status_len += (size_t)n;
    if (d->status_len < 12)
        return;
    d->status_line[d->status_len] = '\0';
    bool ok = strncmp(d->status_line, "HTTP/1.", 7) == 0 && d->status_line[8] == ' ' &&
              d->status_line[9] == '2';
    attempt_done(d, ok);
}

static void build_request(struct delivery *d)
{
    char ts[24], msg_id[40], sig[WHSIG_B64_LEN];
    snprintf(ts, sizeof ts, "%lld", (long long)store_now());
    if (broken(BROKEN_UNSTABLE_WEBHOOK_ID)) {
        char fresh[33];
        ids_random(fresh);
        snprintf(msg_id, sizeof msg_id, "msg_%.24s", fresh);
    } else {
        snprintf(msg_id, sizeof msg_id, "%s", d->event_id);
    }
    buf_reset(&d->out);
    buf_printf(&d->out,
               "POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: refstore-webhooks\r\n"
               "Content-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n"
               "webhook-id: %s\r\nwebhook-timestamp: %s\r\n",
               d->sub->path, d->sub->host_header, d->body_len, msg_id, ts);
    if (!broken(BROKEN_UNSIGNED_WEBHOOKS)) {
        const char *secret =
            broken(BROKEN_BAD_WEBHOOK_SIGNATURE) ? WRONG_SECRET : store_cfg.webhook_secret;
        if (whsig_sign(secret, msg_id, strlen(msg_id), ts, strlen(ts), d->body, d->body_len, sig))
            buf_printf(&d->out, "webhook-signature: v1,%s\r\n", sig);
    }
    buf_append(&d->out, "\r\n", 2);
    buf_append(&d->out, d->body, d->body_len);
    d->out_pos = 0;
}

static void attempt_start(struct delivery *d)
{
    d->attempts++;
    d->connected = false;
    d->status_len = 0;
    build_request(d);
    d->fd = socket(d->sub->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (d->fd < 0 ||
        (connect(d->fd, (const struct sockaddr *)&d->sub->addr, d->sub->addr_len) < 0 &&
         errno != EINPROGRESS)) {
        attempt_done(d, false);
        return;
    }
    ev_io_init(&d->io, io_cb, d->fd, EV_WRITE);
    ev_io_start(store.loop, &d->io);
    ev_timer_init(&d->timer, timeout_cb, ATTEMPT_TIMEOUT_S, 0);
    ev_timer_start(store.loop, &d->timer);
}

void webhooks_emit(const char *type, const char *data, size_t len)
{
    for (unsigned i = 0; i < num_subs; i++) {
        if (subs[i].removed)
            continue;
        if (num_deliveries >= WEBHOOKS_INFLIGHT_MAX) {
            metrics_count_webhook(WEBHOOK_DROPPED);
            continue;
        }
        struct delivery *d = xcalloc(1, sizeof *d);
        d->sub = &subs[i];
        d->fd = -1;
        char rnd[33];
        ids_random(rnd);
        snprintf(d->event_id, sizeof d->event_id, "evt_%06llx%.10s", ++event_seq, rnd);
        struct buf body = {0};
        if (broken(BROKEN_WEBHOOK_PAYLOAD_BARE)) {
            buf_append(&body, data, len);
        } else {
            buf_printf(&body,
                       "{\"type\":\"%s\",\"id\":\"%s\",\"version\":\"" EVENT_VERSION
                       "\",\"timestamp\":%lld,\"data\":",
                       type, d->event_id, (long long)store_now());
            buf_append(&body, data, len);
            buf_append(&body, "}", 1);
        }
        d->body = body.data;
        d->body_len = body.len;
        d->next = deliveries;
        if (deliveries)
            deliveries->prev = d;
        deliveries = d;
        num_deliveries++;
        /* Start from the loop, not inside the request that caused the event. */
        ev_timer_init(&d->timer, retry_cb, 0, 0);
        ev_timer_start(store.loop, &d->timer);
    }
}

void webhooks_shutdown(void)
{
    while (deliveries)
        delivery_free(deliveries);
}

/* Parses http://HOST[:PORT][/PATH] with a loopback HOST into sub; false otherwise. */
static bool parse_url(const char *url, struct subscription *sub)
{
    if (strncmp(url, "http://", 7) != 0 || strlen(url) >= sizeof sub->url)
        return false;
    const char *h = url + 7, *hend, *p;
    char host[64];
    if (*h == '[') {
        hend = strchr(h, ']');
        if (!hend)
            return false;
        h++;
        p = hend + 1;
    } else {
        hend = h + strcspn(h, ":/?#");
        p = hend;
    }
    if (hend == h || (size_t)(hend - h) >= sizeof host)
        return false;
    memcpy(host, h, (size_t)(hend - h));
    host[hend - h] = '\0';
    long port = 80;
    if (*p == ':') {
        char *end;
        port = strtol(p + 1, &end, 10);
        if (end == p + 1 || port < 1 || port > 65535)
            return false;
        p = end;
    }
    if (*p && *p != '/')
        return false;
    for (const char *c = p; *c; c++)
        if ((unsigned char)*c <= 0x20 || *c == 0x7f || *c == '#')
            return false;
    if (!server_is_loopback(host))
        return false;
    memset(&sub->addr, 0, sizeof sub->addr);
    struct sockaddr_in *s4 = (struct sockaddr_in *)&sub->addr;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&sub->addr;
    if (strcmp(host, "localhost") == 0 || inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
        if (strcmp(host, "localhost") == 0)
            s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        sub->addr_len = sizeof *s4;
    } else {
        inet_pton(AF_INET6, host, &s6->sin6_addr);
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        sub->addr_len = sizeof *s6;
    }
    snprintf(sub->url, sizeof sub->url, "%s", url);
    snprintf(sub->path, sizeof sub->path, "%s", *p ? p : "/");
    snprintf(sub->host_header, sizeof sub->host_header, "%.*s", (int)(p - (url + 7)), url + 7);
    return true;
}

void webhooks_subscribe(struct exchange *x, const char *param, size_t plen)
{
    x->route = ROUTE_WEBHOOKS;
    cJSON *body = cJSON_ParseWithLength(x->req->body, x->req->body_len);
    cJSON *url = cJSON_GetObjectItemCaseSensitive(body, "url");
    cJSON *events = cJSON_GetObjectItemCaseSensitive(body, "events");
    struct subscription sub = {0};
    const char *error = NULL;
    if (!cJSON_IsString(url) || !parse_url(url->valuestring, &sub))
        error = "url must be an http:// URL on a loopback host";
    else if (!cJSON_IsArray(events) || cJSON_GetArraySize(events) == 0)
        error = "events must be a non-empty array";
    for (cJSON *e = events ? events->child : NULL; e && !error; e = e->next)
        if (!cJSON_IsString(e) || strcmp(e->valuestring, "order.created") != 0)
            error = "the only event type is order.created";
    cJSON_Delete(body);
    if (!error && num_subs == SUBS_MAX)
        error = "too many subscriptions";
    if (error) {
        problem_reply(x, 422, "Unprocessable Content", error);
        return;
    }
    snprintf(sub.id, sizeof sub.id, "wh_%u", num_subs + 1);
    subs[num_subs++] = sub;
    struct buf *b = exchange_body(x, 201, "application/json");
    buf_printf(b, "{\"id\":\"%s\",\"url\":\"", sub.id);
    buf_json_str(b, sub.url, strlen(sub.url));
    buf_puts(b, "\",\"events\":[\"order.created\"],\"scheme\":\"standard-webhooks\"}");
    exchange_headerf(x, "Location", "/api/v1/webhooks/%s", sub.id);
}

void webhooks_unsubscribe(struct exchange *x, const char *param, size_t plen)
{
    x->route = ROUTE_WEBHOOKS;
    for (unsigned i = 0; i < num_subs; i++)
        if (!subs[i].removed && strlen(subs[i].id) == plen &&
            memcmp(subs[i].id, param, plen) == 0) {
            subs[i].removed = true;
            exchange_static(x, 204, NULL, "", 0);
            return;
        }
    problem_reply(x, 404, "Not Found", "no such webhook subscription");
}
