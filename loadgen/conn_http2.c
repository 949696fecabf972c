#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "loadgen/clock.h"
#include "loadgen/conn.h"
#include "loadgen/worker.h"

/* HTTP/2 on a connection, through nghttp2's session: it does the framing, HPACK (its state per
 * connection), flow control and the stream states; this file maps streams onto the
 * connection's in-flight entries and the worker's callbacks.
 *
 * Requests come with their parts (request.h), recorded by their source when it built their
 * HTTP/1.1 text: the header fields are made from the parts, never read from the text. Answers
 * reach a source of users as HTTP/1.1 text ("HTTP/2 200", the fields, the body), so scenarios
 * read HTTP/2 answers as they read HTTP/1.1 ones. */

enum { READS_PER_WAKE = 16 };
/* The receive windows: large, so the server never waits for a WINDOW_UPDATE at full speed. */
enum { H2_STREAM_WINDOW = 16 << 20, H2_CONN_WINDOW = 1 << 30 };
enum { H2_FIELDS_MAX = 128 };
/* How often one request is sent again after the server refused it unprocessed. */
enum { H2_RETRIES_MAX = 2 };

static nghttp2_session_callbacks *callbacks;
static pthread_once_t callbacks_once = PTHREAD_ONCE_INIT;

/* --- entries --- */

static void entry_release(struct conn *c, struct inflight *e)
{
    /* A later frame of the stream must not find the entry once it carries another. */
    if (e->stream_id > 0)
        nghttp2_session_set_stream_user_data(c->h2, e->stream_id, NULL);
    e->req = NULL;
    e->stream_id = 0;
    e->next_free = c->h2_free;
    c->h2_free = e;
    c->qlen--;
    c->qwritten--;
    c->w->inflight--;
}

/* The entry of a stream: the one found last (a response's frames come one after the other),
 * its user data, or for a stream not yet opened (its HEADERS never went out) a search. Stream
 * ids are never used twice in a session, and a released entry has none. */
static struct inflight *entry_of(struct conn *c, int32_t stream_id)
{
    struct inflight *e = c->h2_last;
    if (e && e->stream_id == stream_id && e->req)
        return e;
    e = nghttp2_session_get_stream_user_data(c->h2, stream_id);
    if (!e || !e->req) {
        e = NULL;
        for (uint32_t i = 0; i < c->qcap && !e; i++)
            if (c->q[i].req && c->q[i].stream_id == stream_id)
                e = &c->q[i];
    }
    if (e)
        c->h2_last = e;
    return e;
}

/* 1 when the connection keeps answers for a source of users (request lists need none: their
 * responses' fields and data are not looked at). */
static int captures(const struct conn *c)
{
    return c->q[0].slot.cap != NULL;
}

/* The most streams at once: ours, lowered by the server's SETTINGS_MAX_CONCURRENT_STREAMS;
 * none once it said GOAWAY. A connection that can take no more leaves the free list. */
static void update_limit(struct conn *c)
{
    uint32_t peer =
        nghttp2_session_get_remote_settings(c->h2, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
    c->limit = c->h2_goaway ? 0 : peer < c->qcap ? peer : c->qcap;
    if (!conn_can_take(c))
        worker_free_remove(c->w, c);
}

/* --- writing --- */

/* Write the bytes the session produced. 1: all written; 0: the socket is full (we wait for
 * it); -1: failed. */
static int write_out(struct conn *c)
{
    struct worker *w = c->w;
    while (c->h2_out_off < c->h2_out_len) {
        struct iovec iov = {c->h2_out + c->h2_out_off, c->h2_out_len - c->h2_out_off};
        size_t n = 0;
        enum io_rc rc = c->tp->writev(c, &iov, 1, &n);
        if (rc == IO_ERR || rc == IO_EOF) {
            conn_fail(c, rc == IO_ERR ? c->err_class : LG_ERR_CLOSED, "write failed");
            return -1;
        }
        if (rc == IO_WANT_READ)
            return 0;
        if (rc == IO_WANT_WRITE || n == 0) {
            conn_set_events(c, EV_READ | EV_WRITE);
            return 0;
        }
        w->c.bytes_out += n;
        w->iv.bytes_out += n;
        c->h2_out_off += n;
    }
    c->h2_out_off = c->h2_out_len = 0;
    return 1;
}

static ssize_t on_send(nghttp2_session *s, const uint8_t *data, size_t len, int flags, void *ud)
{
    struct conn *c = ud;
    size_t room = CONN_H2_OUT - c->h2_out_len;
    if (room == 0)
        return NGHTTP2_ERR_WOULDBLOCK;
    size_t n = len < room ? len : room;
    memcpy(c->h2_out + c->h2_out_len, data, n);
    c->h2_out_len += n;
    return (ssize_t)n;
}

/* Let the session produce what it has to send and write it. Returns 0, or -1 if the
 * connection failed (counted and closed). */
static int flush(struct conn *c)
{
    for (;;) {
        int wr = write_out(c);
        if (wr <= 0)
            return wr;
        if (!nghttp2_session_want_write(c->h2))
            break;
        int rv = nghttp2_session_send(c->h2);
        if (rv != 0) {
            conn_fail(c, LG_ERR_PROTOCOL, nghttp2_strerror(rv));
            return -1;
        }
        if (c->h2_out_len == 0)
            break;
    }
    conn_set_events(c, EV_READ);
    return 0;
}

/* --- requests --- */

static ssize_t read_body(nghttp2_session *s, int32_t stream_id, uint8_t *buf, size_t len,
                         uint32_t *flags, nghttp2_data_source *src, void *ud)
{
    struct inflight *e = src->ptr;
    const struct request *r = e->req;
    struct request_span body = r->parts->body;
    size_t left = body.len - e->body_off;
    size_t n = left < len ? left : len;
    memcpy(buf, r->bytes + body.off + e->body_off, n);
    e->body_off += n;
    if (e->body_off == body.len)
        *flags |= NGHTTP2_DATA_FLAG_EOF;
    return (ssize_t)n;
}

/* A field whose name the session need not copy: every name outlives the run's sessions. */
static nghttp2_nv field(const char *name, size_t nlen, const char *value, size_t vlen)
{
    return (nghttp2_nv){(uint8_t *)name, (uint8_t *)value, nlen, vlen,
                        NGHTTP2_NV_FLAG_NO_COPY_NAME};
}

static nghttp2_nv part(const char *name, size_t nlen, const char *bytes, struct request_span v)
{
    return field(name, nlen, bytes + v.off, v.len);
}

/* The request's HTTP/2 fields from its parts; the count, or -1 if there are too many. The
 * session copies the values when the request is submitted. */
static int request_fields(const struct request *r, nghttp2_nv *nv)
{
    const struct request_parts *pt = r->parts;
    if (pt->field_count > H2_FIELDS_MAX - 4)
        return -1;
    nv[0] = part(":method", 7, r->bytes, pt->method);
    nv[1] = pt->tls ? field(":scheme", 7, "https", 5) : field(":scheme", 7, "http", 4);
    nv[2] = part(":path", 5, r->bytes, pt->path);
    nv[3] = part(":authority", 10, r->bytes, pt->authority);
    for (uint32_t i = 0; i < pt->field_count; i++)
        nv[4 + i] = part(pt->fields[i].name, pt->fields[i].name_len, r->bytes, pt->fields[i].value);
    return 4 + (int)pt->field_count;
}

/* Submit req on a free entry. A request the session cannot take fails on its own (counted);
 * the connection goes on. */
static void submit(struct conn *c, const struct request *req, uint64_t intended, uint64_t now)
{
    struct worker *w = c->w;
    struct inflight *e = c->h2_free;
    c->h2_free = e->next_free;
    e->req = req;
    e->intended = worker_due(w, intended, now);
    e->sent = now;
    e->status = 0;
    e->head_done = 0;
    e->retries = c->next_retries;
    c->next_retries = 0;
    e->body_off = 0;
    e->slot.cap_len = 0;
    e->slot.cap_over = 0;
    c->qlen++;
    c->qwritten++;
    w->inflight++;
    w->c.requests++;
    nghttp2_nv nv[H2_FIELDS_MAX];
    int n = request_fields(req, nv);
    nghttp2_data_provider body = {.source.ptr = e, .read_callback = read_body};
    int32_t id = n < 0 ? -1
                       : nghttp2_submit_request(c->h2, NULL, nv, (size_t)n,
                                                req->parts->body.len ? &body : NULL, e);
    if (id < 0) {
        /* Not a request HTTP/2 can carry (or the session refuses streams): the request's
         * own failure, the connection goes on. */
        struct inflight copy = *e;
        entry_release(c, e);
        worker_request_failed(w, &copy, LG_ERR_PROTOCOL,
                              n < 0 ? "HTTP/2: a request HTTP/2 cannot carry"
                                    : nghttp2_strerror(id));
        return;
    }
    e->stream_id = id;
    if (!ev_is_active(&c->timer))
        conn_arm_timer(c, now + w->sh->timeout_us, now);
}

static int http2_send(struct conn *c, const struct request *req, uint64_t intended, uint64_t now)
{
    submit(c, req, intended, now);
    worker_flush_later(c->w, c);
    return 0;
}

static int http2_fill(struct conn *c)
{
    if (c->qlen >= c->limit)
        return 0;
    uint64_t now = clock_us();
    while (c->qlen < c->limit) {
        uint64_t intended = now;
        const struct request *req = worker_next(c->w, c, &intended, now);
        submit(c, req, intended, now);
    }
    worker_flush_later(c->w, c);
    return 0;
}

/* --- answers --- */

/* Append text to the entry's capture (sources of users only). */
static void capture(struct inflight *e, const char *data, size_t n)
{
    if (e->slot.cap)
        slot_capture(&e->slot, data, n);
}

/* Times of answers are those of the read that brought their bytes: one clock read per read,
 * none per response. */
static uint64_t read_time(const struct conn *c, const struct inflight *e)
{
    return c->h2_read_at > e->sent ? c->h2_read_at : e->sent;
}

static int on_begin_headers(nghttp2_session *s, const nghttp2_frame *f, void *ud)
{
    struct conn *c = ud;
    struct inflight *e = f->hd.type == NGHTTP2_HEADERS ? entry_of(c, f->hd.stream_id) : NULL;
    if (e && e->status == 0)
        hist_record(c->w->ttfb, read_time(c, e) - e->sent);
    return 0;
}

static int on_header(nghttp2_session *s, const nghttp2_frame *f, const uint8_t *name, size_t nlen,
                     const uint8_t *value, size_t vlen, uint8_t flags, void *ud)
{
    struct conn *c = ud;
    int status_field = nlen == 7 && memcmp(name, ":status", 7) == 0;
    if (f->hd.type != NGHTTP2_HEADERS || (!status_field && !captures(c)))
        return 0;
    struct inflight *e = entry_of(c, f->hd.stream_id);
    if (!e || e->head_done)
        return 0; /* trailers */
    if (status_field) {
        int status = 0;
        for (size_t i = 0; i < vlen && i < 3 && isdigit(value[i]); i++)
            status = status * 10 + (value[i] - '0');
        if (vlen != 3 || status < 100 || status > 599)
            return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE; /* the stream is reset */
        if (status < 200) {
            c->w->c.interim++;
            return 0;
        }
        e->status = status;
        char line[] = "HTTP/2 000\r\n";
        memcpy(line + 7, value, 3);
        capture(e, line, sizeof line - 1);
        return 0;
    }
    if (e->status >= 200 && e->slot.cap) {
        capture(e, (const char *)name, nlen);
        capture(e, ": ", 2);
        capture(e, (const char *)value, vlen);
        capture(e, "\r\n", 2);
    }
    return 0;
}

static int on_frame_recv(nghttp2_session *s, const nghttp2_frame *f, void *ud)
{
    struct conn *c = ud;
    switch (f->hd.type) {
    case NGHTTP2_SETTINGS:
        if (!(f->hd.flags & NGHTTP2_FLAG_ACK)) {
            c->h2_settings = 1;
            update_limit(c);
        }
        break;
    case NGHTTP2_GOAWAY:
        c->h2_goaway = 1;
        update_limit(c);
        break;
    case NGHTTP2_HEADERS:
        if (f->hd.flags & NGHTTP2_FLAG_END_HEADERS) {
            struct inflight *e = entry_of(c, f->hd.stream_id);
            if (e && e->status >= 200 && !e->head_done) {
                e->head_done = 1;
                capture(e, "\r\n", 2);
            }
        }
        break;
    default:
        break;
    }
    return 0;
}

static int on_data(nghttp2_session *s, uint8_t flags, int32_t stream_id, const uint8_t *data,
                   size_t len, void *ud)
{
    struct inflight *e = captures(ud) ? entry_of(ud, stream_id) : NULL;
    if (e)
        capture(e, (const char *)data, len);
    return 0;
}

/* The server refused e unprocessed: send it again elsewhere. A refusal counts towards the
 * limit only on a connection that answered nothing (a server that refuses everything); a
 * server that answers some streams before its GOAWAY makes progress. */
static void refused(struct conn *c, struct inflight *e)
{
    struct worker *w = c->w;
    struct inflight copy = *e;
    copy.retries += c->h2_answered == 0;
    entry_release(c, e);
    if (worker_retry(w, &copy, LG_ERR_CLOSED) == 0)
        w->c.requests--; /* counted again when it is sent again */
}

/* A stream's request failed with cls; the connection goes on. */
static void stream_failed(struct conn *c, struct inflight *e, enum lg_error cls, const char *why)
{
    struct inflight copy = *e;
    entry_release(c, e);
    worker_request_failed(c->w, &copy, cls, why);
}

static int on_stream_close(nghttp2_session *s, int32_t stream_id, uint32_t error_code, void *ud)
{
    struct conn *c = ud;
    struct inflight *e = entry_of(c, stream_id);
    if (!e)
        return 0;
    if (error_code == NGHTTP2_NO_ERROR && e->status >= 200) {
        /* The entry is released after the answer is read: a user answered may ask for a
         * slot on this connection at once. */
        c->h2_answered++;
        worker_response(c->w, e, e->status, read_time(c, e));
        entry_release(c, e);
        return 0;
    }
    if (error_code == NGHTTP2_REFUSED_STREAM && e->retries < H2_RETRIES_MAX) {
        refused(c, e);
        return 0;
    }
    if (error_code == NGHTTP2_REFUSED_STREAM)
        stream_failed(c, e, LG_ERR_CLOSED, "HTTP/2: every connection refused the request");
    else if (error_code == NGHTTP2_NO_ERROR)
        stream_failed(c, e, LG_ERR_CLOSED, "HTTP/2: the stream ended without a response");
    else
        stream_failed(c, e, LG_ERR_STREAM_RESET, "HTTP/2: the server reset the stream");
    return 0;
}

/* A request whose HEADERS never went out (the server said GOAWAY first): refused. */
static int on_not_send(nghttp2_session *s, const nghttp2_frame *f, int lib_error, void *ud)
{
    struct conn *c = ud;
    if (f->hd.type != NGHTTP2_HEADERS)
        return 0;
    struct inflight *e = entry_of(c, f->hd.stream_id);
    if (!e)
        return 0;
    if (e->retries < H2_RETRIES_MAX)
        refused(c, e);
    else
        stream_failed(c, e, LG_ERR_CLOSED, "HTTP/2: every connection refused the request");
    return 0;
}

static void callbacks_init(void)
{
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_send_callback(callbacks, on_send);
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, on_frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, on_data);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, on_stream_close);
    nghttp2_session_callbacks_set_on_frame_not_send_callback(callbacks, on_not_send);
}

/* --- the connection --- */

static int http2_start(struct conn *c)
{
    pthread_once(&callbacks_once, callbacks_init);
    if (!callbacks ||
        nghttp2_session_client_new3(&c->h2, callbacks, c, NULL, &c->w->h2mem.mem) != 0) {
        conn_fail(c, LG_ERR_PROTOCOL, "HTTP/2: cannot create a session");
        return -1;
    }
    c->h2_free = NULL;
    for (uint32_t i = c->qcap; i-- > 0;) {
        c->q[i].req = NULL;
        c->q[i].next_free = c->h2_free;
        c->h2_free = &c->q[i];
    }
    c->h2_settings = c->h2_goaway = 0;
    c->h2_answered = 0;
    c->h2_out_len = c->h2_out_off = 0;
    c->h2_last = NULL;
    c->t_ready = clock_us();
    nghttp2_settings_entry iv[] = {
        {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, H2_STREAM_WINDOW},
    };
    nghttp2_submit_settings(c->h2, NGHTTP2_FLAG_NONE, iv, sizeof iv / sizeof *iv);
    nghttp2_session_set_local_window_size(c->h2, NGHTTP2_FLAG_NONE, 0, H2_CONN_WINDOW);
    update_limit(c);
    /* The server's SETTINGS must come within the timeout. */
    conn_arm_timer(c, c->t_ready + c->w->sh->timeout_us, c->t_ready);
    return flush(c);
}

/* The session has nothing more to do (both sides said GOAWAY, or it failed): close. A server
 * that closes without answering anything (a GOAWAY at once) is not asked again at once. */
static void session_over(struct conn *c)
{
    struct worker *w = c->w;
    if (c->qlen) {
        conn_fail(c, LG_ERR_PROTOCOL, "HTTP/2: the session ended with requests in flight");
        return;
    }
    int backoff = c->h2_answered == 0;
    conn_close(c);
    worker_conn_closed(w, c, backoff);
}

/* Read and hand the bytes to the session. Returns -1 if the connection is gone. */
static int readable(struct conn *c)
{
    struct worker *w = c->w;
    for (int reads = 0; reads < READS_PER_WAKE; reads++) {
        size_t n = 0;
        enum io_rc rc = c->tp->read(c, c->rbuf, CONN_RBUF, &n);
        if (rc == IO_WANT_READ)
            return 0;
        if (rc == IO_WANT_WRITE) {
            conn_set_events(c, EV_READ | EV_WRITE);
            return 0;
        }
        if (rc == IO_EOF) {
            if (c->qlen)
                conn_fail(c, LG_ERR_CLOSED, "connection closed before the responses ended");
            else
                session_over(c);
            return -1;
        }
        if (rc == IO_ERR) {
            conn_fail(c, c->err_class, c->err_class == LG_ERR_TLS ? "TLS error" : "read failed");
            return -1;
        }
        w->c.bytes_in += n;
        w->iv.bytes_in += n;
        c->h2_read_at = clock_us();
        ssize_t used = nghttp2_session_mem_recv(c->h2, (const uint8_t *)c->rbuf, n);
        if (used < 0) {
            char why[128];
            snprintf(why, sizeof why, "HTTP/2: %s", nghttp2_strerror((int)used));
            conn_fail(c, LG_ERR_PROTOCOL, why);
            return -1;
        }
        if (c->state != CONN_READY)
            return -1;
        if (n < CONN_RBUF && !c->tp->pending(c))
            return 0;
    }
    if (c->tp->pending(c))
        worker_read_later(w, c);
    return 0;
}

/* Read, let the worker refill the streams, then write once: the new requests go out in the
 * same write as the session's acknowledgements and window updates. */
static void http2_io(struct conn *c, int revents)
{
    if ((revents & EV_READ) && readable(c) < 0)
        return;
    if (!nghttp2_session_want_read(c->h2) && !nghttp2_session_want_write(c->h2)) {
        session_over(c);
        return;
    }
    worker_conn_idle(c->w, c);
    if (c->state == CONN_READY && c->proto == &conn_http2)
        flush(c);
}

/* Fail the streams past the timeout (each cancelled, the connection goes on), or the
 * connection when the server's SETTINGS never came; re-arm for the next deadline. */
static void http2_timeout(struct conn *c, uint64_t now)
{
    uint64_t timeout = c->w->sh->timeout_us;
    if (!c->h2_settings) {
        if (now >= c->t_ready + timeout) {
            conn_fail(c, LG_ERR_PROTOCOL, "HTTP/2: the server sent no SETTINGS");
            return;
        }
        conn_arm_timer(c, c->t_ready + timeout, now);
        return;
    }
    uint64_t next = UINT64_MAX;
    for (uint32_t i = 0; i < c->qcap; i++) {
        struct inflight *e = &c->q[i];
        if (!e->req)
            continue;
        if (now >= e->sent + timeout) {
            if (e->stream_id > 0)
                nghttp2_submit_rst_stream(c->h2, NGHTTP2_FLAG_NONE, e->stream_id, NGHTTP2_CANCEL);
            stream_failed(c, e, LG_ERR_TIMEOUT, "request timed out");
        } else if (e->sent + timeout < next) {
            next = e->sent + timeout;
        }
    }
    if (next != UINT64_MAX)
        conn_arm_timer(c, next, now);
    if (flush(c) == 0)
        worker_conn_idle(c->w, c);
}

static struct lg_slot *http2_slot(struct conn *c)
{
    return c->h2_free ? inflight_slot(c->h2_free) : NULL;
}

static void http2_fail_slots(struct conn *c, enum lg_error cls)
{
    for (uint32_t i = 0; i < c->qcap; i++) {
        struct lg_slot *slot = c->q[i].req ? inflight_slot(&c->q[i]) : NULL;
        if (slot)
            worker_slot_failed(c->w, slot, cls);
    }
}

static void http2_close(struct conn *c)
{
    nghttp2_session_del(c->h2);
    c->h2 = NULL;
    for (uint32_t i = 0; i < c->qcap; i++)
        c->q[i].req = NULL;
}

void conn_http2_flush(struct conn *c)
{
    if (c->state == CONN_READY && c->proto == &conn_http2)
        flush(c);
}

const struct conn_proto conn_http2 = {
    .name = "h2",
    .refill_each = 1,
    .start = http2_start,
    .io = http2_io,
    .send = http2_send,
    .fill = http2_fill,
    .timeout = http2_timeout,
    .slot = http2_slot,
    .fail_slots = http2_fail_slots,
    .close = http2_close,
};
