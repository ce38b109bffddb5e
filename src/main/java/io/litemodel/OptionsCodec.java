package io.litemodel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * {@link LiteModel.Options}, with its accelerator and every setting of that accelerator, as text and back: a list of
 * {@code name=value} entries (the child-process check passes them to the child JVM as its arguments). The settings of
 * the accelerator are named {@code accelerator.name}, after an {@code accelerator=KIND} entry.
 *
 * <p><b>One table.</b> Every setting of every settings type is one row below: its name in the text, its format, its
 * getter and its with-method. The same rows give {@link Settings} its equality and hash code. So a new option is its
 * field, with-method and getter on the settings type plus one row here; {@code OptionsCodecTest} fails until the row
 * exists. Only settings that differ from the type's defaults are written, and reading starts from the defaults, so
 * the defaults' text is empty and a setting may be null only where its default is null.
 *
 * <p><b>Values</b> are any text; each entry is one element of the list, so a value may hold {@code =}. A list value
 * (the GPU delegate's priorities, its serialization folder and token, a plugin's options as key, value, key, ...) is
 * its items joined by {@code ,}, each item with {@code \} and {@code ,} escaped by a {@code \}; an empty list is the
 * empty text.
 */
final class OptionsCodec {
  /** The name of the accelerator's kind, and the prefix of its settings' names. */
  private static final String ACCELERATOR = "accelerator";

  /** How a value of one type is written as text and read back. */
  private record Format<V>(Function<V, String> write, Function<String, V> read) {}

  private static final Format<Boolean> BOOLEAN = new Format<>(String::valueOf, OptionsCodec::parseBoolean);
  private static final Format<Integer> INT = new Format<>(String::valueOf, Integer::valueOf);
  private static final Format<Long> LONG = new Format<>(String::valueOf, Long::valueOf);
  private static final Format<String> TEXT = new Format<>(Function.identity(), Function.identity());
  private static final Format<Path> PATH = new Format<>(Path::toString, Path::of);
  private static final Format<Map<String, String>> PAIRS = new Format<>(OptionsCodec::joinPairs,
      OptionsCodec::splitPairs);

  /** One setting of a settings type {@code S}: its name, its value on an instance, its text, and how to set it. */
  private record Row<S>(String name, Function<S, ?> value, Function<S, String> text, BiFunction<S, String, S> set) {}

  /** Every setting of one settings type, and the instance reading starts from. */
  private record Table<S extends Settings>(Class<S> type, S defaults, List<Row<S>> rows) {
    void write(Settings settings, String prefix, List<String> entries) {
      S typed = type.cast(settings);
      for (Row<S> row : rows) {
        Object value = row.value().apply(typed);
        if (!Objects.equals(value, row.value().apply(defaults))) {
          if (value == null) {
            throw new IllegalStateException("setting " + prefix + row.name() + " is null and its default is not");
          }
          entries.add(prefix + row.name() + "=" + row.text().apply(typed));
        }
      }
    }

    /** Sets, in table order, every setting {@code entries} name, removing each entry it reads. */
    S read(Map<String, String> entries, String prefix) {
      S settings = defaults;
      for (Row<S> row : rows) {
        String text = entries.remove(prefix + row.name());
        if (text != null) {
          try {
            settings = row.set().apply(settings, text);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("option " + prefix + row.name() + "=" + text + ": " + e.getMessage(),
                e);
          }
        }
      }
      return settings;
    }

    List<Object> values(Settings settings) {
      S typed = type.cast(settings);
      List<Object> values = new ArrayList<>(rows.size() + 1);
      for (Row<S> row : rows) {
        values.add(row.value().apply(typed));
      }
      return values;
    }
  }

  // The accelerator is not a row: its kind picks the table its own settings are read with.
  private static final Table<LiteModel.Options> OPTIONS = table(LiteModel.Options.class, LiteModel.Options.defaults(),
      row("threads", INT, LiteModel.Options::threads, LiteModel.Options::withThreads),
      row("xnnpack", BOOLEAN, LiteModel.Options::xnnpack, LiteModel.Options::withXnnpack),
      row("xnnpackFlags", LONG, LiteModel.Options::xnnpackFlags, (options, bits) -> xnnpackFlags(options, bits, true)),
      row("xnnpackCleared", LONG, LiteModel.Options::xnnpackClearedFlags,
          (options, bits) -> xnnpackFlags(options, bits, false)),
      row("weightsCache", BOOLEAN, LiteModel.Options::weightsCache, LiteModel.Options::withWeightsCache),
      row("signature", TEXT, LiteModel.Options::signature, LiteModel.Options::withSignature),
      row("memoryBudget", LONG, LiteModel.Options::memoryBudget, LiteModel.Options::withMemoryBudget),
      row("childProcessCheck", BOOLEAN, LiteModel.Options::childProcessCheck,
          LiteModel.Options::withChildProcessCheck));

  private static final Table<CpuAccelerator> CPU = table(CpuAccelerator.class, Accelerator.cpu());

  private static final Table<GpuAccelerator> GPU = table(GpuAccelerator.class, Accelerator.gpu(),
      row("softwareAdapter", BOOLEAN, GpuAccelerator::softwareAdapter, GpuAccelerator::withSoftwareAdapter),
      row("cpuFallback", BOOLEAN, GpuAccelerator::cpuFallback, GpuAccelerator::withCpuFallback));

  private static final Table<AutoAccelerator> AUTO = table(AutoAccelerator.class, Accelerator.auto(),
      row("cpuFallback", BOOLEAN, auto -> auto.gpuAccelerator().cpuFallback(), AutoAccelerator::withCpuFallback));

  private static final Table<GpuDelegateAccelerator> GPU_DELEGATE = table(GpuDelegateAccelerator.class,
      Accelerator.gpuDelegate(),
      row("library", PATH, GpuDelegateAccelerator::library, GpuDelegateAccelerator::withLibrary),
      row("precisionLossAllowed", BOOLEAN, GpuDelegateAccelerator::precisionLossAllowed,
          GpuDelegateAccelerator::withPrecisionLossAllowed),
      row("usage", enumeration(Accelerator.GpuUsage.class), GpuDelegateAccelerator::usage,
          GpuDelegateAccelerator::withUsage),
      row("priorities", list(enumeration(Accelerator.GpuPriority.class), 3),
          gpu -> gpu.priority(1) == null ? null : List.of(gpu.priority(1), gpu.priority(2), gpu.priority(3)),
          (gpu, three) -> gpu.withPriorities(three.get(0), three.get(1), three.get(2))),
      row("backend", enumeration(Accelerator.GpuBackend.class), GpuDelegateAccelerator::backend,
          GpuDelegateAccelerator::withBackend),
      row("maxPartitions", INT, GpuDelegateAccelerator::maxPartitions,
          GpuDelegateAccelerator::withMaxDelegatedPartitions),
      row("serialization", list(TEXT, 2),
          gpu -> gpu.serializationDir() == null ? null : List.of(gpu.serializationDir().toString(), gpu.modelToken()),
          (gpu, two) -> gpu.withSerialization(Path.of(two.get(0)), two.get(1))));

  // A plugin has no defaults of its own (its library is required): reading starts from an empty library name.
  private static final Table<PluginAccelerator> PLUGIN = table(PluginAccelerator.class,
      Accelerator.plugin(Path.of("")),
      row("library", PATH, PluginAccelerator::library,
          (plugin, library) -> Accelerator.plugin(library, plugin.pluginOptions())),
      row("options", PAIRS, PluginAccelerator::pluginOptions,
          (plugin, options) -> Accelerator.plugin(plugin.library(), options)));

  private OptionsCodec() {}

  /** @return the table of an accelerator kind's settings */
  private static Table<? extends Accelerator> table(Accelerator.Kind kind) {
    // No default: a new kind fails to compile here until it has a table.
    return switch (kind) {
      case CPU -> CPU;
      case GPU -> GPU;
      case GPU_DELEGATE -> GPU_DELEGATE;
      case PLUGIN -> PLUGIN;
      case AUTO -> AUTO;
    };
  }

  /** @return the settings that differ from the defaults, as {@code name=value} entries (none for the defaults) */
  static List<String> encode(LiteModel.Options options) {
    List<String> entries = new ArrayList<>();
    OPTIONS.write(options, "", entries);
    Accelerator accelerator = options.accelerator();
    if (accelerator.kind() != OPTIONS.defaults().accelerator().kind()) {
      entries.add(ACCELERATOR + "=" + accelerator.kind());
    }
    table(accelerator.kind()).write(accelerator, ACCELERATOR + ".", entries);
    return entries;
  }

  /**
   * @return the options {@link #encode} wrote
   * @throws IllegalArgumentException naming the entry, when an entry is not {@code name=value}, names an unknown or
   *     repeated setting, or holds a value its setting refuses
   */
  static LiteModel.Options decode(List<String> entries) {
    Map<String, String> byName = new LinkedHashMap<>();
    for (String entry : entries) {
      int equals = entry.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException("not a name=value option: '" + entry + "'");
      }
      if (byName.put(entry.substring(0, equals), entry.substring(equals + 1)) != null) {
        throw new IllegalArgumentException("option " + entry.substring(0, equals) + " given twice");
      }
    }
    LiteModel.Options options = OPTIONS.read(byName, "");
    String kind = byName.remove(ACCELERATOR);
    Accelerator accelerator = table(kind == null ? OPTIONS.defaults().accelerator().kind() : kind(kind))
        .read(byName, ACCELERATOR + ".");
    if (!byName.isEmpty()) {
      Map.Entry<String, String> unknown = byName.entrySet().iterator().next();
      throw new IllegalArgumentException("unknown option " + unknown.getKey() + "=" + unknown.getValue());
    }
    return options.withAccelerator(accelerator);
  }

  /** @return every setting of {@code settings}, in table order: what {@link Settings#equals} compares */
  static List<Object> values(Settings settings) {
    if (settings instanceof LiteModel.Options options) { // Settings permits Options and Accelerator only
      List<Object> values = OPTIONS.values(options);
      values.add(options.accelerator());
      return values;
    }
    Accelerator accelerator = (Accelerator) settings;
    return table(accelerator.kind()).values(accelerator);
  }

  @SafeVarargs
  private static <S extends Settings> Table<S> table(Class<S> type, S defaults, Row<S>... rows) {
    return new Table<>(type, defaults, List.of(rows));
  }

  /**
   * @param format how the value is written and read
   * @param get the getter
   * @param with the with-method
   */
  private static <S, V> Row<S> row(String name, Format<V> format, Function<S, V> get, BiFunction<S, V, S> with) {
    return new Row<>(name, get, settings -> format.write().apply(get.apply(settings)),
        (settings, text) -> with.apply(settings, format.read().apply(text)));
  }

  private static <E extends Enum<E>> Format<E> enumeration(Class<E> type) {
    return new Format<>(Enum::name, text -> Enum.valueOf(type, text));
  }

  /** @return the format of a list of exactly {@code size} items */
  private static <V> Format<List<V>> list(Format<V> item, int size) {
    return new Format<>(values -> join(values.stream().map(item.write()).toList()), text -> {
      List<String> items = split(text);
      if (items.size() != size) {
        throw new IllegalArgumentException("expected " + size + " values, got " + items.size());
      }
      return items.stream().map(item.read()).toList();
    });
  }

  private static Accelerator.Kind kind(String name) {
    try {
      return Accelerator.Kind.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown accelerator kind " + name, e);
    }
  }

  private static Boolean parseBoolean(String text) {
    return switch (text) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> throw new IllegalArgumentException("expected true or false, got '" + text + "'");
    };
  }

  /** Sets (or clears) every flag whose bit is in {@code bits}. */
  private static LiteModel.Options xnnpackFlags(LiteModel.Options options, long bits, boolean enabled) {
    long known = 0;
    for (Accelerator.XnnpackFlag flag : Accelerator.XnnpackFlag.values()) {
      known |= flag.bit();
      if ((bits & flag.bit()) != 0) {
        options = options.withXnnpackFlag(flag, enabled);
      }
    }
    if ((bits & ~known) != 0) {
      throw new IllegalArgumentException("no XNNPACK flag has the bits 0x" + Long.toHexString(bits & ~known));
    }
    return options;
  }

  private static String joinPairs(Map<String, String> pairs) {
    List<String> items = new ArrayList<>();
    pairs.forEach((key, value) -> {
      items.add(key);
      items.add(value);
    });
    return join(items);
  }

  private static Map<String, String> splitPairs(String text) {
    List<String> items = split(text);
    if (items.size() % 2 != 0) {
      throw new IllegalArgumentException("expected key, value pairs, got " + items.size() + " values");
    }
    Map<String, String> pairs = new LinkedHashMap<>();
    for (int i = 0; i < items.size(); i += 2) {
      pairs.put(items.get(i), items.get(i + 1));
    }
    return pairs;
  }

  /** @return the items joined by {@code ,}, with {@code \} and {@code ,} escaped */
  static String join(List<String> items) {
    StringJoiner joined = new StringJoiner(",");
    for (String item : items) {
      joined.add(item.replace("\\", "\\\\").replace(",", "\\,"));
    }
    return joined.toString();
  }

  /** @return the items {@link #join} joined; none for the empty text */
  static List<String> split(String text) {
    List<String> items = new ArrayList<>();
    if (text.isEmpty()) {
      return items;
    }
    StringBuilder item = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        if (++i == text.length()) {
          throw new IllegalArgumentException("a list ends in an unfinished escape: '" + text + "'");
        }
        item.append(text.charAt(i));
      } else if (c == ',') {
        items.add(item.toString());
        item.setLength(0);
      } else {
        item.append(c);
      }
    }
    items.add(item.toString());
    return items;
  }
}
