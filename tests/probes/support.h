/*
 * Test support for the probe tests: start servers (the reference store, nginx, hostile test
 * servers) on loopback and stop them, load a config from YAML text, run probes and look up
 * their results. Every wait is bounded; children die with the test (PR_SET_PDEATHSIG).
 */
#ifndef STORECHECK_TESTS_PROBES_SUPPORT_H
#define STORECHECK_TESTS_PROBES_SUPPORT_H

#include <sys/types.h>

#include "config/config.h"
#include "probes/engine.h"

/* Start argv[0] with argv; when ready_file is given, wait (up to 10 s) until it is
 * non-empty. Returns the pid, or -1. */
pid_t sup_spawn(char *const argv[], const char *ready_file);
/* SIGTERM, wait up to 5 s, then SIGKILL. */
void sup_stop(pid_t pid);

/* A listening socket on a free 127.0.0.1 port, its port in *port; -1 on failure. */
int sup_listen_loopback(int *port);
/* A server process on listening socket fd (which the caller no longer holds): each accepted
 * connection is served by serve(conn, arg) in a child of its own, so a slow client never
 * blocks another. Returns the server's pid, or -1; stop it with sup_stop. */
pid_t sup_fork_server(int fd, void (*serve)(int conn, const void *arg), const void *arg);

/* One request as a test server read it: the head (NUL-terminated, request line first), its
 * method and target (NUL-terminated copies), and the body. */
struct sup_request {
    char method[16];
    char target[1024];
    const char *head;
    const char *body;
    size_t body_len;
};
/* Writes the whole answer to req (status line, headers, body) into out, at most cap bytes, and
 * returns its length. */
typedef size_t (*sup_answer_fn)(const struct sup_request *req, char *out, size_t cap,
                                const void *arg);
/* Serve the requests of one keep-alive connection with answer until the client closes it or
 * stays silent for 2 s; heads and bodies up to 16 KiB. For sup_fork_server's serve. */
void sup_serve_requests(int conn, sup_answer_fn answer, const void *arg);
/* The value of header name (any case) of req into out; 0, or -1 when it has none. */
int sup_request_header(const struct sup_request *req, const char *name, char *out, size_t len);

/* Wait until a TCP port on 127.0.0.1 accepts (up to 10 s). 0 or -1. */
int sup_wait_port(int port);
/* A free loopback port (bound then released). */
int sup_free_port(void);

/* The certificate folder made by the probes_certs fixture, and a file in it (static buffer). */
const char *sup_cert(const char *name);
/* A scratch folder for this test program under the build tree (created). */
const char *sup_scratch(void);

/* Servers started and configs written after this use ::1 instead of 127.0.0.1. */
void sup_use_ipv6(int on);

struct refstore {
    pid_t pid;
    int http, https, admin;
};

/* Start the reference store with TLS (cert: a make-certs.sh name, NULL: "server", "none":
 * plain HTTP only, which then serves the store instead of redirecting), broken
 * variants (NULL: none) and extra arguments (NULL-terminated, may be NULL). 0 or -1. */
int sup_refstore_start(struct refstore *rs, const char *cert, const char *broken,
                       const char *const *extra);
void sup_refstore_stop(struct refstore *rs);

/* A config for the reference store's layout at https://127.0.0.1:PORT, or http:// when
 * https_port is 0 (http_port is then the base, else target.http_url). timeout and
 * probe_timeout are durations ("1s"; NULL: 5s and 10s). 0 or -1 (errors printed). */
int sup_config(struct config *cfg, int https_port, int http_port, const char *timeout,
               const char *probe_timeout);

/* A config from YAML text; errors are printed with the text. 0 or -1. */
int sup_config_yaml(struct config *cfg, const char *yaml);

/* Run the probes named in only (comma list; NULL: all). */
void sup_run(const struct config *cfg, const char *only, struct engine_report *rep);
/* The result of probe id, or NULL when it did not run. */
const struct probe_result *sup_result(const struct engine_report *rep, const char *id);
/* 1 if any evidence of the result (request or detail) contains text. */
int sup_evidence_has(const struct probe_result *r, const char *text);
/* 1 if the reason or any evidence of the result contains text. */
int sup_has_text(const struct probe_result *r, const char *text);
/* 1 if probe id ran and ended with st, and text (when not NULL) is in its reason or its
 * evidence; otherwise 0, with what was expected and what came printed. */
int sup_expect(const struct engine_report *rep, const char *id, enum probe_status st,
               const char *text);
/* Print a result (for failed checks). */
void sup_print(const char *id, const struct probe_result *r);

#endif
