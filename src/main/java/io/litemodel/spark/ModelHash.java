package io.litemodel.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * SHA-256 of a model: of a file's bytes, or of a directory's files (relative names and contents, in name order, for
 * runtimes whose models are directories). The executor cache keys on it, and an executor checks a model file it
 * finds at a path against the hash the driver saw.
 */
final class ModelHash {
  private ModelHash() {}

  /** @return the hex SHA-256 of {@code bytes} */
  static String of(byte[] bytes) {
    MessageDigest digest = sha256();
    digest.update(bytes);
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * @return the hex SHA-256 of the file, or of the directory tree, at {@code path}
   * @throws UncheckedIOException if it cannot be read
   */
  static String of(Path path) {
    MessageDigest digest = sha256();
    try {
      if (Files.isDirectory(path)) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(path)) {
          files = walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
        for (Path file : files) {
          digest.update(path.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
          digest.update((byte) 0);
          update(digest, file);
        }
      } else {
        update(digest, path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model " + path + ": " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void update(MessageDigest digest, Path file) throws IOException {
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int read; (read = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, read);
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java 17 runtime has SHA-256", e);
    }
  }
}
