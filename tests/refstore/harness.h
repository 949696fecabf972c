/*
 * Test support for the reference store: start storecheck-refstore on free loopback ports,
 * talk to it with libcurl (HTTP and HTTPS) or raw sockets, stop it and check it exited cleanly.
 * Every wait is bounded.
 */
#ifndef REFSTORE_TEST_HARNESS_H
#define REFSTORE_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct rs_server {
    pid_t pid;
    int http, https, admin; /* ports, 0 when off */
};

/* Starts the store with the given extra arguments (NULL-terminated); false on failure. */
bool rs_start(struct rs_server *s, const char *const *args);
/* Stops it with SIGTERM; returns its exit status (0 is a clean stop, -1 if it had to be
 * killed). */
int rs_stop(struct rs_server *s);

/* The folder make-certs.sh filled for the tests, and a file in it. */
const char *rs_cert(const char *name);

struct rs_response {
    long status;
    char *headers; /* the last response's header block, as received */
    char *body;    /* NUL-terminated (binary bodies also have body_len) */
    size_t body_len;
    double seconds;
    bool timed_out;
    int curl_error;
};

struct rs_request {
    const char *method; /* default GET */
    const char *url;
    const char *const *headers; /* "Name: value", NULL-terminated */
    const char *body;
    size_t body_len; /* 0: strlen(body) */
    long timeout_ms; /* default 5000 */
    bool gzip;       /* send Accept-Encoding: gzip and keep the body encoded */
    bool tls_verify; /* verify against the test CA (default off: the cert may be a bad one) */
    long tls_max;    /* CURL_SSLVERSION_MAX_* to cap the protocol, 0 for none */
    long tls_min;    /* CURL_SSLVERSION_* minimum, 0 for default */
    const char *ciphers;
};

/* Performs the request; the response must be freed with rs_free. */
void rs_do(const struct rs_request *req, struct rs_response *resp);
void rs_free(struct rs_response *resp);
/* Shorthands on the plain (or TLS) port of s. */
void rs_get(const struct rs_server *s, const char *path, struct rs_response *resp);
void rs_post(const struct rs_server *s, const char *path, const char *body,
             const char *const *headers, struct rs_response *resp);
/* A URL on the store: scheme "http", "https" or "admin". Returns a static buffer. */
const char *rs_url(const struct rs_server *s, const char *scheme, const char *path);

/* The value of a response header (case-insensitive name), copied into out; false if absent.
 * With several headers of that name, the index-th (0-based). */
bool rs_header_n(const struct rs_response *r, const char *name, int index, char *out,
                 size_t outlen);
bool rs_header(const struct rs_response *r, const char *name, char *out, size_t outlen);

/*
 * Raw TCP: sends data (may be NULL) on a new connection to port, then reads until the peer
 * closes, max bytes arrive or timeout_ms pass. Returns bytes read into out (NUL-terminated),
 * or -1 if the connection failed. *closed says whether the peer closed it.
 */
long rs_raw(int port, const char *data, size_t len, char *out, size_t max, long timeout_ms,
            bool *closed);
int rs_connect(int port);
/* Reads until the peer closes, max bytes or timeout; returns the count. */
long rs_read(int fd, char *out, size_t max, long timeout_ms, bool *closed);
/* Counts occurrences of needle in hay. */
int rs_count(const char *hay, const char *needle);

#endif
