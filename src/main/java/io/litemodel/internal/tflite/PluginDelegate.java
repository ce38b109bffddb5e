package io.litemodel.internal.tflite;

import io.litemodel.LiteModelException;
import io.litemodel.internal.core.NativeScope;
import io.litemodel.internal.core.NativeText;
import io.litemodel.internal.presets.LiteModelShim;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * A delegate created by a plugin library ({@code tflite_plugin_create_delegate} / {@code
 * tflite_plugin_destroy_delegate}, the contract of Python's {@code load_delegate}), owned by one interpreter.
 */
public final class PluginDelegate implements NativeDelegate {
  private final Path library;
  private final Map<String, String> options;
  private final NativeScope owned = new NativeScope();
  private final Pointer delegate;

  private PluginDelegate(Path library, Map<String, String> options, Pointer plugin) {
    this.library = library;
    this.options = options;
    // The delegate belongs to the plugin object: destroying the plugin destroys it.
    this.delegate = LiteModelShim.lm_plugin_delegate(owned.own(plugin, LiteModelShim::lm_plugin_delete));
  }

  /**
   * Loads {@code library} and creates its delegate with {@code options}.
   *
   * @throws LiteModelException with {@link LiteModelException.Status#DELEGATE_ERROR} naming what failed: the library
   *     could not be loaded, is not a plugin, or rejected the options (with the plugin's own message)
   */
  public static PluginDelegate create(Path library, Map<String, String> options) {
    NativeRuntime.ensureLoaded();
    int count = options.size();
    BytePointer[] keys = new BytePointer[count];
    BytePointer[] values = new BytePointer[count];
    int i = 0;
    for (Map.Entry<String, String> entry : options.entrySet()) {
      keys[i] = new BytePointer(entry.getKey(), java.nio.charset.StandardCharsets.UTF_8);
      values[i] = new BytePointer(entry.getValue(), java.nio.charset.StandardCharsets.UTF_8);
      i++;
    }
    // Native strings only need to live through the call: plugins copy their options (the contract of
    // tflite_plugin_create_delegate, which Python calls with temporary strings too).
    try (PointerPointer<BytePointer> keyArray = new PointerPointer<>(Math.max(1, count));
        PointerPointer<BytePointer> valueArray = new PointerPointer<>(Math.max(1, count));
        BytePointer error = new BytePointer(2048)) {
      for (int k = 0; k < count; k++) {
        keyArray.put(k, keys[k]);
        valueArray.put(k, values[k]);
      }
      Pointer created = LiteModelShim.lm_plugin_create(library.toString(), keyArray, valueArray, count, error,
          (int) error.capacity());
      if (created == null || created.isNull()) {
        throw new LiteModelException(LiteModelException.Status.DELEGATE_ERROR,
            "delegate plugin " + library + " could not be used: " + NativeText.of(error));
      }
      return new PluginDelegate(library, Map.copyOf(options), created);
    } finally {
      for (int k = 0; k < count; k++) {
        keys[k].close();
        values[k].close();
      }
    }
  }

  @Override
  public Pointer pointer() {
    return delegate;
  }

  @Override
  public String describe() {
    return "PLUGIN(" + library.getFileName() + (options.isEmpty() ? "" : ", " + options) + ")";
  }

  /** Destroys the delegate through the plugin, once. */
  @Override
  public void delete() {
    owned.close();
  }
}
