package io.litemodel.fuzz;

import io.litemodel.LiteModelException;

/** What every fuzz driver and probe accepts from LiteModel's API: the documented exceptions, and only those. */
public final class Documented {
  private Documented() {}

  /**
   * @param t what the API threw
   * @return true if it is a {@link LiteModelException} with a status, an {@link IllegalArgumentException} or an
   *     {@link IllegalStateException}: a clear refusal, never a bug
   */
  public static boolean isClean(Throwable t) {
    return t instanceof LiteModelException e ? e.status() != null
        : t instanceof IllegalArgumentException || t instanceof IllegalStateException;
  }

  /**
   * @param e a {@link LiteModelException} the API threw
   * @throws AssertionError if it has no status (a caller could not tell what went wrong)
   */
  public static void requireStatus(LiteModelException e) {
    if (e.status() == null) {
      throw new AssertionError("LiteModelException without a status: " + e.getMessage(), e);
    }
  }
}
