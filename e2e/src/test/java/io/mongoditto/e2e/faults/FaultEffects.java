package io.mongoditto.e2e.faults;

import java.util.ArrayList;
import java.util.List;

/**
 * What each injected fault was seen to do. A fault whose effect was not seen proves nothing (a kill
 * after the copy is not a kill in the copy; an outage nobody hit is not an outage), so the suites
 * fail on it, and the report prints every effect.
 */
final class FaultEffects {

  /** One fault, what was observed, and whether that is the effect the fault must have. */
  record Effect(String fault, String observed, boolean confirmed) {}

  private final List<Effect> effects = new ArrayList<>();

  /** Records {@code fault}'s observation; returns it for the fault's own log line. */
  synchronized String record(String fault, String observed, boolean confirmed) {
    effects.add(new Effect(fault, observed, confirmed));
    return (confirmed ? "confirmed: " : "NOT CONFIRMED: ") + observed;
  }

  synchronized List<String> unconfirmed() {
    return effects.stream()
        .filter(e -> !e.confirmed())
        .map(e -> e.fault() + ": " + e.observed())
        .toList();
  }

  synchronized void appendTo(StringBuilder report) {
    report.append("fault effects: ").append(effects.size()).append(" faults, ");
    report.append(unconfirmed().size()).append(" without their effect\n");
    for (Effect e : effects) {
      report
          .append("  - ")
          .append(e.confirmed() ? "confirmed " : "NOT CONFIRMED ")
          .append(e.fault())
          .append(": ")
          .append(e.observed())
          .append('\n');
    }
  }
}
