package io.litemodel.internal.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.litemodel.LiteModel;
import io.litemodel.ReferenceModels;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Operator names against the flatbuffer schema's BuiltinOperator codes, and against a real model's plan. */
class BuiltinOperatorsTest {

  @Test
  void codesMatchTheSchema() {
    assertEquals("ADD", BuiltinOperators.name(0));
    assertEquals("CONV_2D", BuiltinOperators.name(3));
    assertEquals("DEPTHWISE_CONV_2D", BuiltinOperators.name(4));
    assertEquals("FULLY_CONNECTED", BuiltinOperators.name(9));
    assertEquals("RELU6", BuiltinOperators.name(21));
    assertEquals("RESHAPE", BuiltinOperators.name(22));
    assertEquals("SOFTMAX", BuiltinOperators.name(25));
    assertEquals("TANH", BuiltinOperators.name(28));
    assertEquals("PAD", BuiltinOperators.name(34));
    assertEquals("MEAN", BuiltinOperators.name(40));
    assertEquals("DELEGATE", BuiltinOperators.name(51));
    assertEquals("ELU", BuiltinOperators.name(111));
    assertEquals("HARD_SWISH", BuiltinOperators.name(117));
    assertEquals("BATCH_MATMUL", BuiltinOperators.name(126));
    assertEquals("GELU", BuiltinOperators.name(150));
    assertEquals("BUILTIN_9999", BuiltinOperators.name(9999));
  }

  @Test
  void everyOperatorOfTheImageModelHasAName() {
    try (LiteModel model = LiteModel.load(ReferenceModels.model("image_cnn"),
        LiteModel.Options.defaults().withXnnpack(false))) {
      List<String> operators = model.executionReport().cpuOperators();
      assertFalse(operators.isEmpty());
      for (String name : operators) {
        assertFalse(name.startsWith("BUILTIN_"), name);
      }
      assertEquals("CONV_2D", operators.get(0));
    }
  }
}
