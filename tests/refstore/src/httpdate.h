/* HTTP dates (RFC 9110 IMF-fixdate): formatted once per second for the Date header. */
#ifndef REFSTORE_HTTPDATE_H
#define REFSTORE_HTTPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define HTTPDATE_LEN 29 /* "Sun, 06 Nov 1994 08:49:37 GMT" */

/* Writes the date for t into out (HTTPDATE_LEN + 1 bytes). */
void httpdate_format(time_t t, char *out);
/* The Date header value for now, cached per second. */
const char *httpdate_now(void);
/* Parses an IMF-fixdate; false when s is not one. */
bool httpdate_parse(const char *s, size_t n, time_t *t);

#endif
