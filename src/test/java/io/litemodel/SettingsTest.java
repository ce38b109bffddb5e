package io.litemodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The settings types are values: with-methods copy, equality is over the settings, and none of them builds. */
class SettingsTest {
  /** What loading builds: a settings type that names one of these would make loading go back and forth. */
  private static final Set<String> RUNTIME = Set.of("ModelHandle", "ModelInterpreter", "NativeInterpreter",
      "LiteRtInterpreter", "NativeDelegate", "GpuDelegate", "PluginDelegate", "XnnpackDelegate", "RuntimeFactory");

  @Test
  void withMethodsReturnACopyAndLeaveTheOriginal() {
    LiteModel.Options defaults = LiteModel.Options.defaults();
    LiteModel.Options two = defaults.withThreads(2);
    assertNotSame(defaults, two);
    assertEquals(1, defaults.threads());
    assertEquals(2, two.threads());

    GpuDelegateAccelerator plain = Accelerator.gpuDelegate();
    GpuDelegateAccelerator opencl = plain.withBackend(Accelerator.GpuBackend.OPENCL);
    assertEquals(Accelerator.GpuBackend.AUTO, plain.backend());
    assertEquals(Accelerator.GpuBackend.OPENCL, opencl.backend());
    assertEquals(Accelerator.GpuBackend.OPENCL, opencl.withUsage(Accelerator.GpuUsage.BALANCED).backend());

    GpuAccelerator gpu = Accelerator.gpu();
    assertTrue(gpu.withCpuFallback(false).withSoftwareAdapter(true).softwareAdapter());
    assertTrue(gpu.cpuFallback());
    assertFalse(gpu.softwareAdapter());
    assertFalse(Accelerator.auto().withCpuFallback(false).gpuAccelerator().cpuFallback());
    assertTrue(Accelerator.auto().gpuAccelerator().cpuFallback());
  }

  @Test
  void equalSettingsAreEqualWhateverOrderTheyWereSetIn() {
    Accelerator.GpuUsage balanced = Accelerator.GpuUsage.BALANCED;
    LiteModel.Options one = LiteModel.Options.defaults().withThreads(4).withSignature("add")
        .withAccelerator(Accelerator.gpuDelegate().withUsage(balanced).withMaxDelegatedPartitions(2));
    LiteModel.Options other = LiteModel.Options.defaults()
        .withAccelerator(Accelerator.gpuDelegate().withMaxDelegatedPartitions(2).withUsage(balanced))
        .withSignature("add").withThreads(4);
    assertEquals(one, other);
    assertEquals(one.hashCode(), other.hashCode());
    assertNotEquals(one, other.withThreads(3));
    assertNotEquals(one, other.withAccelerator(Accelerator.gpuDelegate().withMaxDelegatedPartitions(2)));
    assertEquals(LiteModel.Options.defaults().withXnnpackForceFp16(true),
        LiteModel.Options.defaults().withXnnpackFlag(Accelerator.XnnpackFlag.FORCE_FP16, true));
    // Clearing a flag is a setting of its own: it also clears a flag the build sets by default.
    assertNotEquals(LiteModel.Options.defaults(), LiteModel.Options.defaults().withXnnpackForceFp16(false));
    // Same settings, different kinds: GPU and AUTO both have CPU fallback on, and are still different.
    assertNotEquals(Accelerator.gpu(), Accelerator.auto());
    assertEquals(Accelerator.plugin(Path.of("p.so"), Map.of("a", "1", "b", "2")),
        Accelerator.plugin(Path.of("p.so"), Map.of("b", "2", "a", "1")));
    assertNotEquals(Accelerator.plugin(Path.of("p.so")), Accelerator.plugin(Path.of("q.so")));
  }

  @Test
  void noSettingsTypeNamesWhatLoadingBuilds() {
    List<Class<?>> settings = new ArrayList<>(List.of(Settings.class, Accelerator.class, LiteModel.Options.class));
    settings.addAll(List.of(Accelerator.class.getPermittedSubclasses()));
    for (Class<?> type : settings) {
      Set<String> named = new HashSet<>(ClassReferences.of(type));
      named.retainAll(RUNTIME);
      assertEquals(Set.of(), named, type.getSimpleName() + " names part of a runtime");
    }
    for (Class<?> type : Accelerator.class.getPermittedSubclasses()) {
      assertFalse(ClassReferences.of(type).contains("LiteModel"), type.getSimpleName() + " names LiteModel");
    }
  }

  @Test
  void optionsReadBackFromTheirText() {
    LiteModel.Options options = LiteModel.Options.defaults().withThreads(2)
        .withAccelerator(Accelerator.plugin(Path.of("/x/a,b.so"), Map.of("k", "v\\,w")));
    assertEquals("", LiteModel.Options.defaults().toText());
    assertEquals(LiteModel.Options.defaults(), LiteModel.Options.parse(""));
    assertEquals(options, LiteModel.Options.parse(options.toText()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LiteModel.Options.parse("threads=0"));
    assertEquals("option threads=0: threads must be >= 1, got 0", e.getMessage());
  }
}
