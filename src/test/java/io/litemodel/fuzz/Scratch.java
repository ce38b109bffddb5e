package io.litemodel.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A scratch file per fuzzing process, for the readers that take a path: each input overwrites it. */
final class Scratch {
  private Scratch() {}

  static Path file(String name) {
    try {
      Path dir = Files.createTempDirectory("litemodel-fuzz");
      dir.toFile().deleteOnExit();
      Path file = dir.resolve(name);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
