/*
 * What shoppers saw while the fault was on, judged from the load's own per-second series:
 * the loaded pages (browsing, not checkout) must keep answering without 5xx or transport
 * errors during the fault, and again after it is undone.
 */
#ifndef STORECHECK_CHECKER_FAULT_WINDOW_H
#define STORECHECK_CHECKER_FAULT_WINDOW_H

#include "config/config.h"
#include "loadgen/result.h"
#include "probes/probe.h"
#include "reports/report_model.h"

extern const struct probe fault_window_check;

/* Judge r's seconds around f into out (arena initialised here; the caller frees it with
 * arena_free). */
void fault_window_judge(const struct config *cfg, const struct load_result *r,
                        const struct report_fault *f, struct probe_result *out);

#endif
