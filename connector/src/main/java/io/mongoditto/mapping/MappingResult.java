package io.mongoditto.mapping;

import io.mongoditto.change.DittoChange;
import java.util.List;

/**
 * What one change event or snapshot document becomes: zero or more Ditto changes (two when a mapped
 * id field changed: a delete of the old Ditto document and an upsert of the new one), or an error.
 *
 * @param changes the changes to emit, in order
 * @param error set when the document could not be mapped; then {@code changes} is empty
 * @param idChanged a mapped id field changed (they must be immutable): reported by the source
 */
public record MappingResult(List<DittoChange> changes, MappingError error, boolean idChanged) {

  public MappingResult {
    changes = changes == null ? List.of() : List.copyOf(changes);
  }

  public static MappingResult of(DittoChange... changes) {
    return new MappingResult(List.of(changes), null, false);
  }

  public static MappingResult failed(MappingError error) {
    return new MappingResult(List.of(), error, false);
  }

  public static MappingResult nothing() {
    return new MappingResult(List.of(), null, false);
  }

  public boolean failed() {
    return error != null;
  }
}
