package io.litemodel;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * The small models in {@code src/test/resources/io/litemodel/semantics/} (made by
 * {@code src/test/python/make_semantics_models.py}) that exercise what the reference models do not: dynamic
 * dimensions, resource variables, control flow, delegate-only custom operators.
 */
public final class SemanticsModels {
  private SemanticsModels() {}

  /** @return the path of {@code <name>.tflite} (or of any file with that name when it has an extension) */
  public static Path path(String name) {
    String file = name.contains(".") ? name : name + ".tflite";
    URL url = SemanticsModels.class.getResource("semantics/" + file);
    if (url == null) {
      throw new IllegalStateException("test resource semantics/" + file + " is missing: run "
          + ".venv/bin/python src/test/python/make_semantics_models.py");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** @return the values of {@code <name>.npy} */
  public static ReferenceModels.Npy npy(String name) {
    return ReferenceModels.Npy.read(path(name + ".npy"));
  }
}
