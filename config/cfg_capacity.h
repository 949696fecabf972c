/* What the capacity section and `storecheck capacity --precision` read alike. */
#ifndef STORECHECK_CONFIG_CFG_CAPACITY_H
#define STORECHECK_CONFIG_CFG_CAPACITY_H

#include <stddef.h>

/* A precision: "5%" (relative, above 0% and below 100%) or a rate ("10/s", absolute, above 0).
 * 0, or -1 with a reason in err. */
int cfg_capacity_parse_precision(const char *s, double *precision, int *relative, char *err,
                                 size_t errlen);

#endif
