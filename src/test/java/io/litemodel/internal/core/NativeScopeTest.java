package io.litemodel.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/** The ownership primitive: release exactly once, last created first, also after a failed construction. */
class NativeScopeTest {
  private final List<String> released = new ArrayList<>();

  @Test
  void releasesEachOnceChildrenBeforeParents() {
    NativeScope scope = new NativeScope();
    assertEquals("parent", scope.own("parent", released::add));
    scope.own("child", released::add);
    scope.own("grandchild", released::add);
    assertFalse(scope.isClosed());
    scope.close();
    scope.close();
    assertTrue(scope.isClosed());
    assertEquals(List.of("grandchild", "child", "parent"), released);
  }

  @Test
  void nothingToFreeIsNotOwned() {
    NativeScope scope = new NativeScope();
    assertEquals(null, scope.<String>own(null, released::add));
    Pointer nullPointer = new Pointer((Pointer) null);
    assertSame(nullPointer, scope.own(nullPointer, p -> released.add("null pointer")));
    scope.close();
    assertEquals(List.of(), released);
  }

  @Test
  void aFailedConstructionFreesWhatWasBuiltAndKeepsItsCause() {
    NativeScope scope = new NativeScope();
    scope.own("sink", released::add);
    scope.own("model", m -> {
      released.add(m);
      throw new IllegalStateException("release failed");
    });
    IllegalArgumentException cause = new IllegalArgumentException("verification failed");
    scope.closeAfter(cause);
    assertEquals(List.of("model", "sink"), released, "a failing release does not stop the others");
    assertEquals("release failed", cause.getSuppressed()[0].getMessage());
  }

  @Test
  void ownAfterCloseFreesAtOnceAndFails() {
    NativeScope scope = new NativeScope();
    scope.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> scope.own("late", released::add));
    assertEquals("native scope already closed", e.getMessage());
    assertEquals(List.of("late"), released);
  }

  @Test
  void aSlotFreesTheReplacedObjectAndKeepsItsPlaceInTheOrder() {
    NativeScope scope = new NativeScope();
    scope.own("model reference", released::add);
    NativeScope.Slot<String> parts = scope.slot(released::add);
    parts.replace("parts 1");
    assertEquals(List.of(), released);
    assertEquals("parts 2", parts.replace("parts 2"));
    assertEquals(List.of("parts 1"), released);
    scope.own("later", released::add);
    scope.close();
    assertEquals(List.of("parts 1", "later", "parts 2", "model reference"), released);
    assertEquals(null, parts.get());
  }
}
