// One-shot setup: the Zava Retail collections exist and have change-stream pre- and post-images,
// which single_field and multiple_fields collections need (the Ditto id of a deleted document is
// only known from its pre-image). Idempotent: run it as often as you like.
const zava = db.getSiblingDB(process.env.MONGODB_DATABASE || "zava");
const collections = ["stores", "customers", "categories", "products", "product_embeddings",
                     "inventory", "orders", "order_items"];
const existing = new Set(zava.getCollectionNames());
for (const name of collections) {
  if (!existing.has(name)) {
    zava.createCollection(name, { changeStreamPreAndPostImages: { enabled: true } });
    print(`created ${name} with pre- and post-images`);
  } else {
    zava.runCommand({ collMod: name, changeStreamPreAndPostImages: { enabled: true } });
    print(`enabled pre- and post-images on ${name}`);
  }
}
