package io.mongoditto.tools;

import io.mongoditto.cli.MongoDittoCli;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/** Runs the tools command line in-process as the root script would, capturing its output. */
record CliRun(int exitCode, String out, String err) {

  static CliRun run(Map<String, String> env, String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    MongoDittoCli cli =
        new MongoDittoCli(
            env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), null);
    CommandLine cmd = MongoDittoTools.commandLine(cli);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  static CliRun run(String... args) {
    return run(Map.of(), "", args);
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
  }
}
