package io.mongoditto.source;

import java.util.ArrayList;
import java.util.List;

/** Spreads collections over at most {@code maxTasks} tasks, round robin, none left empty. */
final class TaskAssignment {

  private TaskAssignment() {}

  static List<List<String>> assign(List<String> collections, int maxTasks) {
    if (maxTasks < 1) {
      throw new IllegalArgumentException("maxTasks must be at least 1");
    }
    int tasks = Math.min(maxTasks, collections.size());
    List<List<String>> groups = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      groups.add(new ArrayList<>());
    }
    for (int i = 0; i < collections.size(); i++) {
      groups.get(i % tasks).add(collections.get(i));
    }
    return groups.stream().map(List::copyOf).toList();
  }
}
