package io.mongoditto.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files at the project root that the deployment tests read (never copies of them). */
final class ProjectFiles {

  private ProjectFiles() {}

  static Path root() {
    String configured = System.getProperty("project.root");
    Path root = configured != null ? Path.of(configured) : Path.of("..");
    root = root.toAbsolutePath().normalize();
    if (!Files.isRegularFile(root.resolve("connect-distributed.properties"))) {
      // surefire runs in the module dir; maven.multiModuleProjectDirectory may be the module itself
      Path parent = Path.of("").toAbsolutePath().getParent();
      if (parent != null && Files.isRegularFile(parent.resolve("connect-distributed.properties"))) {
        return parent;
      }
    }
    return root;
  }

  static Path connectDistributedProperties() {
    return root().resolve("connect-distributed.properties");
  }

  static Path dockerCompose() {
    return root().resolve("docker-compose.yml");
  }

  static Path config() {
    return root().resolve("config");
  }
}
