/*
 * Where and why a small parser (template, JSON path, CSV, threshold) rejected its input.
 * line and col are 1-based within the parsed text; line is 1 for one-line inputs. The config
 * loader adds the text's own position in the file to turn them into file:line:col.
 */
#ifndef STORECHECK_SCENARIO_PARSE_ERROR_H
#define STORECHECK_SCENARIO_PARSE_ERROR_H

struct parse_error {
    int line;
    int col;
    char msg[200];
};

/* Fill e (which may be NULL) and return -1, so parsers can `return parse_error_set(...)`. */
int parse_error_set(struct parse_error *e, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
