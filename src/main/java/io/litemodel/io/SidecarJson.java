package io.litemodel.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a sidecar's JSON into a {@link ModelSidecar}, with a message naming the file and the field for anything
 * missing or of the wrong kind. The only class that touches Jackson, an optional dependency.
 */
final class SidecarJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  private SidecarJson(Path file) {
    this.file = file;
  }

  static ModelSidecar parse(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    return new SidecarJson(file).sidecar(root);
  }

  private ModelSidecar sidecar(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw bad("its top level is not a JSON object");
    }
    long version = integer(root, "format_version");
    if (version < ModelSidecar.OLDEST_FORMAT || version > ModelSidecar.NEWEST_FORMAT) {
      throw bad("format_version " + version + " is not one this LiteModel reads (" + ModelSidecar.OLDEST_FORMAT
          + " to " + ModelSidecar.NEWEST_FORMAT + ")" + (version > ModelSidecar.NEWEST_FORMAT
              ? "; it was written by a newer converter: update LiteModel" : ""));
    }
    List<ModelSidecar.Signature> signatures = new ArrayList<>();
    for (JsonNode s : array(root, "signatures")) {
      signatures.add(new ModelSidecar.Signature(text(s, "key"), tensors(s, "inputs"), tensors(s, "outputs")));
    }
    JsonNode defaultSignature = root.get("default_signature");
    return new ModelSidecar(file, (int) version, fileName(text(root, "model_file"), "model_file"),
        text(root, "model_sha256"), integer(root, "model_bytes"),
        defaultSignature == null || defaultSignature.isNull() ? null : defaultSignature.asText(), signatures,
        preprocessing(root.get("preprocessing")), verification(root.get("verification")),
        goldenReference(root.get("golden")), goldenFiles(root.get("golden")));
  }

  private List<ModelSidecar.Tensor> tensors(JsonNode signature, String field) {
    List<ModelSidecar.Tensor> tensors = new ArrayList<>();
    for (JsonNode t : array(signature, field)) {
      tensors.add(new ModelSidecar.Tensor(text(t, "name"), shape(t), text(t, "dtype"), bool(t, "quantized"),
          number(t, "scale"), integer(t, "zero_point")));
    }
    return tensors;
  }

  private ModelSidecar.Preprocessing preprocessing(JsonNode node) {
    if (node == null || node.isNull()) {
      return null; // format 1, or converted without --preprocess
    }
    return new ModelSidecar.Preprocessing(text(node, "normalization"), text(node, "formula"));
  }

  private ModelSidecar.Verification verification(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    JsonNode tolerance = field(node, "tolerance");
    return new ModelSidecar.Verification(bool(node, "passed"), number(tolerance, "atol"), number(tolerance, "rtol"));
  }

  private String goldenReference(JsonNode golden) {
    return golden == null || golden.isNull() ? null : text(golden, "reference");
  }

  private List<ModelSidecar.GoldenFile> goldenFiles(JsonNode golden) {
    List<ModelSidecar.GoldenFile> files = new ArrayList<>();
    if (golden == null || golden.isNull()) {
      return files;
    }
    for (JsonNode g : array(golden, "files")) {
      files.add(new ModelSidecar.GoldenFile(text(g, "signature"), text(g, "kind"), text(g, "role"), text(g, "tensor"),
          file.resolveSibling(fileName(text(g, "file"), "golden file")), text(g, "dtype"), shape(g)));
    }
    return files;
  }

  /** A name in the sidecar's own folder: a sidecar must not point a reader at files elsewhere. */
  private String fileName(String name, String what) {
    Path path = Path.of(name);
    if (name.isEmpty() || path.isAbsolute() || path.getNameCount() != 1 || name.equals("..") || name.equals(".")) {
      throw bad(what + " '" + name + "' is not a file name in the sidecar's folder");
    }
    return name;
  }

  private List<Integer> shape(JsonNode node) {
    List<Integer> shape = new ArrayList<>();
    for (JsonNode d : array(node, "shape")) {
      if (!d.canConvertToInt()) {
        throw bad("a shape holds " + d + ", not an integer");
      }
      shape.add(d.intValue());
    }
    return shape;
  }

  private JsonNode field(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      throw bad("no '" + name + "'");
    }
    return value;
  }

  private Iterable<JsonNode> array(JsonNode node, String name) {
    JsonNode value = field(node, name);
    if (!value.isArray()) {
      throw bad("'" + name + "' is not a list");
    }
    return value;
  }

  private String text(JsonNode node, String name) {
    JsonNode value = field(node, name);
    if (!value.isTextual()) {
      throw bad("'" + name + "' is not a string");
    }
    return value.textValue();
  }

  private long integer(JsonNode node, String name) {
    JsonNode value = field(node, name);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw bad("'" + name + "' is not an integer");
    }
    return value.longValue();
  }

  private double number(JsonNode node, String name) {
    JsonNode value = field(node, name);
    if (!value.isNumber()) {
      throw bad("'" + name + "' is not a number");
    }
    return value.doubleValue();
  }

  private boolean bool(JsonNode node, String name) {
    JsonNode value = field(node, name);
    if (!value.isBoolean()) {
      throw bad("'" + name + "' is not true or false");
    }
    return value.booleanValue();
  }

  private IllegalArgumentException bad(String what) {
    return new IllegalArgumentException(file + " is not a sidecar LiteModel reads: " + what);
  }
}
