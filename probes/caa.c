#include "probes/caa.h"

#include <arpa/nameser.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

int caa_parse_rdata(const uint8_t *rdata, size_t len, struct caa_record *r)
{
    memset(r, 0, sizeof *r);
    if (len < 2)
        return -1;
    size_t taglen = rdata[1];
    if (taglen < 1 || taglen > CAA_TAG_MAX || 2 + taglen > len)
        return -1;
    r->flags = rdata[0];
    for (size_t i = 0; i < taglen; i++) {
        if (!isalnum(rdata[2 + i]))
            return -1;
        r->tag[i] = (char)tolower(rdata[2 + i]);
    }
    size_t vlen = len - 2 - taglen;
    if (vlen > CAA_VALUE_MAX)
        vlen = CAA_VALUE_MAX;
    const uint8_t *v = rdata + 2 + taglen;
    for (size_t i = 0; i < vlen; i++)
        r->value[i] = v[i] >= 0x20 && v[i] < 0x7f ? (char)v[i] : '?';
    return 0;
}

int caa_parse_answer(const uint8_t *msg, size_t len, struct caa_set *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    ns_msg handle;
    if (len > 65535 || ns_initparse(msg, (int)len, &handle) != 0) {
        snprintf(err, errlen, "the DNS answer (%zu bytes) does not parse", len);
        return -1;
    }
    int n = ns_msg_count(handle, ns_s_an);
    for (int i = 0; i < n; i++) {
        ns_rr rr;
        if (ns_parserr(&handle, ns_s_an, i, &rr) != 0) {
            snprintf(err, errlen, "answer record %d of %d does not parse", i + 1, n);
            return -1;
        }
        if ((int)ns_rr_type(rr) != DNS_TYPE_CAA || ns_rr_class(rr) != ns_c_in)
            continue;
        struct caa_record r;
        if (caa_parse_rdata(ns_rr_rdata(rr), ns_rr_rdlen(rr), &r) != 0) {
            snprintf(err, errlen, "CAA record %d of %s is malformed", i + 1, ns_rr_name(rr));
            return -1;
        }
        if (out->count < CAA_MAX_RECORDS)
            out->records[out->count++] = r;
        out->total++;
    }
    return 0;
}

void caa_issuer(const char *value, char *buf, size_t len)
{
    size_t n = strcspn(value, ";");
    while (n && isspace((unsigned char)value[n - 1]))
        n--;
    while (n && isspace((unsigned char)*value)) {
        value++;
        n--;
    }
    snprintf(buf, len, "%.*s", (int)n, value);
}
