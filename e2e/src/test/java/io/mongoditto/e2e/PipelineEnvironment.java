package io.mongoditto.e2e;

import com.mongodb.client.MongoClient;
import io.mongoditto.localditto.LocalDittoClient;

/**
 * Where an end-to-end run happens: a Connect worker reached over REST (whose environment carries
 * the values the configs read through ${env:...}),
 * the MongoDB it reads (as the test sees it) and the Ditto it writes.
 */
interface PipelineEnvironment extends AutoCloseable {

  ConnectRest connect();

  MongoClient mongo();

  LocalDittoClient ditto();

  /** Logs and locations for a failure message. */
  String diagnostics();

  @Override
  void close();
}
