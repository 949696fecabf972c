/* Fuzz what a server's HTTP/2 bytes do to a connection: nghttp2 parses the frames, and our
 * callbacks (headers into the capture, stream ends into answers, refusals into retries, resets
 * into error classes, SETTINGS into the stream limit) run with the worker state around them.
 * One connection of a real worker carries 8 streams of a URL list (for odd first bytes a
 * source of users' slots instead: the capture path) on a socket pair; the input arrives as the
 * server's bytes, in pieces whose size the first byte chooses, each followed by a read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loadgen/conn.h"
#include "loadgen/request_list.h"
#include "loadgen/series.h"
#include "loadgen/worker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { STREAMS = 8, REQUEST_MAX = 16384 };

static struct lg_shared sh;
static struct series series;
static struct request req;
static struct request_list list;
static struct worker w;
static char *wbuf, *cap;

static void setup(void)
{
    struct url u;
    char err[128];
    if (url_parse("http://127.0.0.1:1/p?q=1", &u, err, sizeof err) ||
        request_build(&req, "POST", &u, NULL, 0, "body", 4, err, sizeof err))
        abort();
    request_list_init(&list, &req, 1);
    sh.list = &list.base;
    sh.model = LG_MODEL_CLOSED;
    sh.threads = 1;
    sh.pipeline = 1;
    sh.http = LG_HTTP_2;
    sh.streams = sh.per_conn = STREAMS;
    sh.timeout_us = 1000000;
    sh.head_limit = 65536;
    series_init(&series, 1, 0);
    sh.series = &series;
    if (worker_init(&w, 0, &sh, 1, 0))
        abort();
    wbuf = malloc((size_t)STREAMS * REQUEST_MAX);
    cap = malloc((size_t)STREAMS * SLOT_CAPTURE);
}

/* The slots of a source of users, without users: their requests are the list's bytes. */
static void use_slots(struct conn *c, int on)
{
    if (on)
        conn_init_capture(c, wbuf, REQUEST_MAX, cap);
    else
        for (uint32_t i = 0; i < c->qcap; i++)
            memset(&c->q[i].slot, 0, sizeof c->q[i].slot);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!w.loop)
        setup();
    if (size < 1)
        return 0;
    size_t piece = (size_t)(data[0] >> 1) * 64 + 1;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv))
        return 0;
    struct conn *c = &w.conns[0];
    use_slots(c, data[0] & 1);
    c->fd = sv[0];
    c->tp = &transport_plain;
    c->state = CONN_READY;
    c->active = 1;
    w.open++;
    gauge_up(&sh.connections);
    c->proto = &conn_http2;
    /* What the worker's loop would do before it sleeps: write what was submitted. */
    if (c->proto->start(c) == 0 && conn_fill(c) == 0)
        conn_http2_flush(c);
    char sink[65536];
    for (size_t off = 1; off < size && c->state == CONN_READY;) {
        size_t n = size - off < piece ? size - off : piece;
        ssize_t put = write(sv[1], data + off, n);
        if (put <= 0)
            break;
        off += (size_t)put;
        c->proto->io(c, EV_READ);
        conn_http2_flush(c);
        while (read(sv[1], sink, sizeof sink) > 0) /* what we wrote: SETTINGS, requests */
            ;
    }
    if (c->state == CONN_READY) {
        w.c.unfinished += c->qlen;
        w.inflight -= c->qlen;
        conn_close(c);
    }
    if (c->qlen || w.inflight)
        abort(); /* requests lost track of */
    close(sv[1]);
    w.rlen = 0;
    return 0;
}
