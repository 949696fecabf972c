/*
 * CAA records (RFC 8659) out of a DNS answer message as the system resolver returns it
 * (res_query): the answer section is walked with libresolv's ns_parserr, each CAA RDATA —
 * flags, tag length, tag, value — is read here. Pure: no I/O. Any input ends in records or an
 * error, never a read past len.
 */
#ifndef STORECHECK_PROBES_CAA_H
#define STORECHECK_PROBES_CAA_H

#include <stddef.h>
#include <stdint.h>

enum { CAA_MAX_RECORDS = 32, CAA_TAG_MAX = 15, CAA_VALUE_MAX = 255, DNS_TYPE_CAA = 257 };

struct caa_record {
    uint8_t flags;                 /* bit 128: issuer critical */
    char tag[CAA_TAG_MAX + 1];     /* "issue", "issuewild", "iodef", ... */
    char value[CAA_VALUE_MAX + 1]; /* printable ASCII; other bytes shown as '?' */
};

struct caa_set {
    struct caa_record records[CAA_MAX_RECORDS];
    size_t count; /* kept (at most CAA_MAX_RECORDS) */
    size_t total; /* CAA records in the answer */
};

/* One CAA RDATA into r. 0, or -1 when its fields do not add up or the tag is not 1-15
 * letters and digits. */
int caa_parse_rdata(const uint8_t *rdata, size_t len, struct caa_record *r);

/* Every CAA record in the answer section of msg (any owner name: the resolver has followed
 * CNAMEs). 0, or -1 with err when the message or a CAA record does not parse. */
int caa_parse_answer(const uint8_t *msg, size_t len, struct caa_set *out, char *err, size_t errlen);

/* The issuer domain of an issue/issuewild value ("ca.example; account=1" -> "ca.example"),
 * "" when the value names none (";": no CA may issue). */
void caa_issuer(const char *value, char *buf, size_t len);

#endif
