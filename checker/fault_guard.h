/*
 * The signal path of the commands that may inject a fault: while a guard is up, SIGINT and
 * SIGTERM are taken by a watcher thread, which stops every active fault (fault_undo_all),
 * says so on stderr and ends the process the way the signal would have.
 */
#ifndef STORECHECK_CHECKER_FAULT_GUARD_H
#define STORECHECK_CHECKER_FAULT_GUARD_H

struct fault_guard;

/* Start the guard from the main thread before any worker thread exists (they inherit the
 * blocked signals). NULL when no thread could be made: signals then act as before. */
struct fault_guard *fault_guard_start(const char *command);
/* Stop watching and restore the signal mask. */
void fault_guard_stop(struct fault_guard *g);

#endif
