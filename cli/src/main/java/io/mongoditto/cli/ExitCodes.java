package io.mongoditto.cli;

/** The process exit codes of every command. */
public final class ExitCodes {

  /** Everything worked; for check and verify: nothing is wrong. */
  public static final int OK = 0;

  /** The command failed, or check/verify found a problem. */
  public static final int FAILED = 1;

  /** Wrong usage: unknown option, missing parameter (picocli's own code). */
  public static final int USAGE = 2;

  /** Interrupted by Ctrl-C before it finished (128 + SIGINT). */
  public static final int INTERRUPTED = 130;

  private ExitCodes() {}
}
