package io.litemodel.internal.litert;

import io.litemodel.GpuAccelerator;
import io.litemodel.LiteModelException;
import io.litemodel.internal.core.LoadOnce;
import io.litemodel.internal.core.NativeText;
import io.litemodel.internal.presets.LiteRtShim;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;

/**
 * Finds and binds LiteRT's natives ({@code libLiteRt.so} and its GPU accelerator) once, for the GPU path.
 *
 * <p>They are not in LiteModel's jar (about 27 MB that CPU-only users should not download). They come, in this order,
 * from the folder the system property {@value #DIR_PROPERTY} or the environment variable {@value #DIR_ENV} names
 * ({@code native/litert/fetch.sh} fills one from the pinned {@code ai-edge-litert} wheel), or from the natives jar of
 * classifier {@value #NATIVES_CLASSIFIER} on the class path (the build packs the same files into it), extracted by
 * JavaCPP's cache. A failure is remembered and reported with the same explanation on every later attempt.
 */
public final class LiteRtRuntime {
  /** System property naming the folder with libLiteRt.so and libLiteRtWebGpuAccelerator.so. */
  public static final String DIR_PROPERTY = "litemodel.litert.dir";
  /** Environment variable used when the system property is not set. */
  static final String DIR_ENV = "LITEMODEL_LITERT_DIR";
  public static final String LIBRARY = "libLiteRt.so";
  static final String GPU_ACCELERATOR_LIBRARY = "libLiteRtWebGpuAccelerator.so";
  /** The classifier of the jar that carries both libraries (built by {@code mvn -Pfull package}). */
  static final String NATIVES_CLASSIFIER = "linux-x86_64-litert";
  /** Where that jar keeps them. */
  static final String RESOURCE_FOLDER = "/io/litemodel/litert/linux-x86_64/";

  /** Binds once; its value is the folder LiteRT was loaded from. */
  private static final LoadOnce<Path, LiteModelException> BOUND =
      new LoadOnce<>(LiteModelException.class, LiteRtRuntime::bind);

  private LiteRtRuntime() {}

  /**
   * Binds LiteRT if not yet done.
   *
   * @return the folder LiteRT was loaded from (also where its GPU accelerator is looked for)
   * @throws LiteModelException with {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} and the fix
   */
  static Path ensureBound() {
    return BOUND.get();
  }

  /**
   * The binding action, run under {@link #BOUND}'s lock; each {@link LiteModelException} it throws is the one every
   * later attempt rethrows.
   */
  private static Path bind() {
    try {
      Path dir = configuredDirectory();
      Path library = dir.resolve(LIBRARY);
      if (!Files.isRegularFile(library)) {
        throw unavailable(library + " does not exist. " + howToFetch());
      }
      if (!Files.isRegularFile(dir.resolve(GPU_ACCELERATOR_LIBRARY))) {
        throw unavailable(dir.resolve(GPU_ACCELERATOR_LIBRARY) + " does not exist: LiteRT's GPU accelerator "
            + "belongs beside " + LIBRARY + ". " + howToFetch());
      }
      Loader.load(LiteRtShim.class);
      try (BytePointer error = new BytePointer(1024)) {
        if (LiteRtShim.lm_lrt_bind(library.toString(), error, (int) error.capacity()) != 0) {
          throw unavailable("binding LiteRT failed: " + NativeText.of(error));
        }
      }
      return dir;
    } catch (UnsatisfiedLinkError e) {
      throw new LiteModelException(LiteModelException.Status.NATIVE_LIBRARY_UNAVAILABLE,
          "LiteModel's LiteRT shim (jniLiteRtShim) could not be loaded: " + e.getMessage(), e);
    }
  }

  /**
   * @return the folder named by the system property or the environment, absolute; else the folder JavaCPP's cache
   *     extracted the natives jar's libraries into
   */
  private static Path configuredDirectory() {
    String value = System.getProperty(DIR_PROPERTY);
    if (value == null || value.isBlank()) {
      value = System.getenv(DIR_ENV);
    }
    if (value != null && !value.isBlank()) {
      return Path.of(value).toAbsolutePath();
    }
    Path fromJar = fromClassPath();
    if (fromJar == null) {
      throw unavailable("LiteRT's natives were not found: neither the system property " + DIR_PROPERTY
          + " nor the environment variable " + DIR_ENV + " names their folder, and no " + NATIVES_CLASSIFIER
          + " jar is on the class path. " + howToFetch());
    }
    return fromJar;
  }

  /**
   * @return the folder holding both libraries of the natives jar ({@value #NATIVES_CLASSIFIER} classifier), extracted
   *     by JavaCPP's cache like every other native library; null when that jar is not on the class path
   */
  private static Path fromClassPath() {
    if (LiteRtRuntime.class.getResource(RESOURCE_FOLDER + LIBRARY) == null) {
      return null;
    }
    try {
      java.io.File libraryFile = Loader.cacheResource(LiteRtRuntime.class, RESOURCE_FOLDER + LIBRARY);
      java.io.File acceleratorFile =
          Loader.cacheResource(LiteRtRuntime.class, RESOURCE_FOLDER + GPU_ACCELERATOR_LIBRARY);
      if (libraryFile == null || acceleratorFile == null) {
        throw unavailable("the " + NATIVES_CLASSIFIER + " jar on the class path lacks "
            + (libraryFile == null ? LIBRARY : GPU_ACCELERATOR_LIBRARY));
      }
      Path library = libraryFile.toPath();
      Path accelerator = acceleratorFile.toPath();
      if (!library.getParent().equals(accelerator.getParent())) {
        throw unavailable("the " + NATIVES_CLASSIFIER + " jar's libraries were extracted to two folders ("
            + library + ", " + accelerator + "); LiteRT finds its GPU accelerator beside " + LIBRARY);
      }
      return library.getParent().toAbsolutePath();
    } catch (IOException e) {
      throw unavailable("extracting LiteRT's natives from the " + NATIVES_CLASSIFIER + " jar failed: " + e);
    }
  }

  private static String howToFetch() {
    return "Add io.litemodel:litemodel:" + NATIVES_CLASSIFIER + " to the class path, or fetch them with "
        + "native/litert/fetch.sh DIR (from the pinned ai-edge-litert wheel on PyPI) and pass -D" + DIR_PROPERTY
        + "=DIR/litert.";
  }

  private static LiteModelException unavailable(String message) {
    return new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE, message);
  }

  /**
   * Binds LiteRT if not yet done, and says whether that worked.
   *
   * @return empty when LiteRT is bound; else the reason it is not, with how to add its natives (the message every
   *     GPU load would fail with)
   */
  public static Optional<String> problem() {
    try {
      ensureBound();
      return Optional.empty();
    } catch (LiteModelException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * @return true when LiteRT's natives are found and the Vulkan loader lists a hardware device (what
   *     {@link GpuAccelerator#hardwareAvailable()} answers)
   */
  public static boolean hardwareDeviceListed() {
    try {
      ensureBound();
    } catch (LiteModelException e) {
      return false;
    }
    return vulkanDevices().stream().anyMatch(VulkanDevice::hardware);
  }

  /**
   * Lists the Vulkan devices the process sees (through the system's or LD_LIBRARY_PATH's libvulkan.so.1).
   *
   * @return the devices, in the loader's order; empty when there is no Vulkan loader or driver
   */
  public static List<VulkanDevice> vulkanDevices() {
    Loader.load(LiteRtShim.class);
    try (BytePointer out = new BytePointer(8192)) {
      int count = LiteRtShim.lm_vk_devices(out, (int) out.capacity());
      List<VulkanDevice> devices = new ArrayList<>();
      if (count <= 0) {
        return devices;
      }
      // Raw, not NativeText.of: that joins lines and drops tabs, which carry the structure here.
      for (String line : NativeText.raw(out).split("\n")) {
        int tab = line.indexOf('\t');
        if (tab > 0) {
          devices.add(new VulkanDevice(line.substring(tab + 1), Integer.parseInt(line.substring(0, tab))));
        }
      }
      return devices;
    }
  }

  /**
   * Why no Vulkan device is listed, for error messages.
   *
   * @return the Vulkan loader's or driver's complaint, or an empty string when devices exist
   */
  static String vulkanProblem() {
    Loader.load(LiteRtShim.class);
    try (BytePointer out = new BytePointer(8192)) {
      int count = LiteRtShim.lm_vk_devices(out, (int) out.capacity());
      return count < 0 ? NativeText.of(out) : count == 0 ? "the Vulkan loader lists no device" : "";
    }
  }
}
