package io.mongoditto.cli;

/**
 * A failure the person running the command can fix (bad flag value, missing setting, unreachable
 * server): printed as one line without a stack trace, exit code 1.
 */
public final class UserException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public UserException(String message) {
    super(message);
  }

  public UserException(String message, Throwable cause) {
    super(message, cause);
  }
}
