package io.litemodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The options codec: every setting of every settings type survives text and back. The round trip compares field by
 * field, not only with {@code equals} (which is itself built on the codec's rows), and a second test requires the
 * instances it uses to set every field, so a new field fails here until the codec has a row for it.
 */
class OptionsCodecTest {
  /** Every accelerator kind with every one of its settings away from its default. */
  static List<Accelerator> everyKindFullySet() {
    Map<String, String> pluginOptions = new LinkedHashMap<>();
    pluginOptions.put("name", "a=b, c");
    pluginOptions.put("path\\with,comma", "");
    pluginOptions.put("max_nodes", "2");
    return List.of(Accelerator.cpu(),
        Accelerator.gpu().withSoftwareAdapter(true).withCpuFallback(false),
        Accelerator.auto().withCpuFallback(false),
        Accelerator.gpuDelegate().withLibrary(Path.of("/x/lib gpu,1.so")).withPrecisionLossAllowed(false)
            .withUsage(Accelerator.GpuUsage.SUSTAINED_SPEED)
            .withPriorities(Accelerator.GpuPriority.MIN_LATENCY, Accelerator.GpuPriority.MIN_MEMORY_USAGE,
                Accelerator.GpuPriority.MAX_PRECISION)
            .withBackend(Accelerator.GpuBackend.OPENGL).withMaxDelegatedPartitions(3)
            .withSerialization(Path.of("/x/cache,dir\\"), "token=1,2"),
        Accelerator.plugin(Path.of("/x/plugin=1.so"), pluginOptions));
  }

  /** Every option away from its default, on {@code accelerator}. */
  static LiteModel.Options everyOptionSet(Accelerator accelerator) {
    return LiteModel.Options.defaults().withThreads(3).withXnnpack(false).withXnnpackForceFp16(true)
        .withXnnpackFlag(Accelerator.XnnpackFlag.QU8, false).withWeightsCache(true).withSignature("serving=default,1")
        .withMemoryBudget(5L << 20).withChildProcessCheck(true).withAccelerator(accelerator);
  }

  /** @return what the codec starts from for a kind (a plugin has no defaults: an empty library name) */
  private static Accelerator defaultsOf(Accelerator.Kind kind) {
    return switch (kind) {
      case CPU -> Accelerator.cpu();
      case GPU -> Accelerator.gpu();
      case GPU_DELEGATE -> Accelerator.gpuDelegate();
      case PLUGIN -> Accelerator.plugin(Path.of(""));
      case AUTO -> Accelerator.auto();
    };
  }

  @Test
  void everySettingOfEveryKindSurvivesTheRoundTrip() {
    for (Accelerator accelerator : everyKindFullySet()) {
      LiteModel.Options options = everyOptionSet(accelerator);
      LiteModel.Options decoded = OptionsCodec.decode(OptionsCodec.encode(options));
      assertEquals(options, decoded, accelerator.toString());
      assertEquals(options.hashCode(), decoded.hashCode(), accelerator.toString());
      assertSameFields(options, decoded, "Options");
      // An accelerator alone (the other options at their defaults) crosses too.
      LiteModel.Options alone = LiteModel.Options.defaults().withAccelerator(accelerator);
      assertSameFields(alone, OptionsCodec.decode(OptionsCodec.encode(alone)), "Options");
    }
  }

  /** Java serialization (how Spark ships a ModelSource's options) goes through the same text and back. */
  @Test
  void everySettingOfEveryKindSurvivesJavaSerialization() throws IOException, ClassNotFoundException {
    for (Accelerator accelerator : everyKindFullySet()) {
      LiteModel.Options options = everyOptionSet(accelerator);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(options);
      }
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        LiteModel.Options read = (LiteModel.Options) in.readObject();
        assertEquals(options, read, accelerator.toString());
        assertSameFields(options, read, "Options");
      }
    }
  }

  /** Fails when a settings type gains a field the round trip above leaves at its default (so never checks). */
  @Test
  void theRoundTripSetsEveryFieldOfEveryKind() {
    assertEquals(Set.of(Accelerator.class.getPermittedSubclasses()),
        everyKindFullySet().stream().map(Object::getClass).collect(Collectors.toSet()));
    assertEveryFieldDiffers(LiteModel.Options.defaults(), everyOptionSet(Accelerator.gpu()));
    for (Accelerator accelerator : everyKindFullySet()) {
      assertEveryFieldDiffers(defaultsOf(accelerator.kind()), accelerator);
    }
  }

  @Test
  void onlySettingsAwayFromTheirDefaultsAreWritten() {
    assertEquals(List.of(), OptionsCodec.encode(LiteModel.Options.defaults()));
    assertEquals(LiteModel.Options.defaults(), OptionsCodec.decode(List.of()));
    assertEquals(List.of("threads=2", "accelerator=GPU", "accelerator.softwareAdapter=true"), OptionsCodec.encode(
        LiteModel.Options.defaults().withThreads(2).withAccelerator(Accelerator.gpu().withSoftwareAdapter(true))));
    assertEquals(List.of("accelerator=GPU_DELEGATE", "accelerator.backend=OPENCL",
        "accelerator.serialization=/x/a\\,b,t\\\\1"), OptionsCodec.encode(LiteModel.Options.defaults()
            .withAccelerator(Accelerator.gpuDelegate().withBackend(Accelerator.GpuBackend.OPENCL)
                .withSerialization(Path.of("/x/a,b"), "t\\1"))));
    assertEquals(List.of("accelerator=PLUGIN", "accelerator.library=p.so", "accelerator.options=k=1,a\\,b,z,"),
        OptionsCodec.encode(LiteModel.Options.defaults().withAccelerator(Accelerator.plugin(Path.of("p.so"),
            orderedMap("k=1", "a,b", "z", "")))));
  }

  @Test
  void textThatIsNotOptionsIsRefusedNamingTheEntry() {
    assertRefused("unknown option frobnicate=1", "frobnicate=1");
    assertRefused("not a name=value option: 'threads'", "threads");
    assertRefused("not a name=value option: '=1'", "=1");
    assertRefused("option threads given twice", "threads=2", "threads=3");
    assertRefused("option xnnpack=yes: expected true or false, got 'yes'", "xnnpack=yes");
    assertRefused("option threads=0: threads must be >= 1, got 0", "threads=0");
    assertRefused("option threads=two: For input string: \"two\"", "threads=two");
    assertRefused("option xnnpackFlags=4096: no XNNPACK flag has the bits 0x1000", "xnnpackFlags=4096");
    assertRefused("unknown accelerator kind TPU", "accelerator=TPU");
    // A setting of another kind than the one named is not silently dropped.
    assertRefused("unknown option accelerator.softwareAdapter=true", "accelerator.softwareAdapter=true");
    assertRefused("option accelerator.priorities=AUTO: expected 3 values, got 1", "accelerator=GPU_DELEGATE",
        "accelerator.priorities=AUTO");
    assertRefused("option accelerator.options=a: expected key, value pairs, got 1 values", "accelerator=PLUGIN",
        "accelerator.options=a");
    assertRefused("option accelerator.options=a\\: a list ends in an unfinished escape: 'a\\'", "accelerator=PLUGIN",
        "accelerator.options=a\\");
  }

  @Test
  void listsKeepEveryItemAsGiven() {
    List<String> items = List.of("a,b", "c\\", "", "d\\,e", "=");
    assertEquals("a\\,b,c\\\\,,d\\\\\\,e,=", OptionsCodec.join(items));
    assertEquals(items, OptionsCodec.split(OptionsCodec.join(items)));
    assertEquals(List.of(), OptionsCodec.split(OptionsCodec.join(List.of())));
    assertEquals(List.of("", ""), OptionsCodec.split(OptionsCodec.join(List.of("", ""))));
  }

  @Test
  void aRoundTripThatDropsASettingIsCaught() {
    // What the field comparison is for: equals sees only the codec's rows, a forgotten row would hide from it.
    LiteModel.Options options = everyOptionSet(Accelerator.gpu());
    List<String> entries = new ArrayList<>(OptionsCodec.encode(options));
    entries.removeIf(entry -> entry.startsWith("memoryBudget="));
    LiteModel.Options dropped = OptionsCodec.decode(entries);
    assertNotEquals(options, dropped);
    assertThrows(AssertionError.class, () -> assertSameFields(options, dropped, "Options"));
  }

  private static void assertRefused(String message, String... entries) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OptionsCodec.decode(List.of(entries)));
    assertEquals(message, e.getMessage());
  }

  private static Map<String, String> orderedMap(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  /** Compares every instance field, looking into nested settings (an accelerator, AUTO's GPU) field by field. */
  private static void assertSameFields(Object expected, Object actual, String where) {
    assertEquals(expected.getClass(), actual.getClass(), where);
    for (Field field : fields(expected.getClass())) {
      Object sent = read(field, expected);
      Object received = read(field, actual);
      if (sent instanceof Settings && received != null) {
        assertSameFields(sent, received, where + "." + field.getName());
      } else if (!Objects.equals(sent, received)) {
        throw new AssertionError(where + "." + field.getName() + ": sent " + sent + ", received " + received);
      }
    }
  }

  private static void assertEveryFieldDiffers(Object defaults, Object set) {
    for (Field field : fields(set.getClass())) {
      assertNotEquals(read(field, defaults), read(field, set), set.getClass().getSimpleName() + "." + field.getName()
          + " is at its default in the round-trip test: set it there (and give it a row in OptionsCodec)");
    }
  }

  private static List<Field> fields(Class<?> type) {
    List<Field> fields = new ArrayList<>();
    for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (!Modifier.isStatic(field.getModifiers())) {
          field.setAccessible(true);
          fields.add(field);
        }
      }
    }
    return fields;
  }

  private static Object read(Field field, Object from) {
    try {
      return field.get(from);
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }
}
