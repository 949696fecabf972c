/*
 * What the S-TLS-* probes share (defined in security_tls.c): their evidence labels, the skip on
 * a plain-http target, and the handshake scanner aimed at the target under the probe's deadline.
 */
#ifndef STORECHECK_PROBES_TLS_PROBE_H
#define STORECHECK_PROBES_TLS_PROBE_H

#include <stddef.h>

#include "probes/probe.h"
#include "probes/tls_scan.h"
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

/* An undecided answer ends the probe as an error naming what was sent and the class. */
void tls_probe_undecided(struct probe_ctx *ctx, const char *sent, const char *class_name);

#endif
