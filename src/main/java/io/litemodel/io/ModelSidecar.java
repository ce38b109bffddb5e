package io.litemodel.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The JSON sidecar the converter ({@code python -m keras2tflite}) writes beside each model as {@code <model>.json}:
 * the model's signatures with their tensors' names, shapes, types and quantization, the image preprocessing it
 * expects, how it was verified, and its golden files. Immutable.
 *
 * <pre>{@code
 * Optional<ModelSidecar> sidecar = ModelSidecar.besideModel(Path.of("models/image_cnn.tflite"));
 * Normalization n = sidecar.flatMap(ModelSidecar::preprocessing)
 *     .map(p -> Normalization.parse(p.normalization())).orElse(Normalization.unit());
 * }</pre>
 *
 * <p>Reads format versions 1 and 2 (2 added {@code preprocessing}; a version-1 sidecar has none). Needs
 * {@code com.fasterxml.jackson.core:jackson-databind} on the class path, an optional dependency of LiteModel (the
 * CLI jar has it); without it {@link #read} throws {@link IllegalStateException} saying so.
 */
public final class ModelSidecar {
  /** The oldest {@code format_version} this reader understands. */
  public static final int OLDEST_FORMAT = 1;
  /** The newest {@code format_version} this reader understands (the converter's {@code SIDECAR_FORMAT_VERSION}). */
  public static final int NEWEST_FORMAT = 2;

  private static final String JACKSON = "com.fasterxml.jackson.databind.ObjectMapper";

  private final Path file;
  private final int formatVersion;
  private final String modelFile;
  private final String modelSha256;
  private final long modelBytes;
  private final String defaultSignature;
  private final List<Signature> signatures;
  private final Preprocessing preprocessing;
  private final Verification verification;
  private final String goldenReference;
  private final List<GoldenFile> goldenFiles;

  ModelSidecar(Path file, int formatVersion, String modelFile, String modelSha256, long modelBytes,
      String defaultSignature, List<Signature> signatures, Preprocessing preprocessing, Verification verification,
      String goldenReference, List<GoldenFile> goldenFiles) {
    this.file = file;
    this.formatVersion = formatVersion;
    this.modelFile = modelFile;
    this.modelSha256 = modelSha256;
    this.modelBytes = modelBytes;
    this.defaultSignature = defaultSignature;
    this.signatures = List.copyOf(signatures);
    this.preprocessing = preprocessing;
    this.verification = verification;
    this.goldenReference = goldenReference;
    this.goldenFiles = List.copyOf(goldenFiles);
  }

  /**
   * @param model a model file ({@code x.tflite})
   * @return where its sidecar is: the same path with {@code .json} instead of the extension ({@code x.json})
   */
  public static Path pathFor(Path model) {
    String name = model.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return model.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".json");
  }

  /**
   * Reads the sidecar beside a model, if there is one.
   *
   * @param model a model file
   * @return the sidecar at {@link #pathFor(Path)}, or empty when no such file exists
   * @throws IOException if it exists but cannot be read
   * @throws IllegalArgumentException if it is not a sidecar this reader understands
   */
  public static Optional<ModelSidecar> besideModel(Path model) throws IOException {
    Path json = pathFor(model);
    return Files.isRegularFile(json) ? Optional.of(read(json)) : Optional.empty();
  }

  /**
   * Reads a sidecar.
   *
   * @param json the {@code .json} file
   * @return its content
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException if it is not JSON, lacks a field this reader needs, has a format version outside
   *     {@value #OLDEST_FORMAT}..{@value #NEWEST_FORMAT}, or names a golden file outside its own folder; the
   *     message names the file and the field
   * @throws IllegalStateException if jackson-databind is not on the class path
   */
  public static ModelSidecar read(Path json) throws IOException {
    try {
      Class.forName(JACKSON, false, ModelSidecar.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("reading " + json + " needs com.fasterxml.jackson.core:jackson-databind on the "
          + "class path (an optional dependency of LiteModel)", e);
    }
    return SidecarJson.parse(json); // a class of its own, so that loading this one never needs Jackson
  }

  /** @return the file this was read from */
  public Path file() {
    return file;
  }

  /** @return the sidecar's {@code format_version} */
  public int formatVersion() {
    return formatVersion;
  }

  /** @return the model file's path: its recorded name, in the sidecar's folder */
  public Path modelFile() {
    return file.resolveSibling(modelFile);
  }

  /**
   * Says whether a model file is the one this sidecar describes: same size and SHA-256 as recorded (a sidecar left
   * beside a model converted again, or copied beside another, describes something else).
   *
   * @param model a model file
   * @return true when its size and SHA-256 are the recorded ones
   * @throws IOException if it cannot be read
   */
  public boolean describes(Path model) throws IOException {
    if (Files.size(model) != modelBytes) {
      return false;
    }
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e); // every Java SE platform must have it
    }
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(model)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest()).equals(modelSha256);
  }

  /** @return the signature a plain load runs, or empty when the model has several (pick one by key) */
  public Optional<String> defaultSignature() {
    return Optional.ofNullable(defaultSignature);
  }

  /** @return every signature, in the model's order */
  public List<Signature> signatures() {
    return signatures;
  }

  /**
   * @param key a signature key
   * @return that signature
   * @throws IllegalArgumentException if the model has none of that key (the message lists the keys)
   */
  public Signature signature(String key) {
    for (Signature s : signatures) {
      if (s.key().equals(key)) {
        return s;
      }
    }
    throw new IllegalArgumentException(file + " has no signature '" + key + "'; it has "
        + signatures.stream().map(Signature::key).toList());
  }

  /** @return the preprocessing the model expects, or empty when the sidecar does not record it */
  public Optional<Preprocessing> preprocessing() {
    return Optional.ofNullable(preprocessing);
  }

  /** @return how the converter verified the model, or empty when it was converted without verification */
  public Optional<Verification> verification() {
    return Optional.ofNullable(verification);
  }

  /**
   * @return the kind of the golden files that hold the source model's outputs ({@code keras}, or {@code tf} for a
   *     SavedModel), or empty without golden files
   */
  public Optional<String> goldenReference() {
    return Optional.ofNullable(goldenReference);
  }

  /** @return every golden file, empty when the model was converted without {@code --golden} */
  public List<GoldenFile> goldenFiles() {
    return goldenFiles;
  }

  /**
   * @param signature a signature key
   * @param kind {@code input}, {@code input_int8}, {@code keras} (or the reference's name), {@code tflite} or
   *     {@code tflite_int8}
   * @param tensor the tensor's name
   * @return that golden file, or empty
   */
  public Optional<GoldenFile> golden(String signature, String kind, String tensor) {
    return goldenFiles.stream()
        .filter(g -> g.signature().equals(signature) && g.kind().equals(kind) && g.tensor().equals(tensor))
        .findFirst();
  }

  @Override
  public String toString() {
    return file + " (format " + formatVersion + ", " + signatures.size() + " signature(s), "
        + goldenFiles.size() + " golden files)";
  }

  /**
   * One input or output tensor of a signature.
   *
   * @param name the signature's name for it
   * @param shape its shape, {@code -1} for a dynamic dimension
   * @param dtype its element type as TensorFlow spells it ({@code float32}, {@code int8}, ...)
   * @param quantized whether it is quantized
   * @param scale the quantization scale (0 when not quantized)
   * @param zeroPoint the quantization zero point
   */
  public record Tensor(String name, List<Integer> shape, String dtype, boolean quantized, double scale,
      long zeroPoint) {
    /** Copies the shape, so that the record is immutable. */
    public Tensor {
      shape = List.copyOf(shape);
    }
  }

  /**
   * One signature of the model.
   *
   * @param key its key ({@code serving_default} for a single-signature Keras model)
   * @param inputs its inputs, in order
   * @param outputs its outputs, in order
   */
  public record Signature(String key, List<Tensor> inputs, List<Tensor> outputs) {
    /** Copies the lists, so that the record is immutable. */
    public Signature {
      inputs = List.copyOf(inputs);
      outputs = List.copyOf(outputs);
    }
  }

  /**
   * The image preprocessing the model expects (the converter's {@code --preprocess}).
   *
   * @param normalization a spelling {@code io.litemodel.image.Normalization.parse} takes ({@code unit},
   *     {@code symmetric}, {@code raw}, {@code imagenet}, {@code meanstd:...}), or {@code none}
   * @param formula what it does, in words
   */
  public record Preprocessing(String normalization, String formula) {
    /** @return true when the model's inputs are images whose pixels this normalization scales (not {@code none}) */
    public boolean scalesPixels() {
      return !normalization.equals("none");
    }
  }

  /**
   * How the converter verified the model against its source: an output passed when
   * {@code max_abs <= atol + rtol * max|reference|}.
   *
   * @param passed whether every output passed
   * @param atol the absolute tolerance
   * @param rtol the tolerance relative to the largest reference value
   */
  public record Verification(boolean passed, double atol, double rtol) {}

  /**
   * One golden {@code .npy} file.
   *
   * @param signature the signature it belongs to
   * @param kind {@code input}, {@code input_int8}, the reference's name ({@code keras}), {@code tflite} or
   *     {@code tflite_int8}
   * @param role {@code input} or {@code output}
   * @param tensor the tensor's name
   * @param file its path, in the sidecar's folder
   * @param dtype its element type
   * @param shape its shape (samples first)
   */
  public record GoldenFile(String signature, String kind, String role, String tensor, Path file, String dtype,
      List<Integer> shape) {
    /** Copies the shape, so that the record is immutable. */
    public GoldenFile {
      shape = List.copyOf(shape);
    }
  }
}
