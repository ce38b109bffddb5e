package io.litemodel.internal.tflite;

import io.litemodel.BuildVersions;
import io.litemodel.LiteModelException;
import io.litemodel.NativeLog;
import io.litemodel.internal.core.LoadOnce;
import io.litemodel.internal.core.NativeText;
import io.litemodel.internal.presets.LiteModelShim;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;
import org.bytedeco.tensorflowlite.global.tensorflowlite;

/**
 * Loads the native libraries once: bytedeco's TensorFlow Lite build, then LiteModel's shim, bound to it.
 *
 * <p>Failure is remembered and reported with the same explanation on every later attempt, so a missing platform
 * artifact gives one clear message instead of a trail of {@link UnsatisfiedLinkError}s.
 */
public final class NativeRuntime {
  /** Loads once; its value is the TensorFlow Lite version string of the loaded library. */
  private static final LoadOnce<String, LiteModelException> NATIVES =
      new LoadOnce<>(LiteModelException.class, NativeRuntime::load);
  /**
   * Where JavaCPP loaded TensorFlow Lite from; null until loaded. Set before the shim binds (a failed bind keeps it:
   * the log level still reaches the library that did load), so it is not part of {@link #NATIVES}' value.
   */
  private static volatile String tflitePath;

  private NativeRuntime() {}

  /**
   * Makes sure the native libraries are loaded.
   *
   * @throws LiteModelException with {@link LiteModelException.Status#NATIVE_LIBRARY_UNAVAILABLE} and a fix
   */
  public static void ensureLoaded() {
    NATIVES.get();
  }

  /**
   * The loading action, run under {@link #NATIVES}' lock: a failure is thrown as the {@link LiteModelException} that
   * every later attempt rethrows; a bad {@link NativeLog#PROPERTY} value is not remembered (nothing was loaded).
   *
   * @return the TensorFlow Lite version string
   */
  private static String load() {
    String platform = Loader.getPlatform();
    NativeLog log = NativeLog.current(); // a bad property value fails here, before anything is loaded
    String unsupported = unsupportedPlatformMessage(platform);
    if (unsupported != null) { // before any load, which would fail with a platform-specific link error
      throw new LiteModelException(LiteModelException.Status.NATIVE_LIBRARY_UNAVAILABLE, unsupported);
    }
    boolean tfliteLoaded = false;
    try {
      String path = Loader.load(tensorflowlite.class);
      if (path == null) {
        throw new UnsatisfiedLinkError("JavaCPP found no jnitensorflowlite library");
      }
      tfliteLoaded = true;
      Loader.load(LiteModelShim.class);
      // Before lm_bind: its XNNPACK layout probe is what logs TensorFlow Lite's first line.
      LiteModelShim.lm_log_set_severity(path, log.severity());
      tflitePath = path;
      try (BytePointer error = new BytePointer(512)) {
        if (LiteModelShim.lm_bind(path, error, (int) error.capacity()) != 0) {
          throw new UnsatisfiedLinkError("binding to " + path + " failed: " + NativeText.of(error));
        }
      }
      return tensorflowlite.TfLiteVersion().getString();
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      throw new LiteModelException(LiteModelException.Status.NATIVE_LIBRARY_UNAVAILABLE,
          tfliteLoaded ? shimUnusableMessage(platform, e) : unavailableMessage(platform, e), e);
    }
  }

  /** @return the TensorFlow Lite version string of the loaded library */
  public static String tfliteVersion() {
    return NATIVES.get();
  }

  /**
   * Sets TensorFlow Lite's log threshold now when the natives are loaded (otherwise {@link #ensureLoaded} applies
   * {@link NativeLog#current()} when it loads them).
   */
  public static void applyNativeLog(NativeLog level) {
    NATIVES.runSettled(() -> { // waits for a load in progress, which would otherwise apply the level it read earlier
      String path = tflitePath;
      if (path != null) {
        LiteModelShim.lm_log_set_severity(path, level.severity());
      }
    });
  }

  /** @return TensorFlow Lite's log threshold now ({@code tflite::LogSeverity}), or -1 if unknown or not loaded */
  public static int nativeLogSeverity() {
    String path = tflitePath;
    return path == null ? -1 : LiteModelShim.lm_log_severity(path);
  }

  /**
   * The platforms LiteModel's JNI shims are built for: those the presets declare (the list the JavaCPP plugin
   * builds), read without initializing the class, which would load its library.
   */
  static List<String> supportedPlatforms() {
    Platform[] platforms = LiteModelShim.class.getAnnotation(Properties.class).value();
    return Arrays.stream(platforms).flatMap(p -> Arrays.stream(p.value())).distinct().toList();
  }

  /**
   * @return why LiteModel cannot run on {@code platform} (not a platform it is built for, or this jar lacks the shim
   *     for it), or null when the shim for it is here
   */
  static String unsupportedPlatformMessage(String platform) {
    List<String> supported = supportedPlatforms();
    if (!supported.contains(platform)) {
      return "LiteModel does not run on platform '" + platform + "' yet: its native shim is built for "
          + String.join(" and ", supported) + " only (docs/platforms.md says what each other platform lacks).";
    }
    String library = platform + "/" + System.mapLibraryName("jni" + LiteModelShim.class.getSimpleName());
    if (LiteModelShim.class.getResource(library) == null) {
      return "This LiteModel jar has no native shim for platform '" + platform + "' (no "
          + LiteModelShim.class.getPackageName().replace('.', '/') + "/" + library + " on the class path): it was "
          + "built without that platform. Use a LiteModel jar built with -Pfull, which holds the shims "
          + "for " + String.join(" and ", supported) + ", or build it on a " + platform + " machine.";
    }
    return null;
  }

  /** TensorFlow Lite loaded, but this jar's own shim for the platform did not load or bind. */
  static String shimUnusableMessage(String platform, Throwable cause) {
    return "LiteModel's JNI shim for platform '" + platform + "' is in this jar but could not be used ("
        + cause.getMessage() + "): the jar is damaged or its shim was built for another CPU or TensorFlow Lite "
        + "build. Use a LiteModel jar built from one source tree (mvn -Pfull package).";
  }

  static String unavailableMessage(String platform, Throwable cause) {
    return "TensorFlow Lite native libraries could not be loaded for platform '" + platform + "' ("
        + cause.getMessage() + "). Fix: put the natives for this platform on the classpath, e.g. the Maven "
        + "dependency org.bytedeco:tensorflow-lite:" + BuildVersions.tensorFlowLiteArtifact() + " with classifier "
        + platform
        + " (or depend on org.bytedeco:tensorflow-lite-platform and build with -Djavacpp.platform=" + platform
        + ").";
  }
}
