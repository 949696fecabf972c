/* Did-you-mean for misspelled names: the closest candidate by edit distance. */
#ifndef STORECHECK_CONFIG_SUGGEST_H
#define STORECHECK_CONFIG_SUGGEST_H

#include <stddef.h>

/* Edit distance (insert, delete, substitute, swap two neighbours), ignoring case. Words longer
 * than SUGGEST_MAX_LEN count as far from everything. */
enum { SUGGEST_MAX_LEN = 64 };
size_t suggest_distance(const char *a, const char *b);

/* How many edits still make a likely typo of word: 1 for words of up to 4 characters, 2 for
 * longer ones. */
size_t suggest_limit(const char *word);

/* The candidate closest to word if it is close enough to be a likely typo (at most 1 edit for
 * suggest_limit), else NULL. */
const char *suggest_closest(const char *word, const char *const *candidates, size_t n);

#endif
