#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "admin.h"
#include "common/oom.h"
#include "router.h"
#include "store.h"

#define MAX_CONNS     4096
#define MAX_LISTENERS 4
#define READ_CHUNK    (16 * 1024)
/* Raw bytes buffered per connection: one head plus a maximal chunked body with its framing. */
#define IN_CAP (HTTP_MAX_HEAD + 2 * HTTP_MAX_BODY)
/* Stop taking requests while this much output waits for a client that does not read. */
#define OUT_HIGH_WATER       (1024 * 1024)
#define LINGER_SECONDS       2.0
#define HANG_SECONDS         300.0
#define ACCEPT_PAUSE_SECONDS 0.1

struct conn {
    ev_io io;
    ev_timer timeout; /* request, idle and write deadlines, computed lazily */
    ev_timer delay;   /* holds a finished answer back (the slow variant) */
    int fd;
    enum listener_kind kind;
    SSL *ssl;
    bool handshake_done;
    bool ssl_read_wants_write;
    char peer[INET6_ADDRSTRLEN];
    struct buf in, out;
    size_t out_pos;
    struct http_chunked chunk;
    bool sent_continue;
    bool close_after; /* close once out is written */
    bool lingering;   /* write side shut; discarding input until EOF */
    bool paused;      /* an answer is being delayed */
    bool hung;        /* never answer again */
    bool eof;
    ev_tstamp last_activity, request_start;
    struct conn *prev, *next;
};

struct listener {
    ev_io io;
    ev_timer resume; /* accepting again after running out of file descriptors */
    int fd;
    enum listener_kind kind;
    SSL_CTX *ctx;
};

static struct listener listeners[MAX_LISTENERS];
static int num_listeners;
static struct conn *conns;
static int num_conns;

int server_is_loopback(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (strcmp(host, "localhost") == 0)
        return 1;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, host, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6);
    return 0;
}

static void conn_close(struct conn *c)
{
    ev_io_stop(store.loop, &c->io);
    ev_timer_stop(store.loop, &c->timeout);
    ev_timer_stop(store.loop, &c->delay);
    if (c->ssl)
        SSL_free(c->ssl);
    close(c->fd);
    buf_free(&c->in);
    buf_free(&c->out);
    if (c->prev)
        c->prev->next = c->next;
    else
        conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    num_conns--;
    free(c);
}

enum { IO_AGAIN = -1, IO_ERROR = -2 };

/* Bytes read (> 0), 0 at end of stream, IO_AGAIN or IO_ERROR. */
static ssize_t conn_recv(struct conn *c, char *p, size_t n)
{
    if (!c->ssl) {
        ssize_t r = recv(c->fd, p, n, 0);
        if (r < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? IO_AGAIN : IO_ERROR;
        return r;
    }
    ERR_clear_error();
    int r = SSL_read(c->ssl, p, n > INT32_MAX ? INT32_MAX : (int)n);
    if (r > 0)
        return r;
    switch (SSL_get_error(c->ssl, r)) {
    case SSL_ERROR_WANT_READ:
        return IO_AGAIN;
    case SSL_ERROR_WANT_WRITE:
        c->ssl_read_wants_write = true;
        return IO_AGAIN;
    case SSL_ERROR_ZERO_RETURN:
        return 0;
    default:
        return IO_ERROR;
    }
}

static ssize_t conn_send(struct conn *c, const char *p, size_t n)
{
    if (!c->ssl) {
        ssize_t r = send(c->fd, p, n, MSG_NOSIGNAL);
        if (r < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? IO_AGAIN : IO_ERROR;
        return r;
    }
    ERR_clear_error();
    int r = SSL_write(c->ssl, p, n > INT32_MAX ? INT32_MAX : (int)n);
    if (r > 0)
        return r;
    int e = SSL_get_error(c->ssl, r);
    return e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ ? IO_AGAIN : IO_ERROR;
}

static void conn_update_events(struct conn *c)
{
    int ev = 0;
    bool backlog = c->out.len - c->out_pos > OUT_HIGH_WATER;
    /* After end of stream the socket stays readable; watching it would spin. */
    if (!c->eof && c->in.len < IN_CAP && !backlog)
        ev |= EV_READ;
    if ((c->out.len > c->out_pos && !c->paused) || c->ssl_read_wants_write ||
        (c->ssl && !c->handshake_done && SSL_want_write(c->ssl)))
        ev |= EV_WRITE;
    if (ev != (c->io.events & (EV_READ | EV_WRITE)) || !ev_is_active(&c->io)) {
        ev_io_stop(store.loop, &c->io);
        ev_io_set(&c->io, c->fd, ev);
        if (ev)
            ev_io_start(store.loop, &c->io);
    }
}

enum { FILL_AGAIN, FILL_FULL, FILL_EOF, FILL_ERROR };

static int conn_fill(struct conn *c)
{
    c->ssl_read_wants_write = false;
    while (c->in.len < IN_CAP) {
        size_t room = IN_CAP - c->in.len < READ_CHUNK ? IN_CAP - c->in.len : READ_CHUNK;
        char *p = buf_reserve(&c->in, room);
        ssize_t r = conn_recv(c, p, room);
        if (r == IO_AGAIN)
            return FILL_AGAIN;
        if (r == IO_ERROR)
            return FILL_ERROR;
        if (r == 0)
            return FILL_EOF;
        if (c->in.len == 0)
            c->request_start = ev_now(store.loop);
        c->in.len += (size_t)r;
        c->last_activity = ev_now(store.loop);
        /* Lingering and hung connections only drain what the client still sends. */
        if (c->lingering || c->hung)
            buf_reset(&c->in);
        /* A short read drained the socket: skip the recv that would only say EAGAIN. TLS
         * may hold decrypted bytes back, so it reads on. */
        if (!c->ssl && (size_t)r < room)
            return FILL_AGAIN;
    }
    return FILL_FULL;
}

/* Writes pending output; -1 on a fatal error. */
static int conn_flush(struct conn *c)
{
    while (!c->paused && c->out_pos < c->out.len) {
        ssize_t r = conn_send(c, c->out.data + c->out_pos, c->out.len - c->out_pos);
        if (r == IO_AGAIN)
            return 0;
        if (r == IO_ERROR)
            return -1;
        c->out_pos += (size_t)r;
        c->last_activity = ev_now(store.loop);
    }
    if (c->out_pos == c->out.len) {
        buf_reset(&c->out);
        c->out_pos = 0;
    }
    return 0;
}

static void conn_answer(struct conn *c, struct exchange *x)
{
    if (x->flags & REPLY_HANG) {
        c->hung = true;
        return;
    }
    exchange_finish(x, &c->out);
    if (x->flags & REPLY_CLOSE)
        c->close_after = true;
    if (x->delay > 0) {
        c->paused = true;
        ev_timer_set(&c->delay, x->delay, 0);
        ev_timer_start(store.loop, &c->delay);
    }
}

static void conn_error(struct conn *c, const struct http_request *req, int status)
{
    struct exchange x;
    exchange_init(&x, req, c->kind, c->ssl != NULL, c->peer);
    router_error(&x, status);
    x.flags |= REPLY_CLOSE;
    conn_answer(c, &x);
}

static void conn_dispatch(struct conn *c, struct http_request *req)
{
    struct exchange x;
    exchange_init(&x, req, c->kind, c->ssl != NULL, c->peer);
    if (c->kind == LISTENER_ADMIN)
        admin_dispatch(&x);
    else
        router_dispatch(&x);
    if (!req->keep_alive)
        x.flags |= REPLY_CLOSE;
    conn_answer(c, &x);
}

/* Answers every complete request in the input buffer, in order. */
static void conn_process(struct conn *c)
{
    while (!c->close_after && !c->paused && !c->hung && !c->lingering &&
           c->out.len - c->out_pos <= OUT_HIGH_WATER && c->in.len > 0) {
        struct http_request req;
        int status;
        int head = http_parse_request(c->in.data, c->in.len, &req, &status);
        if (head == HTTP_PARSE_INCOMPLETE)
            return;
        if (head == HTTP_PARSE_ERROR) {
            conn_error(c, &req, status);
            return;
        }
        size_t used;
        char *body = c->in.data + head;
        size_t avail = c->in.len - (size_t)head;
        if (req.chunked) {
            int r = http_chunked_decode(body, avail, &c->chunk, HTTP_MAX_BODY);
            if (r < 0) {
                conn_error(c, &req, -r);
                return;
            }
            if (r == 0)
                goto need_body;
            req.body_len = c->chunk.out;
            used = (size_t)head + c->chunk.in;
        } else {
            size_t len = req.content_length > 0 ? (size_t)req.content_length : 0;
            if (avail < len)
                goto need_body;
            req.body_len = len;
            used = (size_t)head + len;
        }
        req.body = body;
        memset(&c->chunk, 0, sizeof c->chunk);
        c->sent_continue = false;
        conn_dispatch(c, &req);
        buf_consume(&c->in, used);
        c->request_start = ev_now(store.loop);
        continue;
    need_body:
        if (c->in.len >= IN_CAP) {
            conn_error(c, &req, 413); /* framing overhead beyond what any body may need */
            return;
        }
        if (req.expect_continue && !c->sent_continue) {
            static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
            buf_append(&c->out, cont, sizeof cont - 1);
            c->sent_continue = true;
        }
        return;
    }
}

static void conn_start_linger(struct conn *c)
{
    if (c->ssl)
        SSL_shutdown(c->ssl);
    shutdown(c->fd, SHUT_WR);
    c->lingering = true;
    buf_reset(&c->in);
    c->last_activity = ev_now(store.loop);
}

/* Does everything a readiness event allows; may free c. */
static void conn_run(struct conn *c)
{
    if (!c->handshake_done) {
        ERR_clear_error();
        int r = SSL_do_handshake(c->ssl);
        if (r != 1) {
            int e = SSL_get_error(c->ssl, r);
            if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
                conn_close(c);
                return;
            }
            conn_update_events(c);
            return;
        }
        c->handshake_done = true;
        c->last_activity = ev_now(store.loop);
    }
    for (;;) {
        int fill = c->eof ? FILL_EOF : conn_fill(c);
        size_t filled = c->in.len;
        if (fill == FILL_ERROR) {
            conn_close(c);
            return;
        }
        if (fill == FILL_EOF) {
            c->eof = true;
            if (c->lingering || c->hung) {
                conn_close(c);
                return;
            }
        }
        conn_process(c);
        /* A client that half-closed gets its answers, then the connection ends. */
        if (c->eof && !c->paused)
            c->close_after = true;
        if (conn_flush(c) < 0) {
            conn_close(c);
            return;
        }
        if (c->close_after && !c->paused && c->out.len == 0 && !c->lingering) {
            if (c->eof) {
                conn_close(c);
                return;
            }
            conn_start_linger(c);
        }
        /* Read again only if the buffer was full and answering made room. */
        if (fill != FILL_FULL || c->in.len >= filled)
            break;
    }
    conn_update_events(c);
}

static void conn_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    conn_run((struct conn *)w);
}

static void conn_delay_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct conn *c = (struct conn *)((char *)w - offsetof(struct conn, delay));
    c->paused = false;
    conn_run(c);
}

static void conn_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct conn *c = (struct conn *)((char *)w - offsetof(struct conn, timeout));
    ev_tstamp now = ev_now(loop), limit = store_cfg.request_timeout, deadline;
    if (c->hung)
        deadline = c->last_activity + HANG_SECONDS;
    else if (c->lingering)
        deadline = c->last_activity + LINGER_SECONDS;
    else if (c->paused)
        deadline = now + limit; /* the delay timer decides */
    else if (c->in.len > 0 || !c->handshake_done)
        deadline = c->request_start + limit; /* a request must arrive whole in time */
    else
        deadline = c->last_activity + limit; /* idle keep-alive, or a stalled writer */
    if (now >= deadline) {
        conn_close(c);
        return;
    }
    w->repeat = deadline - now;
    ev_timer_again(loop, w);
}

static void resume_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct listener *l = (struct listener *)((char *)w - offsetof(struct listener, resume));
    ev_io_start(loop, &l->io);
}

static void accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct listener *l = (struct listener *)w;
    for (int i = 0; i < 64; i++) {
        struct sockaddr_storage sa;
        socklen_t salen = sizeof sa;
        int fd = accept(l->fd, (struct sockaddr *)&sa, &salen);
        if (fd < 0 && (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)) {
            /* The pending connection stays queued and the socket readable: pause instead of
             * spinning until a descriptor is free. */
            ev_io_stop(loop, &l->io);
            ev_timer_set(&l->resume, ACCEPT_PAUSE_SECONDS, 0);
            ev_timer_start(loop, &l->resume);
            return;
        }
        if (fd < 0)
            return;
        if (num_conns >= MAX_CONNS) {
            close(fd);
            continue;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct conn *c = xcalloc(1, sizeof *c);
        c->fd = fd;
        c->kind = l->kind;
        if (sa.ss_family == AF_INET6)
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa)->sin6_addr, c->peer, sizeof c->peer);
        else
            inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, c->peer, sizeof c->peer);
        c->handshake_done = l->ctx == NULL;
        if (l->ctx) {
            c->ssl = SSL_new(l->ctx);
            if (!c->ssl) {
                close(fd);
                free(c);
                continue;
            }
            SSL_set_fd(c->ssl, fd);
            SSL_set_accept_state(c->ssl);
        }
        c->last_activity = c->request_start = ev_now(loop);
        ev_io_init(&c->io, conn_io_cb, fd, EV_READ);
        ev_io_start(loop, &c->io);
        ev_init(&c->timeout, conn_timeout_cb);
        c->timeout.repeat = store_cfg.request_timeout;
        ev_timer_again(loop, &c->timeout);
        ev_init(&c->delay, conn_delay_cb);
        c->next = conns;
        if (conns)
            conns->prev = c;
        conns = c;
        num_conns++;
    }
}

/* Parses a loopback HOST:PORT into sa; SERVER_BAD_ADDRESS with err set otherwise. */
static int parse_address(const char *hostport, struct sockaddr_storage *sa, socklen_t *salen,
                         char *err, size_t errlen)
{
    char host[256];
    const char *colon = strrchr(hostport, ':');
    if (!colon || (size_t)(colon - hostport) >= sizeof host || colon == hostport) {
        snprintf(err, errlen, "'%s': expected HOST:PORT", hostport);
        return SERVER_BAD_ADDRESS;
    }
    memcpy(host, hostport, (size_t)(colon - hostport));
    host[colon - hostport] = '\0';
    if (host[0] == '[' && host[strlen(host) - 1] == ']') {
        memmove(host, host + 1, strlen(host) - 2);
        host[strlen(host) - 2] = '\0';
    }
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end || p < 0 || p > 65535 || colon[1] == '\0') {
        snprintf(err, errlen, "'%s': bad port", hostport);
        return SERVER_BAD_ADDRESS;
    }
    if (!server_is_loopback(host)) {
        snprintf(err, errlen, "'%s': only loopback addresses may be used", hostport);
        return SERVER_BAD_ADDRESS;
    }
    memset(sa, 0, sizeof *sa);
    struct sockaddr_in *s4 = (struct sockaddr_in *)sa;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;
    if (strcmp(host, "localhost") == 0 || inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
        if (strcmp(host, "localhost") == 0)
            s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)p);
        *salen = sizeof *s4;
    } else {
        inet_pton(AF_INET6, host, &s6->sin6_addr);
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)p);
        *salen = sizeof *s6;
    }
    return 0;
}

int server_check_address(const char *hostport, char *err, size_t errlen)
{
    struct sockaddr_storage sa;
    socklen_t salen;
    return parse_address(hostport, &sa, &salen, err, errlen);
}

int server_listen(const char *hostport, enum listener_kind kind, SSL_CTX *ctx,
                  struct server_bound *bound, char *err, size_t errlen)
{
    struct sockaddr_storage sa;
    socklen_t salen;
    if (parse_address(hostport, &sa, &salen, err, errlen) < 0)
        return SERVER_BAD_ADDRESS;
    struct sockaddr_in *s4 = (struct sockaddr_in *)&sa;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&sa;
    int fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, (struct sockaddr *)&sa, salen) < 0 || listen(fd, 1024) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &salen) < 0) {
        snprintf(err, errlen, "%s: %s", hostport, strerror(errno));
        if (fd >= 0)
            close(fd);
        return SERVER_BIND_FAILED;
    }
    char ip[INET6_ADDRSTRLEN];
    bound->port = ntohs(sa.ss_family == AF_INET ? s4->sin_port : s6->sin6_port);
    if (sa.ss_family == AF_INET) {
        inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof ip);
        snprintf(bound->addr, sizeof bound->addr, "%s:%d", ip, bound->port);
    } else {
        inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof ip);
        snprintf(bound->addr, sizeof bound->addr, "[%s]:%d", ip, bound->port);
    }
    struct listener *l = &listeners[num_listeners++];
    l->fd = fd;
    l->kind = kind;
    l->ctx = ctx;
    ev_io_init(&l->io, accept_cb, fd, EV_READ);
    ev_io_start(store.loop, &l->io);
    ev_init(&l->resume, resume_cb);
    return 0;
}

void server_shutdown(void)
{
    for (int i = 0; i < num_listeners; i++) {
        ev_io_stop(store.loop, &listeners[i].io);
        ev_timer_stop(store.loop, &listeners[i].resume);
        close(listeners[i].fd);
    }
    num_listeners = 0;
    while (conns)
        conn_close(conns);
}
