/*
 * Located diagnostics: "file:line:col: key.path[2]: message". Loaders collect every error in
 * one pass into a diag_list; only checker/ prints them.
 */
#ifndef STORECHECK_COMMON_DIAG_H
#define STORECHECK_COMMON_DIAG_H

#include <stddef.h>
#include <stdio.h>

struct diag {
    char *file;     /* may be NULL */
    int line;       /* 1-based; 0 when unknown */
    int col;
    char *key_path; /* e.g. "load.thresholds[2]"; may be NULL */
    char *message;
};

struct diag_list {
    struct diag *items;
    size_t count;
    size_t cap;
};

void diag_list_init(struct diag_list *l);
void diag_list_free(struct diag_list *l);
void diag_add(struct diag_list *l, const char *file, int line, int col, const char *key_path,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Write one diagnostic as "file:line:col: key: message" (parts that are unknown left out). */
void diag_format(const struct diag *d, char *buf, size_t len);
void diag_list_print(const struct diag_list *l, FILE *out);

#endif
