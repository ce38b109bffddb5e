package io.litemodel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads which io.litemodel classes a compiled class names, for tests that check which way the layers point. */
public final class ClassReferences {
  /** A class name as the constant pool spells it: in a class entry or inside a descriptor ({@code Lio/...;}). */
  private static final Pattern NAME = Pattern.compile("io/litemodel/[A-Za-z0-9_$/]+");

  private ClassReferences() {}

  /**
   * @return the simple names (nested ones with {@code $}) of the io.litemodel classes {@code type}'s class file
   *     names: in its fields, methods, code and attributes; Javadoc is not in a class file
   */
  public static Set<String> of(Class<?> type) {
    String file = type.getName().substring(type.getPackageName().length() + 1) + ".class";
    try (InputStream in = type.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("no class file " + file + " beside " + type.getName());
      }
      // ISO-8859-1 maps each byte to one char, so the constant pool's ASCII names read as they are.
      Matcher names = NAME.matcher(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
      Set<String> found = new TreeSet<>();
      while (names.find()) {
        String name = names.group();
        found.add(name.substring(name.lastIndexOf('/') + 1));
      }
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
