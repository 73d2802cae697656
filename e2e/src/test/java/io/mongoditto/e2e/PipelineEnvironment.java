package io.mongoditto.e2e;

import com.mongodb.client.MongoClient;
import io.mongoditto.localditto.LocalDittoClient;

/**
 * Where an end-to-end run happens: a Connect worker reached over REST (whose environment carries
 * the values the configs read through ${env:...}), the MongoDB it reads (as the test sees it) and
 * the Ditto it writes.
 */
interface PipelineEnvironment extends AutoCloseable {

  ConnectRest connect();

  MongoClient mongo();

  LocalDittoClient ditto();

  /** Stops the Connect worker process (the broker, MongoDB and Ditto keep running). */
  void stopWorker();

  /** Starts a new worker process in place of the stopped one; returns once its REST API answers. */
  void startWorker();

  /** Logs and locations for a failure message. */
  String diagnostics();

  @Override
  void close();
}
