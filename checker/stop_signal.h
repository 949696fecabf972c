/*
 * Ctrl-C and SIGTERM for every command that contacts the store. While the watch is up, a
 * watcher thread takes the signals:
 * - the first requests the stop (common/stop.h): nothing new starts, work in flight is
 *   cancelled, a fault that is on is undone, and the command writes its reports, marked
 *   interrupted, and exits 3;
 * - a second one undoes any active fault and exits 3 at once, without reports.
 */
#ifndef STORECHECK_CHECKER_STOP_SIGNAL_H
#define STORECHECK_CHECKER_STOP_SIGNAL_H

struct stop_signal;

/* Start watching from the main thread before any other thread exists (they inherit the
 * blocked signals). NULL when no thread could be made: the signals then act as by default. */
struct stop_signal *stop_signal_start(const char *command);
/* From now on its messages first erase the status line a live progress display
 * (checker/progress.h) keeps on stderr, instead of running on after it. w may be NULL. */
void stop_signal_over_status_line(struct stop_signal *w);
/* Stop watching, undo any fault still active, drop a signal that came too late to matter and
 * restore the signal mask. */
void stop_signal_end(struct stop_signal *w);

#endif
