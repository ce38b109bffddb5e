package io.litemodel.tensorflow;

import io.litemodel.BuildVersions;
import io.litemodel.LiteModelException;
import io.litemodel.internal.core.LoadOnce;
import io.litemodel.internal.presets.TfShim;
import java.util.Optional;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;

/**
 * Loads the TensorFlow C API natives (TF Java's {@code tensorflow-core-native}) once, and says exactly which artifact
 * to add when they are missing. Also resolves the address of {@code TF_TensorData} for the allocation-free shim.
 */
final class TfNatives {
  /** The class of TF Java's C API mapping; looked up by name so that this class loads without it. */
  static final String MAPPING_CLASS = "org.tensorflow.internal.c_api.global.tensorflow";
  /** Where TF Java's natives jar keeps each platform's libraries (a folder per platform, e.g. linux-x86_64/). */
  static final String NATIVES_FOLDER = "org/tensorflow/internal/c_api/";

  /** Loads once; its value is the address of {@code TF_TensorData}. */
  private static final LoadOnce<Long, LiteModelException> NATIVES =
      new LoadOnce<>(LiteModelException.class, TfNatives::load);

  private TfNatives() {}

  /**
   * Loads the natives on first use; later calls return at once (or rethrow the first failure).
   *
   * @throws LiteModelException with {@link LiteModelException.Status#NATIVE_LIBRARY_UNAVAILABLE} naming the artifact
   */
  static void ensureLoaded() {
    NATIVES.get();
  }

  /**
   * The loading action, run under {@link #NATIVES}' lock; each failure is thrown as the {@link LiteModelException}
   * that every later attempt rethrows.
   *
   * @return the address of {@code TF_TensorData}
   */
  private static Long load() {
    String platform = Loader.getPlatform();
    try {
      Class<?> mapping = Class.forName(MAPPING_CLASS, true, TfNatives.class.getClassLoader());
      Loader.load(mapping);
      Loader.load(TfShim.class);
      Pointer function = Loader.addressof("TF_TensorData");
      if (function == null || function.isNull()) {
        throw new UnsatisfiedLinkError("TF_TensorData not found in the loaded TensorFlow library");
      }
      return function.address();
    } catch (ClassNotFoundException | NoClassDefFoundError e) {
      throw new LiteModelException(LiteModelException.Status.NATIVE_LIBRARY_UNAVAILABLE,
          missingMessage(platform, "the TensorFlow C API classes are not on the class path (" + e.getMessage()
              + ")"), e);
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      throw new LiteModelException(LiteModelException.Status.NATIVE_LIBRARY_UNAVAILABLE,
          missingMessage(platform, "the TensorFlow natives for " + platform + " could not be loaded ("
              + e.getMessage() + ")"), e);
    }
  }

  /**
   * @return the address of {@code TF_TensorData} (loading the natives first if needed)
   * @throws LiteModelException as {@link #ensureLoaded()}
   */
  static long tensorDataFunction() {
    return NATIVES.get();
  }

  /**
   * Says whether the TensorFlow runtime is on the class path, without loading it: loading extracts and maps several
   * hundred megabytes of natives, which a question about the class path should not cost.
   *
   * @return empty when TF Java's C API classes and the natives for this platform are on the class path; else the
   *     message loading would fail with
   */
  static Optional<String> problemWithoutLoading() {
    String platform = Loader.getPlatform();
    ClassLoader loader = TfNatives.class.getClassLoader();
    try {
      Class.forName(MAPPING_CLASS, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return Optional.of(missingMessage(platform, "the TensorFlow C API classes are not on the class path ("
          + e.getMessage() + ")"));
    }
    if (loader.getResource(NATIVES_FOLDER + platform + "/") == null) {
      return Optional.of(missingMessage(platform, "the TensorFlow natives for " + platform
          + " are not on the class path"));
    }
    return Optional.empty();
  }

  /** The message for missing natives: what failed, and the exact Maven coordinates that fix it. */
  static String missingMessage(String platform, String what) {
    String version = BuildVersions.tensorFlowJava();
    return "The TensorFlow runtime is not available: " + what + ". Add org.tensorflow:tensorflow-core-native:"
        + version + " and its natives org.tensorflow:tensorflow-core-native:" + version + ":" + platform
        + " (classifier " + platform + ", or " + platform + "-gpu for CUDA) to the class path, with "
        + "com.google.protobuf:protobuf-java (see docs/tensorflow.md)";
  }
}
