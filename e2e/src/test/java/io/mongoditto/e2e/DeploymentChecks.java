package io.mongoditto.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Cross-checks the deployment files against each other: docker-compose.yml, the root
 * connect-distributed.properties, the connector configs in config/, the plugin assembly and the
 * MongoDB setup scripts. Pure: it takes parsed inputs and lists every disagreement, so a test can
 * also feed it a deliberately broken copy and see it complain.
 */
final class DeploymentChecks {

  /**
   * Everything the checks read, parsed.
   *
   * @param sinks every sink config (config/ditto-sink*.json and the compose ones), by file name
   * @param composeSinks the sink configs the compose curl sequence creates (docker/connectors/)
   */
  record Inputs(
      JsonNode compose,
      Properties worker,
      Map<String, String> source,
      Map<String, Map<String, String>> sinks,
      Map<String, Map<String, String>> composeSinks,
      String projectVersion,
      String pluginFinalName,
      String assemblyBaseDirectory,
      String replicaSetInitScript) {}

  private static final Pattern ENV_REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Pattern SED_SET =
      Pattern.compile("s\\|\\^([a-z.]+)=\\.\\*\\|\\1=([^|]*)\\|");
  private static final String DEFAULT_TOPIC_PREFIX = "mongoditto";

  /** The local Ditto in compose is plain http on another host than the worker's. */
  private static final Set<String> COMPOSE_ONLY_SINK_KEYS = Set.of("ditto.allow.insecure.http");

  private final Inputs in;
  private final List<String> problems = new ArrayList<>();

  private DeploymentChecks(Inputs in) {
    this.in = in;
  }

  static List<String> problems(Inputs inputs) {
    DeploymentChecks c = new DeploymentChecks(inputs);
    c.composeSinkMatchesConfigSink();
    c.workerRestPort();
    c.brokerListeners();
    c.pluginMount();
    c.dittoEndpoint();
    c.topics();
    c.envVariables();
    c.replicaSet();
    return List.copyOf(c.problems);
  }

  // --- the compose sink config is config/ditto-sink.json plus plain http to the local-ditto
  // service
  private void composeSinkMatchesConfigSink() {
    Map<String, String> reference = in.sinks().get("config/ditto-sink.json");
    if (reference == null) {
      problem("no config/ditto-sink.json");
      return;
    }
    for (Map.Entry<String, Map<String, String>> sink : in.composeSinks().entrySet()) {
      Map<String, String> diff = new TreeMap<>();
      Set<String> keys = new TreeSet<>(reference.keySet());
      keys.addAll(sink.getValue().keySet());
      for (String key : keys) {
        if (!java.util.Objects.equals(reference.get(key), sink.getValue().get(key))
            && !COMPOSE_ONLY_SINK_KEYS.contains(key)) {
          diff.put(
              key,
              sink.getValue().get(key) + " (config/ditto-sink.json: " + reference.get(key) + ")");
        }
      }
      if (!diff.isEmpty()) {
        problem(sink.getKey() + " drifted from config/ditto-sink.json: " + diff);
      }
    }
  }

  // --- the worker's REST port: published by the connect service, the port the worker listens on
  private void workerRestPort() {
    int port =
        URI.create(in.worker().getProperty("listeners", "http://:8083").split(",")[0]).getPort();
    Map<Integer, Integer> published = publishedPorts("connect");
    if (!published.containsKey(port)) {
      problem(
          "connect service publishes container ports "
              + published.keySet()
              + " but the worker listens on "
              + port
              + " (connect-distributed.properties listeners)");
    } else if (published.get(port) != port) {
      problem(
          "connect service maps the worker's REST port "
              + port
              + " to host port "
              + published.get(port)
              + ": docs/deployment.md and the quickstart use "
              + port);
    }
  }

  // --- the broker: the host listener is what the root worker file's bootstrap.servers names, the
  // in-network listener is what the connect service rewrites bootstrap.servers to
  private void brokerListeners() {
    Map<String, String> env = environment("kafka");
    Map<String, String> advertised =
        listenerMap(env.getOrDefault("KAFKA_ADVERTISED_LISTENERS", ""));
    Map<String, String> bound = listenerMap(env.getOrDefault("KAFKA_LISTENERS", ""));
    String bootstrap = in.worker().getProperty("bootstrap.servers", "");
    Optional<String> hostListener =
        advertised.entrySet().stream()
            .filter(e -> e.getValue().equals(bootstrap))
            .map(Map.Entry::getKey)
            .findFirst();
    if (hostListener.isEmpty()) {
      problem(
          "bootstrap.servers="
              + bootstrap
              + " in connect-distributed.properties is none of the broker's"
              + " advertised listeners "
              + advertised.values());
    } else {
      int port = portOf(bootstrap);
      if (!publishedPorts("kafka").containsKey(port)) {
        problem(
            "the broker's host listener " + bootstrap + " is not published by the kafka service");
      }
      if (portOf(bound.getOrDefault(hostListener.get(), ":-1")) != port) {
        problem(
            "listener "
                + hostListener.get()
                + " is advertised on port "
                + port
                + " but bound to "
                + bound.get(hostListener.get()));
      }
    }
    String inNetwork = sedValue("bootstrap.servers");
    if (inNetwork == null) {
      problem("the connect service does not rewrite bootstrap.servers for the compose network");
    } else if (!advertised.containsValue(inNetwork)) {
      problem(
          "the connect service uses bootstrap.servers="
              + inNetwork
              + ", none of the broker's"
              + " advertised listeners "
              + advertised.values());
    } else if (!service(hostOf(inNetwork)).isPresent()) {
      problem("bootstrap.servers=" + inNetwork + " names no compose service");
    }
    for (String key : List.of("bootstrap.servers", "plugin.path")) {
      if (in.worker().getProperty(key) == null) {
        problem(
            "connect-distributed.properties has no "
                + key
                + " line for the connect service's sed to rewrite");
      }
    }
  }

  // --- the plugin: the assembly's output dir is mounted where plugin.path points
  private void pluginMount() {
    String pluginPath = sedValue("plugin.path");
    if (pluginPath == null) {
      problem("the connect service does not set plugin.path");
      return;
    }
    String expectedSource =
        "./connector/target/"
            + in.pluginFinalName().replace("${project.version}", in.projectVersion());
    Map<String, String> mounts = volumes("connect");
    String target = mounts.get(expectedSource);
    if (target == null) {
      problem(
          "the connect service does not mount the assembly output "
              + expectedSource
              + " (mounts: "
              + mounts
              + ")");
    } else if (!target.equals(pluginPath)) {
      problem("the plugin dir is mounted at " + target + " but plugin.path=" + pluginPath);
    }
    if (!in.assemblyBaseDirectory().contains("${project.version}")
        && !in.assemblyBaseDirectory().contains(in.projectVersion())) {
      problem(
          "the assembly's base directory "
              + in.assemblyBaseDirectory()
              + " does not carry the version");
    }
    if (!"service_load".equals(in.worker().getProperty("plugin.discovery"))) {
      problem("plugin.discovery is not service_load: every worker start would scan the class path");
    }
  }

  // --- the sink reaches the local Ditto service on the port it listens on
  private void dittoEndpoint() {
    Map<String, String> connectEnv = environment("connect");
    if (in.composeSinks().isEmpty()) {
      problem("no sink config for the compose setup (docker/connectors/ditto-sink.json)");
    }
    for (Map.Entry<String, Map<String, String>> sink : in.composeSinks().entrySet()) {
      Optional<String> endpointValue =
          sink.getValue().entrySet().stream()
              .filter(e -> e.getKey().contains("endpoint") || e.getKey().endsWith(".url"))
              .map(Map.Entry::getValue)
              .findFirst();
      if (endpointValue.isEmpty()) {
        problem(sink.getKey() + " sets no Ditto endpoint");
        continue;
      }
      String endpoint = resolveEnv(endpointValue.get(), connectEnv);
      URI uri = URI.create(endpoint);
      if (!service(uri.getHost()).isPresent()) {
        problem(sink.getKey() + " endpoint " + endpoint + " names no compose service");
        continue;
      }
      if ("http".equals(uri.getScheme())
          && !"true".equals(sink.getValue().get("ditto.allow.insecure.http"))) {
        problem(
            sink.getKey()
                + " talks plain http to "
                + uri.getHost()
                + ", which the sink refuses for a non-loopback host unless ditto.allow.insecure.http=true");
      }
      int port = uri.getPort() == -1 ? 80 : uri.getPort();
      String command = String.join(" ", stringList(service(uri.getHost()).get().path("command")));
      Matcher m = Pattern.compile("--port\\s+(\\d+)").matcher(command);
      String listening = m.find() ? m.group(1) : "an unknown port";
      if (!listening.equals(Integer.toString(port))) {
        problem(
            sink.getKey()
                + " endpoint "
                + endpoint
                + " but service "
                + uri.getHost()
                + " listens on "
                + listening
                + " (its command: "
                + command
                + ")");
      }
      Map<String, String> dittoEnv = environment(uri.getHost());
      sink.getValue().entrySet().stream()
          .filter(e -> e.getKey().contains("api.key"))
          .map(e -> resolveEnv(e.getValue(), connectEnv))
          .filter(key -> !key.equals(dittoEnv.get("LOCAL_DITTO_API_KEY")))
          .forEach(
              key ->
                  problem(
                      sink.getKey()
                          + " presents an API key other than the LOCAL_DITTO_API_KEY of"
                          + " service "
                          + uri.getHost()));
      if (!command.contains("0.0.0.0")) {
        problem(
            "service " + uri.getHost() + " listens on loopback only: the worker cannot reach it");
      }
    }
  }

  // --- every enabled collection's topic is read by a sink
  private void topics() {
    Set<String> sourceTopics = sourceTopics(in.source());
    if (sourceTopics.isEmpty()) {
      problem("the source config enables no collection");
    }
    // each sink config is an alternative (local, cloud, compose): each must read every topic
    for (Map.Entry<String, Map<String, String>> sink : in.sinks().entrySet()) {
      Set<String> unread = new TreeSet<>(sourceTopics);
      Map<String, String> config = sink.getValue();
      if (config.containsKey("topics.regex")) {
        Pattern p = Pattern.compile(config.get("topics.regex"));
        unread.removeIf(t -> p.matcher(t).matches());
      }
      if (config.containsKey("topics")) {
        Arrays.stream(config.get("topics").split(",")).map(String::trim).forEach(unread::remove);
      }
      if (!unread.isEmpty()) {
        problem(
            sink.getKey()
                + " reads none of the source topics "
                + unread
                + " (topics / topics.regex)");
      }
    }
    String errorsTopic = in.source().getOrDefault("errors.topic", "");
    for (Map.Entry<String, Map<String, String>> sink : in.sinks().entrySet()) {
      String regex = sink.getValue().get("topics.regex");
      if (!errorsTopic.isBlank() && regex != null && errorsTopic.matches(regex)) {
        problem(sink.getKey() + " would read the source's error topic " + errorsTopic);
      }
    }
  }

  static Set<String> sourceTopics(Map<String, String> source) {
    String prefix = source.getOrDefault("topic.prefix", DEFAULT_TOPIC_PREFIX).trim();
    Set<String> topics = new LinkedHashSet<>();
    for (String c : source.getOrDefault("collections", "").split(",")) {
      String name = c.trim();
      if (name.isEmpty()
          || "false".equalsIgnoreCase(source.get("collection." + name + ".enabled"))) {
        continue;
      }
      topics.add(
          source.getOrDefault(
              "collection." + name + ".topic", prefix.isEmpty() ? name : prefix + "." + name));
    }
    return topics;
  }

  // --- ${env:NAME} in a connector config needs NAME on the connect service and the env provider
  private void envVariables() {
    Map<String, String> connectEnv = environment("connect");
    Map<String, Map<String, String>> configs = new LinkedHashMap<>(in.composeSinks());
    configs.put("the source config", in.source());
    boolean usesEnv = false;
    for (Map.Entry<String, Map<String, String>> config : configs.entrySet()) {
      for (String value : config.getValue().values()) {
        Matcher m = ENV_REF.matcher(value);
        while (m.find()) {
          usesEnv = true;
          if (!connectEnv.containsKey(m.group(1))) {
            problem(
                config.getKey()
                    + " reads ${env:"
                    + m.group(1)
                    + "} but the connect service does not set "
                    + m.group(1));
          }
        }
      }
    }
    String providers = in.worker().getProperty("config.providers", "");
    if (usesEnv
        && (!Arrays.asList(providers.split("\\s*,\\s*")).contains("env")
            || in.worker().getProperty("config.providers.env.class") == null)) {
      problem("connector configs use ${env:...} but the worker declares no 'env' config provider");
    }
  }

  // --- one replica set name: mongod's --replSet, rs.initiate's _id, every connection string
  private void replicaSet() {
    List<String> command = stringList(service("mongo").map(s -> s.path("command")).orElse(null));
    int i = command.indexOf("--replSet");
    String replSet = i >= 0 && i + 1 < command.size() ? command.get(i + 1) : null;
    if (replSet == null) {
      problem(
          "the mongo service does not start mongod with --replSet: change streams need a replica set");
      return;
    }
    Matcher init =
        Pattern.compile("_id:\\s*\"([^\"]+)\".*host:\\s*\"([^\"]+)\"", Pattern.DOTALL)
            .matcher(in.replicaSetInitScript());
    if (!init.find() || !init.group(1).equals(replSet)) {
      problem(
          "docker/mongo-init-replica-set.js initiates a different replica set than --replSet "
              + replSet);
    } else {
      String member = init.group(2);
      int portArg = command.indexOf("--port");
      String port = portArg >= 0 ? command.get(portArg + 1) : "27017";
      if (!member.equals("mongo:" + port)) {
        problem("the replica set member " + member + " is not the mongo service on port " + port);
      }
    }
    List<String> uris = new ArrayList<>();
    environment("connect").values().stream()
        .filter(v -> v.startsWith("mongodb"))
        .forEach(uris::add);
    service("mongo-setup")
        .ifPresent(
            s ->
                stringList(s.path("entrypoint")).stream()
                    .filter(v -> v.startsWith("mongodb"))
                    .forEach(uris::add));
    if (uris.isEmpty()) {
      problem("no MongoDB connection string on the connect service");
    }
    for (String uri : uris) {
      Matcher m = Pattern.compile("[?&]replicaSet=([^&]+)").matcher(uri);
      if (!m.find() || !m.group(1).equals(replSet)) {
        problem("connection string " + uri + " does not name replica set " + replSet);
      }
    }
  }

  // --- compose helpers (short and long syntax where compose allows both)

  private Optional<JsonNode> service(String name) {
    JsonNode s = in.compose().path("services").path(name);
    return s.isMissingNode() || s.isNull() ? Optional.empty() : Optional.of(s);
  }

  private Map<String, String> environment(String serviceName) {
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode node = service(serviceName).map(s -> s.path("environment")).orElse(null);
    if (node == null) {
      return env;
    }
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    } else {
      for (JsonNode item : node) {
        String[] kv = item.asText().split("=", 2);
        env.put(kv[0], kv.length > 1 ? kv[1] : "");
      }
    }
    return env;
  }

  /** container port -> host port. */
  private Map<Integer, Integer> publishedPorts(String serviceName) {
    Map<Integer, Integer> ports = new LinkedHashMap<>();
    JsonNode node = service(serviceName).map(s -> s.path("ports")).orElse(null);
    if (node == null) {
      return ports;
    }
    for (JsonNode item : node) {
      if (item.isObject()) {
        ports.put(item.path("target").asInt(), item.path("published").asInt());
      } else {
        String[] parts = item.asText().split(":");
        int container = Integer.parseInt(parts[parts.length - 1].replaceAll("/.*", ""));
        int host = parts.length >= 2 ? Integer.parseInt(parts[parts.length - 2]) : container;
        ports.put(container, host);
      }
    }
    return ports;
  }

  /** host path -> container path. */
  private Map<String, String> volumes(String serviceName) {
    Map<String, String> mounts = new LinkedHashMap<>();
    JsonNode node = service(serviceName).map(s -> s.path("volumes")).orElse(null);
    if (node == null) {
      return mounts;
    }
    for (JsonNode item : node) {
      if (item.isObject()) {
        mounts.put(item.path("source").asText(), item.path("target").asText());
      } else {
        String[] parts = item.asText().split(":");
        mounts.put(parts[0], parts[1]);
      }
    }
    return mounts;
  }

  /** The value the connect service's sed writes for a worker property, or null. */
  private String sedValue(String key) {
    String command =
        String.join(" ", stringList(service("connect").map(s -> s.path("command")).orElse(null)));
    Matcher m = SED_SET.matcher(command);
    while (m.find()) {
      if (m.group(1).equals(key)) {
        return m.group(2);
      }
    }
    return null;
  }

  private static List<String> stringList(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node == null || node.isMissingNode() || node.isNull()) {
      return out;
    }
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else {
      out.addAll(Arrays.asList(node.asText().split("\\s+")));
    }
    return out;
  }

  /** LISTENER_NAME -> host:port, from "NAME://host:port,..." */
  private static Map<String, String> listenerMap(String listeners) {
    return Arrays.stream(listeners.split(","))
        .map(String::trim)
        .filter(s -> s.contains("://"))
        .collect(
            Collectors.toMap(
                s -> s.substring(0, s.indexOf("://")),
                s -> s.substring(s.indexOf("://") + 3),
                (a, b) -> a,
                LinkedHashMap::new));
  }

  private static String resolveEnv(String value, Map<String, String> env) {
    Matcher m = ENV_REF.matcher(value);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(env.getOrDefault(m.group(1), "")));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static int portOf(String hostPort) {
    try {
      return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String hostOf(String hostPort) {
    return hostPort.substring(0, hostPort.lastIndexOf(':'));
  }

  private void problem(String p) {
    problems.add(p);
  }
}
