package io.litemodel.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;

/**
 * Where executors get a model from, made on the driver and shipped inside each task: either the model's bytes
 * ({@link #shipBytes}: nothing needs to exist on the executors) or a path every executor can read
 * ({@link #atPath}: a shared file system, or a file {@code spark-submit --files} put in each working directory).
 *
 * <p>Each source has a driver-side id and the model's SHA-256, together the key of the executor's model cache
 * ({@link ExecutorModels}): tasks of one job share one loaded model per executor JVM, and a changed model file is
 * never mistaken for the cached one. A path source is checked on the executor: a missing file, or one whose hash
 * differs from the driver's, fails the task with a message that says which.
 */
public final class ModelSource implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String id;
  private final String sha256;
  private final byte[] bytes;
  private final String path;
  private final ModelOpener opener;

  private ModelSource(String sha256, byte[] bytes, String path, ModelOpener opener) {
    this.id = UUID.randomUUID().toString();
    this.sha256 = sha256;
    this.bytes = bytes;
    this.path = path;
    this.opener = Objects.requireNonNull(opener, "opener");
  }

  /**
   * Ships a TensorFlow Lite model file's bytes to the executors (each task carries them; keep this for models of up
   * to some tens of MB, and use {@link #atPath} beyond).
   *
   * @throws UncheckedIOException if the file cannot be read
   */
  public static ModelSource shipBytes(Path file) {
    return shipBytes(file, ModelOpener.tfLite());
  }

  /**
   * Ships a single-file model's bytes, opened on each executor by {@code opener} (from a local copy).
   *
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException if {@code file} is a directory (ship those {@link #atPath})
   */
  public static ModelSource shipBytes(Path file, ModelOpener opener) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(file + " is a directory; only single-file models ship as bytes: put it "
          + "where every executor can read it and use ModelSource.atPath");
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
      return new ModelSource(ModelHash.of(bytes), bytes, null, opener);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A TensorFlow Lite model at a path that every executor can read. The driver hashes it now when it can read the
   * path too; executors then check their copy against that hash.
   */
  public static ModelSource atPath(String path) {
    return atPath(path, ModelOpener.tfLite());
  }

  /**
   * A model file or directory (a SavedModel, for a runtime that reads those) at a path that every executor can
   * read, opened there by {@code opener}.
   */
  public static ModelSource atPath(String path, ModelOpener opener) {
    Objects.requireNonNull(path, "path");
    Path local = Path.of(path);
    String hash = Files.exists(local) ? ModelHash.of(local) : null;
    return new ModelSource(hash, null, path, opener);
  }

  /** @return the driver-side id: one per source object, shared by every task that carries it */
  public String id() {
    return id;
  }

  /** @return the SHA-256 the driver computed, or null for a path the driver could not read */
  public String sha256() {
    return sha256;
  }

  /** @return true when the model's bytes travel with the tasks */
  public boolean shipsBytes() {
    return bytes != null;
  }

  /** @return the path executors read, or null when the bytes are shipped */
  public String path() {
    return path;
  }

  byte[] bytes() {
    return bytes;
  }

  ModelOpener opener() {
    return opener;
  }

  /** @return the executor cache key: driver-side id plus model hash */
  String cacheKey() {
    return id + "/" + sha256;
  }

  @Override
  public String toString() {
    return "ModelSource[" + (bytes != null ? bytes.length + " bytes shipped" : "path " + path) + ", sha256 "
        + (sha256 == null ? "unknown on the driver" : sha256.substring(0, 12)) + "]";
  }
}
