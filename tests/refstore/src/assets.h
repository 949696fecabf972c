/* Static assets (/static/app.css, /static/app.js): long-lived caching with validators. */
#ifndef REFSTORE_ASSETS_H
#define REFSTORE_ASSETS_H

#include <stddef.h>

#include "exchange.h"

void assets_init(void);
void assets_css(struct exchange *x, const char *param, size_t plen);
void assets_js(struct exchange *x, const char *param, size_t plen);

#endif
