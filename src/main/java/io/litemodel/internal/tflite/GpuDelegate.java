package io.litemodel.internal.tflite;

import io.litemodel.Accelerator;
import io.litemodel.GpuDelegateAccelerator;
import io.litemodel.LiteModelException;
import io.litemodel.internal.core.NativeScope;
import io.litemodel.internal.core.NativeText;
import io.litemodel.internal.presets.LiteModelShim;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * The TensorFlow Lite GPU delegate V2, loaded at run time from {@code libtensorflowlite_gpu_delegate.so} (see
 * {@link Accelerator} for the search order), owned by one interpreter.
 */
public final class GpuDelegate implements NativeDelegate {
  static final long FLAG_ENABLE_QUANT = 0x1;
  static final long FLAG_CL_ONLY = 0x2;
  static final long FLAG_GL_ONLY = 0x4;
  static final long FLAG_ENABLE_SERIALIZATION = 0x8;

  private final String library;
  private final NativeScope owned = new NativeScope();
  private final Pointer gpu;
  private final Pointer delegate;

  private GpuDelegate(String library, Pointer gpu) {
    this.library = library;
    this.gpu = owned.own(gpu, LiteModelShim::lm_gpu_delete);
    this.delegate = LiteModelShim.lm_gpu_delegate(gpu);
  }

  /** Where the GPU library was looked for, and what was found. */
  static final class Lookup {
    final String library;
    final List<String> tried;

    Lookup(String library, List<String> tried) {
      this.library = library;
      this.tried = List.copyOf(tried);
    }

    String describeTried() {
      return String.join("; ", tried);
    }
  }

  /**
   * Finds the library: the explicit path, then the system property, then {@code java.library.path}, then the bare
   * name for the dynamic linker (which searches {@code LD_LIBRARY_PATH}, the runpath and {@code ldconfig}'s cache).
   * An explicit path or property that points nowhere is an error, not a reason to keep searching: the user said
   * which library to use.
   *
   * @return the lookup; {@code library} is what to dlopen (a path, or the bare name as the last resort)
   */
  static Lookup locate(GpuDelegateAccelerator accelerator) {
    List<String> tried = new ArrayList<>();
    if (accelerator.library() != null) {
      Path path = accelerator.library().toAbsolutePath();
      tried.add("explicit path " + path + (Files.isRegularFile(path) ? "" : " (no such file)"));
      return new Lookup(Files.isRegularFile(path) ? path.toString() : null, tried);
    }
    String property = System.getProperty(Accelerator.GPU_LIBRARY_PROPERTY);
    if (property != null && !property.isBlank()) {
      Path path = Path.of(property).toAbsolutePath();
      tried.add("system property " + Accelerator.GPU_LIBRARY_PROPERTY + "=" + path
          + (Files.isRegularFile(path) ? "" : " (no such file)"));
      return new Lookup(Files.isRegularFile(path) ? path.toString() : null, tried);
    }
    tried.add("system property " + Accelerator.GPU_LIBRARY_PROPERTY + " (not set)");
    String libraryPath = System.getProperty("java.library.path", "");
    List<String> searched = new ArrayList<>();
    for (String dir : libraryPath.split(File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      Path candidate = Path.of(dir, Accelerator.GPU_LIBRARY_NAME);
      searched.add(dir);
      if (Files.isRegularFile(candidate)) {
        tried.add("java.library.path: found " + candidate);
        return new Lookup(candidate.toString(), tried);
      }
    }
    tried.add("java.library.path " + searched + " (not found)");
    tried.add("the dynamic linker's search path for " + Accelerator.GPU_LIBRARY_NAME
        + " (LD_LIBRARY_PATH=" + System.getenv().getOrDefault("LD_LIBRARY_PATH", "") + ", ldconfig cache)");
    return new Lookup(Accelerator.GPU_LIBRARY_NAME, tried);
  }

  /**
   * Creates the delegate from the library found by {@link #locate}.
   *
   * @throws LiteModelException with {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} naming every place
   *     looked and the loader's reason
   */
  public static GpuDelegate create(GpuDelegateAccelerator accelerator) {
    NativeRuntime.ensureLoaded();
    Lookup lookup = locate(accelerator);
    if (lookup.library == null) {
      throw unavailable("the GPU delegate library was not found; looked at: " + lookup.describeTried());
    }
    long set = 0;
    long clear = 0;
    switch (accelerator.backend()) {
      case OPENCL:
        set |= FLAG_CL_ONLY;
        clear |= FLAG_GL_ONLY;
        break;
      case OPENGL:
        set |= FLAG_GL_ONLY;
        clear |= FLAG_CL_ONLY;
        break;
      default:
        break;
    }
    if (accelerator.serializationDir() != null) {
      set |= FLAG_ENABLE_SERIALIZATION;
    }
    Boolean lossy = accelerator.precisionLossAllowed();
    try (BytePointer error = new BytePointer(2048)) {
      Pointer created = LiteModelShim.lm_gpu_create(lookup.library, lossy == null ? -1 : lossy ? 1 : 0,
          accelerator.usage() == null ? -1 : accelerator.usage().code(), code(accelerator.priority(1)),
          code(accelerator.priority(2)), code(accelerator.priority(3)), set, clear, accelerator.maxPartitions(),
          accelerator.serializationDir() == null ? null : accelerator.serializationDir().toString(),
          accelerator.modelToken(), error, (int) error.capacity());
      if (created == null || created.isNull()) {
        throw unavailable(NativeText.of(error) + " (looked at: " + lookup.describeTried() + ")");
      }
      return new GpuDelegate(lookup.library, created);
    }
  }

  private static int code(Accelerator.GpuPriority priority) {
    return priority == null ? -1 : priority.code();
  }

  static LiteModelException unavailable(String why) {
    return new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE,
        "GPU accelerator unavailable: " + why);
  }

  /**
   * @param field see {@code lm_gpu_option}: 0 precision loss allowed, 1 usage, 2..4 priorities, 5 experimental
   *     flags, 6 max delegated partitions
   * @return the option value the delegate was created with
   */
  long option(int field) {
    return LiteModelShim.lm_gpu_option(gpu, field);
  }

  @Override
  public Pointer pointer() {
    return delegate;
  }

  @Override
  public String describe() {
    return "GPU(" + library + ", flags=0x" + Long.toHexString(option(5)) + ", precisionLossAllowed="
        + (option(0) != 0) + ")";
  }

  @Override
  public void delete() {
    owned.close();
  }
}
