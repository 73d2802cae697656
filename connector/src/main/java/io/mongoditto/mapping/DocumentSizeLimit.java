package io.mongoditto.mapping;

/**
 * The largest mapped document, in bytes of JSON, and what to tell when one is larger. Ditto's hard
 * limit always applies; a pipeline may set a lower one (Kafka's record size), so the mapper checks
 * each document once against the lower of the two.
 *
 * @param bytes the limit
 * @param reason the end of the error: "the mapped document is N bytes of JSON, above {reason}"
 */
public record DocumentSizeLimit(long bytes, String reason) {

  /** Ditto's hard document size limit: larger documents are rejected. */
  public static final DocumentSizeLimit DITTO =
      new DocumentSizeLimit(
          5L * 1024 * 1024,
          "Ditto's hard limit of 5242880 bytes (5 MiB); exclude large fields or the collection");

  /** {@code bytes} with {@code reason}, or Ditto's limit when that is lower. */
  public static DocumentSizeLimit atMost(long bytes, String reason) {
    return bytes < DITTO.bytes() ? new DocumentSizeLimit(bytes, reason) : DITTO;
  }
}
