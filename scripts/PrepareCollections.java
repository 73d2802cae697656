import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ChangeStreamPreAndPostImagesOptions;
import com.mongodb.client.model.CreateCollectionOptions;
import java.io.File;
import java.util.HashSet;
import java.util.Set;
import org.bson.Document;

/**
 * Makes a MongoDB ready for the source connector, as docker/mongo-enable-pre-post-images.js does
 * in compose: every enabled collection of a source config exists and has change-stream pre- and
 * post-images (single_field and multiple_fields collections need them to map deletes). Idempotent.
 *
 * <p>Run as a single source file, on the class path of the unpacked plugin (it ships the MongoDB
 * driver and Jackson), with the connection string in the environment so it never shows in ps:
 *
 * <pre>
 * MONGODB_CONNECTION_STRING=mongodb://127.0.0.1:27017/?directConnection=true \
 *   java -cp 'plugins/mongoditto-mongo-ditto-connector-VERSION/lib/*' scripts/PrepareCollections.java \
 *   config/zava-retail-source.json
 * </pre>
 */
public final class PrepareCollections {

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: PrepareCollections <source connector config .json>");
      System.exit(2);
    }
    String uri = System.getenv("MONGODB_CONNECTION_STRING");
    if (uri == null || uri.isBlank()) {
      System.err.println("set MONGODB_CONNECTION_STRING");
      System.exit(2);
    }
    JsonNode root = new ObjectMapper().readTree(new File(args[0]));
    JsonNode config = root.has("config") ? root.get("config") : root;
    String database = config.path("mongodb.database").asText();
    try (MongoClient client = MongoClients.create(uri)) {
      MongoDatabase db = client.getDatabase(database);
      Set<String> existing = db.listCollectionNames().into(new HashSet<>());
      for (String raw : config.path("collections").asText().split(",")) {
        String name = raw.trim();
        if (name.isEmpty() || "false".equals(config.path("collection." + name + ".enabled").asText())) {
          continue;
        }
        if (existing.contains(name)) {
          db.runCommand(new Document("collMod", name)
              .append("changeStreamPreAndPostImages", new Document("enabled", true)));
          System.out.println("enabled pre- and post-images on " + database + "." + name);
        } else {
          db.createCollection(name, new CreateCollectionOptions()
              .changeStreamPreAndPostImagesOptions(new ChangeStreamPreAndPostImagesOptions(true)));
          System.out.println("created " + database + "." + name + " with pre- and post-images");
        }
      }
    }
  }
}
