/*
 * For tests of request parts (loadgen/request.h): read a request's HTTP/1.1 text the way a
 * server reads it (request line, header lines, body) into what HTTP/2 sends of it, and check
 * the parts its source recorded against that reading.
 *
 *   check_parts_match_text(&req, tls);
 */
#ifndef STORECHECK_TESTS_REQUEST_TEXT_H
#define STORECHECK_TESTS_REQUEST_TEXT_H

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "loadgen/request.h"
#include "tests/support/check.h"

/* 1 when part (a span of bytes) holds exactly text[0..len). */
static int request_text_part_is(const char *bytes, struct request_span part, const char *text,
                                size_t len)
{
    return part.len == len && memcmp(bytes + part.off, text, len) == 0;
}

/* One header field of the text as HTTP/2 would send it: name in lower case, the value. */
struct request_text_field {
    char name[64];
    const char *value;
    size_t name_len, value_len;
};

static void check_parts_match_text(const struct request *r, int tls)
{
    const char *b = r->bytes, *end = r->bytes + r->len;
    const struct request_parts *pt = r->parts;
    CHECK(pt != NULL);
    if (!pt)
        return;
    CHECK_INT_EQ(pt->tls, tls);
    const char *sp1 = memchr(b, ' ', r->len);
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1)) : NULL;
    const char *line = sp2 ? memchr(sp2, '\n', (size_t)(end - sp2)) : NULL;
    CHECK(line != NULL);
    if (!line)
        return;
    CHECK(request_text_part_is(b, pt->method, b, (size_t)(sp1 - b)));
    CHECK(request_text_part_is(b, pt->path, sp1 + 1, (size_t)(sp2 - sp1 - 1)));

    struct request_text_field want[64];
    size_t nwant = 0;
    const char *authority = NULL;
    size_t authority_len = 0;
    for (line++; line < end && !(line[0] == '\r' && line + 1 < end && line[1] == '\n');) {
        const char *le = memchr(line, '\n', (size_t)(end - line));
        CHECK(le != NULL && le[-1] == '\r');
        if (!le)
            return;
        const char *colon = memchr(line, ':', (size_t)(le - line));
        CHECK(colon != NULL);
        if (!colon)
            return;
        const char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        size_t nlen = (size_t)(colon - line), vlen = (size_t)(le - 1 - v);
        if (nlen == 4 && strncasecmp(line, "host", 4) == 0) {
            authority = v;
            authority_len = vlen;
        } else {
            struct request_text_field *f = &want[nwant];
            CHECK(nlen < sizeof f->name && nwant < 64);
            if (nlen >= sizeof f->name || nwant == 64)
                return;
            for (size_t i = 0; i < nlen; i++)
                f->name[i] = (char)tolower((unsigned char)line[i]);
            f->name_len = nlen;
            f->value = v;
            f->value_len = vlen;
            nwant += !request_field_hop_by_hop(f->name, nlen);
        }
        line = le + 1;
    }
    CHECK(line + 2 <= end);
    const char *body = line + 2;
    CHECK(authority != NULL);
    CHECK(authority && request_text_part_is(b, pt->authority, authority, authority_len));
    CHECK(request_text_part_is(b, pt->body, body, (size_t)(end - body)));
    CHECK_INT_EQ(pt->field_count, nwant);
    for (size_t i = 0; i < nwant && i < pt->field_count; i++) {
        const struct request_field *got = &pt->fields[i];
        CHECK(got->name_len == want[i].name_len &&
              memcmp(got->name, want[i].name, want[i].name_len) == 0);
        CHECK(request_text_part_is(b, got->value, want[i].value, want[i].value_len));
    }
}

#endif
