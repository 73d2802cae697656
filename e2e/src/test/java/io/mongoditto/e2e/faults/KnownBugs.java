package io.mongoditto.e2e.faults;

/**
 * Faults this suite found that the pipeline does not survive yet; off by default so the suite
 * stays green, on with {@code -Dfaults.known.bugs=true} to reproduce them (docs/reliability.md):
 *
 * <ol>
 *   <li>(Fixed: {@link #mixedIdTypesChecked()}) Snapshot chunks read {@code _id > last} of the previous chunk, which (as in MongoDB) only
 *       matches _ids of the same BSON type: a collection with mixed _id types (strings and one
 *       object _id here) is not copied past the type change, so such a document is neither copied
 *       nor reported.
 *   <li>(Fixed: {@link #killBeforeFirstCommitChecked()}) A source task killed (SIGKILL) after its snapshot records reached Kafka but before Connect
 *       committed a first offset starts over with a new stream position: documents deleted (or
 *       whose mapped id changed) in between stay in Ditto, because the first copy delivered them
 *       and their delete events are before the new position.
 *   <li>The embedded runner hands the source's heartbeat records (topic {@code <prefix>.heartbeat})
 *       to the sink, which dead-letters each as "not a Ditto change record". No document is
 *       affected, but the dead-letters file fills with heartbeats.
 * </ol>
 */
final class KnownBugs {

  private KnownBugs() {}

  /**
   * Bug 1 (mixed _id types in the snapshot) is fixed: its check (the object-_id poison document
   * written before the snapshot) can run by default.
   */
  static boolean mixedIdTypesChecked() {
    return true;
  }

  /**
   * Bug 2 (a source killed before its first offset commit) is fixed in the source task (it stores
   * the pre-copy position before copying): a kill right after the first snapshot records, before
   * any offset flush, can run by default in both the Connect and the embedded-runner runs. The
   * embedded run still needs bug 3 (heartbeat-topic records at the sink) fixed in the cli first,
   * or it must tolerate the heartbeat dead letters as it does now.
   */
  static boolean killBeforeFirstCommitChecked() {
    return true;
  }

  static boolean enabled() {
    return Boolean.getBoolean("faults.known.bugs");
  }
}
