package io.mongoditto.tools.seed;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

/**
 * Generates the Zava Retail documents described by a {@link ZavaRetailSpec}, deterministically:
 * each collection draws from its own random stream derived from the seed, and every date is
 * relative to a fixed epoch, so the same seed and scale always give the same documents (ids
 * included).
 *
 * <p>Documents are handed out in batches to a {@link BatchSink}, so the generator serves the {@code
 * seed} command (insertMany), tests and benchmarks alike without holding 650,000 documents in
 * memory.
 */
public final class ZavaRetailGenerator {

  /** Receives generated documents, one collection's batch at a time, in load order. */
  @FunctionalInterface
  public interface BatchSink {
    void accept(String collection, List<Document> batch);

    /** Called before the first batch of a collection. */
    default void started(String collection) {}

    /** Called once a collection is complete. */
    default void finished(String collection, long count) {}
  }

  private static final Instant EPOCH =
      LocalDate.of(2021, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);
  private static final long DAY_SECONDS = 86_400L;

  /** Orders span 2021-01-01 to 2025-06-30. */
  private static final int ORDER_DAYS = 1_641;

  private final ZavaRetailSpec spec;
  private final int batchSize;

  public ZavaRetailGenerator(ZavaRetailSpec spec, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1");
    }
    this.spec = spec;
    this.batchSize = batchSize;
  }

  public ZavaRetailSpec spec() {
    return spec;
  }

  /** Generates every collection; returns the number of documents per collection. */
  public Map<String, Long> generate(BatchSink sink) {
    Map<String, Long> counts = new LinkedHashMap<>();
    sink.started(ZavaRetailSpec.STORES);
    done(sink, counts, ZavaRetailSpec.STORES, emit(sink, ZavaRetailSpec.STORES, stores()));
    sink.started(ZavaRetailSpec.CUSTOMERS);
    done(sink, counts, ZavaRetailSpec.CUSTOMERS, customers(sink));
    sink.started(ZavaRetailSpec.CATEGORIES);
    done(
        sink,
        counts,
        ZavaRetailSpec.CATEGORIES,
        emit(sink, ZavaRetailSpec.CATEGORIES, categories()));
    sink.started(ZavaRetailSpec.PRODUCTS);
    List<Document> products = products();
    done(sink, counts, ZavaRetailSpec.PRODUCTS, emit(sink, ZavaRetailSpec.PRODUCTS, products));
    sink.started(ZavaRetailSpec.INVENTORY);
    done(sink, counts, ZavaRetailSpec.INVENTORY, inventory(sink));
    sink.started(ZavaRetailSpec.ORDERS);
    sink.started(ZavaRetailSpec.ORDER_ITEMS);
    long[] items = ordersAndItems(sink, products);
    done(sink, counts, ZavaRetailSpec.ORDERS, items[0]);
    done(sink, counts, ZavaRetailSpec.ORDER_ITEMS, items[1]);
    sink.started(ZavaRetailSpec.PRODUCT_EMBEDDINGS);
    done(sink, counts, ZavaRetailSpec.PRODUCT_EMBEDDINGS, embeddings(sink));
    return counts;
  }

  private static void done(
      BatchSink sink, Map<String, Long> counts, String collection, long count) {
    counts.put(collection, count);
    sink.finished(collection, count);
  }

  private SplittableRandom random(String collection) {
    // A stream per collection: scaling one collection never shifts another's documents.
    return new SplittableRandom(spec.seed() * 1_000_003L + collection.hashCode());
  }

  private List<Document> stores() {
    SplittableRandom rnd = random(ZavaRetailSpec.STORES);
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < spec.stores(); i++) {
      ZavaCatalog.Store s = ZavaCatalog.STORE_NAMES.get(i);
      Date opened = day(rnd.nextInt(-3_000, -400));
      docs.add(
          new Document("_id", objectId(rnd, opened))
              .append("store_id", i + 1)
              .append("store_name", s.name())
              .append("is_online", s.online())
              .append("address", address(rnd, s.city(), s.postalCode()))
              .append(
                  "location",
                  new Document("type", "Point").append("coordinates", List.of(s.lng(), s.lat())))
              .append("phone", phone(rnd))
              .append("opened_at", opened)
              .append(
                  "tags",
                  s.online()
                      ? List.of("online", "shipping")
                      : List.of("in-store", "pickup", "rental"))
              .append("active", true)
              .append("deleted", false));
    }
    return docs;
  }

  private long customers(BatchSink sink) {
    SplittableRandom rnd = random(ZavaRetailSpec.CUSTOMERS);
    List<Document> batch = new ArrayList<>(batchSize);
    long n = 0;
    for (int i = 1; i <= spec.customers(); i++) {
      String first = pick(rnd, ZavaCatalog.FIRST_NAMES);
      String last = pick(rnd, ZavaCatalog.LAST_NAMES);
      ZavaCatalog.Store home = ZavaCatalog.STORE_NAMES.get(rnd.nextInt(spec.stores()));
      Date created = day(rnd.nextInt(0, ORDER_DAYS));
      Document doc =
          new Document("_id", objectId(rnd, created))
              .append("customer_id", i)
              .append("first_name", first)
              .append("last_name", last)
              .append("email", (first + "." + last + i + "@example.com").toLowerCase())
              .append("phone", phone(rnd))
              .append("primary_store_id", rnd.nextInt(spec.stores()) + 1)
              .append("address", address(rnd, home.city(), home.postalCode()))
              .append(
                  "loyalty",
                  new Document("tier", pick(rnd, List.of("bronze", "silver", "gold", "platinum")))
                      .append("points", rnd.nextInt(0, 20_000)))
              .append("tags", tags(rnd, ZavaCatalog.CUSTOMER_TAGS, 3))
              .append("marketing_opt_in", rnd.nextInt(100) < 40)
              .append("created_at", created)
              .append("active", rnd.nextInt(100) < 97)
              .append("deleted", false);
      batch.add(doc);
      n++;
      if (batch.size() == batchSize) {
        sink.accept(ZavaRetailSpec.CUSTOMERS, batch);
        batch = new ArrayList<>(batchSize);
      }
    }
    flush(sink, ZavaRetailSpec.CUSTOMERS, batch);
    return n;
  }

  private List<Document> categories() {
    SplittableRandom rnd = random(ZavaRetailSpec.CATEGORIES);
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < spec.categories(); i++) {
      ZavaCatalog.Category c = ZavaCatalog.CATEGORIES.get(i);
      docs.add(
          new Document("_id", objectId(rnd, day(-1_000)))
              .append("category_id", i + 1)
              .append("category_name", c.name())
              .append("code", c.code())
              .append("product_types", c.types())
              .append(
                  "description",
                  "Everything in " + c.name().toLowerCase() + " for pros and DIYers.")
              .append("active", true));
    }
    return docs;
  }

  private List<Document> products() {
    SplittableRandom rnd = random(ZavaRetailSpec.PRODUCTS);
    List<Document> docs = new ArrayList<>();
    for (int i = 1; i <= spec.products(); i++) {
      int categoryIndex = (i - 1) % spec.categories();
      ZavaCatalog.Category c = ZavaCatalog.CATEGORIES.get(categoryIndex);
      String base = pick(rnd, c.products());
      String variant = pick(rnd, ZavaCatalog.VARIANTS);
      long costCents = rnd.nextLong(150, 45_000);
      double margin = 33 + rnd.nextInt(0, 1_700) / 100.0;
      long priceCents = Math.round(costCents / (1 - margin / 100));
      Date created = day(rnd.nextInt(-900, 0));
      docs.add(
          new Document("_id", objectId(rnd, created))
              .append("product_id", i)
              .append("sku", String.format("ZAVA-%s-%04d", c.code(), i))
              .append("product_name", variant + " " + base)
              .append("category_id", categoryIndex + 1)
              .append("category_name", c.name())
              .append("product_type", pick(rnd, c.types()))
              .append("cost", money(costCents))
              .append("base_price", money(priceCents))
              .append("gross_margin_percent", margin)
              .append(
                  "description",
                  variant
                      + " "
                      + base.toLowerCase()
                      + " from Zava's "
                      + c.name().toLowerCase()
                      + " range.")
              .append(
                  "specs",
                  new Document("weight_kg", rnd.nextInt(5, 25_000) / 1000.0)
                      .append(
                          "dimensions_cm",
                          new Document("w", rnd.nextInt(2, 120))
                              .append("h", rnd.nextInt(2, 120))
                              .append("d", rnd.nextInt(1, 60))))
              .append("tags", List.of(c.code().toLowerCase(), variant.toLowerCase()))
              .append("discontinued", rnd.nextInt(100) < 3)
              .append("created_at", created)
              .append("active", true)
              .append("deleted", false));
    }
    return docs;
  }

  private long inventory(BatchSink sink) {
    SplittableRandom rnd = random(ZavaRetailSpec.INVENTORY);
    List<Document> docs = new ArrayList<>();
    int stocked = spec.stockedPerStore();
    for (int store = 1; store <= spec.stores(); store++) {
      // Each store stocks a contiguous run of the catalog, starting at a store-specific offset.
      int offset = rnd.nextInt(spec.products());
      for (int k = 0; k < stocked; k++) {
        int productId = (offset + k) % spec.products() + 1;
        docs.add(
            new Document("_id", uuid(rnd))
                .append("store_id", store)
                .append("product_id", productId)
                .append("stock_level", rnd.nextInt(0, 500))
                .append("reorder_point", rnd.nextInt(5, 50))
                .append("aisle", "A" + rnd.nextInt(1, 40))
                .append("last_restocked", day(rnd.nextInt(ORDER_DAYS - 120, ORDER_DAYS))));
      }
    }
    return emit(sink, ZavaRetailSpec.INVENTORY, docs);
  }

  /** Orders with their items, generated together so an order's total is the sum of its items. */
  private long[] ordersAndItems(BatchSink sink, List<Document> products) {
    SplittableRandom rnd = random(ZavaRetailSpec.ORDERS);
    List<Document> orders = new ArrayList<>(batchSize);
    List<Document> items = new ArrayList<>(batchSize * 3);
    long orderCount = 0;
    long itemCount = 0;
    for (int orderId = 1; orderId <= spec.orders(); orderId++) {
      int storeId = rnd.nextInt(spec.stores()) + 1;
      boolean online = ZavaCatalog.STORE_NAMES.get(storeId - 1).online();
      int customerId = rnd.nextInt(spec.customers()) + 1;
      Date placed =
          new Date(EPOCH.plusSeconds(rnd.nextLong(ORDER_DAYS * DAY_SECONDS)).toEpochMilli());
      int r = rnd.nextInt(100);
      int lines = r < 28 ? 1 : r < 70 ? 2 : 3;
      BigDecimal total = BigDecimal.ZERO;
      for (int line = 1; line <= lines; line++) {
        Document product = products.get(rnd.nextInt(products.size()));
        BigDecimal unit = ((Decimal128) product.get("base_price")).bigDecimalValue();
        int qty = rnd.nextInt(1, 6);
        int discountPercent = rnd.nextInt(100) < 20 ? pick(rnd, List.of(5, 10, 15, 20)) : 0;
        BigDecimal gross = unit.multiply(BigDecimal.valueOf(qty));
        BigDecimal discount =
            gross
                .multiply(BigDecimal.valueOf(discountPercent))
                .divide(BigDecimal.valueOf(100), 2, RoundingMode.HALF_UP);
        BigDecimal lineTotal = gross.subtract(discount).setScale(2, RoundingMode.HALF_UP);
        total = total.add(lineTotal);
        items.add(
            new Document("_id", uuid(rnd))
                .append("order_item_id", itemCount + 1)
                .append("order_id", orderId)
                .append("product_id", product.getInteger("product_id"))
                .append("store_id", storeId)
                .append("quantity", qty)
                .append("unit_price", new Decimal128(unit))
                .append("discount_percent", discountPercent)
                .append("discount_amount", new Decimal128(discount))
                .append("total_amount", new Decimal128(lineTotal)));
        itemCount++;
      }
      Document order =
          new Document("_id", objectId(rnd, placed))
              .append("order_id", orderId)
              .append("customer_id", customerId)
              .append("store_id", storeId)
              .append("order_date", placed)
              .append("status", pick(rnd, ZavaCatalog.ORDER_STATUSES))
              .append("item_count", lines)
              .append("total_amount", new Decimal128(total))
              .append(
                  "payment",
                  new Document("method", online ? "card" : pick(rnd, ZavaCatalog.PAYMENT_METHODS))
                      .append("card_last4", String.format("%04d", rnd.nextInt(10_000))))
              .append("is_online", online);
      if (online) {
        order.append(
            "shipping_address",
            address(
                rnd, pick(rnd, ZavaCatalog.STORE_NAMES).city(), "98" + (100 + rnd.nextInt(800))));
      }
      orders.add(order);
      orderCount++;
      if (orders.size() >= batchSize) {
        sink.accept(ZavaRetailSpec.ORDERS, orders);
        orders = new ArrayList<>(batchSize);
      }
      if (items.size() >= batchSize) {
        sink.accept(ZavaRetailSpec.ORDER_ITEMS, items);
        items = new ArrayList<>(batchSize * 3);
      }
    }
    flush(sink, ZavaRetailSpec.ORDERS, orders);
    flush(sink, ZavaRetailSpec.ORDER_ITEMS, items);
    return new long[] {orderCount, itemCount};
  }

  private long embeddings(BatchSink sink) {
    SplittableRandom rnd = random(ZavaRetailSpec.PRODUCT_EMBEDDINGS);
    List<Document> batch = new ArrayList<>();
    long n = 0;
    // ~17 KB of JSON each: keep batches small so insertMany stays well under 48 MB messages.
    int embeddingBatch = Math.min(batchSize, 100);
    for (int productId = 1; productId <= spec.productEmbeddings(); productId++) {
      batch.add(
          new Document("_id", objectId(rnd, day(-30)))
              .append("product_id", productId)
              .append("model", "text-embedding-3-small")
              .append("dimensions", ZavaRetailSpec.EMBEDDING_DIMENSIONS)
              .append("embedding", vector(rnd))
              .append("created_at", day(ORDER_DAYS)));
      n++;
      if (batch.size() == embeddingBatch) {
        sink.accept(ZavaRetailSpec.PRODUCT_EMBEDDINGS, batch);
        batch = new ArrayList<>();
      }
    }
    flush(sink, ZavaRetailSpec.PRODUCT_EMBEDDINGS, batch);
    return n;
  }

  /** A unit vector with 8 decimals per component, as an embedding API returns it. */
  private static List<Double> vector(SplittableRandom rnd) {
    double[] v = new double[ZavaRetailSpec.EMBEDDING_DIMENSIONS];
    double norm = 0;
    for (int i = 0; i < v.length; i++) {
      // Sum of uniforms: a cheap, deterministic bell shape.
      v[i] = rnd.nextDouble() + rnd.nextDouble() + rnd.nextDouble() - 1.5;
      norm += v[i] * v[i];
    }
    norm = Math.sqrt(norm);
    List<Double> out = new ArrayList<>(v.length);
    for (double x : v) {
      out.add(Math.round(x / norm * 1e8) / 1e8);
    }
    return out;
  }

  private long emit(BatchSink sink, String collection, List<Document> docs) {
    for (int from = 0; from < docs.size(); from += batchSize) {
      sink.accept(
          collection, new ArrayList<>(docs.subList(from, Math.min(docs.size(), from + batchSize))));
    }
    return docs.size();
  }

  private static void flush(BatchSink sink, String collection, List<Document> batch) {
    if (!batch.isEmpty()) {
      sink.accept(collection, batch);
    }
  }

  private static Document address(SplittableRandom rnd, String city, String postalCode) {
    return new Document("street", (100 + rnd.nextInt(9_800)) + " " + pick(rnd, ZavaCatalog.STREETS))
        .append("city", city)
        .append("state", "WA")
        .append("postal_code", postalCode)
        .append("country", "US");
  }

  private static String phone(SplittableRandom rnd) {
    return String.format("+1-206-555-%04d", rnd.nextInt(10_000));
  }

  private static List<String> tags(SplittableRandom rnd, List<String> vocabulary, int max) {
    List<String> tags = new ArrayList<>();
    int n = rnd.nextInt(max + 1);
    for (int i = 0; i < n; i++) {
      String t = pick(rnd, vocabulary);
      if (!tags.contains(t)) {
        tags.add(t);
      }
    }
    return tags;
  }

  private static <T> T pick(SplittableRandom rnd, List<T> values) {
    return values.get(rnd.nextInt(values.size()));
  }

  private static Date day(int daysFromEpoch) {
    return Date.from(EPOCH.plusSeconds(daysFromEpoch * DAY_SECONDS));
  }

  private static Decimal128 money(long cents) {
    return new Decimal128(BigDecimal.valueOf(cents, 2));
  }

  /** An ObjectId whose timestamp is the document's creation time, the rest from the stream. */
  private static ObjectId objectId(SplittableRandom rnd, Date created) {
    ByteBuffer bytes = ByteBuffer.allocate(12);
    bytes.putInt((int) (created.getTime() / 1000));
    bytes.putInt(rnd.nextInt());
    bytes.putInt(rnd.nextInt());
    return new ObjectId(bytes.array());
  }

  /** A version-4 UUID string from the stream. */
  private static String uuid(SplittableRandom rnd) {
    long msb = (rnd.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
    long lsb = (rnd.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
