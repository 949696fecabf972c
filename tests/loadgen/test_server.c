#include "tests/loadgen/test_server.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { MAX_CLIENTS = 256, BIG = 1 << 20 };

struct client {
    int fd;
    size_t matched;   /* bytes of "\r\n\r\n" matched so far */
    int streaming;    /* endless chunked body started */
    long long due_ms; /* TS_SLOW_GOOD: when the pending answers go out */
    int pending;      /* answers owed */
    size_t big_off;   /* TS_HUGE_HEADER: bytes of the big head sent; TS_FLOOD: of the chunk */
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char good[] =
    "HTTP/1.1 200 OK\r\nContent-Length: 12\r\nX-Test: 1\r\n\r\nhello world\n";

static void drop(struct client *c)
{
    close(c->fd);
    c->fd = -1;
}

static void send_all(struct client *c, const char *s, size_t n)
{
    if (send(c->fd, s, n, MSG_NOSIGNAL) < 0 && errno != EAGAIN)
        drop(c);
}

static char *big_head;
static size_t big_len;

/* TS_FLOOD sends this over and over: one-byte chunks, cheap to send and dear to parse, so
 * the client never catches up. */
static const char flood_unit[] = "1\r\nx\r\n";
static char flood_chunk[(sizeof flood_unit - 1) * 10000];

/* Send chunks until the socket takes no more (bounded, so other clients get their turn). */
static void flood(struct client *c)
{
    for (int i = 0; i < 4096 && c->fd >= 0; i++) {
        ssize_t n =
            send(c->fd, flood_chunk + c->big_off, sizeof flood_chunk - c->big_off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno != EAGAIN)
                drop(c);
            return;
        }
        c->big_off = (c->big_off + (size_t)n) % sizeof flood_chunk;
    }
}

/* A complete request arrived on c. */
static void on_request(struct test_server *s, struct client *c)
{
    switch (s->mode) {
    case TS_GOOD:
        send_all(c, good, sizeof good - 1);
        break;
    case TS_SLOW_GOOD:
        if (!c->pending)
            c->due_ms = now_ms() + 20;
        c->pending++;
        break;
    case TS_GARBAGE_STATUS:
        send_all(c, "garbage\r\n\r\n", 11);
        break;
    case TS_HUGE_HEADER:
        c->big_off = 0;
        c->pending = 1;
        break;
    case TS_ENDLESS_CHUNKED:
    case TS_FLOOD:
        if (c->streaming)
            break;
        send_all(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 47);
        c->streaming = 1;
        c->big_off = 0;
        break;
    case TS_LYING_LENGTH:
        send_all(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", 51);
        if (c->fd >= 0)
            drop(c);
        break;
    case TS_CLOSE_MID:
        send_all(c, "HTTP/1.1 200 O", 14);
        if (c->fd >= 0)
            drop(c);
        break;
    default:
        break;
    }
}

static void on_readable(struct test_server *s, struct client *c)
{
    char buf[4096];
    ssize_t n = recv(c->fd, buf, sizeof buf, 0);
    if (n <= 0) {
        if (n == 0 || errno != EAGAIN)
            drop(c);
        return;
    }
    if (s->mode == TS_TLS_GARBAGE) {
        send_all(c, "this is not TLS at all\r\n\r\n", 26);
        return;
    }
    if (s->mode == TS_SILENT)
        return;
    static const char end[] = "\r\n\r\n";
    for (ssize_t i = 0; i < n && c->fd >= 0; i++) {
        c->matched = buf[i] == end[c->matched] ? c->matched + 1 : buf[i] == '\r';
        if (c->matched == 4) {
            c->matched = 0;
            on_request(s, c);
        }
    }
}

/* Timed work: slow answers, endless chunks, the rest of a big head. */
static void on_tick(struct test_server *s, struct client *c)
{
    if (s->mode == TS_SLOW_GOOD && c->pending && now_ms() >= c->due_ms) {
        for (; c->pending && c->fd >= 0; c->pending--)
            send_all(c, good, sizeof good - 1);
    } else if (s->mode == TS_ENDLESS_CHUNKED && c->streaming) {
        send_all(c, "4\r\nabcd\r\n", 9);
    } else if (s->mode == TS_FLOOD && c->streaming) {
        flood(c);
    } else if (s->mode == TS_HUGE_HEADER && c->pending && c->big_off < big_len) {
        ssize_t n = send(c->fd, big_head + c->big_off, big_len - c->big_off, MSG_NOSIGNAL);
        if (n > 0)
            c->big_off += (size_t)n;
        else if (n < 0 && errno != EAGAIN)
            drop(c);
    }
}

static void *serve(void *arg)
{
    struct test_server *s = arg;
    struct client clients[MAX_CLIENTS];
    for (int i = 0; i < MAX_CLIENTS; i++)
        clients[i].fd = -1;
    struct pollfd pfd[MAX_CLIENTS + 2];
    for (;;) {
        int n = 0;
        pfd[n++] = (struct pollfd){s->stop_pipe[0], POLLIN, 0};
        pfd[n++] = (struct pollfd){s->listen_fd, POLLIN, 0};
        int map[MAX_CLIENTS + 2];
        for (int i = 0; i < MAX_CLIENTS; i++)
            if (clients[i].fd >= 0) {
                map[n] = i;
                short ev = POLLIN | (clients[i].streaming && s->mode == TS_FLOOD ? POLLOUT : 0);
                pfd[n++] = (struct pollfd){clients[i].fd, ev, 0};
            }
        poll(pfd, (nfds_t)n, 5);
        if (pfd[0].revents)
            break;
        if (pfd[1].revents & POLLIN) {
            int fd = accept(s->listen_fd, NULL, NULL);
            if (fd >= 0) {
                fcntl(fd, F_SETFL, O_NONBLOCK);
                int slot = -1;
                for (int i = 0; i < MAX_CLIENTS && slot < 0; i++)
                    if (clients[i].fd < 0)
                        slot = i;
                if (slot < 0)
                    close(fd);
                else
                    clients[slot] = (struct client){.fd = fd};
            }
        }
        for (int k = 2; k < n; k++)
            if (pfd[k].revents && clients[map[k]].fd >= 0)
                on_readable(s, &clients[map[k]]);
        for (int i = 0; i < MAX_CLIENTS; i++)
            if (clients[i].fd >= 0)
                on_tick(s, &clients[i]);
    }
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (clients[i].fd >= 0)
            close(clients[i].fd);
    return NULL;
}

static int listen_loopback(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 128) ||
        getsockname(fd, (struct sockaddr *)&a, &len)) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

int test_server_start(struct test_server *s, enum ts_mode mode)
{
    memset(s, 0, sizeof *s);
    s->mode = mode;
    if (mode == TS_HUGE_HEADER && !big_head) {
        const char pre[] = "HTTP/1.1 200 OK\r\nX-Big: ";
        big_len = sizeof pre - 1 + BIG + 4;
        big_head = malloc(big_len);
        memcpy(big_head, pre, sizeof pre - 1);
        memset(big_head + sizeof pre - 1, 'a', BIG);
        memcpy(big_head + big_len - 4, "\r\n\r\n", 4);
    }
    if (mode == TS_FLOOD) {
        for (size_t i = 0; i < sizeof flood_chunk; i += sizeof flood_unit - 1)
            memcpy(flood_chunk + i, flood_unit, sizeof flood_unit - 1);
    }
    s->listen_fd = listen_loopback(&s->port);
    if (s->listen_fd < 0 || pipe(s->stop_pipe))
        return -1;
    return pthread_create(&s->thread, NULL, serve, s) ? -1 : 0;
}

void test_server_stop(struct test_server *s)
{
    if (write(s->stop_pipe[1], "x", 1) != 1)
        abort();
    pthread_join(s->thread, NULL);
    close(s->listen_fd);
    close(s->stop_pipe[0]);
    close(s->stop_pipe[1]);
    free(big_head);
    big_head = NULL;
}

int test_server_closed_port(void)
{
    int port;
    int fd = listen_loopback(&port);
    if (fd < 0)
        return -1;
    close(fd);
    return port;
}
