/*
 * Just enough HTML for the probes: walk the <script> and <link> start tags of a page and read
 * their attributes, and find a <meta http-equiv>. Not a parser: comments and scripts' contents
 * are not special-cased, which errs towards seeing more tags, never fewer.
 */
#ifndef STORECHECK_PROBES_HTML_H
#define STORECHECK_PROBES_HTML_H

#include <stddef.h>

struct html_tag {
    char name[16];  /* lower case: "script", "link" */
    char src[1024]; /* src (script) or href (link); "" when absent */
    char integrity[256];
    char rel[64];
    int has_integrity;
};

/* Find the next <script> or <link> start tag at or after *pos in html; 1 found (tag filled,
 * *pos moved past it), 0 at the end. */
int html_next_tag(const char *html, size_t *pos, struct html_tag *tag);

/* The content of the first <meta http-equiv="name" content="..."> (name in any case) copied
 * into out; 1 found, 0 not. */
int html_meta_http_equiv(const char *html, const char *name, char *out, size_t len);

#endif
