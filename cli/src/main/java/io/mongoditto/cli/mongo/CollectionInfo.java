package io.mongoditto.cli.mongo;

import com.mongodb.client.MongoDatabase;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bson.Document;

/** What listCollections says about a collection: its type and options. */
public record CollectionInfo(String name, String type, boolean capped, boolean preAndPostImages) {

  /** Every collection and view of the database by name (system collections included). */
  public static Map<String, CollectionInfo> list(MongoDatabase db) {
    Map<String, CollectionInfo> out = new LinkedHashMap<>();
    for (Document d : db.listCollections()) {
      String name = d.getString("name");
      Document options = d.get("options", Document.class);
      if (options == null) {
        options = new Document();
      }
      Document images = options.get("changeStreamPreAndPostImages", Document.class);
      boolean preImages = images != null && Boolean.TRUE.equals(images.get("enabled"));
      out.put(
          name,
          new CollectionInfo(
              name,
              d.getString("type") == null ? "collection" : d.getString("type"),
              Boolean.TRUE.equals(options.get("capped")),
              preImages));
    }
    return out;
  }

  public boolean isView() {
    return "view".equals(type);
  }

  /** The mongosh command that turns pre- and post-images on. */
  public static String collModCommand(String collection) {
    return "db.runCommand({collMod: \""
        + collection
        + "\", changeStreamPreAndPostImages: {enabled: true}})";
  }
}
