package io.litemodel.io;

import java.nio.FloatBuffer;

/**
 * Parses one CSV line of numbers into a float row. Hand-written because a general CSV library buys nothing for
 * numeric rows (no quoting, no embedded separators) and would allocate a record object per line.
 */
public final class CsvRows {
  private CsvRows() {}

  /**
   * Parses comma-separated numbers (surrounding spaces allowed) into {@code target} from index 0.
   *
   * @param line the text of one line
   * @param target receives exactly {@code target.limit()} values
   * @throws IllegalArgumentException if the line has a different number of values or a value is not a number (the
   *     message says which)
   */
  public static void parse(String line, FloatBuffer target) {
    int expected = target.limit();
    int count = 0;
    int start = 0;
    int length = line.length();
    while (start <= length) {
      int end = line.indexOf(',', start);
      if (end < 0) {
        end = length;
      }
      if (count >= expected) {
        throw new IllegalArgumentException("expected " + expected + " values, found more");
      }
      String field = line.substring(start, end).trim();
      try {
        target.put(count, Float.parseFloat(field));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("value " + (count + 1) + " ('" + field + "') is not a number", e);
      }
      count++;
      start = end + 1;
    }
    if (count != expected) {
      throw new IllegalArgumentException("expected " + expected + " values, found " + count);
    }
  }

  /** @return true if every comma-separated field of {@code line} parses as a number */
  public static boolean isNumeric(String line) {
    for (String field : line.split(",", -1)) {
      try {
        Float.parseFloat(field.trim());
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return true;
  }
}
