package io.mongoditto.bench;

import java.util.ArrayList;
import java.util.List;

/** The rows of one run and their rendering as a Markdown table. */
final class ResultTable {

  private final List<Row> rows = new ArrayList<>();

  void add(Row row) {
    rows.add(row);
  }

  List<Row> rows() {
    return List.copyOf(rows);
  }

  String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("| Figure | Value | Baseline | Ratio | Target | Result | Note |\n");
    sb.append("|---|---:|---|---:|---|---|---|\n");
    for (Row r : rows) {
      sb.append("| ")
          .append(cell(r.figure()))
          .append(" | ")
          .append(cell(r.value()))
          .append(" | ")
          .append(cell(r.baseline()))
          .append(" | ")
          .append(cell(r.ratio()))
          .append(" | ")
          .append(cell(r.target()))
          .append(" | ")
          .append(cell(r.result()))
          .append(" | ")
          .append(cell(r.note()))
          .append(" |\n");
    }
    return sb.toString();
  }

  private static String cell(String s) {
    return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
  }
}
