package io.mongoditto.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "encode-password",
    header = "Percent-encode a password (read without echo) for a connection string.",
    description = {
      "Read a password without echo and print it percent-encoded for a MongoDB connection string",
      "(mongodb://user:<encoded>@host/). Reads one line from standard input when there is no terminal:",
      "  printf '%s' \"$PASSWORD\" | mongo-ditto encode-password"
    })
final class EncodePasswordCommand implements Callable<Integer> {

  @ParentCommand private MongoDittoCli cli;
  @Spec private CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    char[] password = read();
    try {
      if (password == null || password.length == 0) {
        throw new UserException("no password given");
      }
      spec.commandLine().getOut().println(percentEncode(password));
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    } finally {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
  }

  private char[] read() throws IOException {
    Console console = cli.console();
    if (console != null) {
      return console.readPassword("MongoDB password (not echoed): ");
    }
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(cli.stdin(), StandardCharsets.UTF_8));
    String line = reader.readLine();
    return line == null ? null : line.toCharArray();
  }

  /**
   * RFC 3986 percent-encoding of the UTF-8 bytes: everything but the unreserved characters (A-Z a-z
   * 0-9 - . _ ~) is encoded. Unlike {@link java.net.URLEncoder} (form encoding) a space becomes
   * %20, not '+', which a connection string would read as a literal plus.
   */
  static String percentEncode(char[] password) {
    java.nio.ByteBuffer encoded = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
    byte[] bytes = encoded.array();
    int length = encoded.limit();
    StringBuilder sb = new StringBuilder(length * 3);
    for (int i = 0; i < length; i++) {
      int b = bytes[i] & 0xff;
      if ((b >= 'A' && b <= 'Z')
          || (b >= 'a' && b <= 'z')
          || (b >= '0' && b <= '9')
          || b == '-'
          || b == '.'
          || b == '_'
          || b == '~') {
        sb.append((char) b);
      } else {
        sb.append('%')
            .append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    Arrays.fill(bytes, (byte) 0);
    return sb.toString();
  }
}
