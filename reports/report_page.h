/*
 * The frame every HTML report shares: the head with its Content-Security-Policy (nothing is
 * fetched, no script runs), the style sheet, and the footer.
 */
#ifndef STORECHECK_REPORTS_REPORT_PAGE_H
#define STORECHECK_REPORTS_REPORT_PAGE_H

#include "reports/textbuf.h"

/* Up to and including "<title>": the caller adds the title, escaped. */
void report_page_open(struct textbuf *b);
/* Closes the title and the head, with the shared style and extra_style after it. */
void report_page_body(struct textbuf *b, const char *extra_style);
/* The footer with the version that wrote the result, and the end of the page. */
void report_page_close(struct textbuf *b, const char *tool_version, double schema_version);

#endif
