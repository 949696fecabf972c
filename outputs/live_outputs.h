/*
 * The live outputs of one load run (--out, load.outputs): every second the running totals of
 * the engine go to each of them — a line per sample to the json and csv files (flushed, so
 * they can be read while the run goes on), a push to each Prometheus — and at the end the
 * final totals of the result. Every sample is labelled with the run id and segment. Nothing here
 * fails or slows the load: a file that cannot be written, or a Prometheus that is slow or down, is
 * counted in the stats.
 */
#ifndef STORECHECK_OUTPUTS_LIVE_OUTPUTS_H
#define STORECHECK_OUTPUTS_LIVE_OUTPUTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/out_spec.h"
#include "common/strv.h"
#include "loadgen/engine.h"
#include "loadgen/result.h"

struct live_outputs;

/* Open the outputs: create the files, start the Prometheus senders. The engine needs
 * params.snapshots on. 0, or -1 with err (a file cannot be created). */
int live_outputs_open(struct live_outputs **out, const struct out_spec *specs, size_t count,
                      const char *run_id, uint32_t segment, char *err, size_t errlen);

/* Call as often as liked while an engine runs: a new finished second of its goes to every
 * output. NULL: nothing to do. */
void live_outputs_tick(struct live_outputs *lo, struct engine *e);

/* An engine's run is over: the final totals of its result r to every output. The totals of a
 * later engine (the next step of `storecheck capacity`) are added to these, so counters keep
 * going up over the whole command. */
void live_outputs_result(struct live_outputs *lo, const struct load_result *r);

/* The end: the last pushes waited for (a few seconds at most), the files closed. The stats
 * stay readable until live_outputs_free. */
void live_outputs_close(struct live_outputs *lo);
const struct out_stats *live_outputs_stats(const struct live_outputs *lo, size_t *count);

/* One line per output after the run: on out, the command's console (none when quiet), and
 * on stderr for an output that dropped or failed something (also when quiet). Targets pass
 * through the secrets. */
void live_outputs_report(const struct live_outputs *lo, FILE *out, int quiet, const char *command,
                         const struct strv *secrets);

void live_outputs_free(struct live_outputs *lo);

#endif
