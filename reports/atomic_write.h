/*
 * Write a report file so that a reader never sees half of it: a temporary file in the same
 * directory, flushed to disk, then renamed over the target; folders above it that do not exist
 * yet are created. "-" writes to stdout instead, and a target that is not a regular file
 * (/dev/null, a FIFO) is written in place.
 */
#ifndef STORECHECK_REPORTS_ATOMIC_WRITE_H
#define STORECHECK_REPORTS_ATOMIC_WRITE_H

#include <stddef.h>

/* Write text and a final newline to path. 0, or -1 with the reason in err (the temporary
 * file is removed). */
int atomic_write(const char *path, const char *text, char *err, size_t errlen);

#endif
