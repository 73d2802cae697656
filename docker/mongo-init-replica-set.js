// Healthcheck of the mongo service: initiates the single-node replica set on the first run, then
// reports healthy (exit 0) only once this node is the writable primary.
try {
  rs.status();
} catch (e) {
  // NotYetInitialized: the member's host is the compose service name, so other containers reach it
  rs.initiate({ _id: "rs0", members: [{ _id: 0, host: "mongo:27017" }] });
}
if (!db.hello().isWritablePrimary) {
  quit(1);
}
