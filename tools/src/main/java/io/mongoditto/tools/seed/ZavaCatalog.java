package io.mongoditto.tools.seed;

import java.util.List;

/**
 * The fixed vocabulary of the Zava Retail dataset: a DIY and home-improvement chain in Washington.
 */
final class ZavaCatalog {

  /** A store: its name, city, postal code, and whether it is the online store. */
  record Store(
      String name, String city, String postalCode, double lat, double lng, boolean online) {}

  /** A category with the product types and base product names sold in it. */
  record Category(String name, String code, List<String> types, List<String> products) {}

  static final List<Store> STORE_NAMES =
      List.of(
          new Store("Zava Retail Seattle", "Seattle", "98101", 47.6062, -122.3321, false),
          new Store("Zava Retail Bellevue", "Bellevue", "98004", 47.6101, -122.2015, false),
          new Store("Zava Retail Tacoma", "Tacoma", "98402", 47.2529, -122.4443, false),
          new Store("Zava Retail Spokane", "Spokane", "99201", 47.6588, -117.4260, false),
          new Store("Zava Retail Everett", "Everett", "98201", 47.9790, -122.2021, false),
          new Store("Zava Retail Redmond", "Redmond", "98052", 47.6740, -122.1215, false),
          new Store("Zava Retail Kirkland", "Kirkland", "98033", 47.6769, -122.2060, false),
          new Store("Zava Retail Online", "Seattle", "98109", 47.6205, -122.3493, true));

  static final List<Category> CATEGORIES =
      List.of(
          new Category(
              "Hand Tools",
              "HT",
              List.of("Hammers", "Screwdrivers", "Wrenches", "Pliers"),
              List.of(
                  "Claw Hammer",
                  "Phillips Screwdriver",
                  "Adjustable Wrench",
                  "Needle-Nose Pliers",
                  "Utility Knife")),
          new Category(
              "Power Tools",
              "PT",
              List.of("Drills", "Saws", "Sanders"),
              List.of(
                  "Cordless Drill", "Circular Saw", "Orbital Sander", "Impact Driver", "Jigsaw")),
          new Category(
              "Paint & Finishes",
              "PF",
              List.of("Interior Paint", "Exterior Paint", "Stains"),
              List.of(
                  "Interior Latex Paint",
                  "Exterior Acrylic Paint",
                  "Wood Stain",
                  "Primer",
                  "Polyurethane")),
          new Category(
              "Hardware",
              "HW",
              List.of("Fasteners", "Hinges", "Locks"),
              List.of("Wood Screws", "Door Hinge", "Deadbolt Lock", "Anchor Kit", "Cabinet Pull")),
          new Category(
              "Lumber & Building Materials",
              "LB",
              List.of("Boards", "Plywood", "Drywall"),
              List.of(
                  "Pine Board",
                  "Plywood Sheet",
                  "Drywall Panel",
                  "Cedar Fence Picket",
                  "Concrete Mix")),
          new Category(
              "Electrical",
              "EL",
              List.of("Wiring", "Switches", "Outlets"),
              List.of(
                  "Electrical Wire",
                  "Light Switch",
                  "GFCI Outlet",
                  "Junction Box",
                  "Extension Cord")),
          new Category(
              "Plumbing",
              "PL",
              List.of("Pipes", "Fittings", "Faucets"),
              List.of(
                  "PVC Pipe", "Copper Fitting", "Kitchen Faucet", "Shut-Off Valve", "Drain Snake")),
          new Category(
              "Garden & Outdoor",
              "GO",
              List.of("Garden Tools", "Watering", "Planters"),
              List.of(
                  "Garden Hose", "Pruning Shears", "Ceramic Planter", "Leaf Rake", "Hose Nozzle")),
          new Category(
              "Storage & Organization",
              "SO",
              List.of("Shelving", "Bins", "Hooks"),
              List.of("Wall Shelf", "Storage Bin", "Tool Chest", "Utility Hook", "Pegboard")),
          new Category(
              "Lighting",
              "LI",
              List.of("Bulbs", "Fixtures", "Outdoor Lights"),
              List.of("LED Bulb", "Pendant Light", "Flood Light", "Under-Cabinet Light", "Lamp")),
          new Category(
              "Flooring",
              "FL",
              List.of("Vinyl", "Laminate", "Tile"),
              List.of("Vinyl Plank", "Laminate Flooring", "Ceramic Tile", "Grout", "Underlayment")),
          new Category(
              "Kitchen & Bath",
              "KB",
              List.of("Sinks", "Toilets", "Vanities"),
              List.of(
                  "Bathroom Sink", "Toilet Seat", "Vanity Cabinet", "Shower Head", "Towel Bar")),
          new Category(
              "Heating & Cooling",
              "HC",
              List.of("Fans", "Heaters", "Filters"),
              List.of("Ceiling Fan", "Space Heater", "Air Filter", "Thermostat", "Window Fan")),
          new Category(
              "Safety & Security",
              "SS",
              List.of("Protective Gear", "Alarms"),
              List.of(
                  "Safety Glasses",
                  "Work Gloves",
                  "Smoke Detector",
                  "Ear Protection",
                  "First Aid Kit")),
          new Category(
              "Cleaning Supplies",
              "CS",
              List.of("Cleaners", "Brushes"),
              List.of("Degreaser", "Scrub Brush", "Shop Vacuum", "Microfiber Cloth", "Mop")),
          new Category(
              "Automotive",
              "AU",
              List.of("Car Care", "Tools"),
              List.of("Car Wax", "Tire Gauge", "Jumper Cables", "Floor Jack", "Wiper Blades")),
          new Category(
              "Adhesives & Sealants",
              "AS",
              List.of("Glue", "Caulk", "Tape"),
              List.of(
                  "Wood Glue", "Silicone Caulk", "Duct Tape", "Epoxy", "Construction Adhesive")),
          new Category(
              "Ladders & Scaffolding",
              "LS",
              List.of("Step Ladders", "Extension Ladders"),
              List.of(
                  "Step Ladder", "Extension Ladder", "Step Stool", "Ladder Tray", "Work Platform")),
          new Category(
              "Measuring & Layout",
              "ML",
              List.of("Tapes", "Levels"),
              List.of("Tape Measure", "Spirit Level", "Laser Level", "Stud Finder", "Chalk Line")),
          new Category(
              "Seasonal",
              "SE",
              List.of("Holiday", "Grilling"),
              List.of("String Lights", "Gas Grill", "Grill Cover", "Patio Heater", "Snow Shovel")));

  static final List<String> VARIANTS =
      List.of(
          "Small",
          "Medium",
          "Large",
          "Pro",
          "Compact",
          "Heavy-Duty",
          "Classic",
          "Premium",
          "Black",
          "White");

  static final List<String> FIRST_NAMES =
      List.of(
          "Olivia",
          "Liam",
          "Emma",
          "Noah",
          "Ava",
          "Elijah",
          "Sophia",
          "James",
          "Isabella",
          "Lucas",
          "Mia",
          "Mason",
          "Amelia",
          "Ethan",
          "Harper",
          "Aiden",
          "Evelyn",
          "Logan",
          "Abigail",
          "Jackson",
          "Priya",
          "Wei",
          "Mateo",
          "Sofia",
          "Hiroshi",
          "Aisha",
          "Diego",
          "Fatima",
          "Chen",
          "Anya");

  static final List<String> LAST_NAMES =
      List.of(
          "Smith",
          "Johnson",
          "Williams",
          "Brown",
          "Jones",
          "Garcia",
          "Miller",
          "Davis",
          "Rodriguez",
          "Martinez",
          "Hernandez",
          "Lopez",
          "Wilson",
          "Anderson",
          "Thomas",
          "Taylor",
          "Moore",
          "Lee",
          "Nguyen",
          "Patel",
          "Kim",
          "Tanaka",
          "Kowalski",
          "Okafor",
          "Schmidt",
          "Rossi",
          "Silva",
          "Cohen");

  static final List<String> STREETS =
      List.of(
          "Pine St",
          "Main St",
          "1st Ave",
          "Broadway",
          "Lake Washington Blvd",
          "Maple Way",
          "Cedar Ln",
          "Rainier Ave S",
          "Market St",
          "Olympic Way",
          "Harbor Ave",
          "Queen Anne Ave N");

  static final List<String> CUSTOMER_TAGS =
      List.of("pro", "diy", "contractor", "newsletter", "garden", "first-home", "landlord", "vip");

  static final List<String> ORDER_STATUSES =
      List.of(
          "delivered",
          "delivered",
          "delivered",
          "delivered",
          "shipped",
          "processing",
          "cancelled",
          "returned");

  static final List<String> PAYMENT_METHODS =
      List.of("card", "card", "card", "cash", "gift_card", "paypal");

  private ZavaCatalog() {}
}
