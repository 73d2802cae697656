package io.mongoditto.tools.seed;

import java.util.List;
import java.util.Map;

/**
 * The Zava Retail dataset (Ditto's MongoDB connector guide) at a given scale: how many documents of
 * each collection and how each maps to Ditto. At scale 1.0: 8 stores, 50,000 customers, 20
 * categories, 424 products, 3,168 inventory rows, 200,000 orders, ~404,000 order items and 424
 * product embeddings, about 658,000 documents. Stores and categories do not scale.
 *
 * @param scale factor applied to the scalable collections, greater than 0 and at most 1
 * @param seed the random seed: the same seed and scale give the same documents
 */
public record ZavaRetailSpec(double scale, long seed) {

  public static final String STORES = "stores";
  public static final String CUSTOMERS = "customers";
  public static final String CATEGORIES = "categories";
  public static final String PRODUCTS = "products";
  public static final String INVENTORY = "inventory";
  public static final String ORDERS = "orders";
  public static final String ORDER_ITEMS = "order_items";
  public static final String PRODUCT_EMBEDDINGS = "product_embeddings";

  /** In load order (referenced collections first). */
  public static final List<String> COLLECTIONS =
      List.of(
          STORES,
          CUSTOMERS,
          CATEGORIES,
          PRODUCTS,
          INVENTORY,
          ORDERS,
          ORDER_ITEMS,
          PRODUCT_EMBEDDINGS);

  public static final int FULL_CUSTOMERS = 50_000;
  public static final int FULL_PRODUCTS = 424;

  /** Each store stocks 396 of the 424 products: 8 x 396 = 3,168 inventory rows. */
  public static final int FULL_STOCKED_PER_STORE = 396;

  public static final int FULL_ORDERS = 200_000;
  public static final int EMBEDDING_DIMENSIONS = 1536;

  public ZavaRetailSpec {
    if (!(scale > 0 && scale <= 1)) {
      throw new IllegalArgumentException("scale must be in (0, 1], got " + scale);
    }
  }

  public static ZavaRetailSpec full(long seed) {
    return new ZavaRetailSpec(1.0, seed);
  }

  public int stores() {
    return ZavaCatalog.STORE_NAMES.size();
  }

  public int categories() {
    return ZavaCatalog.CATEGORIES.size();
  }

  public int customers() {
    return scaled(FULL_CUSTOMERS);
  }

  public int products() {
    return scaled(FULL_PRODUCTS);
  }

  public int stockedPerStore() {
    return Math.max(
        1, (int) Math.round(products() * (double) FULL_STOCKED_PER_STORE / FULL_PRODUCTS));
  }

  public int inventory() {
    return stores() * stockedPerStore();
  }

  public int orders() {
    return scaled(FULL_ORDERS);
  }

  public int productEmbeddings() {
    return products();
  }

  /**
   * The exact count of each collection except order_items, whose count (1-3 items per order, about
   * 2.02 per order) is only known once generated.
   */
  public Map<String, Integer> plannedCounts() {
    return Map.of(
        STORES, stores(),
        CUSTOMERS, customers(),
        CATEGORIES, categories(),
        PRODUCTS, products(),
        INVENTORY, inventory(),
        ORDERS, orders(),
        ORDER_ITEMS, (int) Math.round(orders() * 2.02),
        PRODUCT_EMBEDDINGS, productEmbeddings());
  }

  /**
   * The source connector settings for this dataset exactly as the Ditto setup guide maps it:
   * stores, customers, products and orders by their business id, categories, inventory and
   * order_items by {@code _id}, product_embeddings disabled (too large for devices).
   */
  public static Map<String, String> connectorMapping() {
    return Map.ofEntries(
        Map.entry("collections", String.join(",", COLLECTIONS)),
        Map.entry("collection.stores.id.mode", "single_field"),
        Map.entry("collection.stores.id.fields", "store_id"),
        Map.entry("collection.customers.id.mode", "single_field"),
        Map.entry("collection.customers.id.fields", "customer_id"),
        Map.entry("collection.categories.id.mode", "match_ids"),
        Map.entry("collection.products.id.mode", "single_field"),
        Map.entry("collection.products.id.fields", "product_id"),
        Map.entry("collection.inventory.id.mode", "match_ids"),
        Map.entry("collection.orders.id.mode", "single_field"),
        Map.entry("collection.orders.id.fields", "order_id"),
        Map.entry("collection.order_items.id.mode", "match_ids"),
        Map.entry("collection.product_embeddings.enabled", "false"));
  }

  private int scaled(int full) {
    return Math.max(1, (int) Math.round(full * scale));
  }
}
