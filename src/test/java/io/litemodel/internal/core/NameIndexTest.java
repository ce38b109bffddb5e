package io.litemodel.internal.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Names to positions and back, as {@code run(Map)} and {@code inputIndex} use them. */
class NameIndexTest {

  @Test
  void namesAndTensorNamesAddressTheirTensor() {
    NameIndex index = new NameIndex("input", new String[] {"x", "y"}, new String[] {"serving_x:0", "serving_y:0"});
    assertEquals(0, index.indexOf("x"));
    assertEquals(1, index.indexOf("y"));
    assertEquals(0, index.indexOf("serving_x:0"));
    assertEquals(1, index.indexOf("serving_y:0"));
  }

  @Test
  void aTensorNameNeverShadowsAnotherTensorsName() {
    // Tensor 1's tensor name is tensor 0's name: the name wins, and the message lists only the tensor names in use.
    NameIndex index = new NameIndex("output", new String[] {"a", "b"}, new String[] {"a", "a"});
    assertEquals(0, index.indexOf("a"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> index.indexOf("c"));
    assertEquals("no output named 'c'; the outputs are [a, b]", e.getMessage());
  }

  @Test
  void unknownNamesListTheKnownOnes() {
    NameIndex plain = new NameIndex("input", new String[] {"input"}, null);
    assertEquals("no input named 'features'; the inputs are [input]",
        assertThrows(IllegalArgumentException.class, () -> plain.indexOf("features")).getMessage());
    NameIndex withTensorNames = new NameIndex("input", new String[] {"x"}, new String[] {"serving_x:0"});
    assertEquals("no input named 'z'; the inputs are [x] (by tensor name [serving_x:0])",
        assertThrows(IllegalArgumentException.class, () -> withTensorNames.indexOf("z")).getMessage());
  }

  @Test
  void orderPutsNamedArraysInTensorOrder() {
    NameIndex index = new NameIndex("input", new String[] {"features", "context"}, null);
    float[] features = new float[16];
    float[] context = new float[4];
    Map<String, float[]> named = new LinkedHashMap<>();
    named.put("context", context);
    named.put("features", features);
    float[][] ordered = index.order(named);
    assertEquals(2, ordered.length);
    assertSame(features, ordered[0]);
    assertSame(context, ordered[1]);
  }

  @Test
  void orderRefusesMissingAndUnknownInputs() {
    NameIndex index = new NameIndex("input", new String[] {"features", "context"}, null);
    assertEquals("missing input 'context'; given [features]", assertThrows(IllegalArgumentException.class,
        () -> index.order(Map.of("features", new float[16]))).getMessage());
    assertEquals("no input named 'nope'; the inputs are [features, context]", assertThrows(
        IllegalArgumentException.class, () -> index.order(Map.of("nope", new float[1]))).getMessage());
  }

  @Test
  void nameKeepsTensorOrder() {
    NameIndex index = new NameIndex("output", new String[] {"z", "a", "m"}, null);
    float[][] values = {{1f}, {2f}, {3f}};
    Map<String, float[]> named = index.name(values);
    assertEquals(List.of("z", "a", "m"), List.copyOf(named.keySet()));
    assertArrayEquals(new float[] {2f}, named.get("a"));
    assertSame(values[2], named.get("m"));
  }
}
