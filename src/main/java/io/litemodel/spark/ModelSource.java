package io.litemodel.spark;

import io.litemodel.LiteModel;
import io.litemodel.open.ModelFormat;
import io.litemodel.open.Models;
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
 *
 * <p>Executors open the model with {@link Models#open(Path)}, which picks the runtime from the path: a
 * {@code .tflite} file on TensorFlow Lite, a SavedModel directory on the TensorFlow runtime (which the executors then
 * need on their class path). Shipped bytes are written to a local file of the same format.
 */
public final class ModelSource implements Serializable {
  private static final long serialVersionUID = 3L;

  private final String id;
  private final String sha256;
  private final byte[] bytes;
  private final String path;
  /** The format of shipped bytes, which names their local copy so that it opens with the right runtime. */
  private final ModelFormat format;
  private final LiteModel.Options options;

  private ModelSource(String sha256, byte[] bytes, String path, ModelFormat format, LiteModel.Options options) {
    this.id = UUID.randomUUID().toString();
    this.sha256 = sha256;
    this.bytes = bytes;
    this.path = path;
    this.format = format;
    this.options = options;
  }

  /**
   * The same model, opened on the executors with these TensorFlow Lite options (threads, XNNPACK, accelerator,
   * memory budget, ...). A new source, with its own cache key: a model loaded with other options is never reused.
   *
   * @param options the options for a {@code .tflite} model; a TensorFlow model keeps its runtime's defaults
   * @return a new source
   */
  public ModelSource withOptions(LiteModel.Options options) {
    return new ModelSource(sha256, bytes, path, format, Objects.requireNonNull(options, "options"));
  }

  /** @return the TensorFlow Lite options executors open the model with */
  public LiteModel.Options options() {
    return options;
  }

  /**
   * Ships a single-file model's bytes to the executors (each task carries them; keep this for models of up to some
   * tens of MB, and use {@link #atPath} beyond), each of which opens a local copy with {@link Models#open(Path)}.
   *
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException if {@code file} is a directory (ship those {@link #atPath})
   */
  public static ModelSource shipBytes(Path file) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(file + " is a directory; only single-file models ship as bytes: put it "
          + "where every executor can read it and use ModelSource.atPath");
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
      return new ModelSource(ModelHash.of(bytes), bytes, null, ModelFormat.of(file), LiteModel.Options.defaults());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A model file, or a SavedModel directory, at a path that every executor can read, opened there with
   * {@link Models#open(Path)}. The driver hashes it now when it can read the path too; executors then check their
   * copy against that hash.
   */
  public static ModelSource atPath(String path) {
    Objects.requireNonNull(path, "path");
    Path local = Path.of(path);
    String hash = Files.exists(local) ? ModelHash.of(local) : null;
    return new ModelSource(hash, null, path, null, LiteModel.Options.defaults());
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

  /**
   * Writes the shipped bytes to a new temporary file named so that {@link Models#open(Path)} reads its format.
   *
   * @param prefix the file name's start, saying who made it
   * @return the file; the caller deletes it
   */
  Path writeLocalCopy(String prefix) throws IOException {
    Path copy = Files.createTempFile(prefix, format.suffix());
    try {
      Files.write(copy, bytes);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(copy); // a full disk, say: leave no partial copy behind
      } catch (IOException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
    return copy;
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
