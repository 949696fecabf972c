/*
 * The parts of a load result's HTML (and Markdown) shared by the run report's load section and
 * the load report: load is a load result document (docs/load-json.md), as saved by `storecheck load
 * --json` or embedded in a run report.
 */
#ifndef STORECHECK_REPORTS_LOAD_VIEW_H
#define STORECHECK_REPORTS_LOAD_VIEW_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "reports/report_svg.h"
#include "reports/textbuf.h"

/* How the run ended: "passed", "failed" or "interrupted", with a headline ("Thresholds
 * broken") in *headline. */
const char *load_view_outcome(const cJSON *load, const char **headline);

/* " over h2 (HTTP 2 asked)" in Markdown: the protocols the connections spoke (the ALPN
 * outcome; none when no connection got ready) and the version asked for (1.1 in results from
 * before HTTP/2). */
void load_view_protocols_md(struct textbuf *b, const cJSON *load);

/* Axis labels: microseconds ("12.3ms"), and plain numbers. */
void load_view_fmt_us(double v, char *buf, size_t len);
void load_view_fmt_plain(double v, char *buf, size_t len);

/* A column of the per-second series, up to the end of sending (the drain after it would
 * draw a drop to zero that shoppers never saw): k plus `plus` minus `minus` (either may be
 * NULL), of the whole second or, when step >= 0, of that step's share of it. malloc'd, *n
 * values. */
double *load_view_column(const cJSON *load, int step, const char *k, const char *plus,
                         const char *minus, size_t *n);

/* Requests, rate, errors, late and dropped; the corrected latency percentiles; errors by
 * class. */
void load_view_summary(struct textbuf *b, const cJSON *load);

/* What each scenario and each of its steps did, as tables: the shopper's view of the load.
 * Nothing for a URL run. */
void load_view_flows(struct textbuf *b, const cJSON *load);

/* Each step over time: what its shoppers got each second, so a fault shows as the steps that
 * failed (and how) next to those that kept answering; one chart per step, drawn as style
 * says. Nothing for a URL run. band may be NULL. */
void load_view_step_charts(struct textbuf *b, const cJSON *load, const struct svg_band *band,
                           const struct svg_style *style);

/* A latency or duration histogram regrouped into logarithmic bins from its min to its max;
 * nothing when it is empty. Drawn as style says. */
void load_view_distribution(struct textbuf *b, const char *title, const cJSON *hist,
                            const struct svg_style *style);

#endif
