/*
 * What the S-TLS-* probes share (defined in security_tls.c): their evidence labels, the skip on
 * a plain-http target, and the handshake scanner aimed at the target under the probe's deadline;
 * and what the vulnerability probes share (probes/tls_probe_start.c): their start, hello,
 * session and survey.
 */
#ifndef STORECHECK_PROBES_TLS_PROBE_H
#define STORECHECK_PROBES_TLS_PROBE_H

#include <stddef.h>

#include "probes/probe.h"
#include "probes/tls_scan.h"
#include "probes/tls_session.h"
#include "probes/tls_survey.h"

/* "TLS handshake 127.0.0.1:8443 (what)"; what NULL: no parenthesis. */
void handshake_label(struct probe_ctx *ctx, const char *what, char *buf, size_t len);

/* 1 when the target is https; else the probe is set to skip and 0 returned. */
int needs_tls(struct probe_ctx *ctx);

/* The scanner aimed at the target, holding one slot of the connection gate. 0, or -1 with
 * err. scan_end gives back the slots the scan held and adds its connections, time and the most
 * connections it had open at once as evidence (the vulnerability probes: 1 and 1). */
int scan_begin(struct probe_ctx *ctx, struct tls_scan *s, char *err, size_t errlen);
void scan_end(struct probe_ctx *ctx, struct tls_scan *s, unsigned slots, unsigned at_once);

/* Up to want more of the target host's connection slots, without waiting: a tls_scan_pool's
 * take, with the probe_ctx as its arg. */
unsigned take_slots(void *arg, unsigned want);

/* The start of every vulnerability probe (probes/tls_probe_start.c): the scanner begun and the
 * versions SSL 3.0-TLS 1.2 found (evidence "versions answered"). 0: go on, then scan_end. -1:
 * the probe is already decided (error: no connection or an answer that is not TLS; skip: no
 * version below TLS 1.3 answered, with what came back) and the scanner ended. */
int tls_probe_start(struct probe_ctx *ctx, struct tls_scan *s, struct tls_offered *o);

/* The hello the vulnerability probes start from: version, the target's name, the suites keep
 * accepts at that version (all when NULL) written into suites, the renegotiation SCSV and the
 * ordinary extensions; the probe then sets what it adds (heartbeat, DEFLATE, groups). */
void tls_probe_hello(struct tls_hello *h, const struct tls_scan *s, uint16_t version,
                     int (*keep)(const struct tls_suite *), uint16_t suites[TLS_SCAN_MAX_SUITES]);

/* A session opened with h (what the evidence calls sent) and read through ServerHelloDone.
 * 0: a ServerHello, go on, then tls_session_close and scan_end. -1: any other answer, put in
 * the evidence under label; the probe is already an error, the session closed and the scanner
 * ended. */
int tls_probe_open(struct probe_ctx *ctx, struct tls_scan *s, struct tls_hello *h, const char *sent,
                   const char *label, struct tls_session *t, struct tls_flight *f);

/* The handshake scanner's full survey (tls_survey_run) with more of the host's slots taken as
 * they come free, for the versions side by side; the scanner is ended. */
void tls_probe_survey(struct probe_ctx *ctx, struct tls_scan *s, int with_sslv2,
                      struct tls_survey *sv);

/* An undecided answer ends the probe as an error naming what was sent and the class. */
void tls_probe_undecided(struct probe_ctx *ctx, const char *sent, const char *class_name);

#endif
