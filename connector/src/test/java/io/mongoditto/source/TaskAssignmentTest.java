package io.mongoditto.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskAssignmentTest {

  private static final List<String> ZAVA =
      List.of(
          "stores", "customers", "categories", "products", "inventory", "orders", "order_items");

  @Test
  void spreadsOverAtMostMaxTasksAndNeverLeavesOneEmpty() {
    List<List<String>> three = TaskAssignment.assign(ZAVA, 3);
    assertEquals(3, three.size());
    assertEquals(List.of(3, 2, 2), three.stream().map(List::size).toList());
    assertEquals(Set.copyOf(ZAVA), union(three));
    assertEquals(7, TaskAssignment.assign(ZAVA, 20).size());
    assertEquals(List.of(ZAVA), TaskAssignment.assign(ZAVA, 1));
    assertThrows(IllegalArgumentException.class, () -> TaskAssignment.assign(ZAVA, 0));
  }

  @Test
  void connectorHandsEachTaskItsCollectionsAndTheRestOfTheConfig() {
    Map<String, String> props = new HashMap<>(MongoSourceConfigTest.base());
    props.put("collections", String.join(",", ZAVA) + ",product_embeddings");
    props.put("collection.product_embeddings.enabled", "false");
    props.remove("collection.customers.id.mode");
    props.remove("collection.customers.id.fields");
    MongoSourceConnector connector = new MongoSourceConnector();
    connector.start(props);
    List<Map<String, String>> tasks = connector.taskConfigs(3);
    assertEquals(3, tasks.size());
    Set<String> assigned = new HashSet<>();
    for (Map<String, String> t : tasks) {
      MongoSourceConfig c = MongoSourceConfig.of(t);
      c.assignedCollections().forEach(s -> assigned.add(s.name()));
      assertEquals("zava", c.database());
    }
    assertEquals(Set.copyOf(ZAVA), assigned);
  }

  private static Set<String> union(List<List<String>> groups) {
    Set<String> all = new HashSet<>();
    groups.forEach(all::addAll);
    return all;
  }
}
