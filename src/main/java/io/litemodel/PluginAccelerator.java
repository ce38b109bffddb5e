package io.litemodel;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A delegate plugin library and its string options (see {@link Accelerator#plugin(Path, Map)}). Immutable. A plugin
 * that cannot be loaded or rejects its options fails the load with {@link LiteModelException.Status#DELEGATE_ERROR};
 * one that takes no operator leaves everything to the CPU and says so in {@link ExecutionReport#notes()}.
 */
public final class PluginAccelerator extends Accelerator {
  private final Path library;
  private final Map<String, String> pluginOptions;

  PluginAccelerator(Path library, Map<String, String> options) {
    Objects.requireNonNull(library, "library");
    Objects.requireNonNull(options, "options");
    Map<String, String> copy = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : options.entrySet()) {
      String key = Objects.requireNonNull(entry.getKey(), "option key");
      String value = Objects.requireNonNull(entry.getValue(), "value of option " + key);
      if (key.isEmpty() || key.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("plugin option keys must be non-empty and keys and values free of NUL "
            + "characters; got '" + key + "'");
      }
      copy.put(key, value);
    }
    this.library = library;
    this.pluginOptions = Collections.unmodifiableMap(copy);
  }

  /** @return {@link Accelerator.Kind#PLUGIN} */
  @Override
  public Kind kind() {
    return Kind.PLUGIN;
  }

  /** @return the plugin library: a path, or a bare file name for the dynamic linker */
  public Path library() {
    return library;
  }

  /** @return the options passed to the plugin, in the order given */
  public Map<String, String> pluginOptions() {
    return pluginOptions;
  }

  @Override
  public String toString() {
    return "PLUGIN(" + library + (pluginOptions.isEmpty() ? "" : ", " + pluginOptions) + ")";
  }
}
