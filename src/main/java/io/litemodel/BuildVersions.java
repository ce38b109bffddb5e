package io.litemodel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The versions this LiteModel build was made with, as pom.xml declares them (the build filters them into the
 * resource {@value #RESOURCE}), so that messages, the CLI and the tests never repeat a version literal.
 *
 * <pre>{@code
 * String dependency = "org.bytedeco:tensorflow-lite:" + BuildVersions.tensorFlowLiteArtifact();
 * }</pre>
 */
public final class BuildVersions {
  /** The class-path resource the versions are read from. */
  public static final String RESOURCE = "/io/litemodel/litemodel-versions.properties";

  private static final Properties VERSIONS = load();

  private BuildVersions() {}

  /** @return LiteModel's own version, e.g. {@code 0.1.0-SNAPSHOT} */
  public static String liteModel() {
    return get("litemodel");
  }

  /** @return the JavaCPP version of the bytedeco artifacts, e.g. {@code 1.5.13} */
  public static String javacpp() {
    return get("javacpp");
  }

  /** @return the version of the {@code org.bytedeco:tensorflow-lite} artifact, e.g. {@code 2.20.0-1.5.13} */
  public static String tensorFlowLiteArtifact() {
    return get("tensorflow-lite");
  }

  /**
   * @return the TensorFlow Lite release inside that artifact (the part before JavaCPP's suffix), e.g. {@code 2.20.0},
   *     which is what {@link LiteModel#tensorFlowLiteVersion()} reports once loaded
   */
  public static String tensorFlowLite() {
    String artifact = tensorFlowLiteArtifact();
    int dash = artifact.indexOf('-');
    return dash < 0 ? artifact : artifact.substring(0, dash);
  }

  /** @return the version of the optional {@code org.bytedeco:opencv} artifact, e.g. {@code 4.13.0-1.5.13} */
  public static String openCvArtifact() {
    return get("opencv");
  }

  /**
   * @return the version of the optional {@code org.tensorflow:tensorflow-core-native} artifact behind the TensorFlow
   *     runtime, e.g. {@code 1.2.0}
   */
  public static String tensorFlowJava() {
    return get("tensorflow-java");
  }

  private static String get(String key) {
    String value = VERSIONS.getProperty(key);
    if (value == null || value.isEmpty() || value.contains("${")) {
      throw new IllegalStateException(RESOURCE + " has no resolved '" + key + "' (found " + value
          + "): this LiteModel jar was not built by its Maven build");
    }
    return value;
  }

  private static Properties load() {
    Properties properties = new Properties();
    try (InputStream in = BuildVersions.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing: this LiteModel jar was not built by its Maven build");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    return properties;
  }
}
