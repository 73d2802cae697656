package io.mongoditto.ditto;

/**
 * Ditto did not execute a statement. The subclasses say what the caller should do: {@link
 * BadRequest} (the data is wrong: do not retry), {@link AuthFailure} (the configuration is wrong:
 * stop), {@link RetriesExhausted} (Ditto or the network stayed unavailable up to the deadline).
 */
public class DittoException extends RuntimeException {

  private final int status;

  public DittoException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status, or 0 if no response came. */
  public int status() {
    return status;
  }

  /** 400 (invalid DQL, type mismatch, document too large): the statement or its data is bad. */
  public static final class BadRequest extends DittoException {
    private final String dittoError;

    public BadRequest(String message, int status, String dittoError) {
      super(message, status, null);
      this.dittoError = dittoError;
    }

    /** Ditto's own error description ({@code error.description}). */
    public String dittoError() {
      return dittoError;
    }
  }

  /** 401/403: the API key is missing, wrong or lacks a permission. */
  public static final class AuthFailure extends DittoException {
    public AuthFailure(String message, int status) {
      super(message, status, null);
    }
  }

  /** 408/429/5xx/I-O errors kept happening until the retry deadline. */
  public static final class RetriesExhausted extends DittoException {
    private final int attempts;

    public RetriesExhausted(String message, int status, int attempts, Throwable cause) {
      super(message, status, cause);
      this.attempts = attempts;
    }

    public int attempts() {
      return attempts;
    }
  }
}
