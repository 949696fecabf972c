/*
 * JSON text whose numbers read back exactly. cJSON prints a number with 15 significant digits
 * whenever those read back within an epsilon of it, which loses the last digits of a rate, a
 * mean or a 16-digit count: a saved result (a load segment, a merge, a capacity search) would
 * then say something a little different from what the run measured. These print each number
 * as the shortest of 15 or 17 significant digits that reads back to the same double, and a
 * whole number up to 2^53 as an integer.
 */
#ifndef STORECHECK_REPORTS_JSON_EXACT_H
#define STORECHECK_REPORTS_JSON_EXACT_H

#include <cjson/cJSON.h>

/* doc as indented text like cJSON_Print, every number written exactly (malloc'd). */
char *json_print_exact(const cJSON *doc);

#endif
