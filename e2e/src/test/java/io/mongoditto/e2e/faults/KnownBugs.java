package io.mongoditto.e2e.faults;

/**
 * Faults this suite found (docs/reliability.md), all fixed now and checked by default. {@code
 * -Dfaults.known.bugs=true} is kept for bugs found later (report them, tolerate them, fail on them
 * with the flag):
 *
 * <ol>
 *   <li>Fixed ({@link #mixedIdTypesChecked()}): snapshot chunks read {@code _id > last}, which only
 *       matches _ids of the same BSON type, so a collection with mixed _id types was not copied
 *       past the type change. Checked by the object-_id poison document read by the snapshot.
 *   <li>Fixed: a source task killed after its snapshot records reached Kafka but before a first
 *       offset commit started over with a new stream position, so documents deleted (or whose
 *       mapped id changed) in between stayed in Ditto. Checked by killing the worker / runner as
 *       soon as the copy's first records are through, and confirming (FaultEffects) that records
 *       were in Kafka without a committed offset / the copy was not through.
 *   <li>Fixed (the embedded runner's dead letters must hold no heartbeat): the embedded runner
 *       handed the source's heartbeat records (topic {@code <prefix>.heartbeat}) to the sink, which
 *       dead-lettered each as "not a Ditto change record".
 *   <li>Open (only with {@code -Dfaults.known.bugs=true}): with the workload's "map-to-scalar"
 *       shape, one short run (seed 20261125, 2026-12-03) ended with products-543 holding {@code
 *       attrs: 8329} in Ditto after MongoDB had dropped the field: a scalar that replaced a map was
 *       not removed from Ditto when the field went away. Not yet narrowed down (the sink's removed
 *       paths for a field that changed type are the suspect); the shape runs only with the flag.
 * </ol>
 */
final class KnownBugs {

  private KnownBugs() {}

  /** Bug 1 is fixed: the object-_id poison document is written before the snapshot too. */
  static boolean mixedIdTypesChecked() {
    return true;
  }

  /** Fail on open bugs as well, instead of reporting them (bug 4 at the moment). */
  static boolean enabled() {
    return Boolean.getBoolean("faults.known.bugs");
  }
}
