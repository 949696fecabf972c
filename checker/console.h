/*
 * Where a command's console output goes. A report written to stdout ("-" as its path) is
 * there to be piped into another program, so stdout then carries that report alone and
 * everything else the command prints there (the summary, its tables, the files it wrote)
 * goes to stderr; and only one report may go there, as two could not be told apart. Every
 * command that writes reports asks here: run, audit, load, capacity, merge and report.
 */
#ifndef STORECHECK_CHECKER_CONSOLE_H
#define STORECHECK_CHECKER_CONSOLE_H

#include <stddef.h>
#include <stdio.h>

#include "checker/cli.h"

/* stderr when one of the n report paths is "-", else stdout; a NULL path is a report not
 * written. */
FILE *console_stream(const char *const *paths, size_t n);

/* 0 when at most one of the n report paths of cmd is "-"; else EXIT_USAGE after saying so
 * (before anything runs). */
int console_check(const struct command *cmd, const char *const *paths, size_t n);

#endif
