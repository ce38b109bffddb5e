package io.litemodel.internal.core;

import io.litemodel.internal.presets.LiteModelShim;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Text that native code wrote into memory we gave it, read safely: only up to the terminating NUL (never the rest of
 * the buffer, which holds whatever the allocator left there), and cleaned for one-line messages (line breaks become
 * {@code "; "}, other control characters are dropped). Every native message that reaches a Java exception goes
 * through here.
 */
public final class NativeText {
  private NativeText() {}

  /** @return the NUL-terminated text at the start of {@code buffer}, cleaned; "" for null */
  public static String of(BytePointer buffer) {
    return clean(raw(buffer));
  }

  /**
   * @return a NUL-terminated native string as it is, lines and tabs kept ("" for a null pointer); never reads past
   *     the buffer's capacity
   */
  public static String raw(BytePointer buffer) {
    if (buffer == null || buffer.isNull()) {
      return "";
    }
    long capacity = buffer.capacity();
    long length = BytePointer.strlen(buffer);
    if (capacity > 0 && length > capacity) {
      length = capacity; // not terminated inside the buffer: never read past it
    }
    byte[] text = new byte[(int) length];
    buffer.position(0).get(text);
    return new String(text, java.nio.charset.StandardCharsets.UTF_8);
  }

  public static String sinkText(Pointer sink) {
    return sink == null ? "" : of(LiteModelShim.lm_error_sink_text(sink));
  }

  /** @return {@code text} on one line: lines joined with "; ", other control characters removed, trimmed */
  public static String clean(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (String line : text.split("\\R")) {
      StringBuilder kept = new StringBuilder(line.length());
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c == '\t') {
          kept.append(' ');
        } else if (!Character.isISOControl(c)) {
          kept.append(c);
        }
      }
      String trimmed = kept.toString().strip();
      if (!trimmed.isEmpty()) {
        out.append(out.length() > 0 ? "; " : "").append(trimmed);
      }
    }
    return out.toString();
  }
}
