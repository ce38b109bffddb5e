package io.litemodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Test access to the public models of the conformance suite: the manifest ({@code models/public/manifest.json}) and
 * the cache that {@code models/public/gather.py} fills ({@code models/.cache/public/<name>/}: the model file,
 * {@code reference.json} and the reference {@code .npy} files written by TensorFlow's Python interpreter). Public so
 * that tests of other packages (the batcher's) run the same models, skipped the same way when the cache is missing.
 */
public final class PublicModels {
  /** The command that builds the cache, for messages ({@code mvn -Pfull} runs it in generate-test-resources). */
  public static final String GATHER_COMMAND = ".venv/bin/python models/public/gather.py";

  public static final Path MANIFEST = Path.of(System.getProperty("litemodel.public.manifest",
      "models/public/manifest.json")).toAbsolutePath();
  public static final Path CACHE = Path.of(System.getProperty("litemodel.public.cache", "models/.cache/public"))
      .toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  private PublicModels() {}

  /** One model of the manifest, with its package. */
  public record Entry(String name, String packageName, String version, String path, String sha256, String category,
      JsonNode manifest) {
    /** @return the model file in the cache */
    public Path file() {
      return CACHE.resolve(name).resolve("model.tflite");
    }

    /** @return the model's reference data folder in the cache */
    public Path folder() {
      return CACHE.resolve(name);
    }

    /** @return the package as a reader looks it up: {@code name==version} */
    String source() {
      return packageName + "==" + version;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** @return every model of the manifest, in its order */
  public static List<Entry> entries() {
    JsonNode manifest = read(MANIFEST);
    List<Entry> entries = new ArrayList<>();
    for (JsonNode model : manifest.path("models")) {
      String packageName = model.path("package").asText();
      JsonNode pkg = manifest.path("packages").path(packageName);
      entries.add(new Entry(model.path("name").asText(), packageName, pkg.path("version").asText(),
          model.path("path").asText(), model.path("sha256").asText(), model.path("category").asText(), model));
    }
    return entries;
  }

  /** @return the manifest's model named {@code name} */
  public static Entry entry(String name) {
    return entries().stream().filter(entry -> entry.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("not in the manifest: " + name));
  }

  /**
   * @return why the cache cannot serve {@code entry} (missing files, or a model file whose sha256 is not the pinned
   *     one), with the command that fixes it; null when it can
   */
  public static String unavailable(Entry entry) {
    Path reference = entry.folder().resolve("reference.json");
    if (!Files.isRegularFile(entry.file()) || !Files.isRegularFile(reference)) {
      return "public model cache not built: " + entry.folder() + " lacks model.tflite or reference.json; build it with "
          + GATHER_COMMAND + " (mvn -Pfull runs it in generate-test-resources unless -Dskip.public.models=true)";
    }
    String actual = sha256(entry.file());
    if (!actual.equals(entry.sha256())) {
      return entry.file() + " has sha256 " + actual + ", the manifest pins " + entry.sha256() + "; rebuild with "
          + GATHER_COMMAND;
    }
    return null;
  }

  /** @return the reference data TensorFlow's Python interpreter wrote for {@code entry} */
  public static JsonNode reference(Entry entry) {
    return read(entry.folder().resolve("reference.json"));
  }

  private static JsonNode read(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String sha256(Path file) {
    try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file),
        MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(in.getMessageDigest().digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }
}
